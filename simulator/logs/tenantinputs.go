package logs

import (
	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/simulator"
)

// Cast is the tenant's resolved cast (users with their object ids, devices, places), the same
// the tenant's telemetry is generated with (resolved again: cheap, and no telemetry is generated).
func (e *Engine) Cast(tenantID string) (*generate.Cast, error) {
	t, err := e.world.TenantByID(tenantID)
	if err != nil {
		return nil, err
	}
	return generate.ResolveCast(e.scen, e.params(t))
}

// LaunchState reads the tenant's attack state inside the caller's transaction (whether and when the
// attack was launched).
func LaunchState(tx *simulator.TenantTx) (AttackState, error) { return readAttack(tx) }
