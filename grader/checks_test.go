package grader

import (
	"strings"
	"testing"
)

func TestBuiltinChecks(t *testing.T) {
	c, err := LoadBuiltinChecks("alex-johnson")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	points := 0
	for _, ch := range c.Checks {
		ids = append(ids, ch.ID)
		points += ch.Points
	}
	want := "workspace rule1-settings rule1-query rule1-fired rule2-settings rule2-query rule2-fired rule3-settings rule3-query rule3-fired xdr-connector xdr-sync-settings " +
		"xdr-incident xdr-incident-classified copilot-prompts contain-sessions contain-block contain-backdoor automation-response incident-closed bf1-sync bf2-plugin " +
		"bf3-diagnostics bf3-replay knowledge-1 knowledge-2 knowledge-3 knowledge-4 knowledge-5"
	if got := strings.Join(ids, " "); got != want || points != 69 {
		t.Errorf("checks %q (%d points), want %q (69)", got, points, want)
	}
}

func TestParseChecksErrors(t *testing.T) {
	head := "workspace: {resourceGroup: rg, name: ws}\ntasks: {1: One}\nchecks:\n"
	cases := []struct{ name, yaml, want string }{
		{"unknown field", head + "  - {id: a, task: 1, title: A, points: 1, hint: h, kql: {query: T}, colour: red}",
			"grader: checks.yaml: yaml: unmarshal errors:\n  line 4: field colour not found in type grader.Check"},
		{"two kinds", head + "  - {id: a, task: 1, title: A, points: 1, hint: h, kql: {query: T}, ruleFired: {rule: r}}",
			"grader: checks.yaml: checks[0]: a: exactly one of state, ruleQuery, ruleFired, kql, activity, answer is needed (found 2)"},
		{"no kind", head + "  - {id: a, task: 1, title: A, points: 1, hint: h}",
			"grader: checks.yaml: checks[0]: a: exactly one of state, ruleQuery, ruleFired, kql, activity, answer is needed (found 0)"},
		{"task without title", head + "  - {id: a, task: 2, title: A, points: 1, hint: h, kql: {query: T}}",
			"grader: checks.yaml: checks[0]: task 2 has no title in tasks"},
		{"no hint, no points", head + "  - {id: a, task: 1, title: A, kql: {query: T}}",
			"grader: checks.yaml: checks[0]: id, title and hint are required\nchecks[0]: points must be at least 1"},
		{"duplicate id", head + "  - {id: a, task: 1, title: A, points: 1, hint: h, kql: {query: T}}\n  - {id: a, task: 1, title: B, points: 1, hint: h, kql: {query: T}}",
			`grader: checks.yaml: checks[1]: duplicate id "a"`},
		{"state without expectation", head + "  - {id: a, task: 1, title: A, points: 1, hint: h, state: [{what: w, path: p}]}",
			"grader: checks.yaml: checks[0]: a: state[0] needs what, path and exactly one of exists, equals, includes"},
		{"rule query without mentions", head + "  - {id: a, task: 1, title: A, points: 1, hint: h, ruleQuery: {rule: r}}",
			"grader: checks.yaml: checks[0]: a: ruleQuery needs rule and mentions"},
		{"kql bounds", head + "  - {id: a, task: 1, title: A, points: 1, hint: h, kql: {query: T, minRows: 2, maxRows: 1}}",
			"grader: checks.yaml: checks[0]: a: kql needs 0 <= minRows <= maxRows"},
		{"answer without accepted answers", head + "  - {id: a, task: 1, title: A, points: 1, hint: h, answer: {question: 1, text: Q, source: S}}",
			"grader: checks.yaml: checks[0]: a: answer needs question (from 1), text, accept and source"},
		{"answer to question 0", head + "  - {id: a, task: 1, title: A, points: 1, hint: h, answer: {question: 0, text: Q, accept: [x], source: S}}",
			"grader: checks.yaml: checks[0]: a: answer needs question (from 1), text, accept and source"},
		{"no workspace", "tasks: {1: One}\nchecks: []", "grader: checks.yaml: workspace: resourceGroup and name are required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseChecks([]byte(c.yaml))
			if err == nil || err.Error() != c.want {
				t.Errorf("error %v\nwant %s", err, c.want)
			}
		})
	}
}

func TestEvalAssert(t *testing.T) {
	doc := `{"rules":[{"name":"r1","kind":"Scheduled","properties":{"severity":"High","enabled":true,"n":3,"tactics":["InitialAccess","Collection"]}}]}`
	yes, no := true, false
	cases := []struct {
		name string
		a    StateAssert
		want string
	}{
		{"exists", StateAssert{What: "no r1", Path: `rules.#(name=="r1")`, Exists: &yes}, ""},
		{"missing", StateAssert{What: "no r2", Path: `rules.#(name=="r2")`, Exists: &yes}, "no r2"},
		{"absent as wanted", StateAssert{What: "r2 exists", Path: `rules.#(name=="r2")`, Exists: &no}, ""},
		{"enum case-insensitive", StateAssert{What: "not high", Path: "rules.0.properties.severity", Equals: "high"}, ""},
		{"wrong value", StateAssert{What: "not NRT", Path: "rules.0.kind", Equals: "NRT"}, `not NRT (found "Scheduled")`},
		{"unset", StateAssert{What: "not NRT", Path: "rules.1.kind", Equals: "NRT"}, "not NRT (not set)"},
		{"bool", StateAssert{What: "disabled", Path: "rules.0.properties.enabled", Equals: true}, ""},
		{"bool is not a string", StateAssert{What: "disabled", Path: "rules.0.properties.enabled", Equals: "true"}, "disabled (found true)"},
		{"number", StateAssert{What: "not 3", Path: "rules.0.properties.n", Equals: 3}, ""},
		{"includes", StateAssert{What: "tactics", Path: "rules.0.properties.tactics", Includes: []any{"collection", "InitialAccess"}}, ""},
		{"includes missing", StateAssert{What: "tactics", Path: "rules.0.properties.tactics", Includes: []any{"Discovery", "Collection"}},
			`tactics (missing Discovery; found ["InitialAccess","Collection"])`},
		{"includes over a non-array", StateAssert{What: "tactics", Path: "rules.0.kind", Includes: []any{"x"}}, "tactics (not set)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := evalAssert(doc, c.a); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
