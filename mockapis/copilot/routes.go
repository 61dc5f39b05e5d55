package copilot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/soclab/soclab/mockapis/graph"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/copilot"
)

const (
	base      = "/security/securityCopilot/workspaces/{workspaceId}/sessions"
	bodyLimit = 1 << 20
	// maxContent bounds a prompt's text (the portal's limit is a few thousand characters).
	maxContent = 16000
)

// GraphRoutes are Security Copilot's beta routes over the answerer.
func GraphRoutes(svc *copilot.Service) []graph.Route {
	a := api{svc}
	beta := []string{"beta"}
	return []graph.Route{
		{Method: http.MethodPost, Path: base, Versions: beta, Handle: a.createSession},
		{Method: http.MethodGet, Path: base, Versions: beta, Handle: a.listSessions},
		{Method: http.MethodGet, Path: base + "/{sessionId}", Versions: beta, Handle: a.getSession},
		{Method: http.MethodPost, Path: base + "/{sessionId}/prompts", Versions: beta, Handle: a.createPrompt},
		{Method: http.MethodGet, Path: base + "/{sessionId}/prompts", Versions: beta, Handle: a.listPrompts},
		{Method: http.MethodGet, Path: base + "/{sessionId}/prompts/{promptId}", Versions: beta, Handle: a.getPrompt},
		{Method: http.MethodPost, Path: base + "/{sessionId}/prompts/{promptId}/evaluations", Versions: beta, Handle: a.createEvaluation},
		{Method: http.MethodGet, Path: base + "/{sessionId}/prompts/{promptId}/evaluations", Versions: beta, Handle: a.listEvaluations},
		{Method: http.MethodGet, Path: base + "/{sessionId}/prompts/{promptId}/evaluations/{evaluationId}", Versions: beta, Handle: a.getEvaluation},
	}
}

type api struct{ svc *copilot.Service }

func badRequest(format string, args ...any) *graph.Error {
	return graph.Errorf(http.StatusBadRequest, "BadRequest", format, args...)
}

// notFound answers an unknown id of the tenant (another tenant's ids are unknown too).
func notFound(err error) error {
	if errors.Is(err, copilot.ErrNotFound) {
		return graph.Errorf(http.StatusNotFound, "NotFound", "%s", strings.TrimPrefix(err.Error(), "copilot: not found: ")+" was not found.")
	}
	return err
}

// workspace checks the workspace id: the tenant has one, "default".
func workspace(r *graph.Request) (string, error) {
	ws := r.Vars["workspaceId"]
	if !strings.EqualFold(ws, "default") {
		return "", graph.Errorf(http.StatusNotFound, "NotFound", "workspace %q was not found.", ws)
	}
	return "default", nil
}

func (a api) view(r *graph.Request, fn func(tx *simulator.TenantTx) error) error {
	if _, err := workspace(r); err != nil {
		return err
	}
	return notFound(a.svc.World().View(r.Principal.TenantID, fn))
}

func (a api) update(r *graph.Request, fn func(tx *simulator.TenantTx) error) error {
	if _, err := workspace(r); err != nil {
		return err
	}
	return notFound(a.svc.World().Update(r.Principal.TenantID, fn))
}

func ctxURL(path string) string {
	return "https://graph.microsoft.com/beta/$metadata#security/securityCopilot/workspaces('default')/" + path
}

func graphTime(t time.Time) string {
	if t.IsZero() {
		return "0001-01-01T00:00:00Z"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func sessionBody(s copilot.Session) map[string]any {
	return map[string]any{"id": s.ID, "createdDateTime": graphTime(s.Created), "lastModifiedDateTime": graphTime(s.LastModified), "displayName": s.DisplayName}
}

func promptBody(p copilot.Prompt) map[string]any {
	return map[string]any{"id": p.ID, "type": p.Type, "createdDateTime": graphTime(p.Created), "lastModifiedDateTime": graphTime(p.LastModified),
		"skillName": nil, "content": p.Content, "inputs": map[string]any{"keyValuePairs": []any{}}, "skillInputDescriptors": []any{}}
}

func evaluationBody(v copilot.View) map[string]any {
	var result any
	if v.Result != nil {
		result = map[string]any{"content": v.Result.Content, "type": v.Result.Type, "previewState": "ga"}
	}
	return map[string]any{"id": v.ID, "createdDateTime": graphTime(v.Created), "runStartDateTime": graphTime(v.RunStart),
		"completedDateTime": graphTime(v.Completed), "lastModifiedDateTime": graphTime(v.LastModified), "state": v.State,
		"executionCount": v.ExecutionCount, "isCancelled": false, "result": result}
}

func entity(ctx string, body map[string]any) map[string]any {
	body["@odata.context"] = ctx + "/$entity"
	return body
}

func list(ctx string, items []map[string]any) map[string]any {
	if items == nil {
		items = []map[string]any{}
	}
	return map[string]any{"@odata.context": ctx, "value": items}
}

// readBody decodes a JSON object body (empty = {}).
func readBody(r *graph.Request) (map[string]json.RawMessage, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, bodyLimit+1))
	if err != nil {
		return nil, badRequest("The request body could not be read.")
	}
	if len(data) > bodyLimit {
		return nil, graph.Errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "The request body is larger than %d bytes.", bodyLimit)
	}
	if strings.TrimSpace(string(data)) == "" {
		return map[string]json.RawMessage{}, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil || m == nil {
		return nil, badRequest("Invalid JSON. The request body must be a JSON object.")
	}
	return m, nil
}

