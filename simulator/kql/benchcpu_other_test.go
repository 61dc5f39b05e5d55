//go:build !unix

package kql

// processCPU is 0 where getrusage is missing: the benchmarks' cpu_ms/op reads 0.
func processCPU() int64 { return 0 }
