package exec

import (
	"math"
	"sort"

	"github.com/soclab/soclab/simulator/kql/types"
)

// Pattern mining shared by the basket, autocluster and diffpatterns plugins: a pattern fixes
// the values of some dimensions (columns); a row matches when it has those values.

// pattern is a set of (dimension, value id) items, sorted by dimension.
type pattern struct {
	items []item
	rows  []int32 // the matching rows
}

type item struct {
	dim int   // index into the miner's dimensions
	val int32 // value id within the dimension
}

// miner holds the rows' value ids per dimension and their weights.
type miner struct {
	dims   []int           // input column of each dimension
	ids    [][]int32       // ids[d][row]: value id of the row in dimension d (-1: null)
	values [][]types.Value // values[d][id]
	weight []float64       // per row (1 without a weight column)

	env     *Env  // the run: its budget is charged for the patterns' row lists, its context checked
	charged int64 // bytes charged so far (released when the plugin is done)
}

// charge accounts for a pattern's row list and checks the run's deadline.
func (m *miner) charge(rows []int32) error {
	if m.env == nil {
		return nil
	}
	n := int64(len(rows))*4 + 64
	if err := m.env.Mem.Charge(n, ""); err != nil {
		return err
	}
	m.charged += n
	return m.env.Check()
}

// release gives back what the patterns were charged.
func (m *miner) release() {
	if m.env != nil {
		m.env.Mem.Release(m.charged)
		m.charged = 0
	}
}

// newMiner indexes the dimension columns of t; weightCol < 0 means weight 1 per row.
func newMiner(env *Env, t *Table, dims []int, weightCol int) *miner {
	m := &miner{env: env, dims: dims, ids: make([][]int32, len(dims)), values: make([][]types.Value, len(dims)), weight: make([]float64, t.N)}
	for i := range m.weight {
		m.weight[i] = 1
		if weightCol >= 0 {
			w, ok := t.Vecs[weightCol].Get(i).AsFloat()
			if !ok || t.Vecs[weightCol].IsNull(i) {
				w = 0
			}
			m.weight[i] = w
		}
	}
	var key []byte
	for d, c := range dims {
		index := map[string]int32{}
		ids := make([]int32, t.N)
		v := t.Vecs[c]
		for i := 0; i < t.N; i++ {
			if v.IsNull(i) {
				ids[i] = -1
				continue
			}
			val := v.Get(i)
			key = types.AppendKey(key[:0], val)
			id, ok := index[string(key)]
			if !ok {
				id = int32(len(m.values[d]))
				index[string(key)] = id
				m.values[d] = append(m.values[d], val)
			}
			ids[i] = id
		}
		m.ids[d] = ids
	}
	return m
}

func (m *miner) weightOf(rows []int32) float64 {
	s := 0.0
	for _, r := range rows {
		s += m.weight[r]
	}
	return s
}

// frequentClosed runs Apriori over the given rows: every pattern of at most maxDims items
// whose weight reaches minWeight, keeping only closed ones (no superset matches the same
// rows). At most maxPatterns are generated per level (the rest are the least frequent).
func (m *miner) frequentClosed(rows []int32, minWeight float64, maxDims int) ([]pattern, error) {
	const maxPatterns = 20000
	const maxJoin = 1500 // patterns of one level joined into the next (the most frequent)
	// Level 1: frequent single items.
	var level []pattern
	for d := range m.dims {
		groups := map[int32][]int32{}
		for _, r := range rows {
			if id := m.ids[d][r]; id >= 0 {
				groups[id] = append(groups[id], r)
			}
		}
		for id, rs := range groups {
			if m.weightOf(rs) >= minWeight && m.weightOf(rs) > 0 {
				if err := m.charge(rs); err != nil {
					return nil, err
				}
				level = append(level, pattern{items: []item{{d, id}}, rows: rs})
			}
		}
	}
	sortPatterns(level)
	level = strongest(level, maxJoin)
	var all []pattern
	for size := 1; len(level) > 0; size++ {
		all = append(all, level...)
		if size >= maxDims {
			break
		}
		// Join patterns that share all but their last item (Apriori's candidate step).
		var next []pattern
		for i := 0; i < len(level) && len(next) < maxPatterns; i++ {
			for j := i + 1; j < len(level) && len(next) < maxPatterns; j++ {
				a, b := level[i].items, level[j].items
				if !samePrefix(a, b) || a[len(a)-1].dim == b[len(b)-1].dim {
					continue
				}
				items := append(append([]item{}, a...), b[len(b)-1])
				sort.Slice(items, func(x, y int) bool { return items[x].dim < items[y].dim })
				rs := intersect(level[i].rows, level[j].rows)
				if w := m.weightOf(rs); w >= minWeight && w > 0 {
					if err := m.charge(rs); err != nil {
						return nil, err
					}
					next = append(next, pattern{items: items, rows: rs})
				}
			}
		}
		sortPatterns(next)
		level = strongest(dedupe(next), maxJoin)
	}
	return closed(all), nil
}

