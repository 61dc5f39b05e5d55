package exec

import (
	"hash/maphash"
	"sync"
	"unsafe"

	"github.com/soclab/soclab/simulator/kql/govern"
)

// StringDict is the dictionary encoding of a string (or GUID) vector: Codes[i] is row i's
// index into Values, and Values are distinct. A dictionary shared by views of one column (a
// prefix, a window, a gather) may hold values that none of the view's rows use. A null GUID
// has the code of "".
type StringDict struct {
	Codes  []uint32
	Values []string
	index  *dictIndex // value → code, shared by the dictionaries cut from one build
	base   []string   // the strings the codes were built over (kept alive: see dictCell)
}

// Code returns the code of s, or false when no row of the dictionary's column holds s.
func (d *StringDict) Code(s string) (uint32, bool) {
	if d == nil || d.index == nil {
		return 0, false
	}
	return d.index.lookup(s, d.Values)
}

// Dict returns the vector's dictionary encoding, built once on first use and cached (safe
// for concurrent readers); nil when the vector is not a string vector or has too many
// distinct values for a dictionary to pay. A vector's S must not change in place once it is
// shared: the cache is checked against the slice's storage, so re-pointing S (a window, a
// clone) is safe, writing into it is not.
func (v *Vector) Dict() *StringDict { return v.dict(nil) }

// dict is Dict charging a build to budget b (nil: uncharged).
func (v *Vector) dict(b *govern.Budget) *StringDict { return v.dictIf(b, false) }

// dictIf is dict; with cachedOnly it builds only a dictionary its cell keeps (see get).
func (v *Vector) dictIf(b *govern.Budget, cachedOnly bool) *StringDict {
	if storageOf(v.T) != storeString {
		return nil
	}
	if len(v.S) == 0 {
		return &StringDict{}
	}
	return v.cellOf().get(v.S, b, cachedOnly)
}

// cachedDict returns the vector's dictionary only when it is already built (no work).
func (v *Vector) cachedDict() *StringDict {
	if storageOf(v.T) != storeString || len(v.S) == 0 {
		return nil
	}
	c := v.loadCell()
	if c == nil {
		return nil
	}
	c.mu.Lock()
	d := c.d
	c.mu.Unlock()
	return d.cut(v.S)
}

// dictCell caches the dictionary of one column, shared by the vector and the views cut from
// it (Prefix), so that each query's view of a growing table finds the dictionary built by
// the queries before it. It holds the widest dictionary built so far; a view takes the codes
// of its own rows when its strings lie inside the dictionary's base (see cut).
type dictCell struct {
	mu    sync.Mutex
	d     *StringDict
	miss  []string // a base whose dictionary would not pay (too many distinct values)
	asker uintptr  // the run (its Env's address) that first asked a filter's question (FilterDict)
	// parent is the cell of the column this vector was gathered from; wanted marks a column
	// whose gathered rows later needed a dictionary (they were grouped or filtered by code).
	parent *dictCell
	wanted bool
}

// want marks the column that c's vector was gathered from as one whose gathers need codes.
func (c *dictCell) want() {
	if p := c.parent; p != nil {
		p.mu.Lock()
		p.wanted = true
		p.mu.Unlock()
	}
}

// isWanted reports whether the cell's column's gathers needed codes before.
func (c *dictCell) isWanted() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wanted
}

// get returns the dictionary of s, building it when the cell has none covering s. The cell
// keeps a new dictionary when it has none or s is longer than the one it has (the column
// grew); strings of the same length elsewhere are a re-pointed copy sharing the cell (a
// tenant's rewritten column): their dictionary is built for the caller only, or not at all
// with cachedOnly (a filter does not pay a build per query), so that copies and their column
// never take turns evicting each other's codes.
func (c *dictCell) get(s []string, b *govern.Budget, cachedOnly bool) *StringDict {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d := c.d.cut(s); d != nil {
		return d
	}
	if c.missed(s) {
		return nil
	}
	keep := c.d == nil || len(s) > len(c.d.base)
	if !keep && cachedOnly {
		return nil
	}
	c.want() // lock order: a cell, then the cell it was gathered from
	d, ok := buildDict(s)
	if !ok {
		if keep {
			c.miss = s
		}
		return nil
	}
	if b.Charge(dictBytes(len(d.Codes), len(d.Values)), "") != nil {
		return nil // over the run's budget: the caller takes the path without codes
	}
	if keep {
		c.d = d
	}
	return d
}

// missed reports whether s is a column whose dictionary would not pay: s lies inside the
// strings that had too many distinct values, or extends them by less than their length (a
// growing table's next view: its values are as distinct).
func (c *dictCell) missed(s []string) bool {
	if len(c.miss) == 0 {
		return false
	}
	if _, ok := within(c.miss, s); ok {
		return true
	}
	return unsafe.SliceData(s) == unsafe.SliceData(c.miss) && len(s) < 2*len(c.miss)
}

