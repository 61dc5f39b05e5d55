package containment

import (
	"fmt"
	"sort"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
)

// item is one thing that happens once on the tenant clock: one sign-in try, or the follow-up.
type item struct {
	// Key names the item in the stored results ("session-0", "spray-2-7", "follow-up").
	Key string
	At  time.Time
	// attempt is nil for the follow-up.
	attempt *scenario.Attempt
	// user and ip are the try's account (UPN local part) and address.
	user, ip string
	// victim marks the victim's own attempts (their success lets the follow-up happen).
	victim bool
}

// followUpKey names the follow-up in the stored results.
const followUpKey = "follow-up"

// planOf lists the return's tries and its follow-up in time order (stable: the scenario's
// order breaks ties).
func planOf(s *scenario.Scenario) []item {
	r := s.Attack.Return
	if r == nil {
		return nil
	}
	var out []item
	for i := range r.Attempts {
		a := &r.Attempts[i]
		if a.Kind != scenario.AttemptSpray {
			out = append(out, item{Key: fmt.Sprintf("%s-%d", a.Kind, i), At: a.At, attempt: a, user: a.User, ip: a.IP,
				victim: a.User == s.Attack.Victim})
			continue
		}
		// One try per (ip, user) pair, addresses outer, as the attack's own spray goes.
		k := 0
		for _, ip := range a.IPs {
			for _, u := range a.Users {
				out = append(out, item{Key: fmt.Sprintf("%s-%d-%d", a.Kind, i, k), At: a.At.Add(time.Duration(k) * a.Interval),
					attempt: a, user: u, ip: ip})
				k++
			}
		}
	}
	if len(r.FollowUp) > 0 {
		first := r.FollowUp[0].At
		for _, e := range r.FollowUp {
			if e.At.Before(first) {
				first = e.At
			}
		}
		out = append(out, item{Key: followUpKey, At: first})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// attemptOf is what the evaluator is asked for a try.
func attemptOf(s *scenario.Scenario, it item, domain string) Attempt {
	kind := Password
	if it.attempt.Kind == scenario.AttemptSession {
		kind = RefreshToken
	}
	return Attempt{UPN: it.user + "@" + domain, IP: it.ip, At: it.At, Kind: kind, CredentialTime: s.CredentialTime(it.attempt)}
}
