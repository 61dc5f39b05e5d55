package exec

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/soclab/soclab/simulator/kql/types"
)

// copyGather is the gather every run of rows used to be: the values one by one.
func copyGather(v *Vector, idx []int32) []types.Value {
	out := make([]types.Value, len(idx))
	for j, i := range idx {
		out[j] = v.Get(int(i))
	}
	return out
}

func values(v *Vector) []types.Value {
	out := make([]types.Value, v.Len())
	for i := range out {
		out[i] = v.Get(i)
	}
	return out
}

// nullyVectors are 200-row vectors of every storage with nulls at the given rows.
func nullyVectors(nulls ...int) []*Vector {
	isNull := map[int]bool{}
	for _, n := range nulls {
		isNull[n] = true
	}
	var out []*Vector
	for _, t := range []types.Type{types.Long, types.Real, types.GUID, types.String, types.Dynamic, types.DateTime} {
		v := NewVector(t, 0)
		for i := range 200 {
			switch {
			case isNull[i]:
				v.AppendNull()
			case t == types.Long || t == types.DateTime:
				v.Append(types.Value{T: t, I: int64(i)})
			case t == types.Real:
				v.Append(types.NewReal(float64(i) / 2))
			case t == types.Dynamic:
				v.Append(types.NewDynamic(map[string]any{"i": int64(i)}))
			default:
				v.Append(types.Value{T: t, S: fmt.Sprintf("s%d", i%13)})
			}
		}
		out = append(out, v)
	}
	return out
}

func TestGatherOfARunIsAView(t *testing.T) {
	runs := []struct{ a, b int }{{0, 0}, {0, 1}, {0, 200}, {5, 9}, {63, 65}, {64, 128}, {1, 200}, {70, 199}, {199, 200}, {100, 164}}
	nullSets := [][]int{nil, {0}, {63, 64}, {5, 70, 130, 199}, {127, 128, 129}}
	for _, nulls := range nullSets {
		for _, v := range nullyVectors(nulls...) {
			for _, r := range runs {
				idx := make([]int32, 0, r.b-r.a)
				for i := r.a; i < r.b; i++ {
					idx = append(idx, int32(i))
				}
				name := fmt.Sprintf("%s nulls %v rows [%d,%d)", v.T, nulls, r.a, r.b)
				want := copyGather(v, idx)
				got := v.Gather(idx)
				if got.Len() != len(want) || !reflect.DeepEqual(values(got), want) {
					t.Fatalf("%s: got %v, want %v", name, values(got), want)
				}
				if len(idx) > 0 && !sharesStorage(got, v, r.a) {
					t.Errorf("%s: the values were copied", name)
				}
				if len(idx) > 0 && got.nulls != nil && len(got.nulls) != (len(idx)+63)>>6 {
					t.Errorf("%s: bitmap of %d words", name, len(got.nulls))
				}
				// Appending to the view or the source never shows through the other.
				before := values(v)
				got.Append(types.NullOf(v.T))
				got.AppendNull()
				if !reflect.DeepEqual(values(v), before) {
					t.Fatalf("%s: appending to the view changed the source", name)
				}
				if !reflect.DeepEqual(values(got)[:len(want)], want) {
					t.Fatalf("%s: appending changed the view's rows", name)
				}
			}
		}
	}
}

func TestGatherOfManyRunsCopies(t *testing.T) {
	v := nullyVectors(3, 9)[0]
	for _, idx := range [][]int32{{0, 2}, {3, 2, 1}, {5, 5}, {-1, 0}, {0, -1}, {1, 2, 4}, {7, 8, 9, 10, 12}} {
		got := v.Gather(idx)
		want := make([]types.Value, len(idx))
		for j, i := range idx {
			if i < 0 {
				want[j] = types.NullOf(v.T)
			} else {
				want[j] = v.Get(int(i))
			}
		}
		if !reflect.DeepEqual(values(got), want) {
			t.Errorf("%v: got %v, want %v", idx, values(got), want)
		}
		if len(idx) > 0 && len(got.I) > 0 && &got.I[0] == &v.I[0] {
			t.Errorf("%v: shares storage", idx)
		}
	}
}

func TestGatherViewCarriesCodes(t *testing.T) {
	v := nullyVectors()[3] // strings
	d := v.Dict()
	got := v.Gather([]int32{20, 21, 22, 23})
	gd := got.cachedDict()
	if gd == nil {
		t.Fatal("the view has no codes of its column's dictionary")
	}
	for j := range 4 {
		if gd.Values[gd.Codes[j]] != v.S[20+j] || gd.Codes[j] != d.Codes[20+j] {
			t.Fatalf("row %d: code %d (%q)", j, gd.Codes[j], gd.Values[gd.Codes[j]])
		}
	}
}

