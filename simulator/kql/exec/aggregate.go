package exec

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/soclab/soclab/simulator/kql/types"
)

// Aggregator accumulates one aggregate function per group. Groups are dense ids from a Grouper;
// Add may see a group id for the first time (the aggregator grows its state).
type Aggregator interface {
	// Add folds row i of t into group g.
	Add(env *Env, g int32, t *Table, i int)
	// Result writes the group's outputs (one per output column) to out.
	Result(g int32, out []types.Value)
}

// AggSpec describes a compiled aggregate call: its function, arguments and output types.
type AggSpec struct {
	Func   string
	Args   []Expr
	Consts []types.Value // constant arguments (percentile ranks, max sizes) after Args
	Out    []types.Type
	// Extra are the columns returned by arg_min/arg_max after the compared expression.
	Extra []Expr
}

// New returns a fresh aggregator for one run.
func (s *AggSpec) New() Aggregator {
	switch s.Func {
	case "count", "countif":
		return &countAgg{spec: s}
	case "sum", "sumif":
		return &sumAgg{spec: s}
	case "avg", "avgif":
		return &avgAgg{spec: s}
	case "min", "max", "minif", "maxif":
		return &minMaxAgg{spec: s, max: strings.HasPrefix(s.Func, "max")}
	case "dcount", "dcountif", "count_distinct", "count_distinctif":
		return &dcountAgg{spec: s}
	case "make_set", "make_set_if", "make_list", "make_list_if", "make_list_with_nulls":
		return &listAgg{spec: s, set: strings.HasPrefix(s.Func, "make_set"), nulls: s.Func == "make_list_with_nulls", lim: listLimit(s)}
	case "make_bag", "make_bag_if":
		return &bagAgg{spec: s}
	case "buildschema":
		return &schemaAgg{spec: s}
	case "hll", "hll_if", "hll_merge":
		return &hllAgg{spec: s}
	case "tdigest", "tdigest_merge", "merge_tdigest":
		return &tdigestAgg{spec: s}
	case "any", "take_any", "take_anyif", "anyif":
		return &anyAgg{spec: s}
	case "arg_max", "arg_min":
		return &argAgg{spec: s, max: s.Func == "arg_max"}
	case "binary_all_and", "binary_all_or", "binary_all_xor":
		return &bitAgg{spec: s}
	case "percentile", "percentiles", "percentiles_array", "percentilew", "percentilesw", "percentilesw_array":
		return &percentileAgg{spec: s}
	case "stdev", "stdevif", "stdevp", "stdevpif", "variance", "varianceif", "variancep", "variancepif",
		"covariance", "covarianceif", "covariancep", "covariancepif":
		return &momentAgg{spec: s}
	}
	return &countAgg{spec: s}
}

// predOK evaluates the "if" predicate argument at index k (true when absent).
func predOK(env *Env, e []Expr, k int, t *Table, i int) bool {
	if k >= len(e) {
		return true
	}
	v := e[k].Eval(env, t, i)
	return !v.IsNull() && v.T == types.Bool && v.I != 0
}

// grow extends s to hold index g (new cells zero), doubling its capacity when it must move
// so that state growing group by group is copied O(1) times per group.
func grow[T any](s []T, g int32) []T {
	n := int(g) + 1
	if n <= len(s) {
		return s
	}
	if n <= cap(s) {
		old := len(s)
		s = s[:n]
		clear(s[old:])
		return s
	}
	out := make([]T, n, max(2*cap(s), n, 16))
	copy(out, s)
	return out
}

