package exec

import (
	"hash/maphash"

	"github.com/soclab/soclab/simulator/kql/types"
)

// groupSet is one open-addressing table of (group, value hash) pairs for all the groups of an
// aggregator (dcount, make_set): no per-group allocation, and a row costs one probe in one
// flat slice. A pair is stored as hash ^ group*K; as for the 64-bit value hashes themselves,
// two different pairs meeting on one entry is as unlikely as Kusto's dcount error is large.
type groupSet struct {
	slots []uint64 // 0 is empty
	n     int
}

const groupMix = 0x9E3779B97F4A7C15

// bytes is the set's memory.
func (s *groupSet) bytes() int64 { return 8 * int64(len(s.slots)) }

// add inserts the pair (g, h) and reports whether it was new.
func (s *groupSet) add(g int32, h uint64) bool {
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
	}
	k := h ^ (uint64(g)+1)*groupMix
	if k == 0 {
		k = 1
	}
	mask := uint64(len(s.slots) - 1)
	for i := (k ^ k>>29) & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case k:
			return false
		case 0:
			s.slots[i] = k
			s.n++
			return true
		}
	}
}

func (s *groupSet) grow() {
	old := s.slots
	size := max(2*len(old), 1024)
	s.slots, _ = rehash(old, size, usedKey, func(k *uint64) uint64 { return *k ^ *k>>29 })
}

// usedKey reports whether a slot of a set of nonzero keys holds one.
func usedKey(k *uint64) bool { return *k != 0 }

// valueHash hashes a value for distinct counting: equal values (as appendKey groups them)
// hash equally. Strings, including dynamic strings, hash their text without encoding it.
func valueHash(v types.Value, buf *[]byte) uint64 {
	switch v.T {
	case types.String, types.GUID:
		return maphash.String(aggSeed, v.S)
	case types.Dynamic:
		if s, ok := v.D.(string); ok {
			return maphash.String(aggSeed, s)
		}
	}
	*buf = appendKey((*buf)[:0], v)
	return maphash.Bytes(aggSeed, *buf)
}

// elemHash hashes a dynamic element as valueHash hashes the same text.
func elemHash(e any, buf *[]byte) uint64 {
	if s, ok := e.(string); ok {
		return maphash.String(aggSeed, s)
	}
	*buf = appendDynKey((*buf)[:0], e)
	return maphash.Bytes(aggSeed, *buf)
}

// codedArg is an aggregate's view of its argument as dictionary codes: when the argument is a
// plain string column with a dictionary, values are its codes and the per-group seen-set
// holds exact (group, code) pairs. The choice is made on the first batch and kept, so that
// one aggregator never mixes codes with value hashes.
type codedArg struct {
	decided bool
	d       *StringDict
	v       *Vector
	seen    pairSet
	stamps  []uint32 // a sorted fold's scratch (nextGroup)
	gen     uint32
	last    int32 // the group stamped last
}

// bytes is the memory of the seen-set and the scratch.
func (c *codedArg) bytes() int64 { return c.seen.bytes() + 4*int64(cap(c.stamps)) }

// dict returns the argument column's dictionary and vector when the aggregate reads codes.
func (c *codedArg) dict(env *Env, spec *AggSpec, t *Table) (*StringDict, *Vector) {
	if !c.decided {
		c.decided = true
		if len(spec.Args) > 0 && spec.Args[0].IsCol && codedAgg(spec) {
			v := t.Vecs[spec.Args[0].Col]
			if v.T == spec.Args[0].T && storageOf(v.T) == storeString {
				c.d, c.v = env.GroupDict(v), v
			}
		}
	}
	return c.d, c.v
}

// codedAgg reports whether an aggregate counts or collects the distinct values of its
// argument, which it may then do by dictionary codes.
func codedAgg(s *AggSpec) bool {
	switch s.Func {
	case "dcount", "count_distinct", "make_set":
		return true
	}
	return false
}

// pairSet is a set of exact (group, code) pairs in one open-addressing table.
type pairSet struct {
	slots []uint64 // pair+1; 0 is empty
	n     int
	hint  int // expected pairs at most (the rows to fold): the first table's size
}

func (s *pairSet) bytes() int64 { return 8 * int64(len(s.slots)) }

// add inserts (g, c) and reports whether it was new.
func (s *pairSet) add(g int32, c uint32) bool {
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
	}
	k := (uint64(g)<<32 | uint64(c)) + 1
	mask := uint64(len(s.slots) - 1)
	for i := mix64(k) & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case k:
			return false
		case 0:
			s.slots[i] = k
			s.n++
			return true
		}
	}
}

func (s *pairSet) grow() {
	old := s.slots
	size := max(2*len(old), 1024)
	if old == nil {
		for size < 2*min(s.hint, 1<<20) {
			size <<= 1
		}
	}
	s.slots, _ = rehash(old, size, usedKey, func(k *uint64) uint64 { return mix64(*k) })
}
