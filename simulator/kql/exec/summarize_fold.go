package exec

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/soclab/soclab/simulator/kql/govern"
	"github.com/soclab/soclab/simulator/kql/types"
)

// fold computes the aggregates over the groups typedGroups assigned (gids[i]: row i's group,
// first[g]: group g's first row). On a large table with RowPure aggregate arguments the groups
// are split among Env.Workers goroutines by group id: each worker folds the rows of its own
// groups, in row order, into its own aggregators. Every group is folded by one worker exactly
// as the sequential fold would (make_list's order, arg_max's ties, take_any's first row,
// limits), so nothing needs merging and the result equals the sequential one.
func (s *Summarize) fold(env *Env, t *Table, gids, first []int32) (*Table, error) {
	groups := len(first)
	keyVecs := make([]*Vector, len(s.Keys))
	for k, e := range s.Keys {
		v := NewVector(e.T, groups)
		for _, r := range first {
			v.Append(e.Eval(env, t, int(r)))
		}
		keyVecs[k] = v
	}
	if err := env.Mem.Charge(int64(groups)*int64(16*len(s.Keys)+8), "Summarize"); err != nil {
		return nil, err
	}
	workers := s.foldWorkers(env, t.N, groups)
	s.prepareDicts(env, t)
	parts := make([]*foldPart, workers)
	if workers == 1 {
		parts[0] = s.newPart(env, t, gids, 0, 1)
		if err := parts[0].run(nil); err != nil {
			return nil, err
		}
	} else {
		panics := make([]any, workers)
		errs := make([]error, workers)
		var stop atomic.Bool
		var wg sync.WaitGroup
		for w := range parts {
			parts[w] = s.newPart(env.Fork(), t, gids, w, workers)
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() {
					if r := recover(); r != nil {
						panics[w] = r // re-raised below, where Run recovers it
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
				return nil, err
			}
		}
	}
	w := int32(workers)
	out := s.output(keyVecs, groups, func(k int, g int32, res []types.Value) { parts[g%w].aggs[k].Result(g/w, res) })
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

// foldWorkers is how many goroutines fold the aggregates: one for small tables, few groups or
// arguments that need the run's own environment (caches, clock, random source).
func (s *Summarize) foldWorkers(env *Env, rows, groups int) int {
	minRows := env.ParallelMinRows
	if minRows <= 0 {
		minRows = DefaultParallelMinRows
	}
	if env.Workers <= 1 || rows < minRows || groups < 2 {
		return 1
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

// foldPart is one worker's share of a fold: the groups g with g % of == w, numbered g / of.
type foldPart struct {
	env      *Env
	t        *Table
	gids     []int32
	w, of    int32
	aggs     []Aggregator
	meter    *govern.Meter
	perGroup int64
	groups   int32 // local groups seen so far
	charged  int64
}

func (s *Summarize) newPart(env *Env, t *Table, gids []int32, w, of int) *foldPart {
	p := &foldPart{env: env, t: t, gids: gids, w: int32(w), of: int32(of), aggs: make([]Aggregator, len(s.Aggs)),
		meter: env.Meter("Summarize"), perGroup: int64(16 * len(s.Aggs))}
	for k, a := range s.Aggs {
		p.aggs[k] = a.New()
	}
	return p
}

// run folds the part's rows in batches, checking the run's context (and stop, set when
// another worker failed) between batches.
func (p *foldPart) run(stop *atomic.Bool) error {
	n := len(p.gids)
	for _, a := range p.aggs {
		if h, ok := a.(interface{ presize(rows int) }); ok {
			h.presize(n / int(p.of))
		}
	}
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
			p.groups = max(p.groups, maxGroup(lg)+1)
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
			p.groups = max(p.groups, maxGroup(lg)+1)
		}
		for _, a := range p.aggs {
			addRows(p.env, a, lg, rows, p.t)
		}
		if err := p.charge(); err != nil {
			return err
		}
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
