package parser

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/soclab/soclab/simulator/kql/diag"
)

// TestDumpVerdicts writes this parser's verdict for every query of the JSON
// string array in $KQL_VERDICTS_IN to $KQL_VERDICTS_OUT, in the format of
// testdata/kusto-verdicts/msparse.js, so the two parsers can be compared on
// new inputs. It is skipped unless $KQL_VERDICTS_IN is set.
func TestDumpVerdicts(t *testing.T) {
	in := os.Getenv("KQL_VERDICTS_IN")
	if in == "" {
		t.Skip("KQL_VERDICTS_IN not set")
	}
	data, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	var queries []string
	if err := json.Unmarshal(data, &queries); err != nil {
		t.Fatal(err)
	}
	type verdict struct {
		OK    bool   `json:"ok"`
		Msg   string `json:"msg,omitempty"`
		Start int    `json:"start,omitempty"`
	}
	out := make([]verdict, len(queries))
	for i, q := range queries {
		if _, err := Parse(q); err != nil {
			de := err.(*diag.Error)
			out[i] = verdict{Msg: de.Msg, Start: int(de.Pos)}
		} else {
			out[i] = verdict{OK: true}
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(os.Getenv("KQL_VERDICTS_OUT"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
