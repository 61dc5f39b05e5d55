package parser

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/soclab/soclab/simulator/kql/diag"
)

func TestZZDiff(t *testing.T) {
	in := os.Getenv("DIFF_IN")
	if in == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(in)
	var qs []string
	json.Unmarshal(data, &qs)
	type res struct {
		OK    bool   `json:"ok"`
		Msg   string `json:"msg"`
		Start int    `json:"start"`
	}
	out := make([]res, len(qs))
	for i, q := range qs {
		_, err := Parse(q)
		if err == nil {
			out[i] = res{OK: true}
		} else {
			de := err.(*diag.Error)
			out[i] = res{Msg: de.Msg, Start: int(de.Pos)}
		}
	}
	b, _ := json.Marshal(out)
	os.WriteFile(os.Getenv("DIFF_OUT"), b, 0o644)
}
