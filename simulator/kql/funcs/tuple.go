package funcs

import "github.com/soclab/soclab/simulator/kql/types"

// TupleOutput is one column of a function that returns several values (series_stats,
// series_fit_line, series_decompose_anomalies, …): Kusto names it
// <function>_<argument>_<Suffix> unless the query names it (`extend (a, b) = f(x)`).
type TupleOutput struct {
	Suffix string
	T      types.Type
}

// Tuple returns the columns of a function returning several values, or nil for an ordinary
// function. Such a function's EvalFunc returns a dynamic array holding one element per
// column, in order; the analyzer spreads it into columns (it cannot be used inside another
// expression, as in Kusto).
func (f *Func) Tuple() []TupleOutput { return f.tuple }

// tupleFunc builds a function returning len(outs) values: eval gives them as dynamic
// elements (nil for null), or nil when the input is not a series (every column null).
func tupleFunc(name string, outs []TupleOutput, params []kind, minArgs, maxArgs int, eval func(c *Context, a []types.Value) []any) *Func {
	return &Func{Name: name, MinArgs: minArgs, MaxArgs: maxArgs, params: params, ret: types.Dynamic, tuple: outs,
		eval: func(c *Context, a []types.Value) types.Value {
			vals := eval(c, a)
			if vals == nil {
				vals = make([]any, len(outs))
			}
			return types.NewDynamic(vals)
		}}
}

// outputs builds a TupleOutput list from suffix/type pairs.
func outputs(pairs ...any) []TupleOutput {
	out := make([]TupleOutput, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, TupleOutput{Suffix: pairs[i].(string), T: pairs[i+1].(types.Type)})
	}
	return out
}

// floatsAny converts a float slice to dynamic array elements.
func floatsAny(v []float64) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}

// finiteOrNil gives a real as a dynamic element, NaN and infinities as null.
func finiteOrNil(x float64) any {
	if x != x || x > 1.7976931348623157e308 || x < -1.7976931348623157e308 {
		return nil
	}
	return x
}
