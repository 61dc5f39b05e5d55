package logs

import (
	"fmt"
	"slices"
	"testing"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/types"
)

// TestTokenPlan: the plan lists exactly the rows whose values hold a token (strings by
// value, dynamic trees at any depth, nulls never), and apply replaces those rows' tokens
// only, leaving the shared table and its independent columns untouched.
func TestTokenPlan(t *testing.T) {
	r := testRebase()
	tree := map[string]any{"tid": canonTenant}
	plain := map[string]any{"city": "Seattle"}
	cols := []kql.Column{{Name: "Id", Type: types.String}, {Name: "Raw", Type: types.Dynamic}, {Name: "N", Type: types.Long}, {Name: "Guid", Type: types.GUID}}
	tbl, err := kql.NewTable("T", cols, [][]any{
		{canonTenant, tree, int64(1), canonUser},
		{"plain", plain, int64(2), nil},
		{"/tenants/" + canonTenant, nil, int64(3), "00000000-0000-0000-0000-000000000001"},
		{canonTenant, []any{"x", canonUser}, nil, canonUser},
		{"short", plain, int64(5), nil},
	})
	if err != nil {
		t.Fatal(err)
	}
	before := fmt.Sprint(rows(tbl))
	p := r.ts.plan(tbl, []bool{true, true, true, true})
	wantRows := [][]int32{{0, 2, 3}, {0, 3}, nil, {0, 3}}
	for c, want := range wantRows {
		var got []int32
		if p.cols[c] != nil {
			got = p.cols[c].rows
		}
		if !slices.Equal(got, want) {
			t.Errorf("column %s: planned rows %v, want %v", cols[c].Name, got, want)
		}
	}
	if n := len(p.cols[0].values); n != 2 {
		t.Errorf("column Id: %d distinct token values, want 2 (each converted once per tenant)", n)
	}
	out, err := r.apply(tbl, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]any{
		{otherTenant, map[string]any{"tid": otherTenant}, int64(1), otherUser},
		{"plain", plain, int64(2), nil},
		{"/tenants/" + otherTenant, nil, int64(3), "00000000-0000-0000-0000-000000000001"},
		{otherTenant, []any{"x", otherUser}, nil, otherUser},
		{"short", plain, int64(5), nil},
	}
	if got := fmt.Sprint(rows(out)); got != fmt.Sprint(want) {
		t.Errorf("apply:\n got %s\nwant %s", got, fmt.Sprint(want))
	}
	if got := fmt.Sprint(rows(tbl)); got != before {
		t.Errorf("the shared table changed: %s", got)
	}
	if out.Vecs[2] != tbl.Vecs[2] {
		t.Errorf("a column without tokens was copied")
	}
	if same, _ := newRebase(r.ts, r.to, r.to).apply(tbl, p, nil); same != tbl {
		t.Errorf("the canonical tenant's apply must return the shared table")
	}
	if same, _ := r.apply(tbl, r.ts.plan(tbl, make([]bool, 4)), nil); same != tbl {
		t.Errorf("a plan without dependent columns must return the shared table")
	}
}

// rows lists a table's values as Go values (nulls as nil).
func rows(t *kql.Table) [][]any {
	var out [][]any
	for i := 0; i < t.N; i++ {
		var row []any
		for _, v := range t.Row(i) {
			if v.IsNull() {
				row = append(row, nil)
				continue
			}
			switch v.T {
			case types.String, types.GUID:
				row = append(row, v.S)
			case types.Dynamic:
				row = append(row, v.D)
			default:
				row = append(row, v.I)
			}
		}
		out = append(out, row)
	}
	return out
}
