package control

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/soclab/soclab/simulator"
)

// handler serves the world's control endpoints.
type handler struct {
	world *simulator.World
}

// NewHandler returns the control endpoints of w. Paths are matched with or without the
// /_soclab prefix: tenants, clock, clock/freeze|resume|advance|set, reset.
func NewHandler(w *simulator.World) http.Handler { return &handler{world: w} }

// apiError is a control failure: HTTP status plus an ARM-shaped code and message.
type apiError struct {
	status        int
	code, message string
}

// Error implements error.
func (e *apiError) Error() string { return e.message }

func fail(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// ServeHTTP routes a control request and writes its JSON answer.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.Trim(strings.TrimPrefix(r.URL.Path, "/_soclab"), "/")
	var out any
	var err error
	switch {
	case path == "tenants" && r.Method == http.MethodGet:
		out, err = h.listTenants()
	case path == "tenants" && r.Method == http.MethodPost:
		out, err = h.addTenant(r)
	case path == "clock" && r.Method == http.MethodGet:
		out, err = h.clock(r.URL.Query().Get("tenant"))
	case strings.HasPrefix(path, "clock/") && r.Method == http.MethodPost:
		out, err = h.changeClock(r, strings.TrimPrefix(path, "clock/"))
	case path == "reset" && r.Method == http.MethodPost:
		out, err = h.reset(r)
	case path == "tenants" || path == "clock" || path == "reset" || strings.HasPrefix(path, "clock/"):
		err = fail(http.StatusMethodNotAllowed, "MethodNotAllowed", "%s is not supported on /_soclab/%s", r.Method, path)
	default:
		err = fail(http.StatusNotFound, "NotFound", "no control endpoint %s /_soclab/%s", r.Method, path)
	}
	writeAnswer(w, out, err)
}

func writeAnswer(w http.ResponseWriter, out any, err error) {
	status := http.StatusOK
	if err != nil {
		var ae *apiError
		switch {
		case errors.As(err, &ae):
		case errors.Is(err, simulator.ErrTenantNotFound):
			ae = fail(http.StatusNotFound, "TenantNotFound", "%v", err)
		case errors.Is(err, simulator.ErrTenantExists):
			ae = fail(http.StatusConflict, "TenantExists", "%v", err)
		case errors.Is(err, simulator.ErrInvalidName):
			ae = fail(http.StatusBadRequest, "InvalidTenantName", "%v", err)
		default:
			ae = fail(http.StatusInternalServerError, "InternalError", "%v", err)
		}
		status = ae.status
		out = map[string]any{"error": map[string]string{"code": ae.code, "message": ae.message}}
	}
	data, _ := json.Marshal(out)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(data, '\n'))
}

// decode reads a JSON body; an empty body leaves v as it is.
func decode(r *http.Request, v any) error {
	if r.Body == nil {
		return nil
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return fail(http.StatusBadRequest, "InvalidRequestContent", "the request body is not valid JSON for this endpoint: %v", err)
	}
	return nil
}

func (h *handler) tenant(name string) (simulator.Tenant, error) {
	if name == "" {
		name = simulator.DefaultTenantName
	}
	return h.world.LookupTenant(name)
}

func (h *handler) listTenants() (TenantList, error) {
	ts, err := h.world.Tenants()
	if err != nil {
		return TenantList{}, err
	}
	list := TenantList{Value: []TenantInfo{}}
	for _, t := range ts {
		list.Value = append(list.Value, Info(t))
	}
	return list, nil
}

func (h *handler) addTenant(r *http.Request) (NewTenant, error) {
	var req AddTenantRequest
	if err := decode(r, &req); err != nil {
		return NewTenant{}, err
	}
	if strings.TrimSpace(req.Name) == "" {
		return NewTenant{}, fail(http.StatusBadRequest, "InvalidTenantName", `the body must name the tenant: {"name":"learner01"}`)
	}
	t, err := h.world.AddTenant(req.Name)
	if err != nil {
		return NewTenant{}, err
	}
	return Credentials(t), nil
}

func (h *handler) clock(tenant string) (Clock, error) {
	t, err := h.tenant(tenant)
	if err != nil {
		return Clock{}, err
	}
	st, err := h.world.Clock(t.ID)
	return Clock{Tenant: t.ID, TenantName: t.Name, Now: st.Now, Frozen: st.Frozen}, err
}

func (h *handler) changeClock(r *http.Request, verb string) (Clock, error) {
	var req ClockRequest
	if err := decode(r, &req); err != nil {
		return Clock{}, err
	}
	if req.Tenant == "" {
		req.Tenant = r.URL.Query().Get("tenant")
	}
	t, err := h.tenant(req.Tenant)
	if err != nil {
		return Clock{}, err
	}
	var st simulator.ClockStatus
	switch verb {
	case "freeze":
		st, err = h.world.Freeze(t.ID)
	case "resume":
		st, err = h.world.Resume(t.ID)
	case "advance":
		d, perr := ParseDuration(req.Duration)
		if perr != nil {
			return Clock{}, fail(http.StatusBadRequest, "InvalidDuration", "%v", perr)
		}
		if d < 0 {
			return Clock{}, fail(http.StatusBadRequest, "InvalidDuration", "the clock only moves forward with advance; use set to go back")
		}
		if st, err = h.world.Advance(t.ID, d); errors.Is(err, simulator.ErrInvalidClock) {
			return Clock{}, fail(http.StatusBadRequest, "InvalidDuration", "%v", err)
		}
	case "set":
		tm, perr := ParseTime(req.Time)
		if perr != nil {
			return Clock{}, fail(http.StatusBadRequest, "InvalidTime", "%v", perr)
		}
		if st, err = h.world.SetTime(t.ID, tm); errors.Is(err, simulator.ErrInvalidClock) {
			return Clock{}, fail(http.StatusBadRequest, "InvalidTime", "%v", err)
		}
	default:
		return Clock{}, fail(http.StatusNotFound, "NotFound", "no clock action %q: use freeze, resume, advance or set", verb)
	}
	return Clock{Tenant: t.ID, TenantName: t.Name, Now: st.Now, Frozen: st.Frozen}, err
}

func (h *handler) reset(r *http.Request) (ResetResult, error) {
	var req ClockRequest
	if err := decode(r, &req); err != nil {
		return ResetResult{}, err
	}
	if req.Tenant == "" {
		req.Tenant = r.URL.Query().Get("tenant")
	}
	t, err := h.tenant(req.Tenant)
	if err != nil {
		return ResetResult{}, err
	}
	if err := h.world.Reset(t.ID); err != nil {
		return ResetResult{}, err
	}
	c, err := h.clock(t.ID)
	return ResetResult{Tenant: t.ID, TenantName: t.Name, Clock: c}, err
}