// samePrefix reports whether two sorted item lists share all but their last item.
func samePrefix(a, b []item) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a)-1; i++ {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func intersect(a, b []int32) []int32 {
	out := make([]int32, 0, min(len(a), len(b)))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, a[i])
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return out
}

// sortPatterns orders patterns by their items (so equal prefixes are adjacent).
func sortPatterns(ps []pattern) {
	for i := range ps {
		sort.Slice(ps[i].rows, func(x, y int) bool { return ps[i].rows[x] < ps[i].rows[y] })
	}
	sort.Slice(ps, func(i, j int) bool { return itemsLess(ps[i].items, ps[j].items) })
}

func itemsLess(a, b []item) bool {
	for k := 0; k < len(a) && k < len(b); k++ {
		if a[k] != b[k] {
			if a[k].dim != b[k].dim {
				return a[k].dim < b[k].dim
			}
			return a[k].val < b[k].val
		}
	}
	return len(a) < len(b)
}

func dedupe(ps []pattern) []pattern {
	out := ps[:0]
	for i, p := range ps {
		if i > 0 && !itemsLess(ps[i-1].items, p.items) && !itemsLess(p.items, ps[i-1].items) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// closed drops every pattern that a larger pattern matching the same rows contains (only
// patterns with as many rows can match the same rows: they are compared within groups).
func closed(ps []pattern) []pattern {
	groups := map[int][]int{}
	for i, p := range ps {
		groups[len(p.rows)] = append(groups[len(p.rows)], i)
	}
	var out []pattern
	for i, p := range ps {
		keep := true
		for _, j := range groups[len(p.rows)] {
			q := ps[j]
			if i != j && len(q.items) > len(p.items) && contains(q.items, p.items) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, p)
		}
	}
	return out
}

// contains reports whether sorted items a include every item of b.
func contains(a, b []item) bool {
	k := 0
	for _, x := range a {
		if k < len(b) && x == b[k] {
			k++
		}
	}
	return k == len(b)
}

// patternOutput builds the plugins' result: the leading columns (SegmentId, counts...) then
// one column per dimension holding the pattern's value or the wildcard of its type.
type patternOutput struct {
	b         *Builder
	lead      int
	dimCol    []int // output column of each dimension
	wildcards map[types.Type]types.Value
}

func (o *patternOutput) add(m *miner, p pattern, lead []types.Value) error {
	row := make([]types.Value, len(o.b.t.Cols))
	copy(row, lead)
	for _, c := range o.dimCol {
		t := o.b.t.Cols[c].Type
		if w, ok := o.wildcards[t]; ok {
			row[c] = w
		} else {
			row[c] = types.NullOf(t)
		}
	}
	for _, it := range p.items {
		row[o.dimCol[it.dim]] = m.values[it.dim][it.val]
	}
	return o.b.AppendValues(row)
}

// roundCount is a weight sum as a count.
func roundCount(w float64) int64 { return int64(math.Round(w)) }

// strongest keeps the n patterns matching the most rows (in item order, for the join).
func strongest(ps []pattern, n int) []pattern {
	if len(ps) <= n {
		return ps
	}
	sort.SliceStable(ps, func(i, j int) bool { return len(ps[i].rows) > len(ps[j].rows) })
	ps = ps[:n]
	sort.Slice(ps, func(i, j int) bool { return itemsLess(ps[i].items, ps[j].items) })
	return ps
}