// AggOutputs returns the output types and the default column names of an aggregate call.
// argTypes are the types of the value arguments; colName is the name of the first argument
// when it is a plain column (else ""); consts holds the constant trailing arguments.
func AggOutputs(fn string, argTypes []types.Type, argNames []string, consts []types.Value) ([]types.Type, []string, error) {
	name0 := ""
	if len(argNames) > 0 {
		name0 = argNames[0]
	}
	// Kusto names an aggregate <function>_<argument column>; without a named argument the
	// suffix is empty: count() → count_, sum(x * 2) → sum_.
	suffix := func(prefix string) string { return prefix + "_" + name0 }
	t0 := types.Null
	if len(argTypes) > 0 {
		t0 = argTypes[0]
	}
	switch fn {
	case "count":
		return []types.Type{types.Long}, []string{suffix("count")}, nil
	case "countif":
		return []types.Type{types.Long}, []string{suffix("countif")}, nil
	case "dcount", "dcountif", "count_distinct", "count_distinctif":
		return []types.Type{types.Long}, []string{suffix(fn)}, nil
	case "sum", "sumif":
		t := types.Long
		switch t0 {
		case types.Real, types.Decimal, types.TimeSpan:
			t = t0
		case types.Dynamic:
			t = types.Real
		}
		return []types.Type{t}, []string{suffix(fn)}, nil
	case "avg", "avgif":
		t := types.Real
		if t0 == types.TimeSpan || t0 == types.DateTime || t0 == types.Decimal {
			t = t0
		}
		return []types.Type{t}, []string{suffix(fn)}, nil
	case "min", "max", "minif", "maxif":
		return []types.Type{t0}, []string{suffix(strings.TrimSuffix(fn, "if"))}, nil
	case "make_set", "make_set_if":
		return []types.Type{types.Dynamic}, []string{suffix("set")}, nil
	case "make_list", "make_list_if", "make_list_with_nulls":
		return []types.Type{types.Dynamic}, []string{suffix("list")}, nil
	case "make_bag", "make_bag_if":
		return []types.Type{types.Dynamic}, []string{suffix("bag")}, nil
	case "buildschema":
		return []types.Type{types.Dynamic}, []string{suffix("schema")}, nil
	case "hll", "hll_if", "hll_merge", "tdigest", "tdigest_merge", "merge_tdigest":
		return []types.Type{types.Dynamic}, []string{suffix(fn)}, nil
	case "any", "take_any", "anyif", "take_anyif":
		// any(x) → any_x; take_any returns its arguments' own columns; take_anyif is named after
		// its first argument.
		n := len(argTypes)
		if strings.HasSuffix(fn, "if") {
			n--
		}
		names := make([]string, n)
		for k := range names {
			nm := ""
			if k < len(argNames) {
				nm = argNames[k]
			}
			switch fn {
			case "any", "anyif":
				names[k] = fn + "_" + nm
			default:
				names[k] = nm
			}
		}
		return argTypes[:n], names, nil
	case "percentile", "percentiles", "percentilew", "percentilesw":
		out := make([]types.Type, len(consts))
		names := make([]string, len(consts))
		for k, c := range consts {
			out[k] = t0
			if t0.IsInteger() || t0 == types.Null {
				out[k] = types.Long
				if t0 == types.Int {
					out[k] = types.Int
				}
			}
			p := strings.ReplaceAll(types.FormatText(c), ".", "_")
			if f, ok := c.AsFloat(); ok {
				p = strings.ReplaceAll(strconv.FormatFloat(f, 'f', -1, 64), ".", "_")
			}
			names[k] = "percentile_" + name0 + "_" + p
		}
		return out, names, nil
	case "percentiles_array", "percentilesw_array":
		return []types.Type{types.Dynamic}, []string{"percentile_" + name0}, nil
	case "stdev", "stdevif", "stdevp", "stdevpif", "variance", "varianceif", "variancep", "variancepif":
		return []types.Type{types.Real}, []string{suffix(fn)}, nil
	case "binary_all_and", "binary_all_or", "binary_all_xor":
		// named after the argument alone (Kusto's FirstArgument naming)
		return []types.Type{types.Long}, []string{name0}, nil
	case "covariance", "covarianceif", "covariancep", "covariancepif":
		n1 := ""
		if len(argNames) > 1 {
			n1 = argNames[1]
		}
		return []types.Type{types.Real}, []string{fn + "_" + name0 + "_" + n1}, nil
	}
	return nil, nil, fmt.Errorf("unknown aggregate %s", fn)
}

// IsAggregate reports whether fn names an aggregate function this engine runs.
func IsAggregate(fn string) bool {
	switch fn {
	case "count", "countif", "dcount", "dcountif", "count_distinct", "count_distinctif",
		"sum", "sumif", "avg", "avgif", "min", "max", "minif", "maxif",
		"make_set", "make_set_if", "make_list", "make_list_if", "make_list_with_nulls",
		"make_bag", "make_bag_if", "any", "take_any", "anyif", "take_anyif",
		"arg_max", "arg_min", "percentile", "percentiles", "percentiles_array",
		"percentilew", "percentilesw", "percentilesw_array",
		"stdev", "stdevif", "stdevp", "stdevpif", "variance", "varianceif", "variancep", "variancepif",
		"covariance", "covarianceif", "covariancep", "covariancepif",
		"binary_all_and", "binary_all_or", "binary_all_xor", "buildschema",
		"hll", "hll_if", "hll_merge", "tdigest", "tdigest_merge", "merge_tdigest":
		return true
	}
	return false
}
