package xdr

import (
	"testing"
)

func TestLabCorrelation(t *testing.T) {
	runScenarios(t, []scenarioTest{{
		name:  "connector on, rules at 07:30, attack launched, clock at 10:30",
		steps: steps(labSetup, []step{launch, at("10:30")}),
		check: func(t *testing.T, f *fixture) {
			t.Log(f.defender())
			t.Log(f.sentinelIncidents(""))
		},
	}})
}
