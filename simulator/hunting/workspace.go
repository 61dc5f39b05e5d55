package hunting

import (
	"context"
	"fmt"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/logs"
)

// TimespanError is a timespan the Log Analytics API cannot read.
type TimespanError struct{ Err error }

// Error implements error.
func (e *TimespanError) Error() string { return fmt.Sprintf("The timespan %s", e.Err) }

// Unwrap returns the parse error.
func (e *TimespanError) Unwrap() error { return e.Err }

// WorkspaceLimits are a workspace query's limits (the Log Analytics API's).
type WorkspaceLimits struct {
	Memory   int64
	MaxRows  int
	MaxBytes int64
}

// RunWorkspace compiles and runs a query over a Log Analytics workspace at the tenant's clock,
// cut by timespan (Log Analytics' forms), as the query API does; the caller has been admitted
// (sched.Gate). Errors: *kql.Error from compiling or running (the compiled query is returned
// with a run error, for the API's partial-failure answer), *TimespanError, or others (internal).
// The Log Analytics API and the portal's Logs blade both call it.
func RunWorkspace(ctx context.Context, e *logs.Engine, ws *logs.Workspace, query, timespan string, lim WorkspaceLimits) (*kql.Query, *kql.Result, error) {
	now, err := ws.Now()
	if err != nil {
		return nil, nil, err
	}
	q, err := kql.CompileContext(ctx, query, e.WorkspaceCatalog(), kql.CompileOptions{})
	if err != nil {
		return nil, nil, err
	}
	db, err := ws.Database(now)
	if err != nil {
		return nil, nil, err
	}
	if timespan != "" {
		start, end, err := logs.ParseTimespan(timespan, now)
		if err != nil {
			return nil, nil, &TimespanError{Err: err}
		}
		db = logs.Restrict(db, start, end)
	}
	res, err := q.Run(ctx, db, kql.RunOptions{Now: now, Seed: now.UnixNano(), MaxMemory: lim.Memory,
		MaxResultRows: lim.MaxRows, MaxResultBytes: lim.MaxBytes})
	if err != nil {
		return q, nil, err
	}
	return q, res, nil
}
