package exec

import (
	"slices"
	"sort"
	"strings"

	"github.com/soclab/soclab/simulator/kql/types"
)

// sortRows returns the row indexes [0, n) ordered by the key vectors, ties in row order (a
// stable sort), cut to the first limit rows when limit >= 0 (top). Rows are compared by
// (keys, row index), a total order, so any sort gives the stable result: chunks of a large
// input sort on env.Workers goroutines (top keeps each chunk's best limit rows in a heap), and
// the sorted chunks merge in order of that same comparison.
func sortRows(env *Env, keys []*Vector, sks []SortKey, n, limit int) ([]int32, error) {
	cmp, total := rowComparator(env, keys, sks, n)
	if !total {
		// dynamic keys: Compare orders values of different kinds, not always transitively;
		// keep the one sequential stable sort so the order never depends on the split.
		idx := seq(n)
		sort.SliceStable(idx, func(x, y int) bool { return cmp(idx[x], idx[y]) < 0 })
		return cutRows(idx, limit), nil
	}
	workers := parallelism(env, n)
	beats := rootKey(keys, sks)
	runs := make([][]int32, workers)
	err := runChunks(n, workers, func(w, lo, hi int) error {
		if err := env.Check(); err != nil {
			return err
		}
		if limit >= 0 && limit < (hi-lo)/4 {
			runs[w] = topRows(lo, hi, limit, cmp, beats)
			return nil
		}
		run := make([]int32, hi-lo)
		for i := range run {
			run[i] = int32(lo + i)
		}
		slices.SortFunc(run, cmp)
		runs[w] = cutRows(run, limit)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := env.Check(); err != nil {
		return nil, err
	}
	return cutRows(mergeRuns(runs, cmp), limit), nil
}

func cutRows(idx []int32, limit int) []int32 {
	if limit >= 0 && limit < len(idx) {
		return idx[:limit]
	}
	return idx
}

// rowComparator orders two rows by the keys, then by row index. total is false when a key
// is dynamic (see sortRows).
func rowComparator(env *Env, keys []*Vector, sks []SortKey, n int) (cmp func(a, b int32) int, total bool) {
	for _, v := range keys {
		if storageOf(v.T) == storeDynamic {
			return func(a, b int32) int { return compareKeys(keys, sks, a, b) }, false
		}
	}
	if len(keys) == 1 {
		one := keyComparator(env, keys[0], sks[0], n)
		return func(a, b int32) int {
			if c := one(a, b); c != 0 {
				return c
			}
			return int(a - b)
		}, true
	}
	each := make([]func(a, b int32) int, len(keys))
	for k := range keys {
		each[k] = keyComparator(env, keys[k], sks[k], n)
	}
	return func(a, b int32) int {
		for _, c := range each {
			if c := c(a, b); c != 0 {
				return c
			}
		}
		return int(a - b)
	}, true
}

// keyComparator orders two rows by one key: typed slices read directly for a long-like key
// without nulls and for strings (never null), compareRows otherwise. A string key of a
// large sort compares the ranks of its dictionary codes (see stringRanks).
func keyComparator(env *Env, v *Vector, sk SortKey, n int) func(a, b int32) int {
	if v.T == types.String && n >= sortDictMinRows {
		if codes, rank := stringRanks(env, v); codes != nil {
			if sk.Desc {
				return func(a, b int32) int { return types.CompareInt(int64(rank[codes[b]]), int64(rank[codes[a]])) }
			}
			return func(a, b int32) int { return types.CompareInt(int64(rank[codes[a]]), int64(rank[codes[b]])) }
		}
	}
	switch {
	case storageOf(v.T) == storeInt && v.nulls == nil:
		x := v.I
		if sk.Desc {
			return func(a, b int32) int { return types.CompareInt(x[b], x[a]) }
		}
		return func(a, b int32) int { return types.CompareInt(x[a], x[b]) }
	case v.T == types.String:
		x := v.S
		if sk.Desc {
			return func(a, b int32) int { return strings.Compare(x[b], x[a]) }
		}
		return func(a, b int32) int { return strings.Compare(x[a], x[b]) }
	}
	return func(a, b int32) int { return compareRows(v, int(a), int(b), sk) }
}

// compareKeys orders rows a and b by every key in turn (0: equal keys).
func compareKeys(keys []*Vector, sks []SortKey, a, b int32) int {
	for k, sk := range sks {
		if c := compareRows(keys[k], int(a), int(b), sk); c != 0 {
			return c
		}
	}
	return 0
}

// topRows returns the first limit rows of [lo, hi) in cmp's order, keeping the best so far in
// a heap whose root is the worst of them.
func topRows(lo, hi, limit int, cmp func(a, b int32) int, beats *topKey) []int32 {
	h := make([]int32, 0, limit)
	down := func(i int) {
		for {
			c := 2*i + 1
			if c >= len(h) {
				return
			}
			if c+1 < len(h) && cmp(h[c+1], h[c]) > 0 {
				c++
			}
			if cmp(h[c], h[i]) <= 0 {
				return
			}
			h[i], h[c] = h[c], h[i]
			i = c
		}
	}
	for r := lo; r < hi && limit > 0; r++ {
		row := int32(r)
		if beats != nil && len(h) == limit {
			// The root is the worst row kept; this row comes after it, so an equal key loses
			// the tie: only a strictly better key can take its place.
			x, root := beats.x, beats.x[h[0]]
			for ; r < hi; r++ {
				if v := x[r]; (v > root) == beats.desc && v != root {
					break
				}
			}
			if r == hi {
				break
			}
			row = int32(r)
		}
		if len(h) < limit {
			h = append(h, row)
			for i := len(h) - 1; i > 0; { // up
				p := (i - 1) / 2
				if cmp(h[i], h[p]) <= 0 {
					break
				}
				h[i], h[p] = h[p], h[i]
				i = p
			}
			continue
		}
		if cmp(row, h[0]) < 0 {
			h[0] = row
			down(0)
		}
	}
	slices.SortFunc(h, cmp)
	return h
}

// mergeRuns merges sorted runs pairwise into one sorted slice.
func mergeRuns(runs [][]int32, cmp func(a, b int32) int) []int32 {
	for len(runs) > 1 {
		next := make([][]int32, 0, (len(runs)+1)/2)
		for i := 0; i+1 < len(runs); i += 2 {
			next = append(next, merge2(runs[i], runs[i+1], cmp))
		}
		if len(runs)%2 == 1 {
			next = append(next, runs[len(runs)-1])
		}
		runs = next
	}
	if len(runs) == 0 {
		return nil
	}
	return runs[0]
}

// merge2 merges two sorted runs; on equal keys the row index decides, so runs of earlier
// rows come first.
func merge2(a, b []int32, cmp func(a, b int32) int) []int32 {
	out := make([]int32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if cmp(b[j], a[i]) < 0 {
			out = append(out, b[j])
			j++
		} else {
			out = append(out, a[i])
			i++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// sortDictMinRows is the sort size from which a string key is compared by dictionary ranks:
// encoding hashes each row once, where the sort compares each row log2(n) times.
const sortDictMinRows = 1 << 12

// stringRanks returns v's dictionary codes and each code's rank in the values' ordinal
// order (nil when v has no dictionary: too many distinct values).
func stringRanks(env *Env, v *Vector) (codes []uint32, rank []uint32) {
	d := env.GroupDict(v)
	if d == nil || len(d.Codes) != v.Len() {
		return nil, nil
	}
	order := make([]uint32, len(d.Values))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int { return strings.Compare(d.Values[a], d.Values[b]) })
	rank = make([]uint32, len(d.Values))
	for r, c := range order {
		rank[c] = uint32(r)
	}
	return d.Codes, rank
}

// topKey is top's one long-like key without nulls, read directly while skipping rows that
// cannot enter the heap.
type topKey struct {
	x    []int64
	desc bool
}

// rootKey returns the key for topRows' skip loop (nil: the key is not one long-like column
// without nulls).
func rootKey(keys []*Vector, sks []SortKey) *topKey {
	if len(keys) != 1 || storageOf(keys[0].T) != storeInt || keys[0].nulls != nil {
		return nil
	}
	return &topKey{x: keys[0].I, desc: sks[0].Desc}
}
