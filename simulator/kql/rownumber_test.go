package kql

import (
	"fmt"
	"strings"
	"testing"
)

// TestRowNumberBetweenIsARange checks `serialize | where row_number() between (a .. b)` (one
// range of rows, made directly or cut out of earlier candidates) against the rows it must
// keep, at the table's edges and past them, alone and after other predicates, with 1 and 4
// workers.
func TestRowNumberBetweenIsARange(t *testing.T) {
	const n = 500
	db := hotpathTable(t, n)
	rows := func(lo, hi int) string { // the i of rows lo..hi (0-based, inclusive) as a JSON array
		var b []string
		for i := max(lo, 0); i <= min(hi, n-1); i++ {
			b = append(b, fmt.Sprint(i))
		}
		return "[" + strings.Join(b, ",") + "]"
	}
	cases := []struct {
		where string
		want  string
	}{
		{"row_number() between (1 .. 10)", rows(0, 9)},
		{"row_number() between (0 .. 0)", rows(1, 0)},
		{"row_number() between (-5 .. 3)", rows(0, 2)},
		{"row_number() between (490 .. 6000)", rows(489, n-1)},
		{"row_number() between (10 .. 5)", rows(1, 0)},
		{"row_number() between (500 .. 500)", rows(499, 499)},
		{"row_number() between (501 .. 9000000000)", rows(1, 0)},
		{"row_number() between (-9000000000 .. 9000000000)", rows(0, n-1)},
		{"row_number() between (10 .. 300) and row_number() between (250 .. 400)", rows(249, 299)},
		{"i >= 100 and row_number() between (95 .. 120)", rows(100, 119)},
		{"i < 50 or i > 450 and row_number() between (1 .. 500)", rows(0, 49) + "+" + rows(451, n-1)},
	}
	for _, c := range cases {
		list := c.want
		if a, b, two := strings.Cut(list, "+"); two { // two runs of rows
			list = "[" + strings.Trim(a, "[]") + "," + strings.Trim(b, "[]") + "]"
		}
		want := `{"columns":[{"name":"list_i","type":"dynamic"}],"rows":[[` + list + `]]}`
		for _, workers := range []int{1, 4} {
			query := "T | serialize | where " + c.where + " | summarize make_list(i, 100000)"
			if got := strings.TrimSpace(runWith(query, db.Catalog(), db, workers)); got != want {
				t.Errorf("%s (%d workers):\n got  %.300s\n want %.300s", c.where, workers, got, want)
			}
		}
	}
}
