package copilot

import (
	"errors"
	"net/http"
	"strings"

	"github.com/soclab/soclab/mockapis/control"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/copilot"
)

// Control paths (under /_soclab/).
const (
	AskPath      = "copilot/ask"
	SessionsPath = "copilot/sessions"
	PluginsPath  = "copilot/plugins"
)

// PluginsRequest is the body of POST /_soclab/copilot/plugins.
type PluginsRequest struct {
	Tenant    string `json:"tenant,omitempty"`
	Plugin    string `json:"plugin"`
	Connected *bool  `json:"connected"`
}

// PluginsAnswer lists a tenant's plugins.
type PluginsAnswer struct {
	Tenant  string           `json:"tenant"`
	Plugins []copilot.Plugin `json:"plugins"`
}

// AskRequest is the body of POST /_soclab/copilot/ask.
type AskRequest struct {
	Tenant  string `json:"tenant,omitempty"`
	Prompt  string `json:"prompt"`
	Session string `json:"session,omitempty"`
}

// AskAnswer is the answer: the session, prompt and completed evaluation.
type AskAnswer struct {
	Tenant       string         `json:"tenant"`
	SessionID    string         `json:"sessionId"`
	PromptID     string         `json:"promptId"`
	EvaluationID string         `json:"evaluationId"`
	State        string         `json:"state"`
	Intent       copilot.Intent `json:"intent"`
	ResultType   string         `json:"resultType"`
	Content      string         `json:"content"`
}

// SessionsAnswer lists a tenant's sessions.
type SessionsAnswer struct {
	Tenant   string                   `json:"tenant"`
	Sessions []copilot.SessionSummary `json:"sessions"`
}

// NewControl serves POST /_soclab/copilot/ask and GET /_soclab/copilot/sessions (soclab
// copilot ask|sessions) and passes other paths to next.
func NewControl(svc *copilot.Service, next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		path := strings.Trim(strings.TrimPrefix(r.URL.Path, "/_soclab"), "/")
		if path != AskPath && path != SessionsPath && path != PluginsPath {
			next.ServeHTTP(rw, r)
			return
		}
		var out any
		var err error
		switch {
		case path == AskPath && r.Method == http.MethodPost:
			var req AskRequest
			if err = control.DecodeJSON(r, &req, 1<<16); err == nil {
				out, err = ask(r, svc, req)
			}
		case path == SessionsPath && r.Method == http.MethodGet:
			var t simulator.Tenant
			if t, err = tenant(svc, r.URL.Query().Get("tenant")); err == nil {
				a := SessionsAnswer{Tenant: t.Name}
				a.Sessions, err = svc.ListSessions(t.ID)
				out = a
			}
		case path == PluginsPath && r.Method == http.MethodGet:
			out, err = plugins(svc, r.URL.Query().Get("tenant"), nil)
		case path == PluginsPath && r.Method == http.MethodPost:
			var req PluginsRequest
			if err = control.DecodeJSON(r, &req, 1<<16); err == nil {
				out, err = plugins(svc, req.Tenant, &req)
			}
		default:
			err = control.Fail(http.StatusMethodNotAllowed, "MethodNotAllowed", "%s is not supported on /_soclab/%s", r.Method, path)
		}
		control.WriteAnswer(rw, out, err, func(err error) *control.Error {
			switch {
			case errors.Is(err, simulator.ErrTenantNotFound):
				return control.Fail(http.StatusNotFound, "TenantNotFound", "%v", err)
			case errors.Is(err, copilot.ErrUnknownPlugin):
				return control.Fail(http.StatusBadRequest, "InvalidArgument", "%v", err)
			case errors.Is(err, copilot.ErrNotFound):
				return control.Fail(http.StatusNotFound, "SessionNotFound", "%v", err)
			}
			return nil
		})
	})
}

func tenant(svc *copilot.Service, ref string) (simulator.Tenant, error) {
	if ref == "" {
		ref = simulator.DefaultTenantName
	}
	return svc.World().LookupTenant(ref)
}

func ask(r *http.Request, svc *copilot.Service, req AskRequest) (AskAnswer, error) {
	t, err := tenant(svc, req.Tenant)
	if err != nil {
		return AskAnswer{}, err
	}
	if strings.TrimSpace(req.Prompt) == "" {
		return AskAnswer{}, control.Fail(http.StatusBadRequest, "InvalidArgument", "the prompt is empty")
	}
	if len(req.Prompt) > maxContent {
		return AskAnswer{}, control.Fail(http.StatusBadRequest, "InvalidArgument", "the prompt is longer than %d characters", maxContent)
	}
	a, err := svc.Ask(r.Context(), t.ID, req.Session, req.Prompt, "soclab copilot ask")
	if err != nil {
		return AskAnswer{}, err
	}
	res := a.Evaluation.Result
	return AskAnswer{Tenant: t.Name, SessionID: a.Session.ID, PromptID: a.Prompt.ID, EvaluationID: a.Evaluation.ID,
		State: a.Evaluation.State, Intent: res.Intent, ResultType: res.Type, Content: res.Content}, nil
}

// plugins lists, and with req changes, a tenant's plugins.
func plugins(svc *copilot.Service, ref string, req *PluginsRequest) (PluginsAnswer, error) {
	t, err := tenant(svc, ref)
	if err != nil {
		return PluginsAnswer{}, err
	}
	a := PluginsAnswer{Tenant: t.Name}
	if req == nil {
		a.Plugins, err = svc.Plugins(t.ID)
		return a, err
	}
	if req.Plugin == "" || req.Connected == nil {
		return a, control.Fail(http.StatusBadRequest, "InvalidArgument", "give plugin and connected (true or false)")
	}
	a.Plugins, err = svc.SetPlugin(t.ID, req.Plugin, *req.Connected)
	return a, err
}
