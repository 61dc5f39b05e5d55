package loganalytics

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestHostileQueriesThroughTheAPI: queries that would exhaust the process end with 200, an
// empty primary table and Log Analytics' PartialError carrying Kusto's message; the server
// keeps answering.
func TestHostileQueriesThroughTheAPI(t *testing.T) {
	f := newFixture(t, WithQueryMemory(128<<20))
	lowMemory := `"error":{"code":"PartialError","message":"There were some errors when processing your query.","details":[{"code":"EngineError","message":"Something went wrong processing your query on the server.","innererror":{"code":"-2133196793","message":"Query execution lacks memory resources to complete (80DA0007): Partial query failure: Low memory condition (E_LOW_MEMORY_CONDITION). (message: 'bad allocation', details: '')","severity":2,"severityName":"Error"}}]}}`
	cases := []struct{ name, query, want string }{
		{"nested strrep", `print x = strlen(strrep(strrep(strrep(strrep(\"a\", 1024), 1024), 1024), 1024))`,
			`{"tables":[{"name":"PrimaryResult","columns":[{"name":"x","type":"long"}],"rows":[]}],` + lowMemory},
		{"per-row arrays", `range x from 1 to 300 step 1 | extend a = range(x, x + 1000000, 1) | summarize sum(array_length(a))`,
			`{"tables":[{"name":"PrimaryResult","columns":[{"name":"sum_","type":"long"}],"rows":[]}],` + lowMemory},
		{"summarize state", `range x from 1 to 3000000 step 1 | summarize make_set(strcat(\"user-\", x), 3000000)`,
			`{"tables":[{"name":"PrimaryResult","columns":[{"name":"set_","type":"dynamic"}],"rows":[]}],"error":{"code":"PartialError","message":"There were some errors when processing your query.","details":[{"code":"EngineError","message":"Something went wrong processing your query on the server.","innererror":{"code":"-2133196799","message":"Query execution has exceeded the allowed limits (80DA0001): The Summarize operator has exceeded the memory budget during evaluation. Results may be incorrect or incomplete (E_RUNAWAY_QUERY).","severity":2,"severityName":"Error"}}]}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := f.do(t, "POST", "/v1/workspaces/"+f.wsA+"/query", f.tokA, `{"query":"`+c.query+`"}`)
			if status != 200 || body != c.want {
				t.Fatalf("got %d %s\nwant 200 %s", status, body, c.want)
			}
		})
	}
	if status, body := f.do(t, "POST", "/v1/workspaces/"+f.wsA+"/query", f.tokA, `{"query":"print ok = 1"}`); status != 200 ||
		body != `{"tables":[{"name":"PrimaryResult","columns":[{"name":"ok","type":"long"}],"rows":[[1]]}]}` {
		t.Fatalf("after the hostile queries: %d %s", status, body)
	}
}

// TestResultLimit: a result over 500000 rows is cut to 500000 and flagged, as Log Analytics
// does (200, the rows, and a PartialError).
func TestResultLimit(t *testing.T) {
	f := newFixture(t)
	status, body := f.do(t, "POST", "/v1/workspaces/"+f.wsA+"/query", f.tokA, `{"query":"range x from 1 to 500010 step 1"}`)
	var res struct {
		Tables []struct{ Rows [][]any }
		Error  struct {
			Code    string
			Details []struct {
				Code       string
				Innererror struct{ Code, Message string }
			}
		}
	}
	if status != 200 || json.Unmarshal([]byte(body), &res) != nil {
		t.Fatalf("got %d %.300s", status, body)
	}
	if len(res.Tables) != 1 || len(res.Tables[0].Rows) != MaxRows || res.Error.Code != "PartialError" || len(res.Error.Details) != 1 ||
		res.Error.Details[0].Innererror.Code != "-2133196797" ||
		res.Error.Details[0].Innererror.Message != "Query execution has exceeded the allowed limits (80DA0003): The results of this query exceed the set limit of 500000 records, so not all records were returned (E_QUERY_RESULT_SET_TOO_LARGE, 0x80DA0003). See https://aka.ms/kustoquerylimits for more information and possible solutions.." {
		t.Fatalf("rows %d, error %+v", len(res.Tables[0].Rows), res.Error)
	}
}

// TestThrottlingIsPerTenant: a tenant over its concurrency bound gets the service's 429 after
// a short wait; another tenant is served meanwhile.
func TestThrottlingIsPerTenant(t *testing.T) {
	f := newFixture(t)
	tenantA := f.tenantOf(t, f.tokA)
	release, err := f.gate.Acquire(context.Background(), tenantA) // a query of A in flight
	if err != nil {
		t.Fatal(err)
	}
	status, body := f.do(t, "POST", "/v1/workspaces/"+f.wsA+"/query", f.tokA, `{"query":"print 1"}`)
	if status != http.StatusTooManyRequests || body != `{"error":{"message":"Your request has been throttled: too many concurrent queries for this tenant. Please retry later.","code":"ThrottledError","correlationId":"*"}}` {
		t.Fatalf("tenant A over its bound: %d %s", status, body)
	}
	if status, _ := f.do(t, "POST", "/v1/workspaces/"+f.wsB+"/query", f.tokB, `{"query":"print 1"}`); status != 200 {
		t.Fatalf("tenant B while A is throttled: %d", status)
	}
	release()
	if status, _ := f.do(t, "POST", "/v1/workspaces/"+f.wsA+"/query", f.tokA, `{"query":"print 1"}`); status != 200 {
		t.Fatalf("tenant A after its query ended: %d", status)
	}
}

// TestDisconnectStopsTheQuery: a client that goes away stops its query: the slot it held is
// given back long before the query could have finished.
func TestDisconnectStopsTheQuery(t *testing.T) {
	f := newFixture(t)
	tenantA := f.tenantOf(t, f.tokA)
	// ~5M rows each building a 7 KB string: tens of seconds of work, little memory held.
	long := `{"query":"range x from 1 to 5000000 step 1 | where strlen(strrep(tostring(x), 1000)) > 0 | count"}`
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", f.srv.URL+"/v1/workspaces/"+f.wsA+"/query", strings.NewReader(long))
	req.Header.Set("Authorization", "Bearer "+f.tokA)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			t.Error("the long query answered before the client left")
		}
	}()
	waitUntil(t, func() bool { return f.gate.Stats().Running[tenantA] == 1 })
	cancel()
	<-done
	waitUntil(t, func() bool { return f.gate.Stats().Running[tenantA] == 0 })
}

// tenantOf is the tenant id the fixture's verifier gives a token.
func (f *fixture) tenantOf(t *testing.T, tok string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", "/", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	p, err := f.verifier.Verify(req)
	if err != nil {
		t.Fatal(err)
	}
	return p.TenantID
}

// waitUntil polls cond for up to 20 s (a bound far above the cancelled work's reaction and
// far below the uncancelled work's length).
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 20 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
