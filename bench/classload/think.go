package main

import (
	"context"
	"math/rand/v2"
	"time"
)

// pacing is how a learner spaces its commands. A person working through the lab with the az
// CLI does not send the next request the moment the last one answered: az itself takes
// ~0.4 s to start a command on this machine before it sends anything, and the learner reads
// the answer and types the next command. think is the mean pause before each command (each
// pause is drawn uniformly from [think/2, 3·think/2], from a per-learner seed so runs are
// repeatable); 0 is the stress model (-think 0): every learner sends its next request at once.
type pacing struct {
	think time.Duration
	rng   *rand.Rand
}

// newPacing seeds a learner's pauses from its index.
func newPacing(think time.Duration, learner int) *pacing {
	return &pacing{think: think, rng: rand.New(rand.NewPCG(uint64(learner)+1, 0x50c1ab))}
}

// pause waits before a command; it returns early when ctx ends.
func (p *pacing) pause(ctx context.Context) {
	if p == nil || p.think <= 0 {
		return
	}
	d := p.think/2 + time.Duration(p.rng.Int64N(int64(p.think)+1))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
