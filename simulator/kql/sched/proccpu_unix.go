//go:build unix

package sched

import (
	"time"

	"github.com/soclab/soclab/internal/cputime"
)

// processCPU is the CPU time (user + system) this process has used so far; ok is false
// where it cannot be read.
func processCPU() (time.Duration, bool) {
	d := cputime.Process()
	return d, d > 0
}