func TestRunOf(t *testing.T) {
	cases := []struct {
		idx   []int32
		start int
		ok    bool
	}{
		{nil, 0, false}, {[]int32{4}, 4, true}, {[]int32{0, 1, 2}, 0, true}, {[]int32{-1}, 0, false},
		{[]int32{2, 1, 4}, 0, false}, {[]int32{1, 3, 3}, 0, false}, {[]int32{1, 2, 4}, 0, false}, {[]int32{7, 8}, 7, true},
	}
	for _, c := range cases {
		start, ok := runOf(c.idx)
		if start != c.start || ok != c.ok {
			t.Errorf("runOf(%v) = %d, %v; want %d, %v", c.idx, start, ok, c.start, c.ok)
		}
	}
}

// sharesStorage reports whether view's first value is the source's value a in memory.
func sharesStorage(view, src *Vector, a int) bool {
	switch storageOf(src.T) {
	case storeInt:
		return &view.I[0] == &src.I[a]
	case storeFloat:
		return &view.F[0] == &src.F[a]
	case storeString:
		return &view.S[0] == &src.S[a]
	}
	return &view.D[0] == &src.D[a]
}

func TestTableGatherOfARun(t *testing.T) {
	vecs := nullyVectors(2, 64, 65)
	cols := make([]Column, len(vecs))
	for i, v := range vecs {
		cols[i] = Column{Name: fmt.Sprintf("c%d", i), Type: v.T}
	}
	tab := &Table{Name: "T", Cols: cols, Vecs: vecs, N: 200}
	need := []bool{true, false, true, true, false, true}
	for _, r := range []struct{ a, b int }{{0, 0}, {60, 70}, {0, 200}, {199, 200}} {
		idx := seq(r.b - r.a)
		for j := range idx {
			idx[j] += int32(r.a)
		}
		all, some := tab.Gather(idx), tab.GatherNeeded(nil, idx, need)
		if all.N != len(idx) || some.N != len(idx) {
			t.Fatalf("[%d,%d): %d and %d rows", r.a, r.b, all.N, some.N)
		}
		for c, v := range vecs {
			want := copyGather(v, idx)
			if !reflect.DeepEqual(values(all.Vecs[c]), want) {
				t.Errorf("[%d,%d) column %d: %v, want %v", r.a, r.b, c, values(all.Vecs[c]), want)
			}
			switch {
			case need[c] && !reflect.DeepEqual(values(some.Vecs[c]), want):
				t.Errorf("[%d,%d) needed column %d: %v, want %v", r.a, r.b, c, values(some.Vecs[c]), want)
			case !need[c] && (some.Vecs[c].Len() != 0 || some.Vecs[c].T != v.T):
				t.Errorf("[%d,%d) unneeded column %d is not a placeholder", r.a, r.b, c)
			}
		}
		if len(idx) == 0 && all.Vecs[3].S == nil {
			t.Errorf("an empty gather's string column is nil, not empty")
		}
	}
}

func TestGatherNeededSharesPlaceholders(t *testing.T) {
	vecs := []*Vector{NewVector(types.String, 0), NewVector(types.String, 0), NewVector(types.String, 0), NewVector(types.Long, 0), NewVector(types.Long, 0)}
	for i := range 10 {
		vecs[0].Append(types.NewString(fmt.Sprint(i)))
		vecs[1].Append(types.NewString("b"))
		vecs[2].Append(types.NewString("c"))
		vecs[3].Append(types.NewLong(int64(i)))
		vecs[4].Append(types.NewLong(7))
	}
	cols := []Column{{Name: "a", Type: types.String}, {Name: "b", Type: types.String}, {Name: "c", Type: types.String}, {Name: "d", Type: types.Long}, {Name: "e", Type: types.Long}}
	tab := &Table{Name: "T", Cols: cols, Vecs: vecs, N: 10}
	for _, idx := range [][]int32{{2, 3, 4}, {}} {
		got := tab.GatherNeeded(nil, idx, []bool{true, false, false, false, true})
		if got.Vecs[1] != got.Vecs[2] || got.Vecs[1].T != types.String || got.Vecs[1].Len() != 0 || got.Vecs[3].T != types.Long || got.Vecs[3].Len() != 0 {
			t.Errorf("%v: placeholders %+v %+v %+v", idx, got.Vecs[1], got.Vecs[2], got.Vecs[3])
		}
		if len(idx) == 0 && (got.Vecs[0] != got.Vecs[1] || got.Vecs[0].S == nil || got.Vecs[3] != got.Vecs[4]) {
			t.Errorf("no rows: the columns of a type do not share one empty vector")
		}
		if !reflect.DeepEqual(values(got.Vecs[0]), copyGather(vecs[0], idx)) || !reflect.DeepEqual(values(got.Vecs[4]), copyGather(vecs[4], idx)) {
			t.Errorf("%v: needed columns %v %v", idx, values(got.Vecs[0]), values(got.Vecs[4]))
		}
	}
}
