package control

import (
	"errors"
	"net/http"
	"strings"

	"github.com/soclab/soclab/simulator"
)

// handler serves the world's control endpoints.
type handler struct {
	world *simulator.World
}

// NewHandler returns the control endpoints of w. Paths are matched with or without the
// /_soclab prefix: tenants, clock, clock/freeze|resume|advance|set, reset, activity.
func NewHandler(w *simulator.World) http.Handler { return &handler{world: w} }

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
	case path == "activity" && r.Method == http.MethodGet:
		out, err = h.activity(r.URL.Query().Get("tenant"))
	case path == "tenants" || path == "clock" || path == "reset" || path == "activity" || strings.HasPrefix(path, "clock/"):
		err = Fail(http.StatusMethodNotAllowed, "MethodNotAllowed", "%s is not supported on /_soclab/%s", r.Method, path)
	default:
		err = Fail(http.StatusNotFound, "NotFound", "no control endpoint %s /_soclab/%s", r.Method, path)
	}
	writeAnswer(w, out, err)
}

func writeAnswer(w http.ResponseWriter, out any, err error) {
	WriteAnswer(w, out, err, classifyWorldError)
}

// classifyWorldError maps the world's tenant errors to control answers.
func classifyWorldError(err error) *Error {
	switch {
	case errors.Is(err, simulator.ErrTenantNotFound):
		return Fail(http.StatusNotFound, "TenantNotFound", "%v", err)
	case errors.Is(err, simulator.ErrTenantExists):
		return Fail(http.StatusConflict, "TenantExists", "%v", err)
	case errors.Is(err, simulator.ErrInvalidName):
		return Fail(http.StatusBadRequest, "InvalidTenantName", "%v", err)
	}
	return nil
}

// decode reads a JSON body; an empty body leaves v as it is.
func decode(r *http.Request, v any) error { return DecodeJSON(r, v, 1<<16) }

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
		return NewTenant{}, Fail(http.StatusBadRequest, "InvalidTenantName", `the body must name the tenant: {"name":"learner01"}`)
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
			return Clock{}, Fail(http.StatusBadRequest, "InvalidDuration", "%v", perr)
		}
		if d < 0 {
			return Clock{}, Fail(http.StatusBadRequest, "InvalidDuration", "the clock only moves forward with advance; use set to go back")
		}
		if st, err = h.world.Advance(t.ID, d); errors.Is(err, simulator.ErrInvalidClock) {
			return Clock{}, Fail(http.StatusBadRequest, "InvalidDuration", "%v", err)
		}
	case "set":
		tm, perr := ParseTime(req.Time)
		if perr != nil {
			return Clock{}, Fail(http.StatusBadRequest, "InvalidTime", "%v", perr)
		}
		if st, err = h.world.SetTime(t.ID, tm); errors.Is(err, simulator.ErrInvalidClock) {
			return Clock{}, Fail(http.StatusBadRequest, "InvalidTime", "%v", err)
		}
	default:
		return Clock{}, Fail(http.StatusNotFound, "NotFound", "no clock action %q: use freeze, resume, advance or set", verb)
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
