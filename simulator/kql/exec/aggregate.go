package exec

import (
	"fmt"
	"hash/maphash"
	"math"
	"sort"
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
		return &listAgg{spec: s, set: strings.HasPrefix(s.Func, "make_set"), nulls: s.Func == "make_list_with_nulls"}
	case "make_bag", "make_bag_if":
		return &bagAgg{spec: s}
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

func grow[T any](s []T, g int32) []T {
	for int(g) >= len(s) {
		var zero T
		s = append(s, zero)
	}
	return s
}

type countAgg struct {
	spec *AggSpec
	n    []int64
}

func (a *countAgg) Add(env *Env, g int32, t *Table, i int) {
	a.n = grow(a.n, g)
	switch {
	case a.spec.Func == "countif":
		if predOK(env, a.spec.Args, 0, t, i) {
			a.n[g]++
		}
	default:
		// count(x) counts every row of the group, as count() does (the argument is
		// accepted for compatibility).
		a.n[g]++
	}
}

func (a *countAgg) Result(g int32, out []types.Value) {
	a.n = grow(a.n, g)
	out[0] = types.NewLong(a.n[g])
}

type sumAgg struct {
	spec *AggSpec
	i    []int64
	f    []float64
	seen []bool
}

func (a *sumAgg) Add(env *Env, g int32, t *Table, i int) {
	a.i, a.f, a.seen = grow(a.i, g), grow(a.f, g), grow(a.seen, g)
	if a.spec.Func == "sumif" && !predOK(env, a.spec.Args, 1, t, i) {
		return
	}
	v := a.spec.Args[0].Eval(env, t, i)
	if v.IsNull() {
		return
	}
	a.seen[g] = true
	switch v.T {
	case types.Real, types.Decimal:
		a.f[g] += v.F
	case types.Dynamic:
		if f, ok := fromDyn(v.D).AsFloat(); ok {
			a.f[g] += f
		}
	default:
		a.i[g] += v.I
	}
}

func (a *sumAgg) Result(g int32, out []types.Value) {
	a.i, a.f, a.seen = grow(a.i, g), grow(a.f, g), grow(a.seen, g)
	t := a.spec.Out[0]
	// Kusto's default for sum/sumif over no (non-null) values is 0, not null.
	switch t {
	case types.Real, types.Decimal:
		out[0] = types.Value{T: t, F: a.f[g] + float64(a.i[g])}
	default:
		out[0] = types.Value{T: t, I: a.i[g]}
	}
}

type avgAgg struct {
	spec *AggSpec
	sum  []float64
	n    []int64
}

func (a *avgAgg) Add(env *Env, g int32, t *Table, i int) {
	a.sum, a.n = grow(a.sum, g), grow(a.n, g)
	if a.spec.Func == "avgif" && !predOK(env, a.spec.Args, 1, t, i) {
		return
	}
	v := a.spec.Args[0].Eval(env, t, i)
	if v.IsNull() {
		return
	}
	f, ok := v.AsFloat()
	if !ok {
		if v.T == types.TimeSpan || v.T == types.DateTime {
			f, ok = float64(v.I), true
		} else if v.T == types.Dynamic {
			f, ok = fromDyn(v.D).AsFloat()
		}
	}
	if ok {
		a.sum[g] += f
		a.n[g]++
	}
}

func (a *avgAgg) Result(g int32, out []types.Value) {
	a.sum, a.n = grow(a.sum, g), grow(a.n, g)
	t := a.spec.Out[0]
	if a.n[g] == 0 {
		out[0] = types.NullOf(t)
		return
	}
	avg := a.sum[g] / float64(a.n[g])
	if t == types.TimeSpan || t == types.DateTime {
		out[0] = types.Value{T: t, I: int64(avg)}
		return
	}
	out[0] = types.Value{T: t, F: avg}
}

type minMaxAgg struct {
	spec *AggSpec
	max  bool
	v    []types.Value
}

func (a *minMaxAgg) Add(env *Env, g int32, t *Table, i int) {
	a.v = grow(a.v, g)
	if strings.HasSuffix(a.spec.Func, "if") && !predOK(env, a.spec.Args, 1, t, i) {
		return
	}
	v := a.spec.Args[0].Eval(env, t, i)
	if v.IsNull() || (v.T == types.String && v.S == "") {
		return
	}
	cur := a.v[g]
	if cur.T == types.Null {
		a.v[g] = v
		return
	}
	c := Compare(v, cur)
	if (a.max && c > 0) || (!a.max && c < 0) {
		a.v[g] = v
	}
}

func (a *minMaxAgg) Result(g int32, out []types.Value) {
	a.v = grow(a.v, g)
	if a.v[g].T == types.Null {
		out[0] = types.NullOf(a.spec.Out[0])
		return
	}
	out[0] = a.v[g]
}

// hashSet is a set of 64-bit value hashes: a slice scanned linearly while small (most groups
// hold few distinct values), a map once it grows. Equal hashes count as equal values (with a
// 64-bit hash a collision is as unlikely as Kusto's own dcount estimate error is large).
type hashSet struct {
	small []uint64
	big   map[uint64]struct{}
}

// add inserts h and reports whether it was new.
func (s *hashSet) add(h uint64) bool {
	if s.big != nil {
		if _, ok := s.big[h]; ok {
			return false
		}
		s.big[h] = struct{}{}
		return true
	}
	for _, x := range s.small {
		if x == h {
			return false
		}
	}
	s.small = append(s.small, h)
	if len(s.small) > 32 {
		s.big = make(map[uint64]struct{}, 64)
		for _, x := range s.small {
			s.big[x] = struct{}{}
		}
		s.small = nil
	}
	return true
}

func (s *hashSet) len() int {
	if s.big != nil {
		return len(s.big)
	}
	return len(s.small)
}

var aggSeed = maphash.MakeSeed()

// dcountAgg counts distinct values per group.
type dcountAgg struct {
	spec *AggSpec
	sets []hashSet
	buf  []byte
}

func (a *dcountAgg) Add(env *Env, g int32, t *Table, i int) {
	a.sets = grow(a.sets, g)
	if strings.HasSuffix(a.spec.Func, "if") && !predOK(env, a.spec.Args, 1, t, i) {
		return
	}
	v := a.spec.Args[0].Eval(env, t, i)
	if v.IsNull() {
		return
	}
	a.buf = appendKey(a.buf[:0], v)
	a.sets[g].add(maphash.Bytes(aggSeed, a.buf))
}

func (a *dcountAgg) Result(g int32, out []types.Value) {
	a.sets = grow(a.sets, g)
	out[0] = types.NewLong(int64(a.sets[g].len()))
}

type listAgg struct {
	spec       *AggSpec
	set, nulls bool
	items      [][]any
	seen       []hashSet // make_set: hashes of the values already added per group
	buf        []byte
}

func (a *listAgg) limit() int {
	if len(a.spec.Consts) > 0 {
		if n, ok := a.spec.Consts[0].AsInt(); ok && n > 0 {
			return int(n)
		}
	}
	return 1048576
}

func (a *listAgg) Add(env *Env, g int32, t *Table, i int) {
	a.items = grow(a.items, g)
	if strings.HasSuffix(a.spec.Func, "_if") && !predOK(env, a.spec.Args, 1, t, i) {
		return
	}
	if len(a.items[g]) >= a.limit() {
		return
	}
	v := a.spec.Args[0].Eval(env, t, i)
	if v.IsNull() && !a.nulls {
		return
	}
	if a.set {
		a.seen = grow(a.seen, g)
		// make_set of arrays adds their elements (Kusto flattens one level).
		if arr, ok := v.D.([]any); ok && v.T == types.Dynamic {
			for _, e := range arr {
				a.addSet(g, types.NewDynamic(e), e)
			}
			return
		}
		a.addSet(g, v, types.ToDynamicElem(v))
		return
	}
	// make_list keeps an array value as one element (only make_set flattens arrays).
	a.items[g] = append(a.items[g], types.ToDynamicElem(v))
}

func (a *listAgg) addSet(g int32, v types.Value, elem any) {
	if elem == nil || len(a.items[g]) >= a.limit() {
		return
	}
	a.buf = appendDynKey(a.buf[:0], elem)
	_ = v
	if !a.seen[g].add(maphash.Bytes(aggSeed, a.buf)) {
		return
	}
	a.items[g] = append(a.items[g], elem)
}

func (a *listAgg) Result(g int32, out []types.Value) {
	a.items = grow(a.items, g)
	items := a.items[g]
	if items == nil {
		items = []any{}
	}
	out[0] = types.NewDynamic(items)
}

type bagAgg struct {
	spec *AggSpec
	bags []map[string]any
}

func (a *bagAgg) Add(env *Env, g int32, t *Table, i int) {
	a.bags = grow(a.bags, g)
	if a.spec.Func == "make_bag_if" && !predOK(env, a.spec.Args, 1, t, i) {
		return
	}
	v := a.spec.Args[0].Eval(env, t, i)
	m, ok := v.D.(map[string]any)
	if v.T != types.Dynamic || !ok {
		return
	}
	if a.bags[g] == nil {
		a.bags[g] = map[string]any{}
	}
	for k, e := range m {
		if _, dup := a.bags[g][k]; !dup {
			a.bags[g][k] = e
		}
	}
}

func (a *bagAgg) Result(g int32, out []types.Value) {
	a.bags = grow(a.bags, g)
	b := a.bags[g]
	if b == nil {
		b = map[string]any{}
	}
	out[0] = types.NewDynamic(b)
}

type anyAgg struct {
	spec *AggSpec
	vals [][]types.Value
}

func (a *anyAgg) Add(env *Env, g int32, t *Table, i int) {
	a.vals = grow(a.vals, g)
	if a.vals[g] != nil {
		return
	}
	n := len(a.spec.Args)
	if strings.HasSuffix(a.spec.Func, "if") {
		if !predOK(env, a.spec.Args, n-1, t, i) {
			return
		}
		n--
	}
	vals := make([]types.Value, n)
	for k := 0; k < n; k++ {
		vals[k] = a.spec.Args[k].Eval(env, t, i)
	}
	a.vals[g] = vals
}

func (a *anyAgg) Result(g int32, out []types.Value) {
	a.vals = grow(a.vals, g)
	for k := range out {
		if a.vals[g] == nil {
			out[k] = types.NullOf(a.spec.Out[k])
		} else {
			out[k] = a.vals[g][k]
		}
	}
}

type argAgg struct {
	spec *AggSpec
	max  bool
	best [][]types.Value
}

func (a *argAgg) Add(env *Env, g int32, t *Table, i int) {
	a.best = grow(a.best, g)
	v := a.spec.Args[0].Eval(env, t, i)
	cur := a.best[g]
	if cur != nil {
		if v.IsNull() {
			return
		}
		if !cur[0].IsNull() {
			c := Compare(v, cur[0])
			if (a.max && c <= 0) || (!a.max && c >= 0) {
				return
			}
		}
	}
	row := make([]types.Value, 1+len(a.spec.Extra))
	row[0] = v
	for k, e := range a.spec.Extra {
		row[k+1] = e.Eval(env, t, i)
	}
	a.best[g] = row
}

func (a *argAgg) Result(g int32, out []types.Value) {
	a.best = grow(a.best, g)
	for k := range out {
		if a.best[g] == nil {
			out[k] = types.NullOf(a.spec.Out[k])
		} else {
			out[k] = a.best[g][k]
		}
	}
}

type percentileAgg struct {
	spec *AggSpec
	vals [][]types.Value
	wts  [][]int64
}

func (a *percentileAgg) weighted() bool { return strings.Contains(a.spec.Func, "w") }

func (a *percentileAgg) Add(env *Env, g int32, t *Table, i int) {
	a.vals = grow(a.vals, g)
	v := a.spec.Args[0].Eval(env, t, i)
	if v.IsNull() {
		return
	}
	if a.weighted() {
		a.wts = grow(a.wts, g)
		w, ok := a.spec.Args[1].Eval(env, t, i).AsInt()
		if !ok || w <= 0 {
			return
		}
		a.wts[g] = append(a.wts[g], w)
	}
	a.vals[g] = append(a.vals[g], v)
}

func (a *percentileAgg) Result(g int32, out []types.Value) {
	a.vals = grow(a.vals, g)
	a.wts = grow(a.wts, g)
	vals := a.vals[g]
	idx := make([]int, len(vals))
	for k := range idx {
		idx[k] = k
	}
	sort.SliceStable(idx, func(x, y int) bool { return Compare(vals[idx[x]], vals[idx[y]]) < 0 })
	var total int64
	weights := a.wts[g]
	for k := range vals {
		if a.weighted() {
			total += weights[k]
		} else {
			total++
		}
	}
	pick := func(p float64) types.Value {
		if len(vals) == 0 {
			return types.NullOf(a.spec.Args[0].T)
		}
		// nearest-rank: the smallest value whose cumulative weight reaches p% of the total.
		rank := int64(math.Ceil(p / 100 * float64(total)))
		if rank < 1 {
			rank = 1
		}
		var cum int64
		for _, k := range idx {
			if a.weighted() {
				cum += weights[k]
			} else {
				cum++
			}
			if cum >= rank {
				return vals[k]
			}
		}
		return vals[idx[len(idx)-1]]
	}
	if strings.HasSuffix(a.spec.Func, "_array") {
		arr := make([]any, 0, len(a.spec.Consts))
		for _, c := range a.spec.Consts {
			p, _ := c.AsFloat()
			arr = append(arr, types.ToDynamicElem(pick(p)))
		}
		out[0] = types.NewDynamic(arr)
		return
	}
	for k := range out {
		p, _ := a.spec.Consts[k].AsFloat()
		v := pick(p)
		if v.IsNull() {
			out[k] = types.NullOf(a.spec.Out[k])
		} else {
			out[k] = v
		}
	}
}

type momentAgg struct {
	spec *AggSpec
	n    []float64
	sx   []float64
	sy   []float64
	sxx  []float64
	sxy  []float64
}

func (a *momentAgg) Add(env *Env, g int32, t *Table, i int) {
	a.n, a.sx, a.sy, a.sxx, a.sxy = grow(a.n, g), grow(a.sx, g), grow(a.sy, g), grow(a.sxx, g), grow(a.sxy, g)
	cov := strings.HasPrefix(a.spec.Func, "covariance")
	predAt := 1
	if cov {
		predAt = 2
	}
	if strings.HasSuffix(a.spec.Func, "if") && !predOK(env, a.spec.Args, predAt, t, i) {
		return
	}
	x, ok := numOf(a.spec.Args[0].Eval(env, t, i))
	if !ok {
		return
	}
	y := x
	if cov {
		if y, ok = numOf(a.spec.Args[1].Eval(env, t, i)); !ok {
			return
		}
	}
	a.n[g]++
	a.sx[g] += x
	a.sy[g] += y
	a.sxx[g] += x * x
	a.sxy[g] += x * y
}

func numOf(v types.Value) (float64, bool) {
	if v.T == types.Dynamic && !v.IsNull() {
		return fromDyn(v.D).AsFloat()
	}
	return v.AsFloat()
}

func (a *momentAgg) Result(g int32, out []types.Value) {
	a.n, a.sx, a.sy, a.sxx, a.sxy = grow(a.n, g), grow(a.sx, g), grow(a.sy, g), grow(a.sxx, g), grow(a.sxy, g)
	n := a.n[g]
	pop := strings.HasSuffix(strings.TrimSuffix(a.spec.Func, "if"), "p")
	div := n - 1
	if pop {
		div = n
	}
	if n == 0 || div <= 0 {
		// variance/stdev (and their -if forms) default to 0 over no values; the other
		// moments are null then (Kusto's table of aggregate defaults).
		out[0] = types.NewReal(0)
		switch a.spec.Func {
		case "variance", "varianceif", "stdev", "stdevif":
		default:
			if n == 0 {
				out[0] = types.NullOf(types.Real)
			}
		}
		return
	}
	cov := (a.sxy[g] - a.sx[g]*a.sy[g]/n) / div
	if strings.HasPrefix(a.spec.Func, "stdev") {
		out[0] = types.NewReal(math.Sqrt(math.Max(cov, 0)))
		return
	}
	out[0] = types.NewReal(cov)
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
		"binary_all_and", "binary_all_or", "binary_all_xor":
		return true
	}
	return false
}

// bitAgg folds longs with a bitwise and/or/xor.
type bitAgg struct {
	spec *AggSpec
	v    []int64
	seen []bool
}

func (a *bitAgg) Add(env *Env, g int32, t *Table, i int) {
	a.v, a.seen = grow(a.v, g), grow(a.seen, g)
	x, ok := a.spec.Args[0].Eval(env, t, i).AsInt()
	if !ok {
		return
	}
	if !a.seen[g] {
		a.v[g], a.seen[g] = x, true
		return
	}
	switch a.spec.Func {
	case "binary_all_and":
		a.v[g] &= x
	case "binary_all_or":
		a.v[g] |= x
	default:
		a.v[g] ^= x
	}
}

func (a *bitAgg) Result(g int32, out []types.Value) {
	a.v, a.seen = grow(a.v, g), grow(a.seen, g)
	if !a.seen[g] {
		out[0] = types.NullOf(types.Long)
		return
	}
	out[0] = types.NewLong(a.v[g])
}
