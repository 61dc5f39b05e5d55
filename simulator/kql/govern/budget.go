package govern

import (
	"sync/atomic"
)

// MaxStringBytes is the size of the largest single string value (Kusto: "Single string size
// shouldn't exceed the limit of 2GB").
const MaxStringBytes = 2 << 30

// ChunkBytes is how much a builder accumulates before charging the budget: charges stay
// cheap (one atomic add per chunk) and a run overshoots its limit by at most a chunk per
// concurrent builder.
const ChunkBytes = 1 << 20

// Budget is the memory a run may hold. Builders and operators Charge what they allocate and
// Release what they drop; functions that multiply sizes ask Fits before allocating. A nil
// *Budget has no limit. It is safe for concurrent use.
type Budget struct {
	limit int64
	used  atomic.Int64
	peak  atomic.Int64
}

// NewBudget returns a budget of limit bytes (limit <= 0: no limit, only accounting).
func NewBudget(limit int64) *Budget { return &Budget{limit: limit} }

// Limit is the budget's size in bytes (0: none).
func (b *Budget) Limit() int64 {
	if b == nil || b.limit < 0 {
		return 0
	}
	return b.limit
}

// Used is the number of bytes charged and not released.
func (b *Budget) Used() int64 {
	if b == nil {
		return 0
	}
	return b.used.Load()
}

// Peak is the largest Used seen.
func (b *Budget) Peak() int64 {
	if b == nil {
		return 0
	}
	return b.peak.Load()
}

// Charge takes n bytes from the budget. When that would pass the limit nothing is taken and
// the error names op (an operator such as "Summarize"; "" for the run as a whole).
func (b *Budget) Charge(n int64, op string) error {
	if b == nil || n <= 0 {
		return nil
	}
	used := b.used.Add(n)
	if b.limit > 0 && used > b.limit {
		b.used.Add(-n)
		return b.overError(op)
	}
	for {
		p := b.peak.Load()
		if used <= p || b.peak.CompareAndSwap(p, used) {
			break
		}
	}
	return nil
}

// MustCharge is Charge for code that reports errors by panicking (scalar evaluators): it
// panics with the limit error, which the query facade returns as the run's error.
func (b *Budget) MustCharge(n int64, op string) {
	if err := b.Charge(n, op); err != nil {
		panic(err)
	}
}

// Release gives n bytes back (a builder dropped its scratch state).
func (b *Budget) Release(n int64) {
	if b == nil || n <= 0 {
		return
	}
	b.used.Add(-n)
}

// Fits checks, without charging, that a value of n bytes can be allocated: within the
// per-value cap for strings and within what is left of the budget.
func (b *Budget) Fits(n int64, op string) error {
	if b == nil || b.limit <= 0 {
		return nil
	}
	if b.used.Load()+n > b.limit {
		return b.overError(op)
	}
	return nil
}

func (b *Budget) overError(op string) error {
	if op == "" {
		return LowMemory()
	}
	return OperatorBudget(op)
}

// Meter batches charges of one builder: Add accumulates and charges every ChunkBytes.
type Meter struct {
	B       *Budget
	Op      string
	pending int64
	charged int64
}

// Add records n more bytes, charging the budget when a chunk has accumulated.
func (m *Meter) Add(n int64) error {
	m.pending += n
	if m.pending < ChunkBytes {
		return nil
	}
	return m.Flush()
}

// Flush charges what has accumulated.
func (m *Meter) Flush() error {
	if m.pending == 0 {
		return nil
	}
	n := m.pending
	m.pending = 0
	if err := m.B.Charge(n, m.Op); err != nil {
		return err
	}
	m.charged += n
	return nil
}

// Charged is what this meter has taken from the budget so far.
func (m *Meter) Charged() int64 { return m.charged }

// ReleaseAll gives back everything the meter charged (scratch state that is dropped).
func (m *Meter) ReleaseAll() {
	m.B.Release(m.charged)
	m.charged, m.pending = 0, 0
}
