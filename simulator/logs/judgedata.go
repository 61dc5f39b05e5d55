package logs

import (
	"strings"

	"fmt"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/simulator/kql"
)

// CanonicalScenarioData is the scenario data of the engine's shared telemetry, with the
// scenario's default tenant and subscription ids (no tenant's): what a grader judges a rule
// query over once for every tenant whose query names none of its own ids.
func (e *Engine) CanonicalScenarioData() (*ScenarioData, error) {
	sb, err := e.base()
	if err != nil {
		return nil, err
	}
	canon, err := sb.scenarioData(e.cats)
	if err != nil {
		return nil, err
	}
	d := &ScenarioData{All: kql.MapDatabase{}, Background: kql.MapDatabase{}}
	for name, x := range canon {
		d.All[name], d.Background[name] = x.all, x.background
	}
	return d, nil
}

// CanonicalCast is the cast of the shared telemetry (the scenario's default ids), for
// generating more attack rows that line up with CanonicalScenarioData.
func (e *Engine) CanonicalCast() (*generate.Cast, error) {
	cast, err := generate.ResolveCast(e.scen, e.canonicalParams())
	if err != nil {
		return nil, fmt.Errorf("logs: canonical cast: %w", err)
	}
	return cast, nil
}

// WorkspaceTables shapes generated telemetry (an attack variant, say) as the workspace's
// tables, in event-time order, unrouted; tables a workspace does not have are left out.
func (e *Engine) WorkspaceTables(tel *generate.Telemetry) (kql.MapDatabase, error) {
	g, err := columnar(tel)
	if err != nil {
		return nil, fmt.Errorf("logs: workspace tables: %w", err)
	}
	out := kql.MapDatabase{}
	for name, rs := range g.tables {
		cols, ok := e.cats.workspace[name]
		if !ok {
			continue
		}
		out[name] = shape(rs.eventOrdered(), cols, nil)
	}
	return out, nil
}

// CanonicalText rewrites text (a learner's rule query) from the tenant's ids to the canonical
// ones of CanonicalScenarioData: judging the rewritten query over the canonical data is judging
// the tenant's query over the tenant's own data (the tenant's telemetry is the canonical one
// with its ids substituted), so tenants with the same query share one verdict.
func (e *Engine) CanonicalText(tenantID, text string) (string, error) {
	t, err := e.world.TenantByID(tenantID)
	if err != nil {
		return "", err
	}
	tc, err := e.cache(t)
	if err != nil {
		return "", err
	}
	if tc.rebase.identity {
		return text, nil
	}
	var pairs []string
	for i, tok := range tc.rebase.to {
		if canon := tc.shared.tokens[i]; tok != canon && tok != "" && strings.Contains(text, tok) {
			pairs = append(pairs, tok, canon)
		}
	}
	if len(pairs) == 0 {
		return text, nil
	}
	return strings.NewReplacer(pairs...).Replace(text), nil
}
