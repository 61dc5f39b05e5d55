package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/soclab/soclab/mockapis/logcontrol"
	"github.com/soclab/soclab/simulator/kql"
)

// runWorkspaceKQL runs a query that reads tables over a tenant's workspace (through the running
// server, else on the state file) at the tenant's clock. A query that reads no table (print,
// range, datatable) is not handled here: runKQL evaluates it locally as before. Neither is a
// query that does not compile against the lab's tables: the workspace has the same schemas, so
// the local run reports the same error without loading the tenant's telemetry.
func runWorkspaceKQL(opts kqlOptions, src string, stdout, stderr io.Writer) (code int, handled bool) {
	cat, err := kql.LabCatalog()
	if err != nil {
		return exitOK, false
	}
	if q, err := kql.Compile(src, cat, kql.CompileOptions{}); err != nil || len(q.Tables()) == 0 {
		return exitOK, false
	}
	if opts.State == "" {
		fmt.Fprintln(stderr, "soclab kql: no state folder to find the workspace in (give --state, or --data DIR)")
		return exitUsage, true
	}
	var out logcontrol.KQLOutput
	err = withLogLab(opts.State, io.Discard, func(lab *logLab) error {
		return lab.call("POST", "kql", logcontrol.KQLRequest{Tenant: opts.Tenant, Workspace: opts.Workspace, Query: src, Format: opts.Output}, &out)
	})
	if err != nil {
		fmt.Fprintln(stderr, strings.TrimRight(err.Error(), "\n"))
		return exitQueryError, true
	}
	io.WriteString(stdout, out.Output)
	if out.Partial != "" { // truncated, as the query API would flag it
		fmt.Fprintln(stderr, "soclab kql: partial result: "+out.Partial)
	}
	if opts.Stats {
		fmt.Fprintf(stderr, "{\"rows_out\":%d}\n", out.Rows)
	}
	return exitOK, true
}
