package main

import (
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/containment"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/logs"
)

// newContainment builds the engine that plays the attacker's return. It is the pipeline's first stage
// (CONTRACTS §1: containment → detect → xdr → automation), so a rule run sees the return's rows.
// Its verdicts come from the identity plane: the tenant's directory as of each attempt.
func newContainment(le *logs.Engine) (*containment.Engine, error) {
	return containment.New(le, directoryVerdicts{identity.NewEvaluator(le.Scenario())})
}

// directoryVerdicts adapts simulator/identity's Evaluator to containment's Evaluator (the two
// packages declare the CONTRACTS §4 shapes each, so neither imports the other).
type directoryVerdicts struct {
	ev *identity.Evaluator
}

// Evaluate asks the directory as of a.At.
func (d directoryVerdicts) Evaluate(tx *simulator.TenantTx, a containment.Attempt) (containment.Verdict, error) {
	v, err := d.ev.Evaluate(tx, identity.Attempt{UPN: a.UPN, IP: a.IP, At: a.At, Kind: identity.AttemptKind(a.Kind), CredentialTime: a.CredentialTime})
	if err != nil {
		return containment.Verdict{}, err
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
