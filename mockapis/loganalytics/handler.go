package loganalytics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"github.com/soclab/soclab/mockapis/aad"
	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/hunting"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/govern"
	"github.com/soclab/soclab/simulator/kql/sched"
	"github.com/soclab/soclab/simulator/logs"
)

// QueryTimeout bounds one query, compile and run, as the service's default server timeout
// does (3 minutes).
const QueryTimeout = 3 * time.Minute

// MaxRows is the service's row limit of a result (larger results are truncated to it and
// flagged with a PartialError, as Log Analytics does).
const MaxRows = 500000

// MaxResultBytes is the service's size limit of a result (64 MB).
const MaxResultBytes = 64 << 20

// QueryMemory is the memory budget of one query. Kusto allows a query several GB per node;
// one soclab process serves a class, so a query gets less (sched bounds how many run), and
// less again on a server with a soft memory limit (govern.FitToProcess: 256 MB for a class of
// 30).
const QueryMemory = 512 << 20

// Option configures the handler.
type Option func(*handler)

// WithGate admits queries through gate (shared with the other query APIs, so one tenant's
// bound covers all of them); without it the handler has a gate of its own.
func WithGate(gate *sched.Gate) Option { return func(h *handler) { h.gate = gate } }

// WithQueryMemory sets the memory budget of one query (default QueryMemory).
func WithQueryMemory(bytes int64) Option { return func(h *handler) { h.memory = bytes } }

// resourcePath is the resource-centric query path.
var resourcePath = regexp.MustCompile(`(?i)^/v1/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\.OperationalInsights/workspaces/([^/]+)/query$`)

// NewHandler serves the query API over engine's workspaces; v checks tokens.
func NewHandler(engine *logs.Engine, v auth.Verifier, opts ...Option) http.Handler {
	h := &handler{engine: engine, verifier: v, memory: QueryMemory}
	for _, o := range opts {
		o(h)
	}
	if h.gate == nil {
		h.gate = sched.New(sched.Options{})
	}
	r := mux.NewRouter()
	r.UseEncodedPath()
	r.HandleFunc("/v1/workspaces/{workspace}/query", h.query).Methods(http.MethodGet, http.MethodPost)
	// ARM ids are case-insensitive: match the resource-centric path whatever its case.
	r.MatcherFunc(func(req *http.Request, m *mux.RouteMatch) bool {
		parts := resourcePath.FindStringSubmatch(req.URL.Path)
		if parts == nil {
			return false
		}
		m.Vars = map[string]string{"sub": parts[1], "group": parts[2], "name": parts[3]}
		return true
	}).HandlerFunc(h.query).Methods(http.MethodGet, http.MethodPost)
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := h.verifier.Verify(r, auth.LogAnalyticsAudiences...); err != nil {
			writeError(w, authError(err))
			return
		}
		writeError(w, &apiError{status: http.StatusNotFound, code: "PathNotFoundError", message: fmt.Sprintf("The requested path does not exist: %s", r.URL.Path)})
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &apiError{status: http.StatusMethodNotAllowed, code: "MethodNotAllowedError", message: fmt.Sprintf("The requested method %s is not allowed on %s", r.Method, r.URL.Path)})
	})
	return r
}

type handler struct {
	engine   *logs.Engine
	verifier auth.Verifier
	gate     *sched.Gate
	memory   int64
}

// queryRequest is the POST body (and the GET parameters).
type queryRequest struct {
	Query      string   `json:"query"`
	Timespan   string   `json:"timespan"`
	Workspaces []string `json:"workspaces"`
}

