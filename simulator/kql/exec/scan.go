package exec

import (
	"github.com/soclab/soclab/simulator/kql/types"
)

// Scan is the scan operator with one step: for every input row where Cond holds, the declared
// state columns are recomputed by Assigns (which may read the previous state through
// `step.column`) and the row is emitted with the new state. Expressions are evaluated over a
// one-row table of the input columns followed by the state columns.
type Scan1 struct {
	In       Node
	Cols     []Column // input columns, then the declared state columns
	NIn      int
	Defaults []types.Value
	Cond     Expr
	Assign   map[int]Expr // state column index (in Cols) → expression
}

// Columns is the input plus the state columns.
func (s *Scan1) Columns() []Column { return s.Cols }

// Run walks the rows in order.
func (s *Scan1) Run(env *Env) (*Table, error) {
	t, err := s.In.Run(env)
	if err != nil {
		return nil, err
	}
	state := append([]types.Value(nil), s.Defaults...)
	b := NewBuilder("", s.Cols)
	row := &Table{Cols: s.Cols, Vecs: make([]*Vector, len(s.Cols)), N: 1}
	vals := make([]types.Value, len(s.Cols))
	for i := 0; i < t.N; i++ {
		if i%checkEvery == 0 {
			if err := env.Check(); err != nil {
				return nil, err
			}
		}
		for c := 0; c < s.NIn; c++ {
			vals[c] = t.Vecs[c].Get(i)
		}
		copy(vals[s.NIn:], state)
		for c, v := range vals {
			vec := NewVector(s.Cols[c].Type, 1)
			vec.Append(v)
			row.Vecs[c] = vec
		}
		cond := s.Cond.Eval(env, row, 0)
		if cond.T != types.Bool || cond.IsNull() || cond.I == 0 {
			continue
		}
		next := append([]types.Value(nil), state...)
		for c, e := range s.Assign {
			next[c-s.NIn] = e.Eval(env, row, 0)
		}
		state = next
		copy(vals[s.NIn:], state)
		if err := b.AppendValues(vals); err != nil {
			return nil, err
		}
	}
	return b.Table(), nil
}
