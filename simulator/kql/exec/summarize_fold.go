package exec

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/soclab/soclab/simulator/kql/govern"
)

// fold computes the aggregates over the groups typedGroups assigned (gids[i]: row i's group,
// first[g]: group g's first row). On a large table with RowPure aggregate arguments the groups
// are split among Env.Workers goroutines: each worker folds the rows of its own groups, in row
// order, into its own aggregators. Every group is folded by one worker exactly as the
// sequential fold would (make_list's order, arg_max's ties, take_any's first row, limits), so
// nothing needs merging and the result equals the sequential one.
//
// With a distinct-counting aggregate the rows are first sorted by group (a stable counting
// sort): each group's rows are then folded together, so per-group state is touched once per
// group instead of at random, and dcount/make_set dedupe a group's values with stamps over
// the dictionary's codes instead of a table of every (group, value) pair.
func (s *Summarize) fold(env *Env, t *Table, gids, first []int32) (*Table, error) {
	groups := len(first)
	keyVecs := make([]*Vector, len(s.Keys))
	for k, e := range s.Keys {
		keyVecs[k] = groupKeyVector(env, e, t, first)
	}
	if err := env.Mem.Charge(int64(groups)*int64(16*len(s.Keys)+8), "Summarize"); err != nil {
		return nil, err
	}
	workers := s.foldWorkers(env, t.N, groups)
	s.prepareDicts(env, t)
	parts := make([]*foldPart, workers)
	var partOf []int32 // sorted fold: the part of each group
	if s.sortedFold(groups) {
		scratch := 4 * int64(t.N+2*groups)
		if err := env.Mem.Charge(scratch, "Summarize"); err != nil {
			return nil, err
		}
		defer env.Mem.Release(scratch)
		order, starts := sortByGroup(gids, groups)
		partOf = make([]int32, groups)
		g0 := 0
		for w := range parts {
			// contiguous ranges of groups with about equal rows
			g1 := g0
			for g1 < groups && (w == workers-1 || int(starts[g1]) < t.N*(w+1)/workers) {
				g1++
			}
			penv := env
			if workers > 1 {
				penv = env.Fork()
			}
			parts[w] = s.newPart(penv, t, gids)
			parts[w].order, parts[w].starts, parts[w].g0, parts[w].g1 = order, starts, int32(g0), int32(g1)
			for g := g0; g < g1; g++ {
				partOf[g] = int32(w)
			}
			g0 = g1
		}
	} else {
		for w := range parts {
			penv := env
			if workers > 1 {
				penv = env.Fork()
			}
			parts[w] = s.newPart(penv, t, gids)
			parts[w].w, parts[w].of = int32(w), int32(workers)
		}
	}
	if err := runParts(parts); err != nil {
		return nil, err
	}
	locate := func(k int, g int32) (Aggregator, int32) {
		w := int32(workers)
		return parts[g%w].aggs[k], g / w
	}
	if partOf != nil {
		locate = func(k int, g int32) (Aggregator, int32) {
			p := parts[partOf[g]]
			return p.aggs[k], g - p.g0
		}
	}
	out := s.output(keyVecs, groups, workers, locate)
	for _, p := range parts {
		if err := p.charge(); err != nil {
			return nil, err
		}
		if err := p.meter.Flush(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// groupKeyVector is key e's value at each group's first row: a gather of a plain column (which
// keeps its dictionary), bins computed from the column's integers, else e evaluated.
func groupKeyVector(env *Env, e Expr, t *Table, first []int32) *Vector {
	switch {
	case e.IsCol && t.Vecs[e.Col].T == e.T:
		return t.Vecs[e.Col].Gather(first)
	case e.BinStep > 0 && storageOf(e.T) == storeInt && storageOf(t.Vecs[e.BinCol].T) == storeInt:
		src := t.Vecs[e.BinCol]
		out := &Vector{T: e.T, n: len(first), I: make([]int64, len(first))}
		for g, r := range first {
			if src.nulls != nil && src.IsNull(int(r)) {
				out.setNull(g)
				continue
			}
			out.I[g] = floorDiv(src.I[r], e.BinStep) * e.BinStep
		}
		return out
	}
	v := NewVector(e.T, len(first))
	for _, r := range first {
		v.Append(e.Eval(env, t, int(r)))
	}
	return v
}

// runParts folds every part, on its own goroutine when there are several. A worker's panic is
// re-raised here, on the query's goroutine, where Run turns it into the query's error.
func runParts(parts []*foldPart) error {
	if len(parts) == 1 {
		return parts[0].run(nil)
	}
	panics := make([]any, len(parts))
	errs := make([]error, len(parts))
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					panics[w] = r
					stop.Store(true)
				}
			}()
			if errs[w] = parts[w].run(&stop); errs[w] != nil {
				stop.Store(true)
			}
		}()
	}
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p)
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// sortedFold reports whether the fold sorts rows by group first: when an aggregate counts or
// collects distinct values, which it then dedupes per group with stamps over dictionary codes.
func (s *Summarize) sortedFold(groups int) bool {
	for _, a := range s.Aggs {
		if codedAgg(a) {
			return true
		}
	}
	return false
}