func (h *handler) query(w http.ResponseWriter, r *http.Request) {
	p, err := h.verifier.Verify(r, auth.LogAnalyticsAudiences...)
	if err != nil {
		writeError(w, authError(err))
		return
	}
	req, aerr := readRequest(r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	ws, aerr := h.workspace(p.TenantID, r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	// The time budget covers waiting for a slot, compiling and running; the request's
	// context ends it early when the client goes away.
	ctx, cancel := kql.WithTimeBudget(r.Context(), QueryTimeout)
	defer cancel()
	ctx, release, err := h.gate.Admit(ctx, p.TenantID)
	if err != nil {
		if r.Context().Err() != nil {
			return // the client is gone: nobody reads an answer
		}
		writeError(w, throttled())
		return
	}
	defer release()
	q, res, aerr := h.run(ctx, ws, req)
	h.record(p, ws, req, res, aerr)
	if aerr != nil {
		if aerr.limit != nil && r.Context().Err() == nil {
			// A query stopped by a limit is a partial failure: 200, the (empty) primary
			// table and a PartialError with Kusto's message.
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			q.WriteLogAnalyticsFailure(w, aerr.limit)
			return
		}
		writeError(w, aerr)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	res.WriteLogAnalytics(w)
}

// readRequest takes query and timespan from the URL, and for POST from the JSON body (the body
// wins where both are given).
func readRequest(r *http.Request) (queryRequest, *apiError) {
	q := r.URL.Query()
	req := queryRequest{Query: q.Get("query"), Timespan: q.Get("timespan")}
	if r.Method == http.MethodPost {
		data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return req, badArgument("The request body could not be read.", nil)
		}
		if len(strings.TrimSpace(string(data))) > 0 {
			var body queryRequest
			if err := json.Unmarshal(data, &body); err != nil {
				return req, badArgument("The request had some invalid properties", &inner{Code: "InvalidJsonBody", Message: "The body of the request is not valid JSON: " + err.Error()})
			}
			if body.Query != "" {
				req.Query = body.Query
			}
			if body.Timespan != "" {
				req.Timespan = body.Timespan
			}
			req.Workspaces = body.Workspaces
		}
	}
	if strings.TrimSpace(req.Query) == "" {
		return req, badArgument("The request had some invalid properties", &inner{Code: "QueryValidationError", Message: "Query is required. Please specify a query in the query parameter of the url or the body of the request."})
	}
	return req, nil
}

// workspace resolves the path's workspace within the caller's tenant only.
func (h *handler) workspace(tenantID string, r *http.Request) (*logs.Workspace, *apiError) {
	vars := mux.Vars(r)
	id := vars["workspace"]
	if id == "" {
		id = "/subscriptions/" + vars["sub"] + "/resourceGroups/" + vars["group"] + "/providers/Microsoft.OperationalInsights/workspaces/" + vars["name"]
	}
	ws, err := h.engine.Workspace(tenantID, id)
	switch {
	case errors.Is(err, logs.ErrWorkspaceNotFound), errors.Is(err, simulator.ErrTenantNotFound):
		return nil, &apiError{status: http.StatusNotFound, code: "WorkspaceNotFoundError",
			message: "The workspace could not be found", inner: &inner{Code: "WorkspaceNotFoundError", Message: fmt.Sprintf("Workspace with id '%s' was not found or you do not have access to it.", id)}}
	case err != nil:
		return nil, internal(err)
	}
	return ws, nil
}

// run compiles and runs the query at the tenant's clock, within the timespan
// (simulator/hunting.RunWorkspace, which the portal's Logs blade runs too).
func (h *handler) run(ctx context.Context, ws *logs.Workspace, req queryRequest) (*kql.Query, *kql.Result, *apiError) {
	q, res, err := hunting.RunWorkspace(ctx, h.engine, ws, req.Query, req.Timespan,
		hunting.WorkspaceLimits{Memory: govern.FitToProcess(h.memory), MaxRows: MaxRows, MaxBytes: MaxResultBytes})
	var te *hunting.TimespanError
	var ke *kql.Error
	switch {
	case err == nil:
		return q, res, nil
	case errors.As(err, &te):
		return nil, nil, badArgument("The request had some invalid properties", &inner{Code: "InvalidTimespan", Message: te.Error()})
	case errors.As(err, &ke):
		return q, nil, queryError(req.Query, err)
	}
	return nil, nil, internal(err)
}

// authError maps a verification failure to the service's 401 answers.
func authError(err error) *apiError {
	if errors.Is(err, auth.ErrNoToken) {
		return &apiError{status: http.StatusUnauthorized, code: "AuthorizationRequiredError", message: "Valid authentication was not provided"}
	}
	msg := err.Error()
	var ve *aad.VerifyError
	if errors.As(err, &ve) {
		msg = ve.Message
	}
	return &apiError{status: http.StatusUnauthorized, code: "InvalidTokenError", message: "The provided authentication is not valid for this resource",
		inner: &inner{Code: "InvalidTokenError", Message: msg}}
}
