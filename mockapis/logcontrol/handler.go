package logcontrol

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/soclab/soclab/mockapis/control"
	"github.com/soclab/soclab/mockapis/loganalytics"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/sched"
	"github.com/soclab/soclab/simulator/logs"
)

// LaunchRequest is the body of POST attack/launch.
type LaunchRequest struct {
	Tenant string `json:"tenant,omitempty"`
	Speed  string `json:"speed,omitempty"`
}

// ReplayRequest is the body of POST attack/replay.
type ReplayRequest struct {
	Tenant string `json:"tenant,omitempty"`
	Step   string `json:"step"`
}

// FaultRequest is the body of POST faults/{name}.
type FaultRequest struct {
	Tenant string `json:"tenant,omitempty"`
	On     bool   `json:"on"`
}

// FaultList is the answer of the fault endpoints.
type FaultList struct {
	Tenant string             `json:"tenant"`
	Value  []logs.FaultStatus `json:"value"`
}

// KQLRequest is the body of POST kql.
type KQLRequest struct {
	Tenant    string `json:"tenant,omitempty"`
	Workspace string `json:"workspace,omitempty"`
	Query     string `json:"query"`
	Timespan  string `json:"timespan,omitempty"`
	// Format json, table or csv answers {"output": text} as soclab kql prints it; empty answers
	// the query API's body.
	Format string `json:"format,omitempty"`
	// Source is "workspace" (the default: the tenant's Log Analytics workspace) or "hunting"
	// (Defender advanced hunting: its tables and columns, the last 30 days).
	Source string `json:"source,omitempty"`
}

// KQLOutput is the answer of POST kql with a format.
type KQLOutput struct {
	Output string `json:"output"`
	Rows   int    `json:"rows"`
	// Partial is the engine's message when the result was truncated (500000 rows / 64 MB).
	Partial string `json:"partial,omitempty"`
}

// Options tune the handler.
type Options struct {
	// Background runs an xN attack's clock driver; nil runs none (the caller drives the clock).
	Background func(fn func())
	// Gate admits kql queries (shared with the query APIs); nil: a gate of the handler's own.
	Gate *sched.Gate
}

// NewHandler serves the endpoints above over engine and passes every other path to next.
func NewHandler(engine *logs.Engine, next http.Handler, opts Options) http.Handler {
	if opts.Gate == nil {
		opts.Gate = sched.New(sched.Options{})
	}
	return &handler{engine: engine, next: next, opts: opts}
}

type handler struct {
	engine *logs.Engine
	next   http.Handler
	opts   Options
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.Trim(strings.TrimPrefix(r.URL.Path, "/_soclab"), "/")
	var out any
	var err error
	switch {
	case path == "attack" && r.Method == http.MethodGet:
		out, err = h.status(r.URL.Query().Get("tenant"))
	case path == "attack/launch" && r.Method == http.MethodPost:
		out, err = h.launch(r)
	case path == "attack/replay" && r.Method == http.MethodPost:
		out, err = h.replay(r)
	case path == "faults" && r.Method == http.MethodGet:
		out, err = h.faults(r.URL.Query().Get("tenant"))
	case strings.HasPrefix(path, "faults/") && r.Method == http.MethodPost:
		out, err = h.setFault(r, strings.TrimPrefix(path, "faults/"))
	case path == "kql" && r.Method == http.MethodPost:
		out, err = h.kql(r)
	case path == "attack" || strings.HasPrefix(path, "attack/") || path == "faults" || strings.HasPrefix(path, "faults/") || path == "kql":
		err = control.Fail(http.StatusMethodNotAllowed, "MethodNotAllowed", "%s is not supported on /_soclab/%s", r.Method, path)
	default:
		h.next.ServeHTTP(w, r)
		return
	}
	write(w, out, err)
}

func write(w http.ResponseWriter, out any, err error) {
	control.WriteAnswer(w, out, err, classifyLogError)
}

// classifyLogError maps the routing engine's errors to control answers.
func classifyLogError(err error) *control.Error {
	switch {
	case errors.Is(err, simulator.ErrTenantNotFound):
		return control.Fail(http.StatusNotFound, "TenantNotFound", "%v", err)
	case errors.Is(err, logs.ErrUnknownStep), errors.Is(err, logs.ErrUnknownFault), errors.Is(err, logs.ErrBadSpeed):
		return control.Fail(http.StatusBadRequest, "InvalidArgument", "%v", err)
	case errors.Is(err, logs.ErrWorkspaceNotFound):
		return control.Fail(http.StatusNotFound, "WorkspaceNotFound", "%v", err)
	}
	return nil
}

func decode(r *http.Request, v any) error { return control.DecodeJSON(r, v, 1<<20) }

func (h *handler) tenant(name string) (simulator.Tenant, error) {
	if name == "" {
		name = simulator.DefaultTenantName
	}
	return h.engine.World().LookupTenant(name)
}

func (h *handler) status(name string) (logs.AttackStatus, error) {
	t, err := h.tenant(name)
	if err != nil {
		return logs.AttackStatus{}, err
	}
	return h.engine.Status(t.ID)
}

