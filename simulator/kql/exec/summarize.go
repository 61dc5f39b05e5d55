package exec

import (
	"sync"
	"sync/atomic"

	"github.com/soclab/soclab/simulator/kql/govern"
	"github.com/soclab/soclab/simulator/kql/types"
)

// Summarize groups rows by key expressions and computes aggregates per group (summarize,
// distinct). Output columns: the keys, then each aggregate's outputs.
type Summarize struct {
	In   Node
	Keys []Expr
	Aggs []*AggSpec
	Cols []Column
}

// Columns is keys then aggregate outputs.
func (s *Summarize) Columns() []Column { return s.Cols }

// Run is a hash aggregation: one pass assigns each row a dense group id, aggregators keep
// per-group state in slices indexed by group. Keys that are plain columns or bins group by
// integers (typedGroups) and fold on several workers when the table is large (fold).
func (s *Summarize) Run(env *Env) (*Table, error) {
	t, err := s.In.Run(env)
	if err != nil {
		return nil, err
	}
	if len(s.Keys) == 0 && t.N > 0 {
		// One group: the fold's batches and dictionary codes, on one worker.
		if err := env.Mem.Charge(4*int64(t.N), "Summarize"); err != nil {
			return nil, err
		}
		defer env.Mem.Release(4 * int64(t.N))
		return s.fold(env, t, make([]int32, t.N), []int32{0})
	}
	if len(s.Keys) > 0 && t.N > 0 {
		// The typed grouping's scratch (ids per key, combined keys, group per row, the flat
		// array from keys to groups) is charged as it is made and released when the
		// aggregates are folded.
		sc := &scratch{b: env.Mem}
		defer sc.release()
		s, t, err := s.materializeKeys(env, t, sc)
		if err != nil {
			return nil, err
		}
		gids, first, ok, err := typedGroups(env, s.Keys, t, sc)
		if err != nil {
			return nil, err
		}
		if ok {
			return s.fold(env, t, gids, first)
		}
		return s.runGeneral(env, t)
	}
	return s.runGeneral(env, t)
}

// materializeKeys evaluates computed string and integer keys (tostring(x.city), strcat(...),
// x % 7) into vectors, once per row, when every other key is one typedGroups reads: it
// returns s with those keys as reads of the new vectors, appended after t's columns (the
// aggregates' column indexes are unchanged), so that they group by codes and integers too.
// Otherwise s and t are returned as they are.
func (s *Summarize) materializeKeys(env *Env, t *Table, sc *scratch) (*Summarize, *Table, error) {
	if len(s.Keys) > maxTypedKeys {
		return s, t, nil
	}
	var todo []int
	for k, e := range s.Keys {
		if typedKey(e, t) {
			continue
		}
		st := storageOf(e.T)
		if st != storeString && st != storeInt {
			return s, t, nil // a dynamic or real key: the general grouper
		}
		todo = append(todo, k)
	}
	if len(todo) == 0 {
		return s, t, nil
	}
	if err := sc.take(16 * int64(t.N) * int64(len(todo))); err != nil {
		return nil, nil, err
	}
	out := *s
	out.Keys = append([]Expr(nil), s.Keys...)
	wide := &Table{Name: t.Name, Cols: append([]Column(nil), t.Cols...), Vecs: append([]*Vector(nil), t.Vecs...), N: t.N}
	for _, k := range todo {
		e := s.Keys[k]
		v := NewVector(e.T, t.N)
		var text int64
		for i := 0; i < t.N; i++ {
			if i%checkEvery == 0 {
				if err := env.Check(); err != nil {
					return nil, nil, err
				}
			}
			x := e.Eval(env, t, i)
			v.Append(x)
			text += int64(len(x.S))
		}
		if err := sc.take(text); err != nil { // texts made by the key (tostring, strcat)
			return nil, nil, err
		}
		out.Keys[k] = ColumnExpr(len(wide.Vecs), e.T)
		wide.Cols = append(wide.Cols, Column{Name: "key", Type: e.T})
		wide.Vecs = append(wide.Vecs, v)
	}
	return &out, wide, nil
}

