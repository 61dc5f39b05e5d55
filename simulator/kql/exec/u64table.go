package exec

// u64Table maps uint64 keys to dense ids (in order of first appearance) with open
// addressing over one flat slice.
type u64Table struct {
	slots []u64Slot
	mask  uint64
	n     int32
}

type u64Slot struct {
	k  uint64
	id int32 // id+1; 0 marks an empty slot
}

func newU64Table(hint int) *u64Table {
	size := 64
	for size < 2*hint {
		size <<= 1
	}
	return &u64Table{slots: make([]u64Slot, size), mask: uint64(size - 1)}
}

// id returns k's id, adding it as the next id when new.
func (t *u64Table) id(k uint64) (int32, bool) {
	if 2*(int(t.n)+1) > len(t.slots) {
		t.grow()
	}
	for i := mix64(k) & t.mask; ; i = (i + 1) & t.mask {
		e := &t.slots[i]
		if e.id == 0 {
			e.k, e.id = k, t.n+1
			t.n++
			return t.n - 1, true
		}
		if e.k == k {
			return e.id - 1, false
		}
	}
}

// reserve takes the next id without a key (a null's group).
func (t *u64Table) reserve() int32 {
	t.n++
	return t.n - 1
}

func (t *u64Table) grow() {
	t.slots, t.mask = rehash(t.slots, 2*len(t.slots), func(e *u64Slot) bool { return e.id != 0 }, func(e *u64Slot) uint64 { return mix64(e.k) })
}