// stringProp reads a string property ("" and false if absent or null).
func stringProp(m map[string]json.RawMessage, name string) (string, bool, error) {
	raw, ok := m[name]
	if !ok || string(raw) == "null" {
		return "", false, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false, badRequest("Cannot convert the value of property '%s' to the expected type 'Edm.String'.", name)
	}
	return s, true, nil
}

// askingCaller is the token's principal as Copilot acts on its behalf.
func askingCaller(r *graph.Request) copilot.Caller {
	if r.Principal.IsServicePrincipal {
		return copilot.Caller{AppID: r.Principal.AppID}
	}
	return copilot.Caller{UPN: r.Principal.UPN, ObjectID: r.Principal.ObjectID}
}

func caller(r *graph.Request) string {
	if r.Principal.UPN != "" {
		return r.Principal.UPN
	}
	return r.Principal.AppID
}

func (a api) createSession(r *graph.Request) (graph.Response, error) {
	if _, err := workspace(r); err != nil {
		return graph.Response{}, err
	}
	m, err := readBody(r)
	if err != nil {
		return graph.Response{}, err
	}
	name, _, err := stringProp(m, "displayName")
	if err != nil {
		return graph.Response{}, err
	}
	if strings.TrimSpace(name) == "" {
		return graph.Response{}, badRequest("The displayName property is required.")
	}
	if len(name) > 256 {
		return graph.Response{}, badRequest("The displayName property must be at most 256 characters.")
	}
	var s copilot.Session
	err = a.update(r, func(tx *simulator.TenantTx) (err error) {
		s, err = copilot.CreateSession(tx, name, caller(r))
		return err
	})
	if err != nil {
		return graph.Response{}, err
	}
	return graph.Response{Status: http.StatusCreated, Body: entity(ctxURL("sessions"), sessionBody(s))}, nil
}

func (a api) listSessions(r *graph.Request) (graph.Response, error) {
	var out []map[string]any
	err := a.view(r, func(tx *simulator.TenantTx) error {
		ss, err := copilot.Sessions(tx)
		for _, s := range ss {
			out = append(out, sessionBody(s))
		}
		return err
	})
	if err != nil {
		return graph.Response{}, err
	}
	return graph.Response{Status: http.StatusOK, Body: list(ctxURL("sessions"), out)}, nil
}

func (a api) getSession(r *graph.Request) (graph.Response, error) {
	var s copilot.Session
	err := a.view(r, func(tx *simulator.TenantTx) (err error) {
		s, err = copilot.GetSession(tx, r.Vars["sessionId"])
		return err
	})
	if err != nil {
		return graph.Response{}, err
	}
	return graph.Response{Status: http.StatusOK, Body: entity(ctxURL("sessions"), sessionBody(s))}, nil
}

// promptTypes is Graph's promptType enum; only "prompt" is supported.
var promptTypes = []string{"unknown", "context", "prompt", "skill", "feedback"}

func (a api) createPrompt(r *graph.Request) (graph.Response, error) {
	if _, err := workspace(r); err != nil {
		return graph.Response{}, err
	}
	m, err := readBody(r)
	if err != nil {
		return graph.Response{}, err
	}
	typ, hasType, err := stringProp(m, "type")
	if err != nil {
		return graph.Response{}, err
	}
	content, _, err := stringProp(m, "content")
	if err != nil {
		return graph.Response{}, err
	}
	known := false
	for _, t := range promptTypes {
		known = known || t == typ
	}
	switch {
	case !hasType:
		return graph.Response{}, badRequest("The type property is required.")
	case !known:
		return graph.Response{}, badRequest("Cannot convert the literal '%s' to the expected type 'microsoft.graph.security.securityCopilot.promptType'.", typ)
	case typ != "prompt":
		return graph.Response{}, badRequest("Prompt type '%s' is not supported. Only 'prompt' is supported.", typ)
	case strings.TrimSpace(content) == "":
		return graph.Response{}, badRequest("The content property is required.")
	case len(content) > maxContent:
		return graph.Response{}, badRequest("The content property must be at most %d characters.", maxContent)
	}
	var p copilot.Prompt
	err = a.update(r, func(tx *simulator.TenantTx) (err error) {
		p, err = copilot.CreatePrompt(tx, r.Vars["sessionId"], typ, content)
		return err
	})
	if err != nil {
		return graph.Response{}, err
	}
	return graph.Response{Status: http.StatusCreated, Body: entity(ctxURL(fmt.Sprintf("sessions('%s')/prompts", p.SessionID)), promptBody(p))}, nil
}

