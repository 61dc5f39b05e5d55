package exec

import (
	"math"
	"sort"

	"github.com/soclab/soclab/simulator/kql/types"
)

// DiffPatterns is `evaluate diffpatterns(SplitColumn, SplitValueA, SplitValueB, WeightColumn,
// Threshold, MaxDimensions, CustomWildcard...)`: the rows whose split column reads A form set
// A, those reading B set B; the candidates are the closed patterns of A ∪ B frequent enough
// to reach the threshold in one of the sets; those whose share of A and of B differ by at
// least Threshold (5 percentage points by default) are returned, largest difference first,
// leaving out a pattern that contains, or is contained in, one already returned (it
// describes the same difference less well).
type DiffPatterns struct {
	In     Node
	Cols   []Column // SegmentId, CountA, CountB, PercentA, PercentB, PercentDiffAB, dimensions
	Args   PatternArgs
	Split  int
	A, B   string
	Format func(types.Value) string // the split value as text (tostring)
}

// Columns returns the output schema.
func (d *DiffPatterns) Columns() []Column { return d.Cols }

// Run compares the two sets.
func (d *DiffPatterns) Run(env *Env) (*Table, error) {
	in, err := d.In.Run(env)
	if err != nil {
		return nil, err
	}
	m := newMiner(env, in, d.Args.Dims, d.Args.Weight)
	defer m.release()
	inA := make([]bool, in.N)
	var rows, rowsA, rowsB []int32
	for i := 0; i < in.N; i++ {
		switch d.Format(in.Vecs[d.Split].Get(i)) {
		case d.A:
			inA[i] = true
			rows, rowsA = append(rows, int32(i)), append(rowsA, int32(i))
		case d.B:
			rows, rowsB = append(rows, int32(i)), append(rowsB, int32(i))
		}
	}
	out := newPatternOutput(d.Cols, 6, len(d.Args.Dims), d.Args.Wildcards)
	wA, wB := m.weightOf(rowsA), m.weightOf(rowsB)
	if wA <= 0 || wB <= 0 {
		return out.b.Table(), nil
	}
	type scored struct {
		p          pattern
		cA, cB     float64
		pA, pB, df float64
	}
	var found []scored
	cands, err := m.frequentClosed(rows, d.Args.Threshold*math.Min(wA, wB), d.Args.MaxDims)
	if err != nil {
		return nil, err
	}
	for _, p := range cands {
		var cA, cB float64
		for _, r := range p.rows {
			if inA[r] {
				cA += m.weight[r]
			} else {
				cB += m.weight[r]
			}
		}
		pA, pB := 100*cA/wA, 100*cB/wB
		if df := math.Abs(pA - pB); df >= 100*d.Args.Threshold {
			found = append(found, scored{p, cA, cB, pA, pB, df})
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].df > found[j].df })
	var kept []scored
	for _, s := range found {
		redundant := false
		for _, k := range kept {
			if contains(k.p.items, s.p.items) || contains(s.p.items, k.p.items) {
				redundant = true
				break
			}
		}
		if !redundant {
			kept = append(kept, s)
		}
	}
	for i, s := range kept {
		lead := []types.Value{types.NewLong(int64(i)), types.NewLong(roundCount(s.cA)), types.NewLong(roundCount(s.cB)),
			types.NewReal(s.pA), types.NewReal(s.pB), types.NewReal(s.df)}
		if err := out.add(m, s.p, lead); err != nil {
			return nil, err
		}
	}
	return out.b.Table(), nil
}