// runGeneral groups row by row through PairGrouper or Grouper.
func (s *Summarize) runGeneral(env *Env, t *Table) (*Table, error) {
	aggs := make([]Aggregator, len(s.Aggs))
	for k, a := range s.Aggs {
		aggs[k] = a.New()
	}
	keyVecs := make([]*Vector, len(s.Keys))
	for k, e := range s.Keys {
		keyVecs[k] = NewVector(e.T, 16)
	}
	// The grouping state is charged as it grows: per group its keys and each aggregate's
	// cell, plus what list and bag aggregates hold (StateBytes), after every batch.
	meter := env.Meter("Summarize")
	perGroup := int64(16*len(s.Keys) + 16*len(s.Aggs) + 8)
	var charged int64
	charge := func(groups int) error {
		now := int64(groups) * perGroup
		for _, a := range aggs {
			if sz, ok := a.(interface{ StateBytes() int64 }); ok {
				now += sz.StateBytes()
			}
		}
		if now <= charged {
			return nil
		}
		err := meter.Add(now - charged)
		charged = now
		return err
	}
	groups := 0
	if len(s.Keys) == 0 {
		// No keys: exactly one group, even over an empty input.
		groups = 1
		for i := 0; i < t.N; i++ {
			if i%checkEvery == 0 {
				if err := env.Check(); err != nil {
					return nil, err
				}
				if err := charge(1); err != nil {
					return nil, err
				}
			}
			for _, a := range aggs {
				a.Add(env, 0, t, i)
			}
		}
	} else {
		var g interface {
			ID([]types.Value) (int32, bool)
			Len() int
		}
		if len(s.Keys) <= 2 {
			g = NewPairGrouper(t.N / 4)
		} else {
			g = NewGrouper()
		}
		vals := make([]types.Value, len(s.Keys))
		appendKeys := func(vals []types.Value) {
			for k, v := range vals {
				keyVecs[k].Append(v)
			}
		}
		pg, _ := g.(*PairGrouper)
		var rowVals []types.Value // a batch's key values, row by row
		if pg != nil {
			rowVals = make([]types.Value, min(t.N, summarizeBatch)*len(s.Keys))
		}
		// Rows go in batches: first every row's group, then each aggregate over the batch, so
		// that an aggregate's loop is short and its cache misses on per-group state overlap.
		gids := make([]int32, min(t.N, summarizeBatch))
		for start := 0; start < t.N; start += summarizeBatch {
			if err := env.Check(); err != nil {
				return nil, err
			}
			end := min(start+summarizeBatch, t.N)
			if pg != nil {
				w := len(s.Keys)
				for i := start; i < end; i++ {
					for k, e := range s.Keys {
						rowVals[(i-start)*w+k] = e.Eval(env, t, i)
					}
				}
				pg.IDs(rowVals[:(end-start)*w], w, gids[:end-start], appendKeys)
			} else {
				for i := start; i < end; i++ {
					for k, e := range s.Keys {
						vals[k] = e.Eval(env, t, i)
					}
					id, isNew := g.ID(vals)
					if isNew {
						appendKeys(vals)
					}
					gids[i-start] = id
				}
			}
			rows := seqRows(start, end)
			for _, a := range aggs {
				addRows(env, a, gids[:end-start], rows, t)
			}
			if err := charge(g.Len()); err != nil {
				return nil, err
			}
		}
		groups = g.Len()
	}
	out := s.output(keyVecs, groups, 1, func(k int, g int32) (Aggregator, int32) { return aggs[k], g })
	// The output cells are what the per-group estimate charged; the lists are shared.
	if err := charge(groups); err != nil {
		return nil, err
	}
	return out, meter.Flush()
}

