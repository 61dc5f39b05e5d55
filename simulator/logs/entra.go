package logs

import (
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
)

// entraStreams are Entra ID's own logs: what Graph's auditLogs/signIns and directoryAudits
// read, whatever the tenant's diagnostic settings send to a workspace.
var entraStreams = []generate.Source{generate.SourceEntraSignIn, generate.SourceEntraNonInteractive, generate.SourceEntraAudit}

// Entra returns Entra ID's own log store of a tenant at virtual time at: SigninLogs,
// AADNonInteractiveUserSignInLogs and AuditLogs in their workspace shape with every generated,
// launched, replayed and appended row of the Entra sources ingested by at, independent of any
// diagnostic setting (Graph's auditLogs endpoints read it; Entra keeps them whether or not
// they are exported).
func (e *Engine) Entra(tenantID string, at time.Time) (kql.Database, error) {
	tc, st, err := e.prepare(tenantID)
	if err != nil {
		return nil, err
	}
	routes := routeSet{}
	for _, s := range entraStreams {
		routes.add(s, span{})
	}
	cat := engineCatalog{}
	for _, name := range []string{"SigninLogs", "AADNonInteractiveUserSignInLogs", "AuditLogs"} {
		cat[name] = e.cats.workspace[name]
	}
	// ws is nil, as for advanced hunting: no hunting table has these names, so the views'
	// cache keys never meet.
	return newDatabase(&database{tc: tc, st: st, at: at, cat: cat, routes: routes}), nil
}

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
