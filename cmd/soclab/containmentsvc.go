package main

import (
	"strings"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/containment"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/logs"
)

// newContainment builds the engine that plays the attacker's return, decided by the tenant's
// Entra ID directory. It is the pipeline's first stage (CONTRACTS §1: containment → detect →
// xdr → automation), so a rule run sees the return's rows.
func newContainment(le *logs.Engine) (*containment.Engine, error) {
	return containment.New(le, directoryVerdicts{identity.NewEvaluator(le.Scenario())})
}

// directoryVerdicts adapts the identity plane's Evaluator to containment's (CONTRACTS §4: the
// same shapes, declared in each package).
type directoryVerdicts struct{ dir *identity.Evaluator }

// Evaluate asks the directory as of the attempt's time. A password with no CredentialTime is a
// spray's guess, never the account's password: it fails with 50126 before anything else is
// looked at (a disabled account or a CA block answer only a correct password: 50057 and 53003
// tell a sprayer the password was right), unless the account does not exist (50034).
func (d directoryVerdicts) Evaluate(tx *simulator.TenantTx, a containment.Attempt) (containment.Verdict, error) {
	v, err := d.dir.Evaluate(tx, identity.Attempt{UPN: a.UPN, IP: a.IP, At: a.At, Kind: identity.AttemptKind(a.Kind), CredentialTime: a.CredentialTime})
	if err != nil {
		return containment.Verdict{}, err
	}
	if a.Kind == containment.Password && a.CredentialTime.IsZero() && v.ErrorCode != identity.CodeUserNotFound {
		// The first factor failed: Conditional Access never ran, its policies are listed unapplied.
		guess := containment.Verdict{ErrorCode: identity.CodeBadPassword, ConditionalAccessStatus: "notApplied", AppliedPolicies: []containment.AppliedPolicy{}}
		for _, p := range v.AppliedPolicies {
			r := "notApplied"
			switch {
			case p.Result == "notEnabled":
				r = p.Result
			case strings.HasPrefix(p.Result, "reportOnly"):
				r = "reportOnlyNotApplied"
			}
			guess.AppliedPolicies = append(guess.AppliedPolicies, containment.AppliedPolicy{ID: p.ID, DisplayName: p.DisplayName, Result: r, EnforcedGrantControls: []string{}})
		}
		return guess, nil
	}
	out := containment.Verdict{ErrorCode: v.ErrorCode, FailureReason: v.FailureReason, ConditionalAccessStatus: v.ConditionalAccessStatus}
	if v.AppliedPolicies != nil {
		out.AppliedPolicies = make([]containment.AppliedPolicy, len(v.AppliedPolicies))
		for i, p := range v.AppliedPolicies {
			out.AppliedPolicies[i] = containment.AppliedPolicy{ID: p.ID, DisplayName: p.DisplayName, Result: p.Result, EnforcedGrantControls: p.EnforcedGrantControls}
		}
	}
	return out, nil
}
