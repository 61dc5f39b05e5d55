package kql

import (
	"bufio"
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

// docCase is one case of the kql-docs conformance suite (testdata/docs/NNNN.json).
type docCase struct {
	ID       string `json:"id"`
	Category string `json:"category"`
	Priority string `json:"priority"`
	Query    string `json:"query"`
	Expected struct {
		Columns []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"columns"`
		Rows [][]any `json:"rows"`
	} `json:"expected"`
	Ordered          bool `json:"ordered"`
	Nondeterministic bool `json:"nondeterministic"`
}

func loadDocCases(t *testing.T) []docCase {
	t.Helper()
	files, err := filepath.Glob("testdata/docs/[0-9]*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no doc cases: %v", err)
	}
	sort.Strings(files)
	cases := make([]docCase, 0, len(files))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		var c docCase
		if err := d.Decode(&c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		cases = append(cases, c)
	}
	return cases
}

// knownFailures reads testdata/docs/known_failures.txt: one case id per line, '#' comments.
func knownFailures(t *testing.T) map[string]bool {
	t.Helper()
	m := map[string]bool{}
	f, err := os.Open("testdata/docs/known_failures.txt")
	if os.IsNotExist(err) {
		return m
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line != "" {
			m[line] = true
		}
	}
	return m
}

// runDocCase runs one case in-process through the same JSON the CLI prints and compares it
// with run.py's rules. It returns "" on a pass, else the reason.
func runDocCase(c docCase) (reason string) {
	defer func() {
		if r := recover(); r != nil {
			reason = "panic: " + strings.SplitN(strings.TrimSpace(toString(r)), "\n", 2)[0]
		}
	}()
	q, err := Compile(c.Query, MapCatalog{}, CompileOptions{})
	if err != nil {
		return "compile: " + firstLine(err.Error())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := q.Run(ctx, MapDatabase{}, RunOptions{Now: time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		return "run: " + firstLine(err.Error())
	}
	var buf bytes.Buffer
	if err := res.WriteJSON(&buf); err != nil {
		return "json: " + err.Error()
	}
	var got struct {
		Columns []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"columns"`
		Rows [][]any `json:"rows"`
	}
	d := json.NewDecoder(&buf)
	d.UseNumber()
	if err := d.Decode(&got); err != nil {
		return "decode: " + err.Error()
	}
	var ecols, acols []string
	var etypes []string
	for _, col := range c.Expected.Columns {
		ecols = append(ecols, col.Name)
		etypes = append(etypes, col.Type)
	}
	for _, col := range got.Columns {
		acols = append(acols, col.Name)
	}
	if strings.Join(ecols, "\x00") != strings.Join(acols, "\x00") {
		return "columns: expected " + short(ecols) + ", got " + short(acols)
	}
	if c.Nondeterministic {
		if len(got.Rows) != len(c.Expected.Rows) {
			return "row count differs"
		}
		return ""
	}
	if ok, msg := rowsMatch(etypes, c.Expected.Rows, got.Rows, c.Ordered); !ok {
		return msg
	}
	return ""
}

func firstLine(s string) string { return strings.SplitN(s, "\n", 2)[0] }

func toString(v any) string {
	if e, ok := v.(error); ok {
		return e.Error()
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// TestDocConformance runs every doc example. A case that fails must be listed in
// known_failures.txt; a listed case that passes is a stale entry and fails the test too.
func TestDocConformance(t *testing.T) {
	cases := loadDocCases(t)
	reasons := make([]string, len(cases))
	var listing strings.Builder
	listing.WriteString("# kql-docs cases that do not pass yet (regenerate: KQL_UPDATE_KNOWN_FAILURES=1 go test -run TestDocConformance)\n")
	pass := map[string]int{}
	total := map[string]int{}
	for i, c := range cases {
		reasons[i] = runDocCase(c)
		total[c.Priority]++
		if reasons[i] == "" {
			pass[c.Priority]++
		} else {
			listing.WriteString(c.ID + "  # [" + c.Priority + "/" + c.Category + "] " + strings.ReplaceAll(firstLine(reasons[i]), "#", "") + "\n")
		}
	}
	if os.Getenv("KQL_UPDATE_KNOWN_FAILURES") != "" {
		if err := os.WriteFile("testdata/docs/known_failures.txt", []byte(listing.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote testdata/docs/known_failures.txt")
	}
	known := knownFailures(t)
	for i, c := range cases {
		reason := reasons[i]
		ok := reason == ""
		t.Run(c.ID, func(t *testing.T) {
			switch {
			case !ok && !known[c.ID]:
				t.Errorf("[%s] %s\nquery:\n%s", c.Category, reason, c.Query)
			case ok && known[c.ID]:
				t.Errorf("passes but is listed in known_failures.txt: remove it")
			case !ok:
				t.Skipf("known failure [%s]: %s", c.Category, reason)
			}
		})
	}
	t.Logf("doc conformance: core %d/%d, extended %d/%d, all %d/%d",
		pass["core"], total["core"], pass["extended"], total["extended"],
		pass["core"]+pass["extended"], total["core"]+total["extended"])
}
