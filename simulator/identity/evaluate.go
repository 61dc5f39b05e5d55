package identity

import (
	"fmt"
	"strings"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
)

// AttemptKind is how a sign-in attempt authenticates.
type AttemptKind string

// The kinds of attempt the attacker makes.
const (
	Password     AttemptKind = "password"
	RefreshToken AttemptKind = "refreshToken"
)

// Attempt is one sign-in try against the directory.
type Attempt struct {
	UPN  string    // account tried
	IP   string    // client address
	At   time.Time // lab time of the attempt
	Kind AttemptKind
	// CredentialTime: Password: when the password used was set; RefreshToken: when the
	// session was issued.
	CredentialTime time.Time
}

// AppliedPolicy is one Conditional Access policy's outcome for a sign-in (SigninLogs'
// ConditionalAccessPolicies / Graph's appliedConditionalAccessPolicies).
type AppliedPolicy struct {
	ID, DisplayName, Result string
	EnforcedGrantControls   []string
}

// Verdict is Entra's decision on an attempt.
type Verdict struct {
	ErrorCode               int    // 0 = signed in; else Entra's code
	FailureReason           string // Entra's text for the code (ResultDescription / status.failureReason)
	ConditionalAccessStatus string // success | failure | notApplied
	AppliedPolicies         []AppliedPolicy
}

// Entra's sign-in error codes the verdicts use (docs/entra-signin-errors.md).
const (
	CodeUserNotFound   = 50034
	CodeUserDisabled   = 50057
	CodeBadPassword    = 50126
	CodeGrantRevoked   = 50173
	CodeBlockedByCA    = 53003
	CodeDeviceNotValid = 53000
)

// failureReasons are the texts SigninLogs carries for the codes (the scenario's catalog where it
// has them, so the attacker's return reads like the rest of the telemetry).
func failureReason(code int) string {
	if s, ok := scenario.SignInErrors[code]; ok {
		return s
	}
	switch code {
	case CodeUserNotFound:
		return "User account does not exist in the directory. The user must be added to the tenant to sign in."
	case CodeDeviceNotValid:
		return "Device is not in required device state: compliant. Conditional Access policy requires a compliant device, and the device is not compliant. The user must enroll their device with an approved MDM provider like Intune."
	}
	return ""
}

