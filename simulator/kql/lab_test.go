package kql

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// The lab's KQL blocks (shared/seed, copied verbatim into testdata/lab/queries) compiled
// against the real table schemas and run over small fixture tables (testdata/lab/*.json,
// loaded through LoadDir as `soclab kql --data` does). Each query has either an
// .expected.json (exact columns and rows) or an .expected.error (the first line of Kusto's
// error, for the lab's queries that name columns the real table lacks).
func TestLabQueries(t *testing.T) {
	lab, err := LabCatalog()
	if err != nil {
		t.Fatal(err)
	}
	db, err := LoadDir("testdata/lab", lab)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/lab/queries/*.kql")
	if len(files) != 8 {
		t.Fatalf("want the lab's 8 query blocks, found %d", len(files))
	}
	now := time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)
	for _, f := range files {
		base := strings.TrimSuffix(f, ".kql")
		t.Run(filepath.Base(base), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			q, cerr := Compile(string(src), lab, CompileOptions{})
			if want, err := os.ReadFile(base + ".expected.error"); err == nil {
				if cerr == nil {
					t.Fatalf("compiled, want error %q", strings.TrimSpace(string(want)))
				}
				got := firstLine(cerr.(*Error).Format(string(src)))
				if got != strings.TrimSpace(string(want)) {
					t.Fatalf("error\n got: %s\nwant: %s", got, strings.TrimSpace(string(want)))
				}
				return
			}
			if cerr != nil {
				t.Fatalf("compile: %s", cerr.(*Error).Format(string(src)))
			}
			res, err := q.Run(context.Background(), db, RunOptions{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := res.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			wantRaw, err := os.ReadFile(base + ".expected.json")
			if err != nil {
				t.Fatal(err)
			}
			var want, got struct {
				Columns []ResultColumn    `json:"columns"`
				Rows    []json.RawMessage `json:"rows"`
				Ordered bool              `json:"ordered"`
			}
			if err := json.Unmarshal(wantRaw, &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if short(want.Columns) != short(got.Columns) {
				t.Fatalf("columns\n got: %s\nwant: %s", short(got.Columns), short(want.Columns))
			}
			g, w := canonRows(t, got.Rows), canonRows(t, want.Rows)
			if !want.Ordered {
				sort.Strings(g)
				sort.Strings(w)
			}
			if strings.Join(g, "\n") != strings.Join(w, "\n") {
				t.Fatalf("rows\n got:\n%s\nwant:\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
			}
		})
	}
}

// canonRows re-encodes rows so formatting differences do not matter.
func canonRows(t *testing.T, rows []json.RawMessage) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		var v any
		if err := json.Unmarshal(r, &v); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(v)
		out[i] = string(b)
	}
	return out
}

// One compiled query runs concurrently (rules share plans): every run gives the same rows.
func TestConcurrentRuns(t *testing.T) {
	lab, err := LabCatalog()
	if err != nil {
		t.Fatal(err)
	}
	db, err := LoadDir("testdata/lab", lab)
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("testdata/lab/queries/1_rule1_signin_then_resource_access.kql")
	if err != nil {
		t.Fatal(err)
	}
	q, err := Compile(string(src), lab, CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)
	results := make([]string, 8)
	done := make(chan int)
	for g := range results {
		go func() {
			defer func() { done <- g }()
			res, err := q.Run(context.Background(), db, RunOptions{Now: now})
			if err != nil {
				results[g] = err.Error()
				return
			}
			var buf bytes.Buffer
			_ = res.WriteJSON(&buf)
			results[g] = buf.String()
		}()
	}
	for range results {
		<-done
	}
	for g := range results {
		if results[g] != results[0] || !strings.Contains(results[0], "rg-data") {
			t.Fatalf("run %d differs:\n%s\nvs\n%s", g, results[g], results[0])
		}
	}
}
