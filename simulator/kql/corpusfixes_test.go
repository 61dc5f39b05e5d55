package kql

import "testing"

// Engine behaviours real detections rely on (found by running the corpus over the lab).
func TestCorpusFixes(t *testing.T) {
	cases := []struct{ name, query, want string }{
		// Defender queries filter on set_ProcessCommandLine after `summarize tostring(makeset(...))`.
		{"an aggregate wrapped in tostring keeps its name",
			"datatable(P:string, T:datetime)['certutil', datetime(2025-01-01), 'ping', datetime(2025-01-01)] | summarize tostring(makeset(P)) by bin(T, 2m) | where set_P has 'certutil' | project set_P",
			`[["[\"certutil\",\"ping\"]"]]`},
		{"other expressions are numbered",
			"datatable(P:string)['a'] | summarize 1 + count(), todouble(count()) | project Column1, count_",
			`[[2,1]]`},
		// SecurityEvent 5136 parsing: bag_unpack, extend, then pivot over the unpacked columns.
		{"pivot after bag_unpack sees the unpacked columns",
			"datatable(E:dynamic, C:string)[dynamic({'@Name':'k1','#text':'v1'}), 'pc1', dynamic({'@Name':'k2','#text':'v2'}), 'pc1'] | evaluate bag_unpack(E) | extend Key = tostring(['@Name']), Value = ['#text'] | evaluate pivot(Key, any(Value), C)",
			`[["pc1","v1","v2"]]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := runRowsJSON(t, MapCatalog{}, nil, c.query)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("rows\n got: %s\nwant: %s", got, c.want)
			}
		})
	}
}
