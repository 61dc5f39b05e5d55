package control

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/copilot"
)

// TestActivity: GET activity answers the named tenant's actions (ARM's action log and Copilot's
// prompts here; the directory's writes are tested in simulator/identity) in time order, and
// nobody else's; unknown tenants and other methods get the control API's errors.
func TestActivity(t *testing.T) {
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return realNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	contoso, _ := w.TenantByName("contoso")
	learner, err := w.AddTenant("learner01")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 1, 15, 7, 5, 0, 0, time.UTC)
	if err := w.Update(learner.ID, func(tx *simulator.TenantTx) error {
		_, err := tx.AppendActivity(simulator.Activity{EventDataID: "e1", CorrelationID: "c1", Time: at, OperationName: "MICROSOFT.OPERATIONALINSIGHTS/WORKSPACES/WRITE",
			Status: "Succeeded", Caller: "app", ResourceID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law", ResourceProvider: "MICROSOFT.OPERATIONALINSIGHTS"})
		if err != nil {
			return err
		}
		// a Copilot prompt (at the tenant clock, 07:00)
		sess, err := copilot.CreateSession(tx, "Task 4", "app")
		if err != nil {
			return err
		}
		_, err = copilot.CreatePrompt(tx, sess.ID, "prompt", "Summarise the incident")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var sessionID string
	w.View(learner.ID, func(tx *simulator.TenantTx) error {
		ss, err := copilot.Sessions(tx)
		if len(ss) == 1 {
			sessionID = ss[0].ID
		}
		return err
	})
	srv := httptest.NewServer(NewHandler(w))
	defer srv.Close()
	for _, tc := range []struct {
		name, method, path string
		status             int
		want               string
	}{
		{"the learner's log", "GET", "/_soclab/activity?tenant=learner01", 200,
			`{"tenant":"` + learner.ID + `","tenantName":"learner01","value":[` +
				`{"time":"2025-01-15T07:00:00Z","service":"copilot","operation":"copilot.prompt","target":"` + sessionID + `"},` +
				`{"time":"2025-01-15T07:05:00Z","service":"arm","operation":"MICROSOFT.OPERATIONALINSIGHTS/WORKSPACES/WRITE","target":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law","correlationId":"c1","status":"Succeeded"}]}`},
		{"another tenant's log is its own (empty)", "GET", "/_soclab/activity", 200,
			`{"tenant":"` + contoso.ID + `","tenantName":"contoso","value":[]}`},
		{"unknown tenant", "GET", "/_soclab/activity?tenant=nobody", 404,
			`{"error":{"code":"TenantNotFound","message":"tenant \"nobody\": tenant not found"}}`},
		{"POST", "POST", "/_soclab/activity", 405,
			`{"error":{"code":"MethodNotAllowed","message":"POST is not supported on /_soclab/activity"}}`},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || strings.TrimSpace(string(body)) != tc.want {
			t.Errorf("%s: %d %s\nwant %d %s", tc.name, resp.StatusCode, body, tc.status, tc.want)
		}
	}
}
