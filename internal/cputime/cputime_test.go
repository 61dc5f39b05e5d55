package cputime

import (
	"testing"
	"time"
)

// TestProcessGrows: burning CPU moves the counter forward by at least part of the work.
func TestProcessGrows(t *testing.T) {
	before := Process()
	deadline := time.Now().Add(50 * time.Millisecond)
	x := 0
	for time.Now().Before(deadline) {
		x++
	}
	after := Process()
	if after <= before || x == 0 {
		t.Errorf("CPU time %v -> %v after 50 ms of work", before, after)
	}
}
