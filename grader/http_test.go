package grader

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

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
		{"grade task 2", "GET", "/_soclab/grade?task=2", 200, `{"scenario":"alex-johnson","tenant":"contoso","clock":"2025-01-15T07:00:00Z","tasks":[{"number":2,"title":"Connect Sentinel and Defender XDR"}],"checks":[{"id":"xdr-connector","task":2,"title":"The Defender XDR connector brings incidents into Sentinel","passed":false,"points":0,"maxPoints":3,"detail":"law-contoso-unified has no MicrosoftThreatProtection data connector","hint":"Run ` + "`az sentinel data-connector create -g rg-contoso-unified-soc -w law-contoso-unified --data-connector-id MicrosoftThreatProtection --microsoft-protection \\\"{tenant-id:$TENANT_ID,data-types:{incidents:{state:Enabled}}}\\\"`" + ` (Task 2)."},{"id":"xdr-sync-settings","task":2,"title":"Defender's Sentinel integration syncs incidents of every severity","passed":false,"points":0,"maxPoints":2,"detail":"no workspace is connected to Defender XDR (the connector's incidents data type is off)","hint":"Look at the Defender side of the integration with ` + "`soclab xdr settings show`" + `: sync must be on, for High, Medium, Low and Informational, and the connected workspace must be law-contoso-unified (it is once the MicrosoftThreatProtection connector has incidents enabled). Fix it with ` + "`soclab xdr settings set --sync on --severities all`" + `."}],"score":0,"maxScore":5,"passed":0,"failed":2,"allPassed":false,"notGraded":[1,3,4,5,6,7]}` + "\n"},
		{"grade by tenant name", "GET", "/_soclab/grade?tenant=contoso&task=1", 200, `{"scenario":"alex-johnson","tenant":"contoso",...`},
		{"unknown task", "GET", "/_soclab/grade?task=9", 400, `{"error":{"code":"InvalidArgument","message":"unknown task 9: the scenario grades tasks 1, 2, 3, 4, 5, 6, 7"}}` + "\n"},
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

// TestAnswersHandler stores, reads and judges knowledge-check answers per tenant; bad input is
// refused in the control endpoints' error format and changes nothing; another tenant's answers
// are never seen.
func TestAnswersHandler(t *testing.T) {
	l := newLab(t)
	if _, err := l.world.AddTenant("fabrikam"); err != nil {
		t.Fatal(err)
	}
	h := NewHandler(l.grader, http.NotFoundHandler())
	cases := []struct {
		name, method, target, body string
		status                     int
		want                       string
	}{
		{"none yet", "GET", "/_soclab/answers?tenant=contoso", "", 200, `{"tenant":"contoso","answers":[]}`},
		{"store two", "POST", "/_soclab/answers", `{"tenant":"contoso","answers":{"3":"NRT","1":"Sentinel"}}`, 200,
			`{"tenant":"contoso","answers":[{"question":1,"text":"Which platform correlates alerts from many sources into one incident?","answer":"Sentinel","correct":false},{"question":3,"text":"Which kind of analytics rule detects fastest?","answer":"NRT","correct":true}]}`},
		{"unknown question changes nothing", "POST", "/_soclab/answers", `{"tenant":"contoso","answers":{"1":"Defender XDR","9":"x"}}`, 400,
			`{"error":{"code":"InvalidArgument","message":"invalid answer: question \"9\" is not one of the knowledge check's (1-5)"}}`},
		{"not JSON", "POST", "/_soclab/answers", `answers`, 400, `{"error":{"code":"InvalidArgument","message":"the body must be {\"tenant\":\"...\",\"answers\":{\"1\":\"...\"}}"}}`},
		{"replace one", "POST", "/_soclab/answers", `{"tenant":"contoso","answers":{"1":"Microsoft Defender XDR","3":""}}`, 200,
			`{"tenant":"contoso","answers":[{"question":1,"text":"Which platform correlates alerts from many sources into one incident?","answer":"Microsoft Defender XDR","correct":true}]}`},
		{"another tenant sees none of them", "GET", "/_soclab/answers?tenant=fabrikam", "", 200, `{"tenant":"fabrikam","answers":[]}`},
		{"unknown tenant", "POST", "/_soclab/answers", `{"tenant":"nobody","answers":{}}`, 404, `{"error":{"code":"TenantNotFound",...`},
		{"delete", "DELETE", "/_soclab/answers", "", 405, `{"error":{"code":"MethodNotAllowed","message":"DELETE is not supported on /_soclab/answers"}}`},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(c.method, c.target, strings.NewReader(c.body)))
		got := strings.TrimSuffix(rec.Body.String(), "\n")
		ok := got == c.want
		if p, cut := strings.CutSuffix(c.want, "..."); cut {
			ok = strings.HasPrefix(got, p)
		}
		if rec.Code != c.status || !ok {
			t.Errorf("%s: %d %s\nwant %d %s", c.name, rec.Code, got, c.status, c.want)
		}
	}
	checkOutcomes(t, l.grade(7), map[string]outcome{
		"knowledge-1": {true, `"Microsoft Defender XDR": right (Defender XDR)`},
		"knowledge-3": {false, `no answer yet (soclab answer 3 "...")`},
	})
}

// TestServerTiming: the header values a grade's answer carries.
func TestServerTiming(t *testing.T) {
	for _, c := range []struct {
		name, desc string
		d          time.Duration
		want       string
	}{
		{"grade", "", 56789 * time.Microsecond, "grade;dur=56.8"},
		{"engine", "rule engine catch-up", 3 * time.Second, `engine;desc="rule engine catch-up";dur=3000.0`},
		{"grade", "", 0, "grade;dur=0.0"},
		{"x", `a "quoted" word`, time.Millisecond, `x;desc="a \"quoted\" word";dur=1.0`},
	} {
		if got := ServerTiming(c.name, c.desc, c.d); got != c.want {
			t.Errorf("ServerTiming(%q, %q, %v) = %q, want %q", c.name, c.desc, c.d, got, c.want)
		}
	}
}
