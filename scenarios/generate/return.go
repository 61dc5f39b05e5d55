package generate

import (
	"fmt"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
)

// Outcome is what the directory decided for one sign-in of the attacker's return.
type Outcome struct {
	// Result is Entra's error code (0: signed in).
	Result int
	// FailureReason is the text of the code ("" takes the catalog's, scenario.SignInErrors).
	FailureReason string
	// CAStatus is the ConditionalAccessStatus: success, failure or notApplied.
	CAStatus string
	// Policies are the Conditional Access policies as ConditionalAccessPolicies lists them
	// (objects with id, displayName, enforcedGrantControls, enforcedSessionControls, result);
	// nil lists the tenant's standing policies with CAStatus as their result, as the
	// generated sign-ins do.
	Policies []any
}

func (o *Outcome) reason(code int) string {
	if o.FailureReason != "" || code == 0 {
		return o.FailureReason
	}
	return scenario.SignInErrors[code]
}

// ReturnSignIn is one sign-in of the attacker's return with its outcome.
type ReturnSignIn struct {
	At time.Time
	// User is the account's UPN local part; IP the address; App the application's name.
	User, IP, App string
	// Interactive is false for a refresh-token sign-in (AADNonInteractiveUserSignInLogs).
	Interactive bool
	// Risk and RiskEvents are Entra ID Protection's verdict on the sign-in.
	Risk       string
	RiskEvents []string
	Outcome    Outcome
}

// ReturnRows generates the attacker's return as the directory decided it: each sign-in in every
// table that records it (SigninLogs or AADNonInteractiveUserSignInLogs, AADSignInEventsBeta,
// IdentityLogonEvents), with its outcome's codes, and the follow-up events (pass none when the
// attacker did not get in). Ids come from a stream named by nonce; rows carry the return's id
// as their step and are sorted by time.
func ReturnRows(s *scenario.Scenario, cast *Cast, signIns []ReturnSignIn, followUp []scenario.Event, nonce string) (*Telemetry, error) {
	if s.Attack.Return == nil {
		return nil, fmt.Errorf("generate: scenario %s has no attacker's return", s.Name)
	}
	g, err := newGen(s, cast)
	if err != nil {
		return nil, err
	}
	meta := RowMeta{Step: s.Attack.Return.ID}
	for _, si := range signIns {
		if _, ok := g.apps[si.App]; !ok {
			return nil, fmt.Errorf("generate: return sign-in: unknown app %q", si.App)
		}
		if _, ok := cast.User(si.User + "@" + g.p.TenantDomain); !ok {
			return nil, fmt.Errorf("generate: return sign-in: unknown user %q", si.User)
		}
		if _, ok := cast.PlaceOf(si.IP); !ok {
			return nil, fmt.Errorf("generate: return sign-in: %s lies in no place", si.IP)
		}
	}
	stream := func(b *batch) {
		if len(signIns) > 0 {
			// The attack's own sign-ins first, so UEBA has learned them as the full telemetry's
			// pass has (dropped from the output below).
			fb := newFaker(g.p.Seed, "return-baseline", nonce)
			for _, st := range s.Attack.Steps {
				for i := range st.Events {
					if e := st.Events[i]; e.Kind == scenario.EventSignIn {
						g.runEvent(b, fb, &e, RowMeta{Step: st.ID}, true)
					}
				}
			}
		}
		f := newFaker(g.p.Seed, "return", nonce)
		for _, si := range signIns {
			a := g.actorFor(f, si.User+"@"+g.p.TenantDomain, si.IP, true)
			o := si.Outcome
			session := ""
			if !si.Interactive && si.User == s.Attack.Victim {
				session = g.attackerSession() // the stolen session's refresh token
			}
			g.emitSignIn(b, f, signIn{at: si.At, user: a.user, app: g.apps[si.App], place: a.place, ip: a.ip,
				device: a.device, interactive: si.Interactive, result: o.Result, risk: si.Risk, riskEvents: si.RiskEvents,
				mfa: si.Interactive && o.Result == 0, meta: meta, outcome: &o, session: session})
		}
		for i := range followUp {
			e := followUp[i]
			g.runEvent(b, f, &e, meta, true)
		}
	}
	t := g.run([]func(*batch){stream}, time.Time{}, time.Unix(1<<40, 0))
	g.behaviorAnalytics(t)
	for _, tb := range t.tables {
		keepStep(tb, meta.Step)
	}
	t.Start, t.End = time.Time{}, time.Time{}
	for _, tb := range t.tables {
		if n := len(tb.Meta); n > 0 {
			if t.Start.IsZero() || tb.Meta[0].Time.Before(t.Start) {
				t.Start = tb.Meta[0].Time
			}
			if tb.Meta[n-1].Time.After(t.End) {
				t.End = tb.Meta[n-1].Time
			}
		}
	}
	return t, nil
}

// keepStep drops the rows of other steps from a table.
func keepStep(tb *Table, step string) {
	n := 0
	for i := range tb.Rows {
		if tb.Meta[i].Step == step {
			tb.Rows[n], tb.Meta[n] = tb.Rows[i], tb.Meta[i]
			n++
		}
	}
	tb.Rows, tb.Meta = tb.Rows[:n], tb.Meta[:n]
}
