package kql

import (
	"strings"
	"testing"
)

// basket, autocluster and diffpatterns over a small table whose patterns can be counted by
// hand (see each case).
func TestPatternPlugins(t *testing.T) {
	const events = `let E = datatable(State:string, EventType:string, Damage:string, Crops:long) [
'TX','Hail','NO',0, 'TX','Hail','NO',0, 'TX','Hail','NO',0, 'TX','Hail','NO',0,
'TX','Wind','YES',5, 'TX','Wind','YES',5, 'OK','Hail','NO',0, 'OK','Wind','YES',5,
'KS','Hail','YES',0, 'KS','Flood','NO',0];
`
	cases := []struct{ name, query, want, err string }{
		// Frequent (>= 3 of 10 rows) closed patterns: TX/Hail/NO (4), Hail/NO (5), Wind/YES/5 (3),
		// then TX, Hail, NO (6 each) and YES (4); Wind alone is not closed (Wind/YES/5 has its
		// rows), nor TX/Hail (TX/Hail/NO has its rows). Crops 0 rides with NO; larger first.
		{"basket", events + "E | project State, EventType, Damage | evaluate basket(0.3)",
			`[[0,4,40,"TX","Hail","NO"],[1,5,50,"","Hail","NO"],[2,3,30,"","Wind","YES"],[3,6,60,"TX","",""],[4,6,60,"","Hail",""],[5,6,60,"","","NO"],[6,4,40,"","","YES"]]`, ""},
		// With Crops (0 on 7 rows): NO and Hail always come with Crops 0, so NO/0, Hail/0 and
		// Hail/NO/0 are closed and NO, Hail alone are not; TX has a null Crops wildcard.
		{"basket with a numeric column and a custom string wildcard", events + "E | evaluate basket(0.5, '~', '~', '*')",
			`[[0,5,50,"*","Hail","NO",0],[1,6,60,"*","Hail","*",0],[2,6,60,"*","*","NO",0],[3,7,70,"*","*","*",0],[4,6,60,"TX","*","*",null]]`, ""},
		{"basket weights", "datatable(k:string, w:long)['a',9,'b',1] | evaluate basket(0.5, w)", `[[0,9,90,"a"]]`, ""},
		// A = no damage (6 rows), B = damage (4): Wind is 0% of A and 75% of B; TX/Hail is 66.7% of
		// A and 0% of B; Hail (58.3) and TX/Wind (50) contain or are contained in those.
		{"diffpatterns", events + "E | project State, EventType, Damage | evaluate diffpatterns(Damage, 'NO', 'YES', '~', 0.3) | extend PercentA = round(PercentA, 1), PercentDiffAB = round(PercentDiffAB, 1)",
			`[[0,0,3,0,75,75,"","Wind"],[1,4,0,66.7,0,66.7,"TX","Hail"]]`, ""},
		// Split on Crops: A (0) has 7 rows, B (5) 3: Wind/YES is all of B, Hail and NO are 6/7 of A.
		{"diffpatterns splits on the text of the column", events + "E | evaluate diffpatterns(Crops, '0', '5', '~', 0.5) | project CountA, CountB, EventType, Damage",
			`[[0,3,"Wind","YES"],[6,0,"Hail",""],[6,0,"","NO"]]`, ""},
		// The best segment is the most specific large one (TX/Hail/NO: 4 rows, all 3 dimensions).
		{"autocluster", events + "E | project State, EventType, Damage | evaluate autocluster() | take 1",
			`[[0,4,40,"TX","Hail","NO"]]`, ""},
		// Then Wind/YES (3 rows), then the states OK and KS (2 rows each, one of them already
		// covered); one-row patterns (OK/Hail/NO, ...) are not patterns.
		{"autocluster segments overlap little", events + "E | project State, EventType, Damage | evaluate autocluster() | summarize n = count(), covered = sum(Count)",
			`[[4,11]]`, ""},
		{"basket threshold out of range", events + "E | evaluate basket(2)", "", "threshold must be between 0.015 and 1"},
		{"diffpatterns needs its split", events + "E | evaluate diffpatterns(Damage)", "", "expects at least 3 arguments"},
		{"weight must be a column", events + "E | evaluate basket(0.1, Nope)", "", "weight column must be a column of the input"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := runRowsJSON(t, MapCatalog{}, nil, c.query)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("rows\n got: %s\nwant: %s", got, c.want)
			}
		})
	}
}
