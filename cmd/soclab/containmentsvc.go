package main

import (
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/containment"
	"github.com/soclab/soclab/simulator/logs"
)

// newContainment builds the engine that plays the attacker's return. It is the pipeline's first stage
// (CONTRACTS §1: containment → detect → xdr → automation), so a rule run sees the return's rows.
func newContainment(le *logs.Engine) (*containment.Engine, error) {
	return containment.New(le, openDirectory{})
}

// openDirectory stands in for the identity plane until simulator/identity lands: nothing can be
// contained, so every attempt with a real credential signs in and a spray's guess (no
// credential) fails with 50126. The lead replaces it with an adapter over identity.Evaluate.
type openDirectory struct{}

// Evaluate signs the attacker in unless the password is a guess.
func (openDirectory) Evaluate(_ *simulator.TenantTx, a containment.Attempt) (containment.Verdict, error) {
	if a.Kind == containment.Password && a.CredentialTime.IsZero() {
		return containment.Verdict{ErrorCode: 50126, ConditionalAccessStatus: "notApplied"}, nil
	}
	return containment.Verdict{}, nil
}
