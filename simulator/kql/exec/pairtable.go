package exec

// pairTable maps pairKeys to dense group ids with open addressing over one flat slice: a probe
// hashes two integers and compares in place, with no string memory touched.
type pairTable struct {
	slots []pairSlot
	mask  uint64
	n     int32
}

type pairSlot struct {
	k  pairKey
	id int32 // id+1; 0 marks an empty slot
}

func newPairTable(hint int) *pairTable {
	size := 64
	for size < 2*hint {
		size <<= 1
	}
	return &pairTable{slots: make([]pairSlot, size), mask: uint64(size - 1)}
}

func hashPair(k *pairKey) uint64 {
	h := k.i[0]*0x9E3779B97F4A7C15 ^ k.i[1]*0xC2B2AE3D27D4EB4F ^ uint64(k.tag[0])<<56 ^ uint64(k.tag[1])<<48
	h ^= h >> 31
	h *= 0xBF58476D1CE4E5B9
	return h ^ h>>29
}

// id returns the group of k, adding it as the next id when new.
func (t *pairTable) id(k pairKey) (int32, bool) {
	if 2*(int(t.n)+1) > len(t.slots) {
		t.grow()
	}
	for i := hashPair(&k) & t.mask; ; i = (i + 1) & t.mask {
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

func (t *pairTable) grow() {
	t.slots, t.mask = rehash(t.slots, 2*len(t.slots), func(e *pairSlot) bool { return e.id != 0 }, func(e *pairSlot) uint64 { return hashPair(&e.k) })
}
