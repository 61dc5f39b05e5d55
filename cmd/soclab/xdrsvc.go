package main

import (
	"context"
	"time"

	"github.com/soclab/soclab/simulator/detect"
	"github.com/soclab/soclab/simulator/xdr"
)

// advanceStages runs, for every tenant, the rules and then Defender XDR (alerts, correlation,
// sync) up to its clock, in the order of CONTRACTS §1.
func advanceStages(rules *detect.Engine, defender *xdr.Engine) error {
	if _, err := rules.AdvanceAll(); err != nil {
		return err
	}
	return defender.AdvanceAll()
}

// runStages calls advanceStages at every tick until ctx ends (running clocks get their rule
// runs and syncs without anyone asking); a tick's error is dropped, the next tick retries.
func runStages(ctx context.Context, tick <-chan time.Time, rules *detect.Engine, defender *xdr.Engine) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
			advanceStages(rules, defender)
		}
	}
}
