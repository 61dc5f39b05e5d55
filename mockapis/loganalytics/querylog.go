package loganalytics

import (
	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/querylog"
)

// record notes a query that reached the engine in the tenant's query log (the grader's "was
// the query Copilot wrote run on the workspace?"). A failure to note it does not fail the
// query: the analyst's answer matters more than the audit.
func (h *handler) record(p auth.Principal, ws *logs.Workspace, req queryRequest, res *kql.Result, aerr *apiError) {
	e := querylog.Entry{Face: "loganalytics", Workspace: ws.Info.Name, Caller: p.UPN, Query: req.Query}
	if e.Caller == "" {
		e.Caller = p.AppID
	}
	switch {
	case aerr != nil:
		e.Error = aerr.message
		if aerr.inner != nil && aerr.inner.Message != "" {
			e.Error = aerr.inner.Message
		}
	case res != nil:
		e.Rows = res.Len()
	}
	_ = querylog.Record(h.engine.World(), p.TenantID, e)
}
