package logcontrol

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
)

// FuzzLogControl posts arbitrary bodies to the attack, fault and kql endpoints: every answer
// is JSON (the error envelope on failure, never a 5xx), and the attack status still reads.
func FuzzLogControl(f *testing.F) {
	paths := []string{"attack/launch", "attack/replay", "faults/kv-diagnostics-missing", "faults/nope", "kql"}
	for _, s := range []struct {
		op   uint8
		body string
	}{
		{0, `{"speed":"instant"}`}, {0, `{"speed":"x0"}`}, {0, `{"speed":"x100000"}`}, {0, `{"tenant":"nosuch"}`},
		{1, `{"step":"credential-access"}`}, {1, `{"step":"../../etc"}`}, {1, `{}`},
		{2, `{"on":true}`}, {2, `{"on":"yes"}`}, {3, `{"on":true}`},
		{4, `{"query":"print 1"}`}, {4, `{"query":"SigninLogs | count","format":"table","timespan":"PT1H"}`},
		{4, `{"query":"T | where"}`}, {4, `{"query":"print 1","format":"xml"}`}, {4, `{"query":"print 1","timespan":"soon"}`},
		{4, `{"query":"print 1","workspace":"nope"}`}, {4, `{"query":""}`}, {4, `{"bogus":1}`},
		{0, `{`}, {1, `[]`}, {2, `null`}, {4, ``},
	} {
		f.Add(s.op, s.body)
	}
	real := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w, err := simulator.Open(f.TempDir(), simulator.Options{Now: func() time.Time { return real }})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { w.Close() })
	s, err := scenario.LoadBuiltin("alex-johnson")
	if err != nil {
		f.Fatal(err)
	}
	e, err := logs.New(w, s, logs.Options{Users: 12, Days: 1})
	if err != nil {
		f.Fatal(err)
	}
	// The lab workspace, so kql requests run queries.
	a, _ := w.TenantByName(simulator.DefaultTenantName)
	id := simulator.ResourceID(a.Subscription.ID, "rg-contoso-unified-soc", simulator.WorkspaceType, LabWorkspace)
	body := fmt.Sprintf(`{"id":%q,"name":%q,"properties":{"customerId":%q}}`, id, LabWorkspace, simulator.NewGUID())
	if err := w.Update(a.ID, func(tx *simulator.TenantTx) error {
		return tx.PutResource(simulator.Resource{ID: id, Type: simulator.WorkspaceType, Body: []byte(body)})
	}); err != nil {
		f.Fatal(err)
	}
	next := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { http.Error(rw, "next", http.StatusTeapot) })
	h := NewHandler(e, next, Options{})
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		path := paths[int(op)%len(paths)]
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/_soclab/"+path, strings.NewReader(body)))
		if rec.Code >= 500 {
			t.Fatalf("POST %s %q: server error %d: %s", path, body, rec.Code, rec.Body)
		}
		var m map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
			t.Fatalf("POST %s %q: %d body is not a JSON object: %s", path, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			e, _ := m["error"].(map[string]any)
			if code, _ := e["code"].(string); code == "" {
				t.Fatalf("POST %s %q: %d is not the error envelope: %s", path, body, rec.Code, rec.Body)
			}
		}
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_soclab/attack", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("attack status after POST %s %q: %d %s", path, body, rec.Code, rec.Body)
		}
	})
}
