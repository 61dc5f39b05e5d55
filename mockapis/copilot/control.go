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
	// PromptbookPath runs the lab's promptbook (POST) or reads a run back (GET ?session=).
	PromptbookPath = "copilot/promptbook"
	// The Logic Apps connector's two actions (api-surface §9.2), answered for the tenant's
	// service principal (a playbook's connection).
	ProcessPromptPath = "copilot/connector/process-prompt"
	RunPromptbookPath = "copilot/connector/run-promptbook"
)

// PromptbookRequest is the body of POST /_soclab/copilot/promptbook.
type PromptbookRequest struct {
	Tenant     string            `json:"tenant,omitempty"`
	Promptbook string            `json:"promptbook,omitempty"`
	Inputs     map[string]string `json:"inputs,omitempty"`
	Session    string            `json:"session,omitempty"`
}

// PromptbookAnswer is a promptbook run of a tenant.
type PromptbookAnswer struct {
	Tenant string `json:"tenant"`
	copilot.PromptbookRun
}

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
	// Outcome is answered, refused (a plugin off, no role, the Sentinel GUID) or clarify.
	Outcome string   `json:"outcome"`
	Content string   `json:"content"`
	Sources []string `json:"sources"`
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
		switch path {
		case AskPath, SessionsPath, PluginsPath, PromptbookPath, ProcessPromptPath, RunPromptbookPath:
		default:
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
		case path == PromptbookPath && r.Method == http.MethodPost:
			var req PromptbookRequest
			if err = control.DecodeJSON(r, &req, 1<<16); err == nil {
				out, err = promptbook(r, svc, req)
			}
		case path == PromptbookPath && r.Method == http.MethodGet:
			out, err = promptbookRun(svc, r.URL.Query().Get("tenant"), r.URL.Query().Get("session"))
		case (path == ProcessPromptPath || path == RunPromptbookPath) && r.Method == http.MethodPost:
			out, err = connector(r, svc, path)
		default:
			err = control.Fail(http.StatusMethodNotAllowed, "MethodNotAllowed", "%s is not supported on /_soclab/%s", r.Method, path)
		}
		control.WriteAnswer(rw, out, err, func(err error) *control.Error {
			switch {
			case errors.Is(err, simulator.ErrTenantNotFound):
				return control.Fail(http.StatusNotFound, "TenantNotFound", "%v", err)
			case errors.Is(err, copilot.ErrUnknownPlugin), errors.Is(err, copilot.ErrUnknownPromptbook),
				errors.Is(err, copilot.ErrBadInput), errors.Is(err, copilot.ErrConnectorInput):
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
		State: a.Evaluation.State, Intent: res.Intent, ResultType: res.Type, Outcome: res.Outcome, Content: res.Content, Sources: res.Sources}, nil
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

func promptbook(r *http.Request, svc *copilot.Service, req PromptbookRequest) (PromptbookAnswer, error) {
	t, err := tenant(svc, req.Tenant)
	if err != nil {
		return PromptbookAnswer{}, err
	}
	id := req.Promptbook
	if id == "" {
		id = copilot.LabPromptbookID
	}
	run, err := svc.RunPromptbook(r.Context(), t.ID, id, req.Inputs, req.Session, copilot.Analyst(t))
	return PromptbookAnswer{Tenant: t.Name, PromptbookRun: run}, err
}

func promptbookRun(svc *copilot.Service, ref, session string) (PromptbookAnswer, error) {
	t, err := tenant(svc, ref)
	if err != nil {
		return PromptbookAnswer{}, err
	}
	if session == "" {
		return PromptbookAnswer{}, control.Fail(http.StatusBadRequest, "InvalidArgument", "give session: the session the promptbook ran in")
	}
	run, err := svc.PromptbookRunOf(t.ID, session)
	return PromptbookAnswer{Tenant: t.Name, PromptbookRun: run}, err
}

// connector answers one of the connector's actions with its own body shapes (?tenant= names
// the tenant; the body is the action's).
func connector(r *http.Request, svc *copilot.Service, path string) (any, error) {
	t, err := tenant(svc, r.URL.Query().Get("tenant"))
	if err != nil {
		return nil, err
	}
	app := copilot.Caller{AppID: t.ServicePrincipal.AppID}
	if path == ProcessPromptPath {
		var in copilot.ProcessPromptInput
		if err := control.DecodeJSON(r, &in, 1<<16); err != nil {
			return nil, err
		}
		if len(in.PromptContent) > maxContent {
			return nil, control.Fail(http.StatusBadRequest, "InvalidArgument", "PromptContent is longer than %d characters", maxContent)
		}
		return svc.ProcessPrompt(r.Context(), t.ID, in, app)
	}
	var in copilot.RunPromptbookInput
	if err := control.DecodeJSON(r, &in, 1<<16); err != nil {
		return nil, err
	}
	return svc.RunPromptbookAction(r.Context(), t.ID, in, app)
}
