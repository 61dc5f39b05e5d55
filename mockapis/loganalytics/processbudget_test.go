package loganalytics

import (
	"runtime/debug"
	"testing"
)

// TestQueryMemoryFollowsTheSoftLimit: on a server with a soft memory limit (a class of 30:
// 3328 MiB) a query gets 256 MB instead of 512 MB (govern.FitToProcess), so a query of ~290
// MB that passes without a limit stops with Kusto's low-memory error; without one it is
// answered as before.
func TestQueryMemoryFollowsTheSoftLimit(t *testing.T) {
	f := newFixture(t)
	query := `{"query":"range x from 1 to 12 step 1 | extend a = range(x, x + 1000000, 1) | summarize n = sum(array_length(a))"}`
	answered := `{"tables":[{"name":"PrimaryResult","columns":[{"name":"n","type":"long"}],"rows":[[12000012]]}]}`
	stopped := `{"tables":[{"name":"PrimaryResult","columns":[{"name":"n","type":"long"}],"rows":[]}],"error":{"code":"PartialError","message":"There were some errors when processing your query.","details":[{"code":"EngineError","message":"Something went wrong processing your query on the server.","innererror":{"code":"-2133196793","message":"Query execution lacks memory resources to complete (80DA0007): Partial query failure: Low memory condition (E_LOW_MEMORY_CONDITION). (message: 'bad allocation', details: '')","severity":2,"severityName":"Error"}}]}}`
	if status, body := f.do(t, "POST", "/v1/workspaces/"+f.wsA+"/query", f.tokA, query); status != 200 || body != answered {
		t.Fatalf("without a soft limit: %d %s", status, body)
	}
	old := debug.SetMemoryLimit(3328 << 20)
	defer debug.SetMemoryLimit(old)
	if status, body := f.do(t, "POST", "/v1/workspaces/"+f.wsA+"/query", f.tokA, query); status != 200 || body != stopped {
		t.Fatalf("with a 3328 MiB soft limit: %d %s", status, body)
	}
}
