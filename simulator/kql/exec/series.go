package exec

import (
	"math"

	"github.com/soclab/soclab/simulator/kql/types"
)

// MakeSeries is the make-series operator: per key group, each aggregate becomes an array over
// the bins of the axis (from, from+step, ... before to), missing bins holding the default.
// Output columns: keys, one dynamic array per aggregate, then the axis array.
type MakeSeries struct {
	In             Node
	Keys           []Expr
	Axis           Expr
	From, To, Step *Expr
	Aggs           []*AggSpec
	Defaults       []types.Value
	Nonempty       bool
	Cols           []Column
}

// Columns is keys, series, axis.
func (m *MakeSeries) Columns() []Column { return m.Cols }

// axisNum is the numeric position of an axis value (ticks for datetimes and timespans).
func axisNum(v types.Value) (float64, bool) {
	if v.IsNull() {
		return 0, false
	}
	switch v.T {
	case types.DateTime, types.TimeSpan:
		return float64(v.I), true
	}
	return v.AsFloat()
}

func axisValue(t types.Type, f float64) types.Value {
	switch t {
	case types.DateTime, types.TimeSpan:
		return types.Value{T: t, I: int64(f)}
	case types.Real, types.Decimal:
		return types.Value{T: t, F: f}
	}
	return types.Value{T: types.Long, I: int64(f)}
}

// Run bins, aggregates and assembles the arrays.
func (m *MakeSeries) Run(env *Env) (*Table, error) {
	t, err := m.In.Run(env)
	if err != nil {
		return nil, err
	}
	step, ok := axisNum(m.Step.Eval(env, nil, 0))
	if !ok || step <= 0 {
		return nil, runtimeErr("make-series: the step must be a positive number or timespan")
	}
	var from, to float64
	haveFrom, haveTo := false, false
	if m.From != nil {
		from, haveFrom = axisNum(m.From.Eval(env, nil, 0))
	}
	if m.To != nil {
		to, haveTo = axisNum(m.To.Eval(env, nil, 0))
	}
	if !haveFrom || !haveTo {
		lo, hi := math.Inf(1), math.Inf(-1)
		for i := 0; i < t.N; i++ {
			if x, ok := axisNum(m.Axis.Eval(env, t, i)); ok {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
		if !haveFrom && !math.IsInf(lo, 0) {
			from = math.Floor(lo/step) * step
		}
		if !haveTo && !math.IsInf(hi, 0) {
			to = math.Floor(hi/step)*step + step
		}
	}
	nbins := 0
	if to > from {
		nbins = int(math.Ceil((to - from) / step))
	}
	if nbins > 1_000_000 {
		return nil, runtimeErr("make-series: too many bins (%d)", nbins)
	}
	series := NewGrouper()
	cells := NewGrouper()
	var cellSeries []int32
	var cellBin []int
	keyVecs := make([]*Vector, len(m.Keys))
	for k, e := range m.Keys {
		keyVecs[k] = NewVector(e.T, 16)
	}
	aggs := make([]Aggregator, len(m.Aggs))
	for k, a := range m.Aggs {
		aggs[k] = a.New()
	}
	keyVals := make([]types.Value, len(m.Keys))
	cellKey := make([]types.Value, len(m.Keys)+1)
	for i := 0; i < t.N; i++ {
		if i%checkEvery == 0 {
			if err := env.Check(); err != nil {
				return nil, err
			}
		}
		x, ok := axisNum(m.Axis.Eval(env, t, i))
		if !ok || x < from || x >= to {
			continue
		}
		bin := int((x - from) / step)
		if bin >= nbins {
			continue
		}
		for k, e := range m.Keys {
			keyVals[k] = e.Eval(env, t, i)
		}
		sid, isNew := series.ID(keyVals)
		if isNew {
			for k, v := range keyVals {
				keyVecs[k].Append(v)
			}
		}
		copy(cellKey, keyVals)
		cellKey[len(keyVals)] = types.NewLong(int64(bin))
		cid, isNewCell := cells.ID(cellKey)
		if isNewCell {
			cellSeries = append(cellSeries, sid)
			cellBin = append(cellBin, bin)
		}
		for _, a := range aggs {
			a.Add(env, cid, t, i)
		}
	}
	nseries := series.Len()
	if nseries == 0 && m.Nonempty && len(m.Keys) == 0 {
		nseries = 1
	}
	// Every series gets an array of nbins elements per aggregate (and one shared axis):
	// charged before they are made, with the cells the grouping built.
	need := int64(len(cellSeries))*(64+16*int64(len(m.Aggs))) + (int64(nseries)*int64(len(m.Aggs))+1)*(24+16*int64(nbins))
	if err := env.Mem.Charge(need, "MakeSeries"); err != nil {
		return nil, err
	}
	arrays := make([][][]any, len(m.Aggs))
	for k := range m.Aggs {
		arrays[k] = make([][]any, nseries)
		def := types.ToDynamicElem(m.Defaults[k])
		for s := range arrays[k] {
			arr := make([]any, nbins)
			for b := range arr {
				arr[b] = def
			}
			arrays[k][s] = arr
		}
	}
	res := make([]types.Value, 1)
	for cid := range cellSeries {
		for k, a := range aggs {
			a.Result(int32(cid), res)
			if !res[0].IsNull() {
				arrays[k][cellSeries[cid]][cellBin[cid]] = types.ToDynamicElem(res[0])
			}
		}
	}
	axis := make([]any, nbins)
	for b := range axis {
		axis[b] = types.ToDynamicElem(axisValue(m.Axis.T, from+float64(b)*step))
	}
	out := &Table{Cols: m.Cols, Vecs: make([]*Vector, len(m.Cols)), N: nseries}
	copy(out.Vecs, keyVecs)
	for k := range m.Aggs {
		v := NewVector(types.Dynamic, nseries)
		for s := 0; s < nseries; s++ {
			v.Append(types.NewDynamic(arrays[k][s]))
		}
		out.Vecs[len(m.Keys)+k] = v
	}
	av := NewVector(types.Dynamic, nseries)
	for s := 0; s < nseries; s++ {
		av.Append(types.NewDynamic(axis))
	}
	out.Vecs[len(m.Cols)-1] = av
	return out, nil
}
