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

// TestGeoSeriesCases runs testdata/geo_series_cases.txt (same format as
// scalar_cases.txt): edge cases of the geo_* and series_* functions,
// where invalid input must give null (or "") as Kusto does.
func TestGeoSeriesCases(t *testing.T) {
	f, err := os.Open("testdata/geo_series_cases.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx := NewContext(time.Date(2025, 1, 15, 8, 30, 0, 0, time.UTC), 42)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	line := 0
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
	}
}
