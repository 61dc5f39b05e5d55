//go:build unix

package kql

import "syscall"

// processCPU is the process's user+system CPU time in nanoseconds (every goroutine, the
// collector's included): the benchmarks report it per run beside the wall time, which a
// shared machine makes swing.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
