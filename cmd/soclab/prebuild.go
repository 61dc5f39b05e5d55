package main

import (
	"context"
	"fmt"
	"os"

	"github.com/soclab/soclab/simulator/kql/sched"
	"github.com/soclab/soclab/simulator/logs"
)

// startViewPrebuild builds tenants' log views in the background for as long as the engine's
// world is open, as background work on the server's processor share: after a restart, a
// tenant added, a workspace created or an attack launched, a learner's queries find their
// tables built (simulator/logs StartPrebuild).
func startViewPrebuild(e *logs.Engine, cpu *sched.CPU) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-e.World().Closed()
		cancel()
	}()
	e.StartPrebuild(ctx, logs.PrebuildOptions{CPU: cpu, Log: func(line string) { fmt.Fprintln(os.Stderr, line) }})
}
