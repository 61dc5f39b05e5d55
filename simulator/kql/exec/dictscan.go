package exec

import (
	"sync"
	"unsafe"
	"weak"
)

// dictMinRows is the column size from which a filter encodes a column: below it a string
// compare per row costs less than keeping codes.
const dictMinRows = 4096

// FilterDict returns v's dictionary for a filter over it: the cached one, or a new one when v
// has at least dictMinRows rows and an earlier run asked for it too (a stored table's column:
// the build, one hash per row, pays over the runs that follow; a column computed by one query
// is not encoded for nothing). A build is charged to the run's budget. Safe for concurrent
// use by a filter's workers.
func (e *Env) FilterDict(v *Vector) *StringDict {
	if d := v.cachedDict(); d != nil {
		return d
	}
	if storageOf(v.T) != storeString || len(v.S) < dictMinRows || !v.cellOf().askedBefore(uintptr(unsafe.Pointer(e))) {
		return nil
	}
	return v.dictIf(e.Mem, true)
}

// GroupDict returns v's dictionary for grouping or distinct counting over it, building it when
// missing: the grouper would hash every row's text anyway, and the codes serve the runs after.
func (e *Env) GroupDict(v *Vector) *StringDict { return v.dict(e.Mem) }

// askedBefore records a request for the cell's dictionary by run and reports whether a
// different run asked before.
func (c *dictCell) askedBefore(run uintptr) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.asker != 0 && c.asker != run {
		return true
	}
	c.asker = run
	return false
}

// CodeSet is a set of a dictionary's codes: a bitmap over its values.
type CodeSet []uint64

// NewCodeSet returns the codes of d's values for which match is true.
func NewCodeSet(d *StringDict, match func(string) bool) CodeSet {
	s := make(CodeSet, (len(d.Values)+63)/64)
	for c, x := range d.Values {
		if match(x) {
			s[c>>6] |= 1 << (uint(c) & 63)
		}
	}
	return s
}

// CodeSetOf returns the codes of the given values (those d holds).
func CodeSetOf(d *StringDict, values []string) CodeSet {
	s := make(CodeSet, (len(d.Values)+63)/64)
	for _, x := range values {
		if c, ok := d.Code(x); ok {
			s[c>>6] |= 1 << (uint(c) & 63)
		}
	}
	return s
}

// Has reports whether code c is in the set.
func (s CodeSet) Has(c uint32) bool { return s[c>>6]&(1<<(c&63)) != 0 }

// CodeSetCache keeps one predicate's code set for the last dictionary it met, so that the
// chunks of a parallel filter and the runs after share one pass over the values. It holds the
// dictionary weakly (a compiled plan does not keep a dropped table's values alive). Safe for
// concurrent use.
type CodeSetCache struct {
	mu   sync.Mutex
	idx  weak.Pointer[dictIndex]
	set  CodeSet
	size int
}

// Get returns the code set of d, computed by build when d is not the dictionary of the last
// call (dictionaries cut or gathered from one column share their values and their set).
func (c *CodeSetCache) Get(d *StringDict, build func(*StringDict) CodeSet) CodeSet {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d.index != nil && c.idx.Value() == d.index && c.size == len(d.Values) {
		return c.set
	}
	s := build(d)
	if d.index != nil {
		c.idx, c.set, c.size = weak.Make(d.index), s, len(d.Values)
	}
	return s
}

// SelectCodes returns the candidate rows (all rows when in is nil) whose code is in set, or
// not in it when neg.
func SelectCodes(d *StringDict, in []int32, set CodeSet, neg bool) []int32 {
	codes := d.Codes
	if in == nil {
		out := make([]int32, 0, len(codes)/4+1)
		for i, c := range codes {
			if set.Has(c) != neg {
				out = append(out, int32(i))
			}
		}
		return out
	}
	out := in[:0]
	for _, i := range in {
		if set.Has(codes[i]) != neg {
			out = append(out, i)
		}
	}
	return out
}

// SelectCode returns the candidate rows (all rows when in is nil) whose code is c, or is not
// c when neg.
func SelectCode(d *StringDict, in []int32, c uint32, neg bool) []int32 {
	codes := d.Codes
	if in == nil {
		out := make([]int32, 0, len(codes)/4+1)
		for i, x := range codes {
			if (x == c) != neg {
				out = append(out, int32(i))
			}
		}
		return out
	}
	out := in[:0]
	for _, i := range in {
		if (codes[i] == c) != neg {
			out = append(out, i)
		}
	}
	return out
}
