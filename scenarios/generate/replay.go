package generate

import (
	"fmt"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
)

// ReplayStep generates the events of one attack step again, shifted so that its first event
// happens at at: same actor, addresses and actions, new ids and correlation ids drawn from a
// stream named by nonce (so two replays differ and one replay is reproducible). The steps the
// step names in replayWith are played with it, first, keeping the original spacing between
// them. Rows carry their step's id and are sorted by time. The simulator uses it for `soclab
// attack replay STEP`; the rows are not clipped to the scenario's time range. Telemetry.Start
// is at, End the last row's time.
func ReplayStep(s *scenario.Scenario, cast *Cast, stepID string, at time.Time, nonce string) (*Telemetry, error) {
	step, ok := s.Step(stepID)
	if !ok {
		return nil, fmt.Errorf("generate: scenario %s has no attack step %q", s.Name, stepID)
	}
	steps := make([]*scenario.Step, 0, len(step.ReplayWith)+1)
	for _, id := range step.ReplayWith {
		before, ok := s.Step(id)
		if !ok {
			return nil, fmt.Errorf("generate: step %q replays with unknown step %q", stepID, id)
		}
		steps = append(steps, before)
	}
	steps = append(steps, step)
	g, err := newGen(s, cast)
	if err != nil {
		return nil, err
	}
	first := time.Time{}
	for _, st := range steps {
		for _, e := range st.Events {
			if first.IsZero() || e.At.Before(first) {
				first = e.At
			}
		}
	}
	shift := at.Sub(first)
	stream := func(b *batch) {
		for _, st := range steps {
			f := newFaker(g.p.Seed, "replay", st.ID, nonce)
			for i := range st.Events {
				e := st.Events[i] // a copy: the scenario stays untouched
				e.At = e.At.Add(shift)
				g.runEvent(b, f, &e, RowMeta{Step: st.ID}, true)
			}
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
