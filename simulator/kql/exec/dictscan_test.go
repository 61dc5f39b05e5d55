package exec

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/soclab/soclab/simulator/kql/types"
)

func TestFilterDictFromTheSecondRun(t *testing.T) {
	in := make([]string, 5000)
	for i := range in {
		in[i] = fmt.Sprintf("risk%d", i%4)
	}
	v := stringVector(types.String, in...)
	run := func() *Env { return NewEnv(context.Background(), nil, nil, 0, 1, 0) }
	first := run()
	if first.FilterDict(v) != nil || first.FilterDict(v) != nil {
		t.Fatal("the first run encoded the column")
	}
	second := run()
	d := second.FilterDict(v)
	checkDict(t, d, in)
	if second.Mem.Used() != dictBytes(5000, 4) {
		t.Fatalf("the build charged %d, want %d", second.Mem.Used(), dictBytes(5000, 4))
	}
	third := run()
	if third.FilterDict(v) != d || third.Mem.Used() != 0 {
		t.Fatal("a later run did not find the codes built (or paid again)")
	}
	small := stringVector(types.String, "a", "b", "a")
	if run().FilterDict(small) != nil || run().FilterDict(small) != nil {
		t.Fatal("a small column was encoded for a filter")
	}
	small.Dict()
	checkDict(t, run().FilterDict(small), []string{"a", "b", "a"})
}

func TestSelectCodes(t *testing.T) {
	v := stringVector(types.String, "a", "b", "c", "a", "b", "a")
	d := v.Dict()
	a, _ := d.Code("a")
	cases := []struct {
		name string
		got  []int32
		want []int32
	}{
		{"== a", SelectCode(d, nil, a, false), []int32{0, 3, 5}},
		{"!= a", SelectCode(d, nil, a, true), []int32{1, 2, 4}},
		{"== a among 1..4", SelectCode(d, []int32{1, 2, 3, 4}, a, false), []int32{3}},
		{"in (b, c, z)", SelectCodes(d, nil, CodeSetOf(d, []string{"b", "c", "z"}), false), []int32{1, 2, 4}},
		{"!in (b, c, z) among 0, 2, 5", SelectCodes(d, []int32{0, 2, 5}, CodeSetOf(d, []string{"b", "c", "z"}), true), []int32{0, 5}},
		{"matching > b", SelectCodes(d, nil, NewCodeSet(d, func(s string) bool { return s > "b" }), false), []int32{2}},
	}
	for _, c := range cases {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestCodeSetCache(t *testing.T) {
	v := stringVector(types.String, "x", "y", "x", "z")
	d := v.Dict()
	builds := 0
	build := func(d *StringDict) CodeSet {
		builds++
		return NewCodeSet(d, func(s string) bool { return s != "y" })
	}
	var c CodeSetCache
	s1 := c.Get(d, build)
	s2 := c.Get(v.Prefix(2).Dict(), build) // a view: the same values
	if builds != 1 || !slices.Equal(s1, s2) {
		t.Fatalf("%d builds for one dictionary", builds)
	}
	other := stringVector(types.String, "y", "x").Dict()
	if s3 := c.Get(other, build); builds != 2 || s3.Has(0) || !s3.Has(1) {
		t.Fatalf("another dictionary: %d builds, set %v", builds, s3)
	}
}
