package govern

import (
	"math"
	"testing"
)

func TestFitToLimit(t *testing.T) {
	const mib = int64(1) << 20
	cases := []struct {
		budget, limit, want int64
	}{
		{512 * mib, math.MaxInt64, 512 * mib}, // no soft limit: unchanged
		{512 * mib, 3328 * mib, 256 * mib},    // 30 learners: 208 MiB, raised to the floor
		{512 * mib, 928 * mib, 256 * mib},     // one learner: the floor
		{512 * mib, 6144 * mib, 384 * mib},    // limit/16
		{512 * mib, 8928 * mib, 512 * mib},    // 100 learners: 558 MiB, capped at the budget
		{64 * mib, 3328 * mib, 64 * mib},      // a smaller budget is kept
		{0, 3328 * mib, 0},                    // no budget stays none
		{-1, 3328 * mib, -1},                  // nor does unlimited
		{512 * mib, 0, 512 * mib},             // a zero limit reads as none
	}
	for _, c := range cases {
		if got := fitToLimit(c.budget, c.limit); got != c.want {
			t.Errorf("fitToLimit(%d MiB, %d MiB) = %d MiB, want %d MiB", c.budget/mib, c.limit/mib, got/mib, c.want/mib)
		}
	}
	if got := FitToProcess(512 * mib); got != 512*mib { // tests run without a soft limit
		t.Errorf("FitToProcess without a soft limit = %d MiB", got/mib)
	}
}
