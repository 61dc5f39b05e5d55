package exec

import (
	"hash/maphash"
	"math/bits"
)

// The hash join's build side for one key column of a type with a typed slice (string, or the
// int64-backed long/int/bool/datetime/timespan). Each key is hashed once; the table is flat
// open addressing over uint64 slots (the hash's top 32 bits as a tag, the key's first row + 1
// below them) and a key's further rows are chained in next, an int32 per build row, so the
// table costs 8 bytes per slot plus 4 per row and holds no strings. Large build sides are
// split into partitions by hash, built in parallel.

// joinKeys is one side's key column. eq compares row i with row j of another side's column
// of the same kind.
type joinKeys[K any] interface {
	hash(i int32) uint64
	null(i int32) bool
	eq(i int32, o K, j int32) bool
}

// strKeys is a string key column; both sides share seed.
type strKeys struct {
	s    []string
	seed maphash.Seed
}

func (k strKeys) hash(i int32) uint64                 { return maphash.String(k.seed, k.s[i]) }
func (k strKeys) null(int32) bool                     { return false } // a null string is ""
func (k strKeys) eq(i int32, o strKeys, j int32) bool { return k.s[i] == o.s[j] }

// intKeys is an int64-backed key column; nulls is its vector when it has nulls (nulls never
// match).
type intKeys struct {
	v     []int64
	nulls *Vector
}

func (k intKeys) hash(i int32) uint64                 { return mix64(uint64(k.v[i])) }
func (k intKeys) null(i int32) bool                   { return k.nulls != nil && k.nulls.IsNull(int(i)) }
func (k intKeys) eq(i int32, o intKeys, j int32) bool { return k.v[i] == o.v[j] }

// mix64 is splitmix64's finaliser: every input bit moves every output bit.
func mix64(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xBF58476D1CE4E5B9
	h ^= h >> 27
	h *= 0x94D049BB133111EB
	return h ^ h>>31
}

// joinPart is one partition of the build table.
type joinPart struct {
	slots []uint64 // tag<<32 | first row+1; 0 is empty
	mask  uint64
	n     int // keys held
}

// joinTable maps the build side's keys to their chains of rows.
type joinTable[K joinKeys[K]] struct {
	keys  K
	parts []joinPart
	shift uint // partition of hash h: h >> shift (0 partitions bits when there is one)
	next  []int32
}

const tagMask = uint64(0xFFFFFFFF00000000)

// slotBytes is the memory of a build table for n rows (slots and chains), before it grows.
func slotBytes(n int) int64 { return int64(8*tableSize(n) + 4*n) }

// slotCount is the number of slots of every partition.
func (t *joinTable[K]) slotCount() int {
	n := 0
	for _, p := range t.parts {
		n += len(p.slots)
	}
	return n
}

// tableSize is the slot count for a partition expecting n rows: a power of two of at least n
// (so at most half full when half the rows repeat a key; it grows past half).
func tableSize(n int) int {
	size := 16
	for size < n {
		size <<= 1
	}
	return size
}

// part returns the partition of hash h.
func (t *joinTable[K]) part(h uint64) *joinPart {
	if len(t.parts) == 1 {
		return &t.parts[0]
	}
	return &t.parts[h>>t.shift]
}

// insert adds build row row (hash h) in front of its key's chain. Rows are inserted in
// reverse row order so that chains list rows in row order.
func (t *joinTable[K]) insert(p *joinPart, h uint64, row int32) {
	tag := h & tagMask
	for s := h & p.mask; ; s = (s + 1) & p.mask {
		e := p.slots[s]
		if e == 0 {
			p.slots[s] = tag | uint64(row+1)
			t.next[row] = -1
			if p.n++; 2*p.n > len(p.slots) {
				t.grow(p)
			}
			return
		}
		if e&tagMask == tag && t.keys.eq(row, t.keys, int32(uint32(e))-1) {
			t.next[row] = int32(uint32(e)) - 1
			p.slots[s] = tag | uint64(row+1)
			return
		}
	}
}

