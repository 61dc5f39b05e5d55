package logcontrol

import (
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/querylog"
)

// record notes a `soclab kql` query in the tenant's query log (as the query API does); a
// failure to note it does not fail the query.
func (h *handler) record(t simulator.Tenant, src kqlSource, query string, res *kql.Result, err error) {
	e := querylog.Entry{Face: src.face, Workspace: src.workspace, Query: query}
	if err != nil {
		e.Error = err.Error()
	} else if res != nil {
		e.Rows = res.Len()
	}
	_ = querylog.Record(h.engine.World(), t.ID, e)
}