// attackerApps are the client applications the attacker signs in to (Azure Portal, Azure CLI
// and the resource they reach, Windows Azure Service Management API): a policy scoped to
// specific applications applies when it names one of them.
var attackerApps = []string{"c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "04b07795-8ddb-461a-bbee-02f9e1bf7b46", "797f4846-ba00-4fd7-ba43-dac1f8f63013", "MicrosoftAdminPortals", "Office365"}

// Evaluate decides a sign-in attempt against the directory as it was at a.At: the account
// (deleted: 50034, disabled: 50057), the credential (a password set after the one used: 50126;
// a refresh token issued before the sessions were revoked or the password reset by an
// administrator: 50173), then Conditional Access (an enabled policy whose users, applications
// and locations match: block gives 53003, compliant/domain-joined device 53000; report-only
// policies are recorded, never enforced). The attacker's own self-service password change
// does not revoke its session. It reads the built-in scenario on every call (~20 ms); callers
// that decide many attempts use an Evaluator.
func Evaluate(tx *simulator.TenantTx, a Attempt) (Verdict, error) {
	s, err := scenario.LoadBuiltin("alex-johnson")
	if err != nil {
		return Verdict{}, fmt.Errorf("identity: evaluate: %w", err)
	}
	return NewEvaluator(s).Evaluate(tx, a)
}

// Evaluator decides attempts for one scenario (the package function Evaluate, without reading
// the scenario each time).
type Evaluator struct {
	scen *scenario.Scenario
}

// NewEvaluator returns the evaluator of scenario s (logs.Engine.Scenario gives the served one).
func NewEvaluator(s *scenario.Scenario) *Evaluator { return &Evaluator{scen: s} }

// Evaluate decides a against the transaction's tenant directory as of a.At.
func (e *Evaluator) Evaluate(tx *simulator.TenantTx, a Attempt) (Verdict, error) {
	d, err := Load(tx, NewBase(e.scen, nil, tx.Tenant()), a.At)
	if err != nil {
		return Verdict{}, fmt.Errorf("identity: evaluate: %w", err)
	}
	return d.Evaluate(a), nil
}

// Evaluate decides an attempt against this directory (see the package function).
func (d *Directory) Evaluate(a Attempt) Verdict {
	fail := func(code int) Verdict {
		return Verdict{ErrorCode: code, FailureReason: failureReason(code), ConditionalAccessStatus: "notApplied", AppliedPolicies: d.unevaluated()}
	}
	if a.Kind == Password && a.CredentialTime.IsZero() {
		// a guess (the spray): never the account's password
		return fail(CodeBadPassword)
	}
	u := d.UserByKey(a.UPN)
	if u == nil {
		if d.deleted(a.UPN) {
			return fail(CodeUserNotFound)
		}
		// an account of the generated cast: it exists and nothing was done to it
		u = &User{ID: generate.UserObjectID(d.TenantID, a.UPN), UserPrincipalName: a.UPN, AccountEnabled: true}
	}
	if !u.AccountEnabled {
		return fail(CodeUserDisabled)
	}
	switch a.Kind {
	case Password:
		for _, p := range u.passwordSets {
			if p.At.After(a.CredentialTime) && !p.At.After(a.At) {
				return fail(CodeBadPassword)
			}
		}
	case RefreshToken:
		if u.SignInSessionsValidFromDateTime.After(a.CredentialTime) && !u.SignInSessionsValidFromDateTime.After(a.At) {
			return fail(CodeGrantRevoked)
		}
	}
	return d.conditionalAccess(u, a)
}

// deleted tells whether a learner's write removed the account.
func (d *Directory) deleted(upn string) bool {
	return d.deletedIDs[strings.ToLower(generate.UserObjectID(d.TenantID, upn))]
}

// unevaluated lists every policy as a sign-in that failed before Conditional Access does (as
// the telemetry's failed sign-ins list the standing policies): notApplied, reportOnlyNotApplied
// for report-only ones, notEnabled for disabled ones.
func (d *Directory) unevaluated() []AppliedPolicy {
	out := []AppliedPolicy{}
	for _, p := range d.Policies {
		var controls []string
		if g, ok := p["grantControls"].(map[string]any); ok {
			controls = list(g["builtInControls"])
		}
		res := "notApplied"
		switch str(p["state"]) {
		case "disabled":
			res = "notEnabled"
		case "enabledForReportingButNotEnforced":
			res = "reportOnlyNotApplied"
		}
		out = append(out, AppliedPolicy{ID: str(p["id"]), DisplayName: str(p["displayName"]), Result: res, EnforcedGrantControls: controlNames(controls)})
	}
	return out
}

// conditionalAccess evaluates every policy for the attempt.
func (d *Directory) conditionalAccess(u *User, a Attempt) Verdict {
	v := Verdict{ConditionalAccessStatus: "notApplied", AppliedPolicies: []AppliedPolicy{}}
	blocked := 0
	for _, p := range d.Policies {
		var controls []string
		if g, ok := p["grantControls"].(map[string]any); ok {
			controls = list(g["builtInControls"])
		}
		ap := AppliedPolicy{ID: str(p["id"]), DisplayName: str(p["displayName"]), EnforcedGrantControls: controlNames(controls)}
		state := str(p["state"])
		applies := d.policyApplies(p, u, a)
		code := grantOutcome(controls)
		switch {
		case state == "disabled":
			ap.Result = "notEnabled"
		case !applies && state == "enabledForReportingButNotEnforced":
			ap.Result = "reportOnlyNotApplied"
		case !applies:
			ap.Result = "notApplied"
		case state == "enabledForReportingButNotEnforced":
			ap.Result = "reportOnlySuccess"
			if code != 0 {
				ap.Result = "reportOnlyFailure"
			}
		default:
			ap.Result = "success"
			if v.ConditionalAccessStatus == "notApplied" {
				v.ConditionalAccessStatus = "success"
			}
			if code != 0 {
				ap.Result = "failure"
				v.ConditionalAccessStatus = "failure"
				if blocked == 0 || code == CodeBlockedByCA {
					blocked = code
				}
			}
		}
		v.AppliedPolicies = append(v.AppliedPolicies, ap)
	}
	if blocked != 0 {
		v.ErrorCode, v.FailureReason = blocked, failureReason(blocked)
	}
	return v
}

// grantOutcome is the error a grant's controls give the attacker: block always fails; a
// compliant or domain-joined device fails (the attacker's Linux laptop is neither); MFA passes
// (the phishing kit relayed the victim's MFA, as at 08:31).
func grantOutcome(controls []string) int {
	for _, c := range controls {
		switch c {
		case "block":
			return CodeBlockedByCA
		case "compliantDevice", "domainJoinedDevice":
			return CodeDeviceNotValid
		}
	}
	return 0
}

// signInControlNames are the grant controls as SigninLogs' enforcedGrantControls names them.
var signInControlNames = map[string]string{"block": "Block", "mfa": "Mfa", "compliantDevice": "RequireCompliantDevice",
	"domainJoinedDevice": "RequireDomainJoinedDevice", "approvedApplication": "RequireApprovedApp",
	"compliantApplication": "RequireCompliantApp", "passwordChange": "RequirePasswordChange"}

// controlNames are the controls as SigninLogs names them ("Block", "Mfa", ...).
func controlNames(controls []string) []string {
	out := make([]string, 0, len(controls))
	for _, c := range controls {
		if n, ok := signInControlNames[c]; ok {
			out = append(out, n)
		}
	}
	return out
}

// policyApplies matches a policy's users, applications, locations and client apps.
func (d *Directory) policyApplies(p map[string]any, u *User, a Attempt) bool {
	cond, _ := p["conditions"].(map[string]any)
	users, _ := cond["users"].(map[string]any)
	roles := d.UserRoles(u.ID)
	inUsers := func(prefix string) bool {
		ids := list(users[prefix+"Users"])
		if oneOf("All", ids) || contains(ids, u.ID) {
			return true
		}
		for _, g := range list(users[prefix+"Groups"]) {
			if grp := d.Group(g); grp != nil && contains(grp.Members, u.ID) {
				return true
			}
		}
		for _, t := range list(users[prefix+"Roles"]) {
			for _, r := range roles {
				if strings.EqualFold(r.TemplateID, t) {
					return true
				}
			}
		}
		return false
	}
	if !inUsers("include") || inUsers("exclude") {
		return false
	}
	apps, _ := cond["applications"].(map[string]any)
	inc, exc := list(apps["includeApplications"]), list(apps["excludeApplications"])
	if !oneOf("All", inc) && !anyIn(attackerApps, inc) || anyIn(attackerApps, exc) {
		return false
	}
	if locs, ok := cond["locations"].(map[string]any); ok {
		if !d.inLocations(list(locs["includeLocations"]), a.IP, true) || d.inLocations(list(locs["excludeLocations"]), a.IP, false) {
			return false
		}
	}
	if pl, ok := cond["platforms"].(map[string]any); ok {
		inc := list(pl["includePlatforms"])
		if len(inc) > 0 && !oneOf("all", inc) && !oneOf("linux", inc) || oneOf("linux", list(pl["excludePlatforms"])) {
			return false // the attacker's browser runs on Linux
		}
	}
	apt := list(cond["clientAppTypes"])
	return len(apt) == 0 || oneOf("all", apt) || oneOf("browser", apt) || oneOf("mobileAppsAndDesktopClients", apt)
}

// inLocations tells whether ip is in one of the ids ("All", "AllTrusted" or named locations);
// an empty include list means any location.
func (d *Directory) inLocations(ids []string, ip string, emptyMeansAll bool) bool {
	if len(ids) == 0 {
		return emptyMeansAll
	}
	for _, id := range ids {
		switch id {
		case "All":
			return true
		case "AllTrusted":
			if d.trusted(ip) {
				return true
			}
		default:
			if l := d.Location(id); l != nil && d.locationContains(l, ip) {
				return true
			}
		}
	}
	return false
}

func anyIn(want, set []string) bool {
	for _, w := range want {
		if contains(set, w) {
			return true
		}
	}
	return false
}
