//go:build !unix

package sched

import "time"

// processCPU is not read on this system: slot time counts as CPU time.
func processCPU() (time.Duration, bool) { return 0, false }
