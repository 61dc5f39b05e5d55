package exec

import "hash/maphash"

// strTable maps strings to int32 row numbers with open addressing over one flat slice of
// (hash, row) entries. The strings are a column that outlives the table (a join's keys), so
// the table stores no strings: an entry's string is keys[row], compared only on equal 64-bit
// hashes.
type strTable struct {
	slots []strSlot
	mask  uint64
	n     int
	seed  maphash.Seed
}

type strSlot struct {
	h uint64 // hash | 1, so that 0 marks an empty slot
	v int32
}

// newStrTable returns a table sized for n entries.
func newStrTable(n int) *strTable {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	return &strTable{slots: make([]strSlot, size), mask: uint64(size - 1), seed: maphash.MakeSeed()}
}

// hash returns the hash of s used by find.
func (t *strTable) hash(s string) uint64 { return maphash.String(t.seed, s) | 1 }

// find returns the slot of s (with hash h from t.hash): found is true when s is present; else
// the slot is where s belongs. keys[v] is the string of a stored row v.
func (t *strTable) find(s string, h uint64, keys []string) (slot int, found bool) {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		e := &t.slots[i]
		if e.h == 0 {
			return int(i), false
		}
		if e.h == h && keys[e.v] == s {
			return int(i), true
		}
	}
}

// put stores v for s's hash h at slot (from find); the table must not be filled past half
// its slots (grow first, then find the slot again).
func (t *strTable) put(slot int, h uint64, v int32) {
	e := &t.slots[slot]
	if e.h == 0 {
		t.n++
	}
	e.h, e.v = h, v
}

// grow doubles the table (entries keep their hashes).
func (t *strTable) grow() {
	t.slots, t.mask = rehash(t.slots, 2*len(t.slots), func(e *strSlot) bool { return e.h != 0 }, func(e *strSlot) uint64 { return e.h })
}