// cut returns the dictionary of s when s is a run of d's base strings (the same storage),
// else nil.
func (d *StringDict) cut(s []string) *StringDict {
	if d == nil {
		return nil
	}
	off, ok := within(d.base, s)
	if !ok {
		return nil
	}
	if off == 0 && len(s) == len(d.base) {
		return d
	}
	return &StringDict{Codes: d.Codes[off : off+len(s) : off+len(s)], Values: d.Values, index: d.index, base: d.base[off : off+len(s)]}
}

// within reports whether s is a run of base's strings (the same storage) and where it starts.
func within(base, s []string) (off int, ok bool) {
	if len(s) == 0 || len(base) == 0 {
		return 0, false
	}
	const size = unsafe.Sizeof("")
	p := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	b := uintptr(unsafe.Pointer(unsafe.SliceData(base)))
	if p < b || (p-b)%size != 0 {
		return 0, false
	}
	off = int((p - b) / size)
	return off, off+len(s) <= len(base)
}

// dictMaxDistinct is how many distinct values a column of n rows may have for a dictionary
// to pay: its codes replace string compares and hashes only when values repeat.
func dictMaxDistinct(n int) int { return max(n/3, 1024) }

// dictBytes is the memory of a dictionary of n rows and k values (codes and index; the
// values are the column's own strings).
func dictBytes(n, k int) int64 { return 4*int64(n) + 16*int64(k) + 32*int64(k) }

// buildDict encodes s; ok is false when s has too many distinct values.
func buildDict(s []string) (d *StringDict, ok bool) {
	limit := dictMaxDistinct(len(s))
	idx := newDictIndex(min(limit, 1024, len(s))) // sized for s: a small column's index stays small
	codes := make([]uint32, len(s))
	var values []string
	prev, prevCode := "", uint32(0)
	for i, x := range s {
		if i > 0 && len(x) == len(prev) && unsafe.StringData(x) == unsafe.StringData(prev) {
			codes[i] = prevCode // the same text (built tables share repeated texts)
			continue
		}
		c, found := idx.lookupOrAdd(x, &values)
		if !found && len(values) > limit {
			return nil, false
		}
		codes[i], prev, prevCode = c, x, c
	}
	return &StringDict{Codes: codes, Values: values, index: idx, base: s}, true
}

// gatherDict returns the dictionary of v's rows at idx (all >= 0) when v's is built: the
// codes are gathered, the values shared.
func (v *Vector) gatherDict(out *Vector, idx []int32) {
	if storageOf(v.T) != storeString || len(idx) == 0 {
		return
	}
	d := v.cachedDict()
	if d == nil && len(idx) >= dictMinRows && len(v.S) >= dictMinRows && v.cellOf().isWanted() {
		// A stored column whose filtered rows queries keep grouping: encode it once, and
		// every gather after carries codes (the summarize over the survivors reads no text).
		d = v.dictIf(nil, true)
	}
	if d == nil {
		// If out's rows need codes, the next gather of v brings them. Only a column of
		// dictMinRows rows or more is ever encoded for being wanted: a smaller one without
		// a cell (not a view of a growing table) keeps no link, and out no cell until it
		// needs one.
		if len(v.S) >= dictMinRows || v.loadCell() != nil {
			out.cell = &dictCell{parent: v.cellOf()}
		}
		return
	}
	codes := make([]uint32, len(idx))
	for j, i := range idx {
		if i < 0 {
			return
		}
		codes[j] = d.Codes[i]
	}
	out.cell = &dictCell{d: &StringDict{Codes: codes, Values: d.Values, index: d.index, base: out.S}}
}

// dictIndex maps a dictionary's values to their codes: open addressing over (hash, code)
// slots; the strings are the dictionary's Values, compared only on equal hashes.
type dictIndex struct {
	slots []dictSlot
	mask  uint64
	seed  maphash.Seed
}

type dictSlot struct {
	h uint64 // hash | 1; 0 marks an empty slot
	c uint32
}

func newDictIndex(hint int) *dictIndex {
	size := 16
	for size < 2*hint {
		size <<= 1
	}
	return &dictIndex{slots: make([]dictSlot, size), mask: uint64(size - 1), seed: maphash.MakeSeed()}
}

func (x *dictIndex) lookup(s string, values []string) (uint32, bool) {
	h := maphash.String(x.seed, s) | 1
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		e := &x.slots[i]
		if e.h == 0 {
			return 0, false
		}
		if e.h == h && values[e.c] == s {
			return e.c, true
		}
	}
}

// lookupOrAdd returns the code of s, appending s to values as a new code when absent.
func (x *dictIndex) lookupOrAdd(s string, values *[]string) (uint32, bool) {
	h := maphash.String(x.seed, s) | 1
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		e := &x.slots[i]
		if e.h == 0 {
			c := uint32(len(*values))
			*values = append(*values, s)
			e.h, e.c = h, c
			if 2*len(*values) > len(x.slots) {
				x.grow()
			}
			return c, false
		}
		if e.h == h && (*values)[e.c] == s {
			return e.c, true
		}
	}
}

func (x *dictIndex) grow() {
	x.slots, x.mask = rehash(x.slots, 2*len(x.slots), func(e *dictSlot) bool { return e.h != 0 }, func(e *dictSlot) uint64 { return e.h })
}
