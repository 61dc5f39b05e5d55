package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/soclab/soclab/mockapis/logcontrol"
	"github.com/soclab/soclab/simulator/corpus"
)

// readsTables reports whether a query reads any table (or tabular function): one that does not
// (print, range, datatable, externaldata of a URL) runs in this process; one that does runs on
// the lab (--source) or on --data. An unparsable query counts as reading none, so its syntax
// error is reported locally, where it is found without loading anything.
func readsTables(src string) bool {
	refs, err := corpus.Tables(src)
	return err == nil && len(refs.Required)+len(refs.Optional) > 0
}

// runLabKQL runs a query on the tenant's workspace or on advanced hunting (opts.Source)
// through the running server, else on the state file, at the tenant's clock. The query is
// compiled there, against that source's tables and columns only, and every error is the
// one that source gives.
func runLabKQL(opts kqlOptions, src string, stdout, stderr io.Writer) int {
	if opts.State == "" {
		fmt.Fprintln(stderr, "soclab kql: no state folder to find the lab in (give --state, or --data DIR)")
		return exitUsage
	}
	var out logcontrol.KQLOutput
	req := logcontrol.KQLRequest{Tenant: opts.Tenant, Workspace: opts.Workspace, Query: src, Format: opts.Output, Source: opts.Source}
	err := withLogLab(opts.State, io.Discard, func(lab *logLab) error {
		return lab.call("POST", "kql", req, &out)
	})
	if err != nil {
		fmt.Fprintln(stderr, strings.TrimRight(err.Error(), "\n"))
		return exitQueryError
	}
	io.WriteString(stdout, out.Output)
	if out.Partial != "" { // truncated, as the query API would flag it
		fmt.Fprintln(stderr, "soclab kql: partial result: "+out.Partial)
	}
	if opts.Stats {
		fmt.Fprintf(stderr, "{\"rows_out\":%d}\n", out.Rows)
	}
	return exitOK
}
