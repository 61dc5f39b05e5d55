package logs

import (
	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/simulator"
)

// NOTE for the merge: the identity helper's branch adds this file too, with these two functions
// (the same code) and Entra; keep that version.

// Cast returns the tenant's directory as the telemetry resolves it (users with their object ids,
// groups, roles): the simulator's Entra ID directory is built on it.
func (e *Engine) Cast(tenantID string) (*generate.Cast, error) {
	t, err := e.world.TenantByID(tenantID)
	if err != nil {
		return nil, err
	}
	tc, err := e.cache(t)
	if err != nil {
		return nil, err
	}
	return tc.cast, nil
}

// LaunchState reads, in the caller's transaction, whether the tenant's attack is launched and
// at which tenant time: the directory shows the attack's effects only after the launch.
func LaunchState(tx *simulator.TenantTx) (AttackState, error) { return readAttack(tx) }
