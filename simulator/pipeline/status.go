package pipeline

import "time"

// Status is a tenant's catch-up as the control endpoint reports it.
type Status struct {
	Tenant string `json:"tenant"`
	// State is "idle", "queued" or "running".
	State string `json:"state"`
	// CaughtUp: the last pass reached the clock and nothing was asked since.
	CaughtUp bool `json:"caughtUp"`
	// Clock is the lab time the last slice ran towards; Reached how far every stage got.
	Clock   time.Time `json:"clock,omitzero"`
	Reached time.Time `json:"reached,omitzero"`
	// Slices counts the tenant's slices since the server started; LastSliceMs is the wall
	// time of the last one and SliceMinutes the virtual length of the next.
	Slices       int     `json:"slices"`
	LastSliceMs  float64 `json:"lastSliceMs"`
	SliceMinutes float64 `json:"sliceMinutes"`
	// Error is why the last slice failed (empty when it succeeded); Failures counts the
	// failed slices in a row.
	Error    string        `json:"error,omitempty"`
	Failures int           `json:"failures,omitempty"`
	Stages   []StageStatus `json:"stages"`
}

// StageStatus is how far one stage got for a tenant.
type StageStatus struct {
	Name    string    `json:"name"`
	Reached time.Time `json:"reached,omitzero"`
	Error   string    `json:"error,omitempty"`
}

// Status reports the tenant's catch-up (a tenant never enqueued is idle with nothing reached).
func (p *Pipeline) Status(tenantID string) Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	t, ok := p.tenants[tenantID]
	if !ok {
		t = &tenant{id: tenantID, slice: p.opts.Slice, stageReached: make([]time.Time, len(p.stages)), stageErr: make([]error, len(p.stages))}
	}
	return p.status(t)
}

// status builds a Status (caller holds p.mu).
func (p *Pipeline) status(t *tenant) Status {
	st := Status{Tenant: t.id, State: "idle", Clock: t.target, Reached: t.reached, Slices: t.slices,
		LastSliceMs: float64(t.lastWall.Microseconds()) / 1000, SliceMinutes: t.slice.Minutes(), Stages: []StageStatus{}}
	switch {
	case t.running:
		st.State = "running"
	case t.queued:
		st.State = "queued"
	}
	st.CaughtUp = st.State == "idle" && t.done == t.enq && t.enq > 0
	if t.err != nil {
		st.Error, st.Failures = t.err.Error(), t.failures
	}
	for i, s := range p.stages {
		ss := StageStatus{Name: s.Name, Reached: t.stageReached[i]}
		if t.stageErr[i] != nil {
			ss.Error = t.stageErr[i].Error()
		}
		st.Stages = append(st.Stages, ss)
	}
	return st
}
