package logs

import (
	"fmt"

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
	d := &ScenarioData{All: kql.MapDatabase{}, Background: kql.MapDatabase{}}
	tc.mu.Lock() // views may re-point the generated tables (adoptView)
	defer tc.mu.Unlock()
	for name, rs := range tc.base.tables {
		cols, ok := e.cats.workspace[name]
		if !ok {
			continue // Defender-only tables are not in a workspace
		}
		idx := make([]int32, 0, len(rs.attack))
		for i, a := range rs.attack {
			if !a {
				idx = append(idx, int32(i))
			}
		}
		ordered := rs.eventOrdered()
		all := shape(ordered, cols, nil)
		if all.N != len(rs.attack) {
			return nil, fmt.Errorf("logs: scenario data: table %s has %d rows for %d flags", name, all.N, len(rs.attack))
		}
		d.All[name] = all
		d.Background[name] = shape(ordered.Gather(idx), cols, nil)
	}
	return d, nil
}
