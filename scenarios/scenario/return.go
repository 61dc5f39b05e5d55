package scenario

import "time"

// Return is the attacker's comeback a few hours after the attack window, the same day. Unlike a
// step its outcome is not written down: the simulator decides each attempt from the tenant's
// directory at that lab time (revoked sessions, Conditional Access, a disabled account, a reset
// password) and plays FollowUp only if the victim's account let the attacker back in.
type Return struct {
	ID        string `yaml:"id"`
	Title     string `yaml:"title"`
	Technique string `yaml:"technique"`
	Tactic    string `yaml:"tactic"`
	// Attempts are the sign-ins the attacker tries, in time order.
	Attempts []Attempt `yaml:"attempts"`
	// FollowUp is what the attacker does once back in (absolute times after every attempt of the
	// victim); nothing of it happens when all of the victim's attempts fail.
	FollowUp []Event `yaml:"followUp"`
}

// Attempt kinds.
const (
	// AttemptSession reuses the refresh token of the attacker's session (a non-interactive sign-in).
	AttemptSession = "session"
	// AttemptPassword is an interactive sign-in with the password the attacker knows.
	AttemptPassword = "password"
	// AttemptSpray tries guessed passwords against other accounts, one interactive sign-in per
	// (ip, user) pair.
	AttemptSpray = "spray"
)

// Attempt is one sign-in (or, for a spray, a burst of them) of the attacker's return.
type Attempt struct {
	Kind string    `yaml:"kind"`
	At   time.Time `yaml:"at"`
	// User is the account tried (session, password); Users and IPs are a spray's targets and
	// sources; IP is the address of a session or password attempt.
	User  string   `yaml:"user"`
	IP    string   `yaml:"ip"`
	Users []string `yaml:"users"`
	IPs   []string `yaml:"ips"`
	// App is the application signed in to.
	App string `yaml:"app"`
	// Credential names the attack step as of which the credential is valid: for a session, the
	// step at which the session's tokens were last issued; for a password, the step that set it.
	// A spray's guesses were never anyone's password (no credential).
	Credential string `yaml:"credential"`
	// Risk and RiskEventTypes are what Entra ID Protection says of the sign-ins.
	Risk           string   `yaml:"risk"`
	RiskEventTypes []string `yaml:"riskEventTypes"`
	// Every spaces a spray's sign-ins (a Go duration).
	Every string `yaml:"every"`

	// Interval is Every parsed.
	Interval time.Duration `yaml:"-"`
}

// Tries is how many sign-ins the attempt is: one per (ip, user) pair for a spray, else one.
func (a *Attempt) Tries() int {
	if a.Kind == AttemptSpray {
		return max(len(a.IPs)*len(a.Users), 1)
	}
	return 1
}

// Last is the time of the attempt's last sign-in.
func (a *Attempt) Last() time.Time {
	return a.At.Add(time.Duration(a.Tries()-1) * a.Interval)
}

// First is the time of the return's first attempt (zero when there is none).
func (r *Return) First() time.Time {
	var first time.Time
	for _, a := range r.Attempts {
		if first.IsZero() || a.At.Before(first) {
			first = a.At
		}
	}
	return first
}

// CredentialTime is when the credential an attempt uses became valid: the first successful
// sign-in of the named step, else its first event (a password change). Zero for a spray.
func (s *Scenario) CredentialTime(a *Attempt) time.Time {
	st, ok := s.Step(a.Credential)
	if !ok {
		return time.Time{}
	}
	var first time.Time
	for _, e := range st.Events {
		if e.Kind == EventSignIn && e.Result == 0 {
			return e.At
		}
		if first.IsZero() || e.At.Before(first) {
			first = e.At
		}
	}
	return first
}
