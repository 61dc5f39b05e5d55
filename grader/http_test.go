package grader

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

func TestHandler(t *testing.T) {
	l := newLab(t)
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "next", http.StatusTeapot) })
	h := NewHandler(l.grader, next)
	cases := []struct {
		name, method, target string
		status               int
		body                 string // exact, or a prefix when it ends with "..."
	}{
		{"grade task 2", "GET", "/_soclab/grade?task=2", 200, `{"scenario":"alex-johnson","tenant":"contoso","clock":"2025-01-15T07:00:00Z","tasks":[{"number":2,"title":"Connect Sentinel and Defender XDR"}],"checks":[{"id":"xdr-connector","task":2,"title":"The Defender XDR connector brings incidents into Sentinel","passed":false,"points":0,"maxPoints":3,"detail":"law-contoso-unified has no MicrosoftThreatProtection data connector","hint":"Run ` + "`az sentinel data-connector create -g rg-contoso-unified-soc -w law-contoso-unified --data-connector-id MicrosoftThreatProtection --microsoft-protection \\\"{tenant-id:$TENANT_ID,data-types:{incidents:{state:Enabled}}}\\\"`" + ` (Task 2)."},{"id":"xdr-sync-settings","task":2,"title":"Defender's Sentinel integration syncs incidents of every severity","passed":false,"points":0,"maxPoints":2,"detail":"no workspace is connected to Defender XDR (the connector's incidents data type is off)","hint":"Look at the Defender side of the integration with ` + "`soclab xdr settings show`" + `: sync must be on, for High, Medium, Low and Informational, and the connected workspace must be law-contoso-unified (it is once the MicrosoftThreatProtection connector has incidents enabled). Fix it with ` + "`soclab xdr settings set --sync on --severities all`" + `."}],"score":0,"maxScore":5,"passed":0,"failed":2,"allPassed":false}` + "\n"},
		{"grade by tenant name", "GET", "/_soclab/grade?tenant=contoso&task=1", 200, `{"scenario":"alex-johnson","tenant":"contoso",...`},
		{"unknown task", "GET", "/_soclab/grade?task=9", 400, `{"error":{"code":"InvalidArgument","message":"unknown task 9: the scenario grades tasks 1, 2, 3, 4, 5, 6"}}` + "\n"},
		{"bad task", "GET", "/_soclab/grade?task=one", 400, `{"error":{"code":"InvalidArgument","message":"task \"one\" is not a task number (e.g. 1,2)"}}` + "\n"},
		{"unknown tenant", "GET", "/_soclab/grade?tenant=nobody", 404, `{"error":{"code":"TenantNotFound",...`},
		{"post", "POST", "/_soclab/grade", 405, `{"error":{"code":"MethodNotAllowed","message":"POST is not supported on /_soclab/grade"}}` + "\n"},
		{"snapshot", "GET", "/_soclab/snapshot", 200, `{"tenant":{"id":"` + l.tenant.ID + `","name":"contoso",...`},
		{"other paths pass through", "GET", "/_soclab/clock", 418, "next\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(c.method, c.target, nil))
			got := rec.Body.String()
			ok := got == c.body
			if p, cut := strings.CutSuffix(c.body, "..."); cut {
				ok = strings.HasPrefix(got, p)
			}
			if rec.Code != c.status || !ok {
				t.Errorf("%s %s: %d %s\nwant %d %s", c.method, c.target, rec.Code, got, c.status, c.body)
			}
		})
	}
}

// TestSnapshotPaths reads the snapshot with the paths checks.yaml uses, after the lab's requests.
func TestSnapshotPaths(t *testing.T) {
	l := newLab(t)
	l.replay(nil)
	s, err := TakeSnapshot(l.engine, l.tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := json.Marshal(s)
	ws := `workspaces.#(name=="law-contoso-unified")`
	for path, want := range map[string]string{
		ws + ".onboarded":     "true",
		ws + ".resourceGroup": `"rg-contoso-unified-soc"`,
		ws + `.rules.#`:       "3",
		ws + `.rules.#(name=="rule-post-compromise-cred-access").kind`:                                   `"NRT"`,
		ws + `.rules.#(name=="rule-lateral-movement-detection").properties.techniques`:                   `["T1580","T1087"]`,
		ws + `.dataConnectors.#(kind=="MicrosoftThreatProtection").properties.dataTypes.incidents.state`: `"Enabled"`,
		ws + ".alerts.#":        "0",
		"clock":                 `"2025-01-15T07:00:00Z"`,
		"attack.state.launched": "false",
	} {
		if got := gjson.Get(string(doc), path).Raw; got != want {
			t.Errorf("%s = %s, want %s", path, got, want)
		}
	}
}