// grow doubles a partition (its keys' hashes are computed again from their first rows).
func (t *joinTable[K]) grow(p *joinPart) {
	old := p.slots
	p.slots = make([]uint64, 2*len(old))
	p.mask = uint64(len(p.slots) - 1)
	for _, e := range old {
		if e == 0 {
			continue
		}
		s := t.keys.hash(int32(uint32(e))-1) & p.mask
		for p.slots[s] != 0 {
			s = (s + 1) & p.mask
		}
		p.slots[s] = e
	}
}

// find returns the partition index, the slot and the first build row of probe row i of
// column probe (hash h), or head -1 when the key is absent.
func (t *joinTable[K]) find(probe K, i int32, h uint64) (part int, slot int, head int32) {
	if len(t.parts) > 1 {
		part = int(h >> t.shift)
	}
	p := &t.parts[part]
	tag := h & tagMask
	for s := h & p.mask; ; s = (s + 1) & p.mask {
		e := p.slots[s]
		if e == 0 {
			return part, int(s), -1
		}
		if e&tagMask == tag && probe.eq(i, t.keys, int32(uint32(e))-1) {
			return part, int(s), int32(uint32(e)) - 1
		}
	}
}

// buildJoinTable builds the table over rows [0, n) of keys, on workers goroutines (partitioned
// by hash) when workers > 1.
func buildJoinTable[K joinKeys[K]](env *Env, keys K, n, workers int) (*joinTable[K], error) {
	t := &joinTable[K]{keys: keys, next: make([]int32, n)}
	if workers <= 1 {
		t.parts = []joinPart{{slots: make([]uint64, tableSize(n))}}
		p := &t.parts[0]
		p.mask = uint64(len(p.slots) - 1)
		for i := n - 1; i >= 0; i-- {
			if i%checkEvery == 0 {
				if err := env.Check(); err != nil {
					return nil, err
				}
			}
			if keys.null(int32(i)) {
				t.next[i] = -1
				continue
			}
			t.insert(p, keys.hash(int32(i)), int32(i))
		}
		return t, nil
	}
	// Partitions: a power of two at least workers, chosen by the hash's top bits. Phase 1
	// lists each chunk's rows per partition (in row order); phase 2 builds each partition
	// from the chunks' lists, last chunk first and each list backwards.
	nparts := 1 << bits.Len(uint(workers-1))
	t.shift = uint(64 - bits.Len(uint(nparts-1)))
	t.parts = make([]joinPart, nparts)
	lists := make([][][]int32, workers)
	err := runChunks(n, workers, func(w, lo, hi int) error {
		ls := make([][]int32, nparts)
		for p := range ls {
			ls[p] = make([]int32, 0, (hi-lo)/nparts+(hi-lo)/8+16)
		}
		for i := lo; i < hi; i++ {
			if (i-lo)%checkEvery == 0 {
				if err := env.Check(); err != nil {
					return err
				}
			}
			if keys.null(int32(i)) {
				t.next[i] = -1
				continue
			}
			p := keys.hash(int32(i)) >> t.shift
			ls[p] = append(ls[p], int32(i))
		}
		lists[w] = ls
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = runChunks(nparts, min(workers, nparts), func(_, lo, hi int) error {
		for pi := lo; pi < hi; pi++ {
			rows := 0
			for w := range lists {
				rows += len(lists[w][pi])
			}
			p := &t.parts[pi]
			p.slots = make([]uint64, tableSize(rows))
			p.mask = uint64(len(p.slots) - 1)
			for w := len(lists) - 1; w >= 0; w-- {
				l := lists[w][pi]
				for k := len(l) - 1; k >= 0; k-- {
					if k%checkEvery == 0 {
						if err := env.Check(); err != nil {
							return err
						}
					}
					t.insert(p, keys.hash(l[k]), l[k])
				}
			}
		}
		return nil
	})
	return t, err
}
