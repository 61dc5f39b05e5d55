package exec

import (
	"fmt"
	"testing"

	"github.com/soclab/soclab/simulator/kql/types"
)

// benchWindowTable is a small log table as a rule run's window sees it: string columns with
// repeated values, longs and a dynamic column.
func benchWindowTable(rows int) *Table {
	cols := []Column{{Name: "User", Type: types.String}, {Name: "IP", Type: types.String},
		{Name: "App", Type: types.String}, {Name: "Id", Type: types.GUID},
		{Name: "Result", Type: types.Long}, {Name: "TimeGenerated", Type: types.DateTime},
		{Name: "Props", Type: types.Dynamic}}
	b := NewBuilder("T", cols)
	for i := range rows {
		b.AppendValues([]types.Value{types.NewString(fmt.Sprintf("user%d@contoso.com", i%40)),
			types.NewString(fmt.Sprintf("10.0.%d.%d", i%7, i%50)), types.NewString(fmt.Sprintf("app%d", i%5)),
			{T: types.GUID, S: fmt.Sprintf("00000000-0000-0000-0000-%012d", i)},
			types.NewLong(int64(i % 3)), {T: types.DateTime, I: int64(i) * 1e7},
			types.NewDynamic(map[string]any{"k": int64(i % 9)})})
	}
	return b.Table()
}

// BenchmarkSmallGathers gathers every other row of a 600-row table (a filter's survivors in a
// rule run's window): the allocations per gather are what the collector pays for per query.
func BenchmarkSmallGathers(b *testing.B) {
	t := benchWindowTable(600)
	idx := make([]int32, 0, 300)
	for i := 0; i < t.N; i += 2 {
		idx = append(idx, int32(i))
	}
	b.ReportAllocs()
	for b.Loop() {
		t.Gather(idx)
	}
}

// BenchmarkSmallDict encodes a small gathered string column (grouping a window's survivors).
func BenchmarkSmallDict(b *testing.B) {
	t := benchWindowTable(600)
	b.ReportAllocs()
	for b.Loop() {
		v := t.Vecs[0].Gather(seq(300))
		if v.Dict() == nil {
			b.Fatal("no dictionary")
		}
	}
}

// BenchmarkRunGathers gathers runs of 1-40 neighbouring rows of a 600-row table, every
// column: a rule run's window and the few rows its filter keeps.
func BenchmarkRunGathers(b *testing.B) {
	t := benchWindowTable(600)
	var runs [][]int32
	for a := 0; a+40 <= t.N; a += 37 {
		idx := seq(1 + a%40)
		for j := range idx {
			idx[j] += int32(a)
		}
		runs = append(runs, idx)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, idx := range runs {
			t.Gather(idx)
		}
	}
}

// BenchmarkRunGathersNeeded is BenchmarkRunGathers for a filter whose later operators read
// 2 of the 7 columns (the others are placeholders).
func BenchmarkRunGathersNeeded(b *testing.B) {
	t := benchWindowTable(600)
	need := []bool{true, false, false, false, false, true, false}
	var runs [][]int32
	for a := 0; a+40 <= t.N; a += 37 {
		idx := seq(1 + a%40)
		for j := range idx {
			idx[j] += int32(a)
		}
		runs = append(runs, idx)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, idx := range runs {
			t.GatherNeeded(nil, idx, need)
		}
	}
}
