package automation

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/soclab/soclab/simulator/sentinel"
	"github.com/tidwall/gjson"
)

// Copilot is Security Copilot's Logic Apps connector action "Submit a Security Copilot
// prompt" (managed API securitycopilot, POST /process-prompt; api-surface §9.2) as a playbook's
// connection calls it. It runs outside any transaction (it records the session itself).
type Copilot interface {
	// ProcessPrompt submits prompt in a new session of the tenant and returns the incident
	// comment the playbook posts: the evaluation, a refusal included; an error only when the
	// action itself fails (a body the connector refuses).
	ProcessPrompt(ctx context.Context, tenantID, prompt string) (comment string, err error)
}

// copilotAPI is the managed API name of the Security Copilot connector.
const copilotAPI = "securitycopilot"

// copilotAction is one "Submit a Security Copilot prompt" action of a workflow definition.
type copilotAction struct {
	name, prompt string
}

// connectionKey is the $connections key a connector action's host names.
var connectionKey = regexp.MustCompile(`\$connections'\)\['([^']+)'\]`)

// copilotActions returns, in definition order (nested scopes included), the actions of the
// workflow body that submit a prompt through the Security Copilot connector: ApiConnection
// actions posting to /process-prompt over a connection to the securitycopilot managed API.
func copilotActions(body []byte) []copilotAction {
	conns := gjson.GetBytes(body, `properties.parameters.$connections.value`)
	isCopilot := func(host string) bool {
		m := connectionKey.FindStringSubmatch(host)
		if m == nil {
			return false
		}
		api := conns.Get(gjson.Escape(m[1]) + ".id").String()
		if api != "" {
			return strings.EqualFold(api[strings.LastIndex(api, "/")+1:], copilotAPI)
		}
		return strings.HasPrefix(strings.ToLower(m[1]), copilotAPI) // no parameters: the designer's default key
	}
	var out []copilotAction
	var walk func(actions gjson.Result)
	walk = func(actions gjson.Result) {
		actions.ForEach(func(name, a gjson.Result) bool {
			in := a.Get("inputs")
			if strings.EqualFold(a.Get("type").String(), "ApiConnection") && strings.EqualFold(in.Get("path").String(), "/process-prompt") &&
				strings.EqualFold(in.Get("method").String(), "post") && isCopilot(in.Get("host.connection.name").String()) {
				out = append(out, copilotAction{name: name.String(), prompt: in.Get("body.PromptContent").String()})
			}
			walk(a.Get("actions"))
			walk(a.Get("else.actions"))
			return true
		})
	}
	walk(gjson.GetBytes(body, "properties.definition.actions"))
	return out
}

// triggerProperty is a prompt's reference to the incident trigger's incident property.
var triggerProperty = regexp.MustCompile(`@\{triggerBody\(\)\?\['object'\]\?\['properties'\]\?\['([A-Za-z]+)'\]\}`)

// promptFor substitutes the incident's properties the prompt names (incidentNumber,
// providerIncidentId, title, severity, status), as Logic Apps evaluates the expressions; any
// other expression is an error, as the lab does not evaluate it.
func promptFor(prompt string, inc sentinel.Incident) (string, error) {
	var bad string
	out := triggerProperty.ReplaceAllStringFunc(prompt, func(m string) string {
		p := inc.Properties
		switch triggerProperty.FindStringSubmatch(m)[1] {
		case "incidentNumber":
			return strconv.Itoa(p.IncidentNumber)
		case "providerIncidentId":
			return p.ProviderIncidentID
		case "title":
			return derefString(p.Title)
		case "severity":
			return derefString(p.Severity)
		case "status":
			return derefString(p.Status)
		}
		bad = m
		return m
	})
	// Other expressions are looked for in the prompt, not in the substituted values.
	if rest := triggerProperty.ReplaceAllString(prompt, ""); bad == "" && strings.Contains(rest, "@{") {
		bad = rest[strings.Index(rest, "@{"):]
		if i := strings.Index(bad, "}"); i >= 0 {
			bad = bad[:i+1]
		}
	}
	if bad != "" {
		return "", fmt.Errorf("the expression %s of PromptContent is not supported in the lab (incidentNumber, providerIncidentId, title, severity and status of the trigger's incident are)", bad)
	}
	return out, nil
}

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// askCopilot submits the workflow's Security Copilot prompts, the incident's properties
// substituted, and adds their comments to res; the first action that fails fails the run.
func (e *Engine) askCopilot(tenantID string, prompts []copilotAction, inc sentinel.Incident, res queryResult) queryResult {
	for _, p := range prompts {
		if e.opts.Copilot == nil {
			return queryResult{action: p.name, err: fmt.Errorf("the Security Copilot connector is not available")}
		}
		text, err := promptFor(p.prompt, inc)
		if err == nil {
			var c string
			if c, err = e.opts.Copilot.ProcessPrompt(context.Background(), tenantID, text); err == nil {
				res.copilot = append(res.copilot, c)
				continue
			}
		}
		return queryResult{action: p.name, err: err}
	}
	return res
}
