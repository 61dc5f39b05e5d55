package exec

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"unsafe"

	"github.com/soclab/soclab/simulator/kql/govern"
	"github.com/soclab/soclab/simulator/kql/types"
)

func stringVector(t types.Type, vals ...string) *Vector {
	v := NewVector(t, len(vals))
	for _, s := range vals {
		v.Append(types.Value{T: t, S: s})
	}
	return v
}

// checkDict checks that d encodes exactly the strings s.
func checkDict(t *testing.T, d *StringDict, s []string) {
	t.Helper()
	if d == nil {
		t.Fatalf("no dictionary for %q", s)
	}
	if len(d.Codes) != len(s) {
		t.Fatalf("%d codes for %d rows", len(d.Codes), len(s))
	}
	for i, c := range d.Codes {
		if int(c) >= len(d.Values) || d.Values[c] != s[i] {
			t.Fatalf("row %d: code %d does not decode to %q (values %q)", i, c, s[i], d.Values)
		}
	}
	seen := map[string]bool{}
	for _, x := range d.Values {
		if seen[x] {
			t.Fatalf("value %q twice in %q", x, d.Values)
		}
		seen[x] = true
		if c, ok := d.Code(x); !ok || d.Values[c] != x {
			t.Fatalf("Code(%q) = %d, %v", x, c, ok)
		}
	}
}

func TestDictEncodes(t *testing.T) {
	cases := []struct {
		name   string
		in     []string
		codes  []uint32
		values []string
	}{
		{"first appearance order", []string{"b", "a", "b", "c", "a"}, []uint32{0, 1, 0, 2, 1}, []string{"b", "a", "c"}},
		{"empty text is a value", []string{"", "x", ""}, []uint32{0, 1, 0}, []string{"", "x"}},
		{"case matters", []string{"A", "a", "A"}, []uint32{0, 1, 0}, []string{"A", "a"}},
		{"one row", []string{"only"}, []uint32{0}, []string{"only"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := stringVector(types.String, c.in...).Dict()
			if d == nil || !slices.Equal(d.Codes, c.codes) || !slices.Equal(d.Values, c.values) {
				t.Fatalf("Dict() = %+v, want codes %v values %q", d, c.codes, c.values)
			}
			checkDict(t, d, c.in)
			if _, ok := d.Code("absent"); ok {
				t.Fatal(`Code("absent") found`)
			}
		})
	}
}

func TestDictNotForOtherTypesOrHighCardinality(t *testing.T) {
	longs := NewVector(types.Long, 2)
	longs.Append(types.NewLong(1))
	if longs.Dict() != nil {
		t.Fatal("a long vector has a dictionary")
	}
	if NewVector(types.Dynamic, 0).Dict() != nil {
		t.Fatal("a dynamic vector has a dictionary")
	}
	if d := NewVector(types.String, 0).Dict(); d == nil || len(d.Codes) != 0 {
		t.Fatalf("empty vector: %+v", d)
	}
	distinct := make([]string, 4000) // over max(n/3, 1024) distinct values
	for i := range distinct {
		distinct[i] = fmt.Sprintf("guid-%d", i)
	}
	v := stringVector(types.String, distinct...)
	if v.Dict() != nil || v.Dict() != nil {
		t.Fatal("a dictionary for 4000 distinct values in 4000 rows")
	}
	// Repeated enough, the same values pay.
	rep := slices.Concat(distinct, distinct, distinct, distinct)
	checkDict(t, stringVector(types.String, rep...).Dict(), rep)
}

func TestDictIsCachedAndSharedByViews(t *testing.T) {
	in := []string{"a", "b", "a", "c", "b", "d"}
	v := stringVector(types.String, in...)
	d := v.Dict()
	if v.Dict() != d {
		t.Fatal("second Dict() built again")
	}
	p := v.Prefix(3)
	pd := p.Dict()
	checkDict(t, pd, in[:3])
	if &pd.Values[0] != &d.Values[0] {
		t.Fatal("a prefix built its own dictionary instead of cutting its column's")
	}
	// A window re-points a view's strings inside the column (as simulator/logs does).
	w := v.Prefix(3)
	w.S = v.S[2:5:5]
	checkDict(t, w.Dict(), in[2:5])
	if &w.Dict().Values[0] != &d.Values[0] {
		t.Fatal("a window built its own dictionary")
	}
	// A clone with changed rows is not the column: its dictionary is its own.
	c := v.Prefix(v.Len())
	c.S = slices.Clone(v.S)
	c.S[0] = "z"
	checkDict(t, c.Dict(), c.S)
	checkDict(t, v.Dict(), in)
	if v.Dict() != d || c.cachedDict() != nil {
		t.Fatal("a clone's dictionary took its column's place in the shared cell")
	}
	if c.dictIf(nil, true) != nil {
		t.Fatal("a filter built a dictionary for a clone (one per query)")
	}
	// Rows appended after the dictionary was built are encoded too.
	v.Append(types.NewString("e"))
	checkDict(t, v.Dict(), append(slices.Clone(in), "e"))
	checkDict(t, p.Dict(), in[:3])
}

