package hunting

import (
	"context"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/kql/sched"
)

// TestHuntingGovernance: a hostile query ends with Kusto's limit message in each face's
// error format, and a tenant over its concurrency bound gets 429 TooManyRequests.
func TestHuntingGovernance(t *testing.T) {
	gate := sched.New(sched.Options{PerTenant: 1, MaxWait: 50 * time.Millisecond})
	f := newFixture(t, WithGate(gate))
	hostile := `{"Query":"print x = strlen(strrep(strrep(strrep(strrep('a', 1024), 1024), 1024), 1024))"}`
	const lowMemory = "Query execution lacks memory resources to complete (80DA0007): Partial query failure: Low memory condition (E_LOW_MEMORY_CONDITION). (message: 'bad allocation', details: '')"
	cases := []struct {
		name, url, body string
		hold            bool // a query of the tenant is already running
		status          int
		want            string
	}{
		{"graph: hostile", f.g.URL + "/v1.0/security/runHuntingQuery", hostile, false, 400,
			`{"error":{"code":"BadRequest","message":"` + lowMemory + `","innerError":{"date":"*","request-id":"*","client-request-id":"*"}}}`},
		{"defender: hostile", f.d.URL + "/api/advancedhunting/run", hostile, false, 400,
			`{"error":{"code":"BadRequest","message":"` + lowMemory + `","target":"*"}}`},
		{"graph: throttled", f.g.URL + "/v1.0/security/runHuntingQuery", `{"Query":"print 1"}`, true, 429,
			`{"error":{"code":"TooManyRequests","message":"Too many requests: the tenant has reached its limit of concurrent queries. Please retry later.","innerError":{"date":"*","request-id":"*","client-request-id":"*"}}}`},
		{"defender: throttled", f.d.URL + "/api/advancedhunting/run", `{"Query":"print 1"}`, true, 429,
			`{"error":{"code":"TooManyRequests","message":"Too many requests: the tenant has reached its limit of concurrent queries. Please retry later.","target":"*"}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.hold {
				release, err := gate.Acquire(context.Background(), f.tenant)
				if err != nil {
					t.Fatal(err)
				}
				defer release()
			}
			status, body := post(t, c.url, "tok", c.body)
			if status != c.status || body != c.want {
				t.Fatalf("got %d %s\nwant %d %s", status, body, c.status, c.want)
			}
		})
	}
}
