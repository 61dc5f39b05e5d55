package logs

import (
	"github.com/soclab/soclab/simulator/kql"
)

// ScenarioData is a tenant's generated telemetry as a judge of analytics rules sees it: every
// workspace table in its Log Analytics shape with every generated row, unrouted (no diagnostic
// setting, fault, ingestion delay or launch matters) and in event-time order. All holds the
// attack's rows and the background; Background only the background (benign) rows.
type ScenarioData struct {
	All, Background kql.MapDatabase
}

// ScenarioData returns the tenant's generated telemetry (generated once per tenant and shared
// with the routing views). The grader runs learners' rule queries over it.
func (e *Engine) ScenarioData(tenantID string) (*ScenarioData, error) {
	t, err := e.world.TenantByID(tenantID)
	if err != nil {
		return nil, err
	}
	tc, err := e.cache(t)
	if err != nil {
		return nil, err
	}
	canon, err := tc.shared.scenarioData(e.cats)
	if err != nil {
		return nil, err
	}
	d := &ScenarioData{All: kql.MapDatabase{}, Background: kql.MapDatabase{}}
	for name, x := range canon {
		d.All[name], _ = tc.rebase.apply(x.all, x.allPlan, nil)
		d.Background[name], _ = tc.rebase.apply(x.background, x.backgroundPlan, nil)
	}
	return d, nil
}
