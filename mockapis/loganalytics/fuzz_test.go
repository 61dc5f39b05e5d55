package loganalytics

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
)

// fuzzServer serves the query API over a small world with one workspace; it returns the
// server and the workspace's query path.
func fuzzServer(f *testing.F) (*httptest.Server, string) {
	f.Helper()
	real := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w, err := simulator.Open(f.TempDir(), simulator.Options{Now: func() time.Time { return real }})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { w.Close() })
	a, _ := w.TenantByName(simulator.DefaultTenantName)
	if _, err := w.Freeze(a.ID); err != nil {
		f.Fatal(err)
	}
	s, err := scenario.LoadBuiltin("alex-johnson")
	if err != nil {
		f.Fatal(err)
	}
	e, err := logs.New(w, s, logs.Options{Users: 12, Days: 1})
	if err != nil {
		f.Fatal(err)
	}
	id := simulator.ResourceID(a.Subscription.ID, "rg-contoso-unified-soc", simulator.WorkspaceType, "law-contoso-unified")
	cust := simulator.NewGUID()
	body := fmt.Sprintf(`{"id":%q,"name":"law-contoso-unified","properties":{"customerId":%q}}`, id, cust)
	if err := w.Update(a.ID, func(tx *simulator.TenantTx) error {
		return tx.PutResource(simulator.Resource{ID: id, Type: simulator.WorkspaceType, Body: []byte(body)})
	}); err != nil {
		f.Fatal(err)
	}
	srv := httptest.NewServer(NewHandler(e, tokens{"tok": {TenantID: a.ID}}))
	f.Cleanup(srv.Close)
	return srv, "/v1/workspaces/" + cust + "/query"
}

// postQuery posts body and checks the answer: JSON, tables on 200, the service's
// {"error":{"code","message",...}} otherwise, never a 5xx.
func postQuery(t *testing.T, url, body string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 500 {
		t.Fatalf("server error %d for %q: %s", resp.StatusCode, body, data)
	}
	var m struct {
		Tables []json.RawMessage `json:"tables"`
		Error  *struct{ Code, Message string }
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%d body is not JSON for %q: %v\n%s", resp.StatusCode, body, err, data)
	}
	if resp.StatusCode == http.StatusOK {
		if len(m.Tables) == 0 {
			t.Fatalf("200 without tables for %q: %s", body, data)
		}
		return
	}
	if m.Error == nil || m.Error.Code == "" || m.Error.Message == "" {
		t.Fatalf("%d is not the service's error envelope for %q: %s", resp.StatusCode, body, data)
	}
}

// FuzzQueryBody posts arbitrary request bodies (the query itself stays cheap in the seeds).
func FuzzQueryBody(f *testing.F) {
	for _, s := range []string{
		`{"query":"SigninLogs | count"}`,
		`{"query":"SigninLogs | take 1","timespan":"PT1H"}`,
		`{"query":"AzureActivity | count","timespan":"2025-01-14T00:00:00Z/2025-01-15T00:00:00Z","workspaces":["x"]}`,
		`{"query":"SigninLogs | where","timespan":"P1D"}`,
		`{"query":12}`, `{"query":""}`, `{"timespan":"PT1H"}`, `[]`, `null`, `{`, ``, "\xff",
	} {
		f.Add(s)
	}
	srv, path := fuzzServer(f)
	f.Fuzz(func(t *testing.T, body string) {
		postQuery(t, srv.URL+path, body)
	})
}

// FuzzTimespan sends a fixed cheap query with arbitrary timespans.
func FuzzTimespan(f *testing.F) {
	for _, s := range []string{
		"PT1H", "P1D", "P30D", "PT0S", "-PT1H", "P1Y", "2025-01-14T00:00:00Z/2025-01-15T00:00:00Z",
		"2025-01-14T00:00:00Z/PT5H", "PT5H/2025-01-15T00:00:00Z", "2025-01-15/2025-01-14", "/", "P", "PT", "P99999999999D",
		"PT1.5S", "2025-13-45T99:99:99Z/PT1H", "garbage",
	} {
		f.Add(s)
	}
	srv, path := fuzzServer(f)
	f.Fuzz(func(t *testing.T, ts string) {
		body, _ := json.Marshal(map[string]string{"query": "SigninLogs | count", "timespan": ts})
		postQuery(t, srv.URL+path, string(body))
	})
}
