package exec

import (
	"github.com/soclab/soclab/simulator/kql/types"
)

// Range is the range operator: one column of values from From to To (inclusive) by Step.
type Range struct {
	Col            Column
	From, To, Step Expr
}

// Columns is the single range column.
func (r *Range) Columns() []Column { return []Column{r.Col} }

// Run generates the values.
func (r *Range) Run(env *Env) (*Table, error) {
	from := r.From.Eval(env, nil, 0)
	to := r.To.Eval(env, nil, 0)
	step := r.Step.Eval(env, nil, 0)
	v := NewVector(r.Col.Type, 16)
	n := 0
	if !from.IsNull() && !to.IsNull() && !step.IsNull() {
		switch r.Col.Type {
		case types.Real, types.Decimal:
			f, _ := from.AsFloat()
			t, _ := to.AsFloat()
			s, _ := step.AsFloat()
			if s == 0 {
				return nil, runtimeErr("range: the step must not be zero")
			}
			for x := f; (s > 0 && x <= t) || (s < 0 && x >= t); x = f + float64(n)*s {
				if err := r.limit(env, n); err != nil {
					return nil, err
				}
				v.Append(types.Value{T: r.Col.Type, F: x})
				n++
			}
		default:
			f, t, s := intOf(from), intOf(to), intOf(step)
			if s == 0 {
				return nil, runtimeErr("range: the step must not be zero")
			}
			for x := f; (s > 0 && x <= t) || (s < 0 && x >= t); x += s {
				if err := r.limit(env, n); err != nil {
					return nil, err
				}
				v.Append(types.Value{T: r.Col.Type, I: x})
				n++
			}
		}
	}
	return &Table{Cols: r.Columns(), Vecs: []*Vector{v}, N: n}, nil
}

func (r *Range) limit(env *Env, n int) error {
	if n%checkEvery == 0 {
		if err := env.Check(); err != nil {
			return err
		}
		// the next chunk of cells, charged before it is appended
		if err := env.Mem.Charge(8*checkEvery, ""); err != nil {
			return err
		}
	}
	return env.CheckRows(n)
}

func intOf(v types.Value) int64 {
	if v.T == types.Real || v.T == types.Decimal {
		return int64(v.F)
	}
	return v.I
}
