package enginecontrol

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/soclab/soclab/mockapis/control"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/pipeline"
)

// Options tune the handler.
type Options struct {
	// DefaultWait is engine/wait's timeout when the request gives none (0: 1 minute);
	// MaxWait the longest it accepts (0: 10 minutes).
	DefaultWait, MaxWait time.Duration
}

// Status is the answer of GET engine and engine/wait: the tenant, its clock now and how far
// the engines have caught it up.
type Status struct {
	TenantName string    `json:"tenantName"`
	Now        time.Time `json:"now"`
	pipeline.Status
}

// WaitRequest is the optional body of POST engine/wait (the query parameters work too).
type WaitRequest struct {
	Tenant  string `json:"tenant,omitempty"`
	Timeout string `json:"timeout,omitempty"`
}

// NewHandler serves the endpoints above over p and passes every other path to next.
func NewHandler(world *simulator.World, p *pipeline.Pipeline, next http.Handler, opts Options) http.Handler {
	if opts.DefaultWait <= 0 {
		opts.DefaultWait = time.Minute
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = 10 * time.Minute
	}
	return &handler{world: world, p: p, next: next, opts: opts}
}

type handler struct {
	world *simulator.World
	p     *pipeline.Pipeline
	next  http.Handler
	opts  Options
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.Trim(strings.TrimPrefix(r.URL.Path, "/_soclab"), "/")
	var out any
	var err error
	switch {
	case path == "engine" && r.Method == http.MethodGet:
		out, err = h.status(r.URL.Query().Get("tenant"))
	case path == "engine/wait" && r.Method == http.MethodPost:
		out, err = h.wait(r)
	case path == "engine" || path == "engine/wait":
		err = control.Fail(http.StatusMethodNotAllowed, "MethodNotAllowed", "%s is not supported on /_soclab/%s", r.Method, path)
	case strings.HasPrefix(path, "engine/"):
		err = control.Fail(http.StatusNotFound, "NotFound", "no control endpoint %s /_soclab/%s", r.Method, path)
	case r.Method == http.MethodPost && movesClock(path):
		h.enqueueAfter(w, r)
		return
	default:
		h.next.ServeHTTP(w, r)
		return
	}
	control.WriteAnswer(w, out, err, classify)
}

func classify(err error) *control.Error {
	if errors.Is(err, simulator.ErrTenantNotFound) {
		return control.Fail(http.StatusNotFound, "TenantNotFound", "%v", err)
	}
	return nil
}

// movesClock tells the control paths after which the engines may have work.
func movesClock(path string) bool {
	for _, prefix := range []string{"clock/", "attack/", "faults/"} {
		if strings.HasPrefix(path, prefix) {
			return true
		}
	}
	return path == "reset"
}

func (h *handler) tenant(name string) (simulator.Tenant, error) {
	if name == "" {
		name = simulator.DefaultTenantName
	}
	return h.world.LookupTenant(name)
}

func (h *handler) status(name string) (Status, error) {
	t, err := h.tenant(name)
	if err != nil {
		return Status{}, err
	}
	return h.statusOf(t, h.p.Status(t.ID))
}

func (h *handler) statusOf(t simulator.Tenant, st pipeline.Status) (Status, error) {
	now, err := h.world.Now(t.ID)
	return Status{TenantName: t.Name, Now: now, Status: st}, err
}

// wait answers when the tenant is caught up to its clock, or says why not.
func (h *handler) wait(r *http.Request) (Status, error) {
	var req WaitRequest
	if err := control.DecodeJSON(r, &req, 1<<16); err != nil {
		return Status{}, err
	}
	q := r.URL.Query()
	if req.Tenant == "" {
		req.Tenant = q.Get("tenant")
	}
	if req.Timeout == "" {
		req.Timeout = q.Get("timeout")
	}
	timeout := h.opts.DefaultWait
	if req.Timeout != "" {
		d, err := control.ParseDuration(req.Timeout)
		if err != nil || d <= 0 || d > h.opts.MaxWait {
			return Status{}, control.Fail(http.StatusBadRequest, "InvalidArgument",
				"timeout %q: give a positive duration up to %s, e.g. 30s or 2m", req.Timeout, h.opts.MaxWait)
		}
		timeout = d
	}
	t, err := h.tenant(req.Tenant)
	if err != nil {
		return Status{}, err
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	st, werr := h.p.Wait(ctx, t.ID)
	out, err := h.statusOf(t, st)
	switch {
	case errors.Is(werr, pipeline.ErrFailed):
		return out, control.Fail(http.StatusInternalServerError, "EngineFailed", "the engines failed to catch tenant %s up: %s", t.Name, st.Error)
	case werr != nil:
		return out, control.Fail(http.StatusGatewayTimeout, "EngineBehind", "the engines had not caught tenant %s up to its clock within %s: %s",
			t.Name, timeout, Progress(out))
	}
	return out, err
}

// Progress says how far each stage got, for messages: "detect reached 2025-01-15T09:12:00Z
// of 2025-01-15T10:05:00Z".
func Progress(st Status) string {
	var parts []string
	for _, s := range st.Stages {
		at := "nothing yet"
		if !s.Reached.IsZero() {
			at = s.Reached.UTC().Format(time.RFC3339)
		}
		parts = append(parts, s.Name+" reached "+at)
	}
	if len(parts) == 0 {
		return "no stages"
	}
	return strings.Join(parts, ", ") + " of " + st.Now.UTC().Format(time.RFC3339)
}

// enqueueAfter serves a request that may move the tenant's clock and, when it succeeded,
// enqueues the tenant's catch-up; the answer is not held back for it.
func (h *handler) enqueueAfter(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("tenant")
	if r.Body != nil {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20+1))
		if err != nil {
			control.WriteAnswer(w, nil, control.Fail(http.StatusBadRequest, "InvalidRequestContent", "the request body could not be read: %v", err), classify)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		var req struct {
			Tenant string `json:"tenant"`
		}
		if json.Unmarshal(body, &req) == nil && req.Tenant != "" {
			name = req.Tenant
		}
	}
	rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	h.next.ServeHTTP(rec, r)
	if rec.status >= 300 {
		return
	}
	if t, err := h.tenant(name); err == nil {
		h.p.Enqueue(t.ID)
	}
}

// statusWriter remembers the answer's status.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
