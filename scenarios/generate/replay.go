package generate

import (
	"fmt"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
)

// ReplayStep generates the events of one attack step again, shifted so that its first event
// happens at at: same actor, addresses and actions, new ids and correlation ids drawn from a
// stream named by nonce (so two replays differ and one replay is reproducible). Rows carry the
// step id. The simulator uses it for `soclab attack replay STEP`; the rows are not clipped to
// the scenario's time range.
func ReplayStep(s *scenario.Scenario, cast *Cast, stepID string, at time.Time, nonce string) (*Telemetry, error) {
	var step *scenario.Step
	for i := range s.Attack.Steps {
		if s.Attack.Steps[i].ID == stepID {
			step = &s.Attack.Steps[i]
		}
	}
	if step == nil {
		return nil, fmt.Errorf("generate: the scenario has no attack step %q", stepID)
	}
	g, err := newGen(s, cast)
	if err != nil {
		return nil, err
	}
	first := time.Time{}
	for _, e := range step.Events {
		if first.IsZero() || e.At.Before(first) {
			first = e.At
		}
	}
	shift := at.Sub(first)
	f := newFaker(g.p.Seed, "replay", step.ID, nonce)
	var b batch
	for i := range step.Events {
		e := step.Events[i] // a copy: the scenario stays untouched
		e.At = e.At.Add(shift)
		g.runEvent(&b, f, &e, RowMeta{Step: step.ID}, true)
	}
	t := &Telemetry{Params: cast.Params, Start: at, End: at, tables: map[string]*Table{}}
	for ti, tb := range g.tables {
		out := *tb
		out.Rows, out.Meta = nil, nil
		for _, e := range b.rows[ti] {
			out.Rows = append(out.Rows, e.vals)
			out.Meta = append(out.Meta, e.meta)
			if e.meta.Time.After(t.End) {
				t.End = e.meta.Time
			}
		}
		t.tables[tb.Name] = &out
	}
	return t, nil
}