func (h *handler) launch(r *http.Request) (logs.AttackStatus, error) {
	var req LaunchRequest
	if err := decode(r, &req); err != nil {
		return logs.AttackStatus{}, err
	}
	speed, err := logs.ParseSpeed(req.Speed)
	if err != nil {
		return logs.AttackStatus{}, err
	}
	t, err := h.tenant(req.Tenant)
	if err != nil {
		return logs.AttackStatus{}, err
	}
	st, err := h.engine.Launch(t.ID, speed)
	if err != nil {
		return st, err
	}
	if speed.Factor > 1 && h.opts.Background != nil {
		h.opts.Background(func() { h.engine.Play(t.ID, speed, time.Second, nil) })
	}
	return st, nil
}

func (h *handler) replay(r *http.Request) (logs.Replay, error) {
	var req ReplayRequest
	if err := decode(r, &req); err != nil {
		return logs.Replay{}, err
	}
	t, err := h.tenant(req.Tenant)
	if err != nil {
		return logs.Replay{}, err
	}
	return h.engine.Replay(t.ID, req.Step)
}

func (h *handler) faults(name string) (FaultList, error) {
	t, err := h.tenant(name)
	if err != nil {
		return FaultList{}, err
	}
	list, err := h.engine.Faults(t.ID)
	return FaultList{Tenant: t.Name, Value: list}, err
}

func (h *handler) setFault(r *http.Request, name string) (FaultList, error) {
	var req FaultRequest
	if err := decode(r, &req); err != nil {
		return FaultList{}, err
	}
	t, err := h.tenant(req.Tenant)
	if err != nil {
		return FaultList{}, err
	}
	list, err := h.engine.SetFault(t.ID, name, req.On)
	return FaultList{Tenant: t.Name, Value: list}, err
}

// kql runs a query over a tenant's workspace; the answer is the query API's body.
func (h *handler) kql(r *http.Request) (any, error) {
	var req KQLRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	t, err := h.tenant(req.Tenant)
	if err != nil {
		return nil, err
	}
	src, err := h.kqlSource(t, req)
	if err != nil {
		return nil, err
	}
	// One time budget for waiting, compiling and running; the request's context stops the
	// query when the client goes away.
	ctx, cancel := kql.WithTimeBudget(r.Context(), loganalytics.QueryTimeout)
	defer cancel()
	ctx, release, err := h.opts.Gate.Admit(ctx, t.ID)
	if err != nil {
		return nil, control.Fail(http.StatusTooManyRequests, "TooManyRequests", "too many concurrent queries for tenant %s; retry later", t.ID)
	}
	defer release()
	q, err := kql.CompileContext(ctx, req.Query, src.cat, kql.CompileOptions{})
	if err != nil {
		h.record(t, src, req.Query, nil, err)
		return nil, queryFail(req.Query, err)
	}
	now, db, err := src.open()
	if err != nil {
		return nil, err
	}
	if req.Timespan != "" {
		start, end, err := logs.ParseTimespan(req.Timespan, now)
		if err != nil {
			return nil, control.Fail(http.StatusBadRequest, "InvalidArgument", "timespan: %v", err)
		}
		db = logs.Restrict(db, start, end)
	}
	res, err := q.Run(ctx, db, kql.RunOptions{Now: now, MaxMemory: loganalytics.QueryMemory,
		MaxResultRows: loganalytics.MaxRows, MaxResultBytes: loganalytics.MaxResultBytes})
	h.record(t, src, req.Query, res, err)
	if err != nil {
		return nil, queryFail(req.Query, err)
	}
	var b strings.Builder
	switch req.Format {
	case "":
		body := map[string]any{"tables": []kql.LogAnalyticsTable{res.LogAnalytics()}}
		if res.Partial != nil {
			body["error"] = kql.NewPartialError(res.Partial)
		}
		return body, nil
	case "json":
		err = res.WriteJSON(&b)
	case "table":
		err = res.WriteText(&b)
	case "csv":
		err = res.WriteCSV(&b)
	default:
		return nil, control.Fail(http.StatusBadRequest, "InvalidArgument", "format must be json, table or csv, not %q", req.Format)
	}
	if err != nil {
		return nil, err
	}
	out := KQLOutput{Output: b.String(), Rows: res.Len()}
	if res.Partial != nil {
		out.Partial = res.Partial.Msg
	}
	return out, nil
}

// pickWorkspace is the named workspace, else the lab's (law-contoso-unified), else the only one.
func (h *handler) pickWorkspace(t simulator.Tenant, name string) (*logs.Workspace, error) {
	if name != "" {
		return h.engine.Workspace(t.ID, name)
	}
	list, err := h.engine.Workspaces(t.ID)
	if err != nil {
		return nil, err
	}
	for _, w := range list {
		if strings.EqualFold(w.Name, LabWorkspace) {
			return h.engine.Workspace(t.ID, w.ID)
		}
	}
	if len(list) == 1 {
		return h.engine.Workspace(t.ID, list[0].ID)
	}
	if len(list) == 0 {
		return nil, control.Fail(http.StatusNotFound, "WorkspaceNotFound", "tenant %s has no Log Analytics workspace yet: create %s (Task 1) or pass --data DIR", t.Name, LabWorkspace)
	}
	return nil, control.Fail(http.StatusBadRequest, "InvalidArgument", "tenant %s has %d workspaces and none is %s: name one with --workspace", t.Name, len(list), LabWorkspace)
}

// LabWorkspace is the workspace the lab creates in Task 1.
const LabWorkspace = "law-contoso-unified"

// queryFail renders a query error with Kusto's line, column and caret.
func queryFail(src string, err error) error {
	var ke *kql.Error
	if errors.As(err, &ke) {
		return control.Fail(http.StatusBadRequest, "BadQuery", "%s", ke.Format(src))
	}
	return err
}