func (a api) listPrompts(r *graph.Request) (graph.Response, error) {
	var out []map[string]any
	sid := r.Vars["sessionId"]
	err := a.view(r, func(tx *simulator.TenantTx) error {
		ps, err := copilot.Prompts(tx, sid)
		for _, p := range ps {
			out = append(out, promptBody(p))
		}
		return err
	})
	if err != nil {
		return graph.Response{}, err
	}
	return graph.Response{Status: http.StatusOK, Body: list(ctxURL(fmt.Sprintf("sessions('%s')/prompts", sid)), out)}, nil
}

func (a api) getPrompt(r *graph.Request) (graph.Response, error) {
	var p copilot.Prompt
	err := a.view(r, func(tx *simulator.TenantTx) (err error) {
		p, err = getPrompt(tx, r)
		return err
	})
	if err != nil {
		return graph.Response{}, err
	}
	return graph.Response{Status: http.StatusOK, Body: entity(ctxURL(fmt.Sprintf("sessions('%s')/prompts", p.SessionID)), promptBody(p))}, nil
}

// getPrompt reads the path's prompt, checking its session first (an unknown session is
// reported as such).
func getPrompt(tx *simulator.TenantTx, r *graph.Request) (copilot.Prompt, error) {
	if _, err := copilot.GetSession(tx, r.Vars["sessionId"]); err != nil {
		return copilot.Prompt{}, err
	}
	return copilot.GetPrompt(tx, r.Vars["sessionId"], r.Vars["promptId"])
}

func evalCtx(p copilot.Prompt) string {
	return ctxURL(fmt.Sprintf("sessions('%s')/prompts('%s')/evaluations", p.SessionID, p.ID))
}

func (a api) createEvaluation(r *graph.Request) (graph.Response, error) {
	if _, err := readBody(r); err != nil {
		return graph.Response{}, err
	}
	var p copilot.Prompt
	if err := a.view(r, func(tx *simulator.TenantTx) (err error) {
		p, err = getPrompt(tx, r)
		return err
	}); err != nil {
		return graph.Response{}, err
	}
	// The answer reads the world as of now; it is computed before the write so the write
	// transaction stays short.
	res, err := a.svc.AnswerAs(r.Context(), r.Principal.TenantID, askingCaller(r), p.Content)
	if err != nil {
		return graph.Response{}, err
	}
	var v copilot.View
	err = a.update(r, func(tx *simulator.TenantTx) error {
		if _, err := getPrompt(tx, r); err != nil {
			return err
		}
		e := copilot.Evaluation{ID: simulator.NewGUID(), SessionID: p.SessionID, PromptID: p.ID, Created: tx.Now().UTC(), Answer: res}
		v = e.ViewAt(e.Created)
		return copilot.PutEvaluation(tx, e)
	})
	if err != nil {
		return graph.Response{}, err
	}
	return graph.Response{Status: http.StatusCreated, Body: entity(evalCtx(p), evaluationBody(v))}, nil
}

func (a api) listEvaluations(r *graph.Request) (graph.Response, error) {
	var out []map[string]any
	var p copilot.Prompt
	err := a.view(r, func(tx *simulator.TenantTx) (err error) {
		if p, err = getPrompt(tx, r); err != nil {
			return err
		}
		es, err := copilot.Evaluations(tx, p.SessionID, p.ID)
		for _, e := range es {
			out = append(out, evaluationBody(e.ViewAt(tx.Now())))
		}
		return err
	})
	if err != nil {
		return graph.Response{}, err
	}
	return graph.Response{Status: http.StatusOK, Body: list(evalCtx(p), out)}, nil
}

// getEvaluation is the poll: each GET before completion counts (see simulator/copilot).
func (a api) getEvaluation(r *graph.Request) (graph.Response, error) {
	var v copilot.View
	var p copilot.Prompt
	err := a.update(r, func(tx *simulator.TenantTx) (err error) {
		if p, err = getPrompt(tx, r); err != nil {
			return err
		}
		e, err := copilot.GetEvaluation(tx, p.SessionID, p.ID, r.Vars["evaluationId"])
		if err != nil {
			return err
		}
		if e.ViewAt(tx.Now()).State != copilot.StateCompleted {
			e.Polls++
			if err := copilot.PutEvaluation(tx, e); err != nil {
				return err
			}
		}
		v = e.ViewAt(tx.Now())
		return nil
	})
	if err != nil {
		return graph.Response{}, err
	}
	return graph.Response{Status: http.StatusOK, Body: entity(evalCtx(p), evaluationBody(v))}, nil
}
