package automation

import (
	"strings"
	"testing"

	"github.com/soclab/soclab/simulator/sentinel"
)

func labIncident(withExpr bool) sentinel.Incident {
	title, sev, status := "Multi-stage incident", "High", "Active"
	if withExpr {
		title = "x @{y}"
	}
	return sentinel.Incident{Properties: sentinel.IncidentProperties{IncidentNumber: 7, ProviderIncidentID: "2972395", Title: &title, Severity: &sev, Status: &status}}
}

// TestPromptFor: the trigger's incident properties are substituted as Logic Apps evaluates them;
// expressions the lab does not evaluate are errors naming them.
func TestPromptFor(t *testing.T) {
	p := func(name string) string { return "@{triggerBody()?['object']?['properties']?['" + name + "']}" }
	cases := []struct{ in, want, err string }{
		{"Summarize incident " + p("providerIncidentId"), "Summarize incident 2972395", ""},
		{"Sentinel " + p("incidentNumber") + " (" + p("title") + ", " + p("severity") + ", " + p("status") + ")", "Sentinel 7 (Multi-stage incident, High, Active)", ""},
		{"no expressions", "no expressions", ""},
		{"", "", ""},
		{"x " + p("owner"), "", "the expression " + p("owner") + " of PromptContent is not supported"},
		{"x @{utcNow()} y", "", "the expression @{utcNow()} of PromptContent is not supported"},
		{"x @{body('A')", "", "the expression @{body('A') of PromptContent is not supported"},
	}
	if got, err := promptFor("t: "+p("title"), labIncident(true)); err != nil || got != "t: x @{y}" {
		t.Errorf("a title with @{: %q, %v", got, err)
	}
	for _, c := range cases {
		got, err := promptFor(c.in, labIncident(false))
		if c.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), c.err) {
				t.Errorf("%q: %q, %v; want error %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

// TestCopilotActions: only ApiConnection POSTs to /process-prompt over a securitycopilot
// connection count, nested ones included, in definition order.
func TestCopilotActions(t *testing.T) {
	id := "/subscriptions/s/resourceGroups/g/providers/Microsoft.Logic/workflows/w"
	cases := []struct {
		name string
		body []byte
		want string
	}{
		{"nested", copilotWorkflow(id, "hello", "securitycopilot", "securitycopilot"), "Submit_a_Security_Copilot_prompt:hello"},
		{"renamed connection", copilotWorkflow(id, "hi", "conn-7", "securitycopilot"), "Submit_a_Security_Copilot_prompt:hi"},
		{"other api", copilotWorkflow(id, "hi", "securitycopilot", "office365"), ""},
		{"two, no parameters", []byte(`{"properties":{"definition":{"actions":{
			"B":{"type":"ApiConnection","inputs":{"host":{"connection":{"name":"@parameters('$connections')['securitycopilot_1']['connectionId']"}},"method":"post","path":"/process-prompt","body":{"PromptContent":"two"}}},
			"A":{"type":"ApiConnection","inputs":{"host":{"connection":{"name":"@parameters('$connections')['securitycopilot']['connectionId']"}},"method":"POST","path":"/process-prompt","body":{"PromptContent":"one"}}}}}}}`), "B:two|A:one"},
		{"promptbook action", []byte(`{"properties":{"definition":{"actions":{"A":{"type":"ApiConnection","inputs":{"host":{"connection":{"name":"@parameters('$connections')['securitycopilot']['connectionId']"}},"method":"post","path":"/run-promptbook"}}}}}}`), ""},
		{"http action", []byte(`{"properties":{"definition":{"actions":{"A":{"type":"Http","inputs":{"method":"post","path":"/process-prompt"}}}}}}`), ""},
		{"not json", []byte(`{"properties":`), ""},
	}
	for _, c := range cases {
		var got []string
		for _, a := range copilotActions(c.body) {
			got = append(got, a.name+":"+a.prompt)
		}
		if strings.Join(got, "|") != c.want {
			t.Errorf("%s: %q; want %q", c.name, got, c.want)
		}
	}
}

// FuzzPromptFor: any prompt either substitutes to text without the trigger's expressions or is
// an error; it never panics.
func FuzzPromptFor(f *testing.F) {
	for _, s := range []string{"Summarize incident @{triggerBody()?['object']?['properties']?['providerIncidentId']}", "@{", "@{}", "}@{x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := promptFor(s, labIncident(false))
		if err == nil && triggerProperty.MatchString(out) && !triggerProperty.MatchString(s) {
			t.Errorf("%q gave an expression: %q", s, out)
		}
	})
}