// sortByGroup returns the rows ordered by group, each group's rows ascending (a counting
// sort), and where each group starts in that order (starts[groups] = len(gids)).
func sortByGroup(gids []int32, groups int) (order, starts []int32) {
	if groups == 1 {
		return seqRows(0, len(gids)), []int32{0, int32(len(gids))}
	}
	starts = make([]int32, groups+1)
	for _, g := range gids {
		starts[g+1]++
	}
	for g := 1; g <= groups; g++ {
		starts[g] += starts[g-1]
	}
	next := make([]int32, groups)
	copy(next, starts[:groups])
	order = make([]int32, len(gids))
	for i, g := range gids {
		order[next[g]] = int32(i)
		next[g]++
	}
	return order, starts
}

// foldWorkers is how many goroutines fold the aggregates: one for small tables, few groups or
// arguments that need the run's own environment (caches, clock, random source).
func (s *Summarize) foldWorkers(env *Env, rows, groups int) int {
	minRows := env.ParallelMinRows
	if minRows <= 0 {
		minRows = DefaultParallelMinRows
	}
	if env.Workers <= 1 || rows < minRows || groups < 2 || len(s.Aggs) == 0 {
		return 1 // (distinct has no aggregates: nothing to fold)
	}
	for _, a := range s.Aggs {
		for _, e := range a.Args {
			if !e.RowPure {
				return 1
			}
		}
		for _, e := range a.Extra {
			if !e.RowPure {
				return 1
			}
		}
	}
	return min(env.Workers, runtime.GOMAXPROCS(0)*2, groups)
}

// prepareDicts encodes the string columns that distinct-counting aggregates read, once, before
// the workers start (they then find the codes built).
func (s *Summarize) prepareDicts(env *Env, t *Table) {
	for _, a := range s.Aggs {
		if len(a.Args) > 0 && a.Args[0].IsCol && codedAgg(a) {
			env.GroupDict(t.Vecs[a.Args[0].Col])
		}
	}
}

// foldPart is one worker's share of a fold: the groups g with g % of == w, numbered g / of;
// or, in a sorted fold, the groups g0..g1-1, numbered g - g0, whose rows are
// order[starts[g0]:starts[g1]].
type foldPart struct {
	env      *Env
	t        *Table
	gids     []int32
	w, of    int32
	order    []int32
	starts   []int32
	g0, g1   int32
	cut      int32 // a sorted fold's position inside a group larger than a batch
	aggs     []Aggregator
	meter    *govern.Meter
	perGroup int64
	groups   int32 // local groups seen so far
	charged  int64
}

func (s *Summarize) newPart(env *Env, t *Table, gids []int32) *foldPart {
	p := &foldPart{env: env, t: t, gids: gids, of: 1, aggs: make([]Aggregator, len(s.Aggs)),
		meter: env.Meter("Summarize"), perGroup: int64(16 * len(s.Aggs))}
	for k, a := range s.Aggs {
		p.aggs[k] = a.New()
	}
	return p
}

