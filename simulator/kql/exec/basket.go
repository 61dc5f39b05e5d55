package exec

import (
	"sort"

	"github.com/soclab/soclab/simulator/kql/types"
)

// PatternArgs are the arguments the pattern plugins share.
type PatternArgs struct {
	// Dims are the input columns patterns are made of; Weight is the weight column (-1: 1 per
	// row).
	Dims   []int
	Weight int
	// Threshold is the minimal share of the rows (basket), or of the difference between the
	// sets (diffpatterns); MaxDims bounds a pattern's size.
	Threshold float64
	MaxDims   int
	// Wildcards replace the null of a type in the dimension columns of the output.
	Wildcards map[types.Type]types.Value
}

// Basket is `evaluate basket(Threshold, WeightColumn, MaxDimensions, CustomWildcard...)`:
// Apriori over the dimension columns; the result is every closed frequent pattern (no larger
// pattern matches the same rows) with SegmentId, Count and Percent, larger patterns first.
type Basket struct {
	In   Node
	Cols []Column // SegmentId, Count, Percent, then the dimensions
	Args PatternArgs
}

// Columns returns the output schema.
func (b *Basket) Columns() []Column { return b.Cols }

// Run mines the input.
func (b *Basket) Run(env *Env) (*Table, error) {
	in, err := b.In.Run(env)
	if err != nil {
		return nil, err
	}
	m := newMiner(env, in, b.Args.Dims, b.Args.Weight)
	defer m.release()
	rows := allRows(in.N)
	total := m.weightOf(rows)
	ps, err := m.frequentClosed(rows, b.Args.Threshold*total, b.Args.MaxDims)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if len(ps[i].items) != len(ps[j].items) {
			return len(ps[i].items) > len(ps[j].items)
		}
		return m.weightOf(ps[i].rows) > m.weightOf(ps[j].rows)
	})
	out := newPatternOutput(b.Cols, 3, len(b.Args.Dims), b.Args.Wildcards)
	for i, p := range ps {
		w := m.weightOf(p.rows)
		if err := out.add(m, p, []types.Value{types.NewLong(int64(i)), types.NewLong(roundCount(w)), types.NewReal(100 * w / total)}); err != nil {
			return nil, err
		}
	}
	return out.b.Table(), nil
}

func allRows(n int) []int32 {
	rows := make([]int32, n)
	for i := range rows {
		rows[i] = int32(i)
	}
	return rows
}

// newPatternOutput starts a result whose dimension columns follow lead columns.
func newPatternOutput(cols []Column, lead, dims int, wildcards map[types.Type]types.Value) *patternOutput {
	o := &patternOutput{b: NewBuilder("", cols), lead: lead, wildcards: wildcards}
	for d := 0; d < dims; d++ {
		o.dimCol = append(o.dimCol, lead+d)
	}
	return o
}
