package logs

import (
	"fmt"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/types"
)

// TestRestrictWindows: Restrict keeps exactly the rows in the span, whatever their nulls;
// one run of rows is a view sharing the table's storage, rows out of order are copied.
func TestRestrictWindows(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2025, 1, d, 0, 0, 0, 0, time.UTC) }
	cols := []kql.Column{{Name: "TimeGenerated", Type: types.DateTime}, {Name: "S", Type: types.String},
		{Name: "N", Type: types.Long}, {Name: "G", Type: types.GUID}, {Name: "D", Type: types.Dynamic}, {Name: "R", Type: types.Real}}
	g := "00000000-0000-0000-0000-00000000000"
	mk := func(rows [][]any) *kql.Table {
		tb, err := kql.NewTable("T", cols, rows)
		if err != nil {
			t.Fatal(err)
		}
		return tb
	}
	// rows by day; N is null on day 2 (inside the first days, outside later windows)
	ordered := mk([][]any{
		{day(1), "a", int64(1), g + "1", map[string]any{"k": "a"}, 1.5},
		{day(2), "b", nil, nil, nil, nil},
		{day(3), "c", int64(3), g + "3", map[string]any{"k": "c"}, 3.5},
		{day(4), "d", int64(4), g + "4", nil, 4.5},
		{day(5), "e", int64(5), g + "5", map[string]any{"k": "e"}, 5.5},
	})
	shuffled := mk([][]any{
		{day(3), "c", int64(3), g + "3", nil, 3.5},
		{day(1), "a", int64(1), g + "1", nil, 1.5},
		{day(4), "d", int64(4), g + "4", nil, 4.5},
	})
	cases := []struct {
		name       string
		tb         *kql.Table
		from, to   time.Time
		want       string // S of the kept rows
		wantShared bool   // the kept rows' strings are the table's own storage
	}{
		{"everything", ordered, day(1), day(5), "abcde", true},
		{"a leading run", ordered, day(1), day(3), "abc", true},
		{"a later run", ordered, day(3), day(5), "cde", true},
		{"a later run whose bitmap moves", ordered, day(3), day(4), "cd", true},
		{"a run holding a null int", ordered, day(2), day(4), "bcd", true},
		{"nothing", ordered, day(9), day(10), "", false},
		{"rows out of order", shuffled, day(3), day(4), "cd", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := Restrict(kql.MapDatabase{"T": c.tb}, c.from, c.to)
			got, ok := db.Table("T")
			if !ok {
				t.Fatal("table missing")
			}
			var s string
			for i := 0; i < got.N; i++ {
				s += got.Vecs[1].S[i]
			}
			if s != c.want {
				t.Fatalf("rows %q, want %q", s, c.want)
			}
			// Every cell equals the source row's (nulls included).
			for i := 0; i < got.N; i++ {
				src := int(got.Vecs[1].S[i][0] - 'a')
				if c.tb == shuffled {
					src = map[string]int{"c": 0, "a": 1, "d": 2}[got.Vecs[1].S[i]]
				}
				for col := range cols {
					if a, b := fmt.Sprint(got.Vecs[col].Get(i)), fmt.Sprint(c.tb.Vecs[col].Get(src)); a != b || got.Vecs[col].IsNull(i) != c.tb.Vecs[col].IsNull(src) {
						t.Errorf("row %d column %s: %s (null %v), want %s (null %v)", i, cols[col].Name, a, got.Vecs[col].IsNull(i), b, c.tb.Vecs[col].IsNull(src))
					}
				}
			}
			if got.N > 0 {
				first := int(c.want[0] - 'a')
				shared := &got.Vecs[1].S[0] == &c.tb.Vecs[1].S[first]
				if shared != c.wantShared {
					t.Errorf("storage shared %v, want %v", shared, c.wantShared)
				}
			}
		})
	}
}
