package exec

import (
	"math"
	"sort"

	"github.com/soclab/soclab/simulator/kql/types"
)

// Autocluster is `evaluate autocluster(SizeWeight, WeightColumn, NumSeeds, CustomWildcard...)`:
// a few patterns that together describe most rows. Candidates are the closed patterns covering
// at least autoclusterMinShare of the rows; each is scored, as the docs say, by the weighted
// geometric mean of its size (its share of the rows) and its informativeness (the share of
// the dimensions it fixes), with weights SizeWeight and 1-SizeWeight. The best candidate is
// taken, then the next best whose not-yet-covered rows are still at least half of its own,
// up to NumSeeds patterns (the Seed-Expand idea: seeds grown into distinct, overlapping-little
// segments).
type Autocluster struct {
	In         Node
	Cols       []Column // SegmentId, Count, Percent, then the dimensions
	Args       PatternArgs
	SizeWeight float64
	NumSeeds   int
}

// autoclusterMinShare is the smallest share of the rows a pattern may describe.
const autoclusterMinShare = 0.02

// Columns returns the output schema.
func (a *Autocluster) Columns() []Column { return a.Cols }

// Run clusters the input.
func (a *Autocluster) Run(env *Env) (*Table, error) {
	in, err := a.In.Run(env)
	if err != nil {
		return nil, err
	}
	m := newMiner(env, in, a.Args.Dims, a.Args.Weight)
	defer m.release()
	rows := allRows(in.N)
	total := m.weightOf(rows)
	out := newPatternOutput(a.Cols, 3, len(a.Args.Dims), a.Args.Wildcards)
	if total <= 0 || len(a.Args.Dims) == 0 {
		return out.b.Table(), nil
	}
	cands, err := m.frequentClosed(rows, autoclusterMinShare*total, len(a.Args.Dims))
	if err != nil {
		return nil, err
	}
	score := func(p pattern) float64 {
		size := m.weightOf(p.rows) / total
		info := float64(len(p.items)) / float64(len(a.Args.Dims))
		return math.Pow(size, a.SizeWeight) * math.Pow(info, 1-a.SizeWeight)
	}
	sort.SliceStable(cands, func(i, j int) bool { return score(cands[i]) > score(cands[j]) })
	covered := make([]bool, in.N)
	var chosen []pattern
	for _, p := range cands {
		if len(chosen) >= a.NumSeeds {
			break
		}
		fresh := 0.0
		for _, r := range p.rows {
			if !covered[r] {
				fresh += m.weight[r]
			}
		}
		if len(p.rows) < 2 || fresh < m.weightOf(p.rows)/2 {
			continue
		}
		for _, r := range p.rows {
			covered[r] = true
		}
		chosen = append(chosen, p)
	}
	for i, p := range chosen {
		w := m.weightOf(p.rows)
		if err := out.add(m, p, []types.Value{types.NewLong(int64(i)), types.NewLong(roundCount(w)), types.NewReal(100 * w / total)}); err != nil {
			return nil, err
		}
	}
	return out.b.Table(), nil
}