// presize gives the aggregates that size their state the part's rows and groups (bounds).
func (p *foldPart) presize(rows, groups int) {
	for _, a := range p.aggs {
		if h, ok := a.(interface{ presize(rows, groups int) }); ok {
			h.presize(rows, groups)
		}
	}
}

// groupsAdder is an Aggregator that folds rows sorted by group: rows[k] into gids[k], each
// group's rows consecutive and ascending; a group may continue from the previous call (the
// call's first group is then the previous call's last) but does not come back after.
type groupsAdder interface {
	AddGroups(env *Env, gids []int32, rows []int32, t *Table)
}

// run folds the part's rows in batches, checking the run's context (and stop, set when
// another worker failed) between batches.
func (p *foldPart) run(stop *atomic.Bool) error {
	if p.order != nil {
		return p.runSorted(stop)
	}
	n := len(p.gids)
	p.presize(n/int(p.of), n/int(p.of))
	var lg, rows []int32
	if p.of > 1 {
		lg, rows = make([]int32, 0, summarizeBatch), make([]int32, 0, summarizeBatch)
	}
	for start := 0; start < n; start += summarizeBatch {
		if err := p.env.Check(); err != nil {
			return err
		}
		if stop != nil && stop.Load() {
			return nil // another worker failed: its error or panic is the run's
		}
		end := min(start+summarizeBatch, n)
		if p.of == 1 {
			lg, rows = p.gids[start:end], seqRows(start, end)
		} else {
			lg, rows = lg[:0], rows[:0]
			for i := start; i < end; i++ {
				if g := p.gids[i]; g%p.of == p.w {
					lg = append(lg, g/p.of)
					rows = append(rows, int32(i))
				}
			}
			if len(lg) == 0 {
				continue
			}
		}
		p.groups = max(p.groups, maxGroup(lg)+1)
		for _, a := range p.aggs {
			addRows(p.env, a, lg, rows, p.t)
		}
		if err := p.charge(); err != nil {
			return err
		}
	}
	return nil
}

// runSorted folds the part's groups in order, whole groups per batch.
func (p *foldPart) runSorted(stop *atomic.Bool) error {
	p.presize(int(p.starts[p.g1]-p.starts[p.g0]), int(p.g1-p.g0))
	var lg []int32
	for g := p.g0; g < p.g1; {
		if err := p.env.Check(); err != nil {
			return err
		}
		if stop != nil && stop.Load() {
			return nil
		}
		// whole groups up to a batch of rows; a larger group in batches of its own
		end := g + 1
		for end < p.g1 && p.starts[end+1]-p.starts[g] <= summarizeBatch {
			end++
		}
		from, to := p.starts[g], p.starts[end]
		if end == g+1 && to-from > summarizeBatch {
			to = min(from+summarizeBatch, p.starts[end])
			if p.cut > from {
				from = p.cut
				to = min(from+summarizeBatch, p.starts[end])
			}
			if to < p.starts[end] {
				end = g // the group goes on in the next batch
			}
			p.cut = to
		}
		rows := p.order[from:to]
		lg = lg[:0]
		for _, r := range rows {
			lg = append(lg, p.gids[r]-p.g0)
		}
		p.groups = max(p.groups, lg[len(lg)-1]+1)
		for _, a := range p.aggs {
			if b, ok := a.(groupsAdder); ok {
				b.AddGroups(p.env, lg, rows, p.t)
			} else {
				addRows(p.env, a, lg, rows, p.t)
			}
		}
		if err := p.charge(); err != nil {
			return err
		}
		if end == g {
			continue
		}
		g, p.cut = end, 0
	}
	return nil
}

// charge brings the budget up to the part's aggregate state: a cell per group and aggregate,
// plus what list, set and sketch aggregates hold (StateBytes).
func (p *foldPart) charge() error {
	now := int64(p.groups) * p.perGroup
	for _, a := range p.aggs {
		if sz, ok := a.(interface{ StateBytes() int64 }); ok {
			now += sz.StateBytes()
		}
	}
	if now <= p.charged {
		return nil
	}
	err := p.meter.Add(now - p.charged)
	p.charged = now
	return err
}
