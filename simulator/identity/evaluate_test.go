package identity

import (
	"reflect"
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/simulator"
)

const (
	alex     = "alex.johnson@contoso.com"
	attackIP = "185.220.101.45"
)

var (
	returnAt      = time.Date(2025, 1, 15, 13, 0, 0, 0, time.UTC)
	sessionIssued = time.Date(2025, 1, 15, 8, 32, 5, 0, time.UTC)  // the attacker's sign-in
	attackerPwd   = time.Date(2025, 1, 15, 8, 52, 15, 0, time.UTC) // the password it set
	phishedPwd    = time.Date(2025, 1, 15, 8, 30, 0, 0, time.UTC)  // before its change
)

func (f *fixture) evaluate(a Attempt) Verdict {
	f.t.Helper()
	var v Verdict
	err := f.world.View(f.tenant.ID, func(tx *simulator.TenantTx) error {
		var err error
		v, err = Evaluate(tx, a)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return v
}

// pre are the standing policies of a sign-in that failed before Conditional Access.
func pre(more ...string) []string {
	return append([]string{"notApplied:Mfa", "reportOnlyNotApplied:RequireCompliantDevice"}, more...)
}

// std are the standing policies' outcomes for the attacker: MFA (relayed, passes) and the
// report-only compliant-device policy for Windows/macOS (not applied to Linux).
func std(more ...string) []string {
	return append([]string{"success:Mfa", "reportOnlyNotApplied:RequireCompliantDevice"}, more...)
}

type outcome struct {
	code     int
	caStatus string
	policies []string // "result:controls"
}

func summary(v Verdict) outcome {
	o := outcome{code: v.ErrorCode, caStatus: v.ConditionalAccessStatus}
	for _, p := range v.AppliedPolicies {
		s := p.Result
		for _, c := range p.EnforcedGrantControls {
			s += ":" + c
		}
		o.policies = append(o.policies, s)
	}
	return o
}

// TestEvaluate: each containment measure alone and combined, before and after the attempt,
// report-only and disabled policies, a named location that misses the address.
func TestEvaluate(t *testing.T) {
	pwd := Attempt{UPN: alex, IP: attackIP, At: returnAt, Kind: Password, CredentialTime: attackerPwd}
	refresh := Attempt{UPN: alex, IP: attackIP, At: returnAt, Kind: RefreshToken, CredentialTime: sessionIssued}
	ok := outcome{caStatus: "success", policies: std()}
	cases := []struct {
		name     string
		setup    func(f *fixture)
		attempt  Attempt
		want     outcome
		noLaunch bool
	}{
		{name: "no containment: password", attempt: pwd, want: ok},
		{name: "no containment: refresh", attempt: refresh, want: ok},
		{name: "old password after the attacker's change", attempt: Attempt{UPN: alex, IP: attackIP, At: returnAt, Kind: Password, CredentialTime: phishedPwd}, want: outcome{code: 50126, caStatus: "notApplied", policies: pre()}},
		{name: "old password, attack not launched", noLaunch: true, attempt: Attempt{UPN: alex, IP: attackIP, At: returnAt, Kind: Password, CredentialTime: phishedPwd}, want: ok},
		{name: "revoked: refresh fails", setup: func(f *fixture) { f.at("11:00"); f.write(func(w *Writer) error { return w.RevokeSessions(alex) }) },
			attempt: refresh, want: outcome{code: 50173, caStatus: "notApplied", policies: pre()}},
		{name: "revoked: password still works", setup: func(f *fixture) { f.at("11:00"); f.write(func(w *Writer) error { return w.RevokeSessions(alex) }) },
			attempt: pwd, want: ok},
		{name: "revoked after the attempt", setup: func(f *fixture) { f.at("14:00"); f.write(func(w *Writer) error { return w.RevokeSessions(alex) }) },
			attempt: refresh, want: ok},
		{name: "disabled", setup: func(f *fixture) {
			f.at("11:00")
			f.write(func(w *Writer) error { return w.PatchUser(alex, map[string]any{"accountEnabled": false}) })
		}, attempt: pwd, want: outcome{code: 50057, caStatus: "notApplied", policies: pre()}},
		{name: "disabled then enabled again", setup: func(f *fixture) {
			f.at("11:00")
			f.write(func(w *Writer) error { return w.PatchUser(alex, map[string]any{"accountEnabled": false}) })
			f.at("12:00")
			f.write(func(w *Writer) error { return w.PatchUser(alex, map[string]any{"accountEnabled": true}) })
		}, attempt: pwd, want: ok},
		{name: "password reset: password fails", setup: func(f *fixture) {
			f.at("11:00")
			f.write(func(w *Writer) error {
				return w.PatchUser(alex, map[string]any{"passwordProfile": map[string]any{"password": "N3w-Secure-Passw0rd!", "forceChangePasswordNextSignIn": true}})
			})
		}, attempt: pwd, want: outcome{code: 50126, caStatus: "notApplied", policies: pre()}},
		{name: "password reset: refresh fails", setup: func(f *fixture) {
			f.at("11:00")
			f.write(func(w *Writer) error {
				return w.PatchUser(alex, map[string]any{"passwordProfile": map[string]any{"password": "N3w-Secure-Passw0rd!"}})
			})
		}, attempt: refresh, want: outcome{code: 50173, caStatus: "notApplied", policies: pre()}},
		{name: "CA block on the attack range", setup: func(f *fixture) {
			f.at("11:00")
			f.policy(blockPolicy("enabled", allUsers(), f.location("185.220.101.0/24")))
		}, attempt: pwd, want: outcome{code: 53003, caStatus: "failure", policies: std("failure:Block")}},
		{name: "CA block stops the refresh too", setup: func(f *fixture) {
			f.at("11:00")
			f.policy(blockPolicy("enabled", allUsers(), f.location("185.220.101.0/24")))
		}, attempt: refresh, want: outcome{code: 53003, caStatus: "failure", policies: std("failure:Block")}},
		{name: "CA block on 185.0.0.0/24 misses 185.220.101.45", setup: func(f *fixture) {
			f.at("11:00")
			f.policy(blockPolicy("enabled", allUsers(), f.location("185.0.0.0/24")))
		}, attempt: pwd, want: outcome{caStatus: "success", policies: std("notApplied:Block")}},
		{name: "CA block report-only", setup: func(f *fixture) {
			f.at("11:00")
			f.policy(blockPolicy("enabledForReportingButNotEnforced", allUsers(), f.location("185.220.101.0/24")))
		}, attempt: pwd, want: outcome{caStatus: "success", policies: std("reportOnlyFailure:Block")}},
		{name: "CA block disabled", setup: func(f *fixture) {
			f.at("11:00")
			f.policy(blockPolicy("disabled", allUsers(), f.location("185.220.101.0/24")))
		}, attempt: pwd, want: outcome{caStatus: "success", policies: std("notEnabled:Block")}},
		{name: "CA block created after the attempt", setup: func(f *fixture) {
			f.at("14:00")
			f.policy(blockPolicy("enabled", allUsers(), f.location("185.220.101.0/24")))
		}, attempt: pwd, want: ok},
		{name: "CA block excluding alex", setup: func(f *fixture) {
			f.at("11:00")
			f.policy(blockPolicy("enabled", map[string]any{"includeUsers": []any{"All"}, "excludeUsers": []any{generate.UserObjectID(f.tenant.ID, alex)}}, f.location("185.220.101.0/24")))
		}, attempt: pwd, want: outcome{caStatus: "success", policies: std("notApplied:Block")}},
		{name: "CA block for the Finance-Analysts group", setup: func(f *fixture) {
			f.at("11:00")
			f.policy(blockPolicy("enabled", map[string]any{"includeGroups": []any{generate.GroupObjectID(f.tenant.ID, "Finance-Analysts")}}, f.location("185.220.101.0/24")))
		}, attempt: pwd, want: outcome{code: 53003, caStatus: "failure", policies: std("failure:Block")}},
		{name: "CA block for User Administrators", setup: func(f *fixture) {
			f.at("11:00")
			f.policy(blockPolicy("enabled", map[string]any{"includeRoles": []any{"fe930be7-5e62-47db-91af-98c3a49a38b1"}}, "All"))
		}, attempt: pwd, want: outcome{code: 53003, caStatus: "failure", policies: std("failure:Block")}},
		{name: "CA block for Global Administrators misses alex", setup: func(f *fixture) {
			f.at("11:00")
			f.policy(blockPolicy("enabled", map[string]any{"includeRoles": []any{GlobalAdministratorTemplateID}}, "All"))
		}, attempt: pwd, want: outcome{caStatus: "success", policies: std("notApplied:Block")}},
		{name: "CA compliant device required", setup: func(f *fixture) {
			f.at("11:00")
			p := blockPolicy("enabled", allUsers(), "All")
			p["grantControls"] = map[string]any{"operator": "OR", "builtInControls": []any{"compliantDevice"}}
			f.policy(p)
		}, attempt: pwd, want: outcome{code: 53000, caStatus: "failure", policies: std("failure:RequireCompliantDevice")}},
		{name: "CA MFA: the relayed MFA passes", setup: func(f *fixture) {
			f.at("11:00")
			p := blockPolicy("enabled", allUsers(), "All")
			p["grantControls"] = map[string]any{"operator": "OR", "builtInControls": []any{"mfa"}}
			f.policy(p)
		}, attempt: pwd, want: outcome{caStatus: "success", policies: std("success:Mfa")}},
		{name: "revoked and blocked: refresh fails on the grant first", setup: func(f *fixture) {
			f.at("11:00")
			f.write(func(w *Writer) error { return w.RevokeSessions(alex) })
			f.policy(blockPolicy("enabled", allUsers(), f.location("185.220.101.0/24")))
		}, attempt: refresh, want: outcome{code: 50173, caStatus: "notApplied", policies: pre("notApplied:Block")}},
		{name: "revoked and blocked: password blocked by CA", setup: func(f *fixture) {
			f.at("11:00")
			f.write(func(w *Writer) error { return w.RevokeSessions(alex) })
			f.policy(blockPolicy("enabled", allUsers(), f.location("185.220.101.0/24")))
		}, attempt: pwd, want: outcome{code: 53003, caStatus: "failure", policies: std("failure:Block")}},
		{name: "CA on a country location RO", setup: func(f *fixture) {
			f.at("11:00")
			id := simulator.NewGUID()
			f.write(func(w *Writer) error {
				loc, err := NormalizeLocation(map[string]any{"@odata.type": countryLocationType, "displayName": "Romania", "countriesAndRegions": []any{"RO"}}, nil, w.tx.Now())
				if err != nil {
					return err
				}
				loc["id"] = id
				w.PutLocation(loc, nil)
				return nil
			})
			f.policy(blockPolicy("enabled", allUsers(), id))
		}, attempt: pwd, want: outcome{code: 53003, caStatus: "failure", policies: std("failure:Block")}},
		{name: "user deleted", setup: func(f *fixture) { f.at("11:00"); f.write(func(w *Writer) error { return w.DeleteUser(alex) }) },
			attempt: pwd, want: outcome{code: 50034, caStatus: "notApplied", policies: pre()}},
		{name: "spray guess", attempt: Attempt{UPN: "maria.garcia@contoso.com", IP: "185.220.101.23", At: returnAt, Kind: Password}, want: outcome{code: 50126, caStatus: "notApplied", policies: pre()}},
		{name: "spray guess, not launched", noLaunch: true, attempt: Attempt{UPN: "lisa.wong@contoso.com", IP: "185.220.101.89", At: returnAt, Kind: Password}, want: outcome{code: 50126, caStatus: "notApplied", policies: pre()}},
		{name: "an untouched account with its password", attempt: Attempt{UPN: "maria.garcia@contoso.com", IP: "185.220.101.23", At: returnAt, Kind: Password, CredentialTime: phishedPwd}, want: ok},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			if !c.noLaunch {
				f.launch()
			}
			if c.setup != nil {
				c.setup(f)
			}
			v := f.evaluate(c.attempt)
			var same Verdict
			if err := f.world.View(f.tenant.ID, func(tx *simulator.TenantTx) error {
				var err error
				same, err = f.svc.Evaluator().Evaluate(tx, c.attempt)
				return err
			}); err != nil || !reflect.DeepEqual(same, v) {
				t.Errorf("Evaluator disagrees with Evaluate: %+v vs %+v (%v)", same, v, err)
			}
			if got := summary(v); !reflect.DeepEqual(got, c.want) {
				t.Errorf("verdict %+v\nwant %+v", got, c.want)
			}
			if v.ErrorCode != 0 && v.FailureReason == "" {
				t.Errorf("code %d has no failure reason", v.ErrorCode)
			}
		})
	}
}
