package grader

import (
	"context"
	"sync"
	"time"
)

// Phases is where a grade's time went, for its answer's Server-Timing header: queued for a
// CPU slot (the grade's and a judging's), waiting for a judging permit, waiting for another
// grade's judging of the same query (a flight), and judging rule queries itself.
type Phases struct {
	mu                            sync.Mutex
	Slot, Permit, Flight, Judging time.Duration
	// Data is the wait for (or the build of) the judging data, once per server.
	Data time.Duration
}

type phasesKey struct{}

// WithPhases returns ctx carrying p: Grade adds its phases' times to it.
func WithPhases(ctx context.Context, p *Phases) context.Context {
	return context.WithValue(ctx, phasesKey{}, p)
}

// phasesOf is the Phases ctx carries (nil: none).
func phasesOf(ctx context.Context) *Phases {
	p, _ := ctx.Value(phasesKey{}).(*Phases)
	return p
}

// phase names one of Phases' durations.
type phase int

const (
	phaseSlot phase = iota
	phasePermit
	phaseFlight
	phaseJudging
	phaseData
)

// add adds the time since since to phase ph (nil p: nothing kept).
func (p *Phases) add(ph phase, since time.Time) {
	if p == nil {
		return
	}
	d := time.Since(since)
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ph {
	case phaseSlot:
		p.Slot += d
	case phasePermit:
		p.Permit += d
	case phaseFlight:
		p.Flight += d
	case phaseJudging:
		p.Judging += d
	case phaseData:
		p.Data += d
	}
}

// ServerTimings are the Server-Timing values of the phases that took any time.
func (p *Phases) ServerTimings() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, ph := range []struct {
		name, desc string
		d          time.Duration
	}{{"slot", "queued for the processor", p.Slot}, {"permit", "waiting for a judging permit", p.Permit},
		{"flight", "waiting for another grade's judging", p.Flight}, {"judging", "judging rule queries", p.Judging},
		{"data", "the judging data (once per server)", p.Data}} {
		if ph.d > 0 {
			out = append(out, ServerTiming(ph.name, ph.desc, ph.d))
		}
	}
	return out
}