func TestDictFollowsGather(t *testing.T) {
	in := []string{"x", "y", "x", "z"}
	v := stringVector(types.String, in...)
	g0 := v.Gather([]int32{3, 0})
	if g0.cachedDict() != nil {
		t.Fatal("a gather built a dictionary its column did not have")
	}
	d := v.Dict()
	g := v.Gather([]int32{3, 0, 0, 1})
	gd := g.cachedDict()
	checkDict(t, gd, []string{"z", "x", "x", "y"})
	if &gd.Values[0] != &d.Values[0] {
		t.Fatal("the gather did not share its column's values")
	}
	// An outer join's -1 rows are not in the column: no dictionary is carried over.
	guids := stringVector(types.GUID, "g1", "g2")
	guids.Dict()
	og := guids.Gather([]int32{1, -1})
	if og.cachedDict() != nil {
		t.Fatal("a gather with null rows carried the dictionary")
	}
	checkDict(t, og.Dict(), []string{"g2", ""})
}

func TestDictChargesTheBudget(t *testing.T) {
	v := stringVector(types.String, "a", "b", "a")
	b := govern.NewBudget(0)
	d := v.dict(b)
	if want := dictBytes(3, 2); b.Used() != want {
		t.Fatalf("charged %d, want %d", b.Used(), want)
	}
	if v.dict(b) != d || b.Used() != dictBytes(3, 2) {
		t.Fatal("a cached dictionary was charged again")
	}
	small := govern.NewBudget(10)
	if stringVector(types.String, "a", "b").dict(small) != nil || small.Used() != 0 {
		t.Fatal("a dictionary over the budget was built")
	}
}

func TestDictConcurrentReaders(t *testing.T) {
	in := make([]string, 5000)
	for i := range in {
		in[i] = fmt.Sprintf("user%d", i%97)
	}
	v := stringVector(types.String, in...)
	var wg sync.WaitGroup
	dicts := make([]*StringDict, 8)
	for w := range dicts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			view := v.Prefix(len(in) - w)
			dicts[w] = view.Dict()
			_ = v.Gather([]int32{int32(w)}).Dict()
		}()
	}
	wg.Wait()
	for w, d := range dicts {
		checkDict(t, d, in[:len(in)-w])
	}
}

func TestDictBuiltForGathersThatNeedIt(t *testing.T) {
	in := make([]string, 5000)
	for i := range in {
		in[i] = fmt.Sprintf("app%d", i%10)
	}
	v := stringVector(types.String, in...)
	all := make([]int32, len(in))
	for i := range all {
		all[i] = int32(len(in) - 1 - i)
	}
	for range 3 {
		if v.Gather(all).cachedDict() != nil || v.cachedDict() != nil {
			t.Fatal("gathers nobody encodes encoded the column")
		}
	}
	// The gathered rows are encoded (grouped): from the next gather on, the column is.
	v.Gather(all).Dict()
	if v.Gather(all[:100]).cachedDict() != nil || v.cachedDict() != nil {
		t.Fatal("a small gather encoded the column")
	}
	g := v.Gather(all)
	if v.cachedDict() == nil {
		t.Fatal("the gather after an encoded one did not encode the column")
	}
	want := slices.Clone(in)
	slices.Reverse(want)
	checkDict(t, g.cachedDict(), want)
	checkDict(t, v.Gather(all[:100]).cachedDict(), want[:100])
}

func TestDictMissIsRemembered(t *testing.T) {
	in := make([]string, 5000)
	for i := range in {
		in[i] = fmt.Sprintf("id%d", i)
	}
	v := NewVector(types.String, 6000) // room to grow in place, as a table being ingested
	for _, s := range in {
		v.Append(types.NewString(s))
	}
	if v.Dict() != nil || v.Prefix(4000).Dict() != nil {
		t.Fatal("a dictionary of distinct values")
	}
	if len(v.cell.miss) != 5000 {
		t.Fatalf("the miss covers %d rows", len(v.cell.miss))
	}
	for i := 0; i < 100; i++ {
		v.Append(types.NewString(fmt.Sprintf("more%d", i)))
	}
	if v.Dict() != nil {
		t.Fatal("a dictionary of distinct values")
	}
	// The column a little longer is as distinct: not tried again.
	if n := len(v.cell.miss); n != 5000 || unsafe.SliceData(v.cell.miss) != unsafe.SliceData(v.S) {
		t.Fatalf("the longer column was encoded again (miss of %d rows)", n)
	}
}