// output builds the result table: the key vectors, then each aggregate's outputs for groups
// 0..groups-1; locate gives the aggregator holding aggregate k of group g and its id there.
// Counts and lists fill their vectors directly, other aggregates through Result. With
// workers > 1 the aggregates' columns are built concurrently (each aggregate's aggregators
// are touched by one goroutine).
func (s *Summarize) output(keyVecs []*Vector, groups, workers int, locate func(k int, g int32) (Aggregator, int32)) *Table {
	out := &Table{Cols: s.Cols, Vecs: make([]*Vector, len(s.Cols)), N: groups}
	copy(out.Vecs, keyVecs)
	cols := make([]int, len(s.Aggs))
	col := len(s.Keys)
	for k, a := range s.Aggs {
		cols[k] = col
		col += len(a.Out)
	}
	build := func(k int) {
		col, n := cols[k], len(s.Aggs[k].Out)
		if n == 1 && groups > 0 && fillDirect(out, col, groups, k, locate) {
			return
		}
		vecs := make([]*Vector, n)
		for j := 0; j < n; j++ {
			vecs[j] = NewVector(s.Cols[col+j].Type, groups)
		}
		res := make([]types.Value, n)
		for gid := 0; gid < groups; gid++ {
			agg, g := locate(k, int32(gid))
			agg.Result(g, res)
			for j := 0; j < n; j++ {
				vecs[j].Append(res[j])
			}
		}
		copy(out.Vecs[col:], vecs)
	}
	if workers <= 1 || len(s.Aggs) < 2 {
		for k := range s.Aggs {
			build(k)
		}
		return out
	}
	var wg sync.WaitGroup
	var next atomic.Int32
	panics := make([]any, min(workers, len(s.Aggs)))
	for w := range panics {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[w] = recover() }()
			for k := int(next.Add(1)) - 1; k < len(s.Aggs); k = int(next.Add(1)) - 1 {
				build(k)
			}
		}()
	}
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p) // re-raised on the query's goroutine, where Run recovers it
		}
	}
	return out
}

// longResult is an aggregate whose only output is a non-null long per group (counts).
type longResult interface{ longAt(g int32) int64 }

// dynResult is an aggregate whose only output is a non-null dynamic per group (lists, sets).
type dynResult interface{ dynAt(g int32) any }

// fillDirect builds output column col of aggregate k without Values when its aggregator
// gives the cells directly; false when it does not.
func fillDirect(out *Table, col, groups, k int, locate func(k int, g int32) (Aggregator, int32)) bool {
	agg, _ := locate(k, 0)
	typ := out.Cols[col].Type
	switch agg.(type) {
	case longResult:
		if typ != types.Long {
			return false
		}
		v := &Vector{T: typ, n: groups, I: make([]int64, groups)}
		for gid := range v.I {
			a, g := locate(k, int32(gid))
			v.I[gid] = a.(longResult).longAt(g)
		}
		out.Vecs[col] = v
		return true
	case dynResult:
		if typ != types.Dynamic {
			return false
		}
		v := &Vector{T: typ, n: groups, D: make([]any, groups)}
		for gid := range v.D {
			a, g := locate(k, int32(gid))
			v.D[gid] = a.(dynResult).dynAt(g)
		}
		out.Vecs[col] = v
		return true
	}
	return false
}

// scratch is memory an operator holds while it runs, charged to the run's budget as it is
// made and released at the end.
type scratch struct {
	b *govern.Budget
	n int64
}

// take charges n more bytes (the Summarize operator's budget error when they do not fit).
func (s *scratch) take(n int64) error {
	if err := s.b.Charge(n, "Summarize"); err != nil {
		return err
	}
	s.n += n
	return nil
}

func (s *scratch) release() {
	s.b.Release(s.n)
	s.n = 0
}

// summarizeBatch is the number of rows grouped before the aggregates fold them.
const summarizeBatch = 1024

// rowsAdder is an Aggregator that folds a batch of rows at once: row rows[k] of t into group
// gids[k], in order (rows ascending).
type rowsAdder interface {
	AddRows(env *Env, gids []int32, rows []int32, t *Table)
}

// addRows folds a batch of rows into a, in row order.
func addRows(env *Env, a Aggregator, gids []int32, rows []int32, t *Table) {
	if b, ok := a.(rowsAdder); ok {
		b.AddRows(env, gids, rows, t)
		return
	}
	for k, g := range gids {
		a.Add(env, g, t, int(rows[k]))
	}
}

// seqRows returns the rows start..end-1.
func seqRows(start, end int) []int32 {
	rows := make([]int32, end-start)
	for k := range rows {
		rows[k] = int32(start + k)
	}
	return rows
}

// maxGroup is the largest group id of a batch (for growing per-group state once).
func maxGroup(gids []int32) int32 {
	m := int32(0)
	for _, g := range gids {
		m = max(m, g)
	}
	return m
}
