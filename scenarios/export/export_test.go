package export_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/export"
	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/simulator/kql/catalog"
)

func sampleTable() *generate.Table {
	at := time.Date(2025, 1, 15, 8, 32, 5, 123000000, time.UTC)
	return &generate.Table{
		Name: "T",
		Columns: []catalog.Column{{Name: "TimeGenerated", Type: "datetime"}, {Name: "User", Type: "string"},
			{Name: "Count", Type: "long"}, {Name: "Size", Type: "real"}, {Name: "Ok", Type: "bool"}, {Name: "Details", Type: "dynamic"}},
		Rows: [][]any{
			{at, "alex.johnson@contoso.com", int64(3), 2.5, true, map[string]any{"city": "Bucharest", "tags": []any{"a", "b"}}},
			{at.Add(time.Second).Truncate(time.Second), `say "hi", <ok>`, nil, float64(200), false, nil},
		},
	}
}

func TestWrite(t *testing.T) {
	cases := []struct{ format, want string }{
		{"jsonl", `{"TimeGenerated":"2025-01-15T08:32:05.123Z","User":"alex.johnson@contoso.com","Count":3,"Size":2.5,"Ok":true,"Details":{"city":"Bucharest","tags":["a","b"]}}
{"TimeGenerated":"2025-01-15T08:32:06Z","User":"say \"hi\", \u003cok\u003e","Count":null,"Size":200,"Ok":false,"Details":null}
`},
		{"json", `[
{"TimeGenerated":"2025-01-15T08:32:05.123Z","User":"alex.johnson@contoso.com","Count":3,"Size":2.5,"Ok":true,"Details":{"city":"Bucharest","tags":["a","b"]}},
{"TimeGenerated":"2025-01-15T08:32:06Z","User":"say \"hi\", \u003cok\u003e","Count":null,"Size":200,"Ok":false,"Details":null}
]
`},
		{"csv", `TimeGenerated,User,Count,Size,Ok,Details
2025-01-15T08:32:05.123Z,alex.johnson@contoso.com,3,2.5,true,"{""city"":""Bucharest"",""tags"":[""a"",""b""]}"
2025-01-15T08:32:06Z,"say ""hi"", <ok>",,200,false,
`},
	}
	for _, c := range cases {
		t.Run(c.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := export.Write(&buf, sampleTable(), c.format); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != c.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	err := export.Write(&bytes.Buffer{}, sampleTable(), "xml")
	if err == nil || err.Error() != `export: unknown format "xml" (json, jsonl, csv)` {
		t.Fatalf("got %v", err)
	}
}
