package generate

import (
	"fmt"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
)

// ReplayStep generates the events of one attack step again, shifted so that its first event
// happens at at: same actor, addresses and actions, new ids and correlation ids drawn from a
// stream named by nonce (so two replays differ and one replay is reproducible). Rows carry the
// step id and are sorted by time. The simulator uses it for `soclab attack replay STEP`; the
// rows are not clipped to the scenario's time range. Telemetry.Start is at, End the last row's
// time.
func ReplayStep(s *scenario.Scenario, cast *Cast, stepID string, at time.Time, nonce string) (*Telemetry, error) {
	step, ok := s.Step(stepID)
	if !ok {
		return nil, fmt.Errorf("generate: scenario %s has no attack step %q", s.Name, stepID)
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
	stream := func(b *batch) {
		f := newFaker(g.p.Seed, "replay", step.ID, nonce)
		for i := range step.Events {
			e := step.Events[i] // a copy: the scenario stays untouched
			e.At = e.At.Add(shift)
			g.runEvent(b, f, &e, RowMeta{Step: step.ID}, true)
		}
	}
	t := g.run([]func(*batch){stream}, time.Time{}, time.Unix(1<<40, 0))
	t.Start, t.End = at, at
	for _, tb := range t.tables {
		if n := len(tb.Meta); n > 0 && tb.Meta[n-1].Time.After(t.End) {
			t.End = tb.Meta[n-1].Time
		}
	}
	return t, nil
}
