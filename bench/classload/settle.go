package main

import (
	"fmt"
	"io"
	"time"
)

// settleIdle is the server's CPU use (cores) under which it counts as idle.
const settleIdle = 0.15

// settle waits, at most max, until the server has been idle for a second: the background
// work a class's preparation starts (each tenant's log views, built as tenants are added)
// is done before the learners arrive, as when an instructor adds the tenants before class.
// It prints how long it waited and the server CPU it saw meanwhile.
func settle(srv *labServer, max time.Duration, out io.Writer) {
	if max <= 0 {
		return
	}
	began, cpu0 := time.Now(), srv.cpuSeconds()
	const step = 250 * time.Millisecond
	quiet := 0
	for time.Since(began) < max && quiet < 4 {
		c := srv.cpuSeconds()
		time.Sleep(step)
		if (srv.cpuSeconds()-c)/step.Seconds() < settleIdle {
			quiet++
		} else {
			quiet = 0
		}
	}
	state := "idle"
	if quiet < 4 {
		state = "still busy"
	}
	fmt.Fprintf(out, "settle: the server was %s after %.1f s (%.1f CPU-s of background work before the class)\n",
		state, time.Since(began).Seconds(), srv.cpuSeconds()-cpu0)
}
