package logcontrol

import (
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/querylog"
)

// record notes a `soclab kql` query in the tenant's query log (as the query API does); a
// failure to note it does not fail the query.
func (h *handler) record(t simulator.Tenant, ws *logs.Workspace, query string, res *kql.Result, err error) {
	e := querylog.Entry{Face: "soclab-kql", Workspace: ws.Info.Name, Query: query}
	if err != nil {
		e.Error = err.Error()
	} else if res != nil {
		e.Rows = res.Len()
	}
	_ = querylog.Record(h.engine.World(), t.ID, e)
}
