package main

import (
	"fmt"

	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/containment"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/logs"
)

// newContainment builds the engine that plays the attacker's return, decided by the tenant's
// Entra ID directory. It is the pipeline's first stage (CONTRACTS §1: containment → detect →
// xdr → automation), so a rule run sees the return's rows.
func newContainment(le *logs.Engine) (*containment.Engine, error) {
	s := le.Scenario()
	return containment.New(le, directoryVerdicts{scen: s, dir: identity.NewEvaluator(s)})
}

// directoryVerdicts adapts the identity plane's Evaluator to containment's (CONTRACTS §4: the
// same shapes, declared in each package).
type directoryVerdicts struct {
	scen *scenario.Scenario
	dir  *identity.Evaluator
}

// Evaluate asks the directory as of the attempt's time. A password with no CredentialTime is a
// spray's guess, never the account's password: it fails with 50126 before anything else is
// looked at (a disabled account or a CA block answer only a correct password: 50057 and 53003
// tell a sprayer the password was right), unless the account does not exist (50034). When a
// sign-in fails before Conditional Access runs, the tenant's policies are listed unapplied, as
// Entra (and the generated sign-ins) list them.
func (d directoryVerdicts) Evaluate(tx *simulator.TenantTx, a containment.Attempt) (containment.Verdict, error) {
	v, err := d.dir.Evaluate(tx, identity.Attempt{UPN: a.UPN, IP: a.IP, At: a.At, Kind: identity.AttemptKind(a.Kind), CredentialTime: a.CredentialTime})
	if err != nil {
		return containment.Verdict{}, err
	}
	out := containment.Verdict{ErrorCode: v.ErrorCode, FailureReason: v.FailureReason, ConditionalAccessStatus: v.ConditionalAccessStatus}
	if a.Kind == containment.Password && a.CredentialTime.IsZero() && v.ErrorCode != identity.CodeUserNotFound {
		out = containment.Verdict{ErrorCode: identity.CodeBadPassword, ConditionalAccessStatus: "notApplied"}
	}
	if out.ErrorCode != 0 && out.ConditionalAccessStatus == "notApplied" {
		out.AppliedPolicies, err = d.unapplied(tx, a)
		return out, err
	}
	if v.AppliedPolicies != nil {
		out.AppliedPolicies = make([]containment.AppliedPolicy, len(v.AppliedPolicies))
		for i, p := range v.AppliedPolicies {
			out.AppliedPolicies[i] = containment.AppliedPolicy{ID: p.ID, DisplayName: p.DisplayName, Result: p.Result, EnforcedGrantControls: p.EnforcedGrantControls}
		}
	}
	return out, nil
}

// unapplied lists the tenant's Conditional Access policies as of the attempt, none applied.
func (d directoryVerdicts) unapplied(tx *simulator.TenantTx, a containment.Attempt) ([]containment.AppliedPolicy, error) {
	dir, err := identity.Load(tx, identity.NewBase(d.scen, nil, tx.Tenant()), a.At)
	if err != nil {
		return nil, fmt.Errorf("identity: policies as of %s: %w", a.At, err)
	}
	out := []containment.AppliedPolicy{}
	for _, p := range dir.Policies {
		r := "notApplied"
		switch p["state"] {
		case "disabled":
			r = "notEnabled"
		case "enabledForReportingButNotEnforced":
			r = "reportOnlyNotApplied"
		}
		id, _ := p["id"].(string)
		name, _ := p["displayName"].(string)
		out = append(out, containment.AppliedPolicy{ID: id, DisplayName: name, Result: r, EnforcedGrantControls: []string{}})
	}
	return out, nil
}
