package loganalytics

import (
	"strings"
	"testing"
)

// externaldata through the query API: the lab's storage blob by its URL, a JSON-lines blob,
// a blob the lab has no content for, and the offline internet (each tenant reads its own copy
// of the scenario's accounts).
func TestExternalDataThroughTheAPI(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name, query string
		status      int
		want        string
	}{
		{"a lab blob", `externaldata(flag:string, enabled:bool)[@'https://stcontosoprod.blob.core.windows.net/app-config/feature-flags.json'] with (format='multijson') | where enabled | project flag`, 200,
			`"rows":[["quarterly-export"],["payroll-sync"]]`},
		{"a blob without content", `externaldata(line:string)[@'https://stcontosoprod.blob.core.windows.net/finance-reports/customers-2025.csv']`, 400,
			`(409) The lab stores this blob's name and size only, not its content.`},
		{"a missing blob", `externaldata(line:string)[@'https://stcontosoprod.blob.core.windows.net/app-config/missing.json']`, 400,
			`(404) Not Found.`},
		{"the internet", `externaldata(line:string)[@'https://raw.githubusercontent.com/Azure/Azure-Sentinel/master/x.csv']`, 400,
			`The remote name could not be resolved: 'raw.githubusercontent.com'`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := `{"query":` + jsonString(c.query) + `}`
			for _, ws := range []struct{ id, tok string }{{f.wsA, f.tokA}, {f.wsB, f.tokB}} {
				status, got := f.do(t, "POST", "/v1/workspaces/"+ws.id+"/query", ws.tok, body)
				if status != c.status || !strings.Contains(got, c.want) {
					t.Fatalf("got %d %s\nwant %d containing %s", status, got, c.status, c.want)
				}
			}
		})
	}
}

func jsonString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
