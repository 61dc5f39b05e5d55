package funcs

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/kql/types"
)

// TestScalarCases runs testdata/scalar_cases.txt: one `expression =>
// expected JSON` per line, compared exactly (datetimes and timespans in
// the query-API form, dynamic values deep-equal).
func TestScalarCases(t *testing.T) {
	if n := runCaseFile(t, "testdata/scalar_cases.txt"); n < 100 {
		t.Fatalf("only %d cases read", n)
	}
}

// runCaseFile evaluates every `expression => expected JSON` line of a case
// file with `print` and compares the result exactly; it returns how many
// cases it read.
func runCaseFile(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx := NewContext(time.Date(2025, 1, 15, 8, 30, 0, 0, time.UTC), 42)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	line, n := 0, 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		i := strings.LastIndex(text, " => ")
		if i < 0 {
			t.Fatalf("line %d: no ' => '", line)
		}
		expr, wantText := text[:i], text[i+4:]
		var want any
		if err := json.Unmarshal([]byte(wantText), &want); err != nil {
			t.Fatalf("line %d: expected value %q: %v", line, wantText, err)
		}
		vals, err := evalPrint("print "+expr, ctx)
		if err != nil {
			t.Errorf("line %d: %s: %v", line, expr, err)
			continue
		}
		got := normalizeJSON(types.ToJSON(vals[0]))
		if !jsonEqual(got, want) {
			gotText, _ := json.Marshal(got)
			t.Errorf("line %d: %s\n got  %s (%s)\n want %s", line, expr, gotText, vals[0].T, wantText)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// normalizeJSON round-trips a value through encoding/json so numbers
// compare as float64 like the expectation.
func normalizeJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	json.Unmarshal(b, &out)
	return out
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
