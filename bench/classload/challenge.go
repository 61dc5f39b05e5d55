package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ruleSpec is one analytics rule of the lab as the sentinel extension's YAML gives it.
type ruleSpec struct {
	Name                string   `yaml:"-"`
	Kind                string   `yaml:"-"`
	DisplayName         string   `yaml:"display-name"`
	Description         string   `yaml:"description"`
	Severity            string   `yaml:"severity"`
	Enabled             bool     `yaml:"enabled"`
	QueryFrequency      string   `yaml:"query-frequency"`
	QueryPeriod         string   `yaml:"query-period"`
	TriggerOperator     string   `yaml:"trigger-operator"`
	TriggerThreshold    int      `yaml:"trigger-threshold"`
	SuppressionEnabled  bool     `yaml:"suppression-enabled"`
	SuppressionDuration string   `yaml:"suppression-duration"`
	Tactics             []string `yaml:"tactics"`
	Techniques          []string `yaml:"techniques"`
	Query               string   `yaml:"query"`
}

// armBody is the rule as the alertRules PUT takes it (api-version 2022-06-01-preview).
func (r ruleSpec) armBody() map[string]any {
	p := map[string]any{
		"displayName": r.DisplayName, "description": r.Description, "severity": r.Severity,
		"enabled": r.Enabled, "query": r.Query, "suppressionEnabled": r.SuppressionEnabled,
		"suppressionDuration": r.SuppressionDuration, "tactics": r.Tactics, "techniques": r.Techniques,
	}
	if r.Kind == "Scheduled" {
		p["queryFrequency"], p["queryPeriod"] = r.QueryFrequency, r.QueryPeriod
		p["triggerOperator"], p["triggerThreshold"] = r.TriggerOperator, r.TriggerThreshold
	}
	return map[string]any{"kind": r.Kind, "properties": p}
}

// labText is what the load test takes from challenge.md.
type labText struct {
	Rules []ruleSpec
	// Workspace are KQL blocks over workspace tables; Hunting those over Defender tables.
	Workspace, Hunting []string
}

var (
	ruleFileRE = regexp.MustCompile("(?s)cat > (rule\\d)\\.yaml <<'EOF'\n(.*?)\nEOF\naz sentinel alert-rule create [^\n]*\n\\s*--name (\\S+) --(scheduled|nrt)")
	kustoRE    = regexp.MustCompile("(?s)```kusto\n(.*?)```")
)

// readLab extracts the rules and KQL blocks of challenge.md.
func readLab(path string) (*labText, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	text := string(b)
	lt := &labText{}
	for _, m := range ruleFileRE.FindAllStringSubmatch(text, -1) {
		var r ruleSpec
		if err := yaml.Unmarshal([]byte(m[2]), &r); err != nil {
			return nil, fmt.Errorf("%s: %s.yaml: %w", path, m[1], err)
		}
		r.Name, r.Kind = m[3], map[string]string{"scheduled": "Scheduled", "nrt": "NRT"}[m[4]]
		lt.Rules = append(lt.Rules, r)
	}
	for _, m := range kustoRE.FindAllStringSubmatch(text, -1) {
		q := m[1]
		if strings.Contains(q, "Timestamp") {
			lt.Hunting = append(lt.Hunting, q)
		} else {
			lt.Workspace = append(lt.Workspace, q)
		}
	}
	if len(lt.Rules) != 3 || len(lt.Workspace) == 0 || len(lt.Hunting) == 0 {
		return nil, fmt.Errorf("%s: found %d rules, %d workspace and %d hunting KQL blocks; want 3 rules and some of each", path, len(lt.Rules), len(lt.Workspace), len(lt.Hunting))
	}
	return lt, nil
}

// labQueries are the workspace queries a learner runs: each rule's query as written, rule 3
// over the whole history (the lab's false-positive check) and the workspace KQL blocks.
func (lt *labText) labQueries() []string {
	var out []string
	for _, r := range lt.Rules {
		out = append(out, r.Query)
	}
	out = append(out, strings.ReplaceAll(lt.Rules[2].Query, "ago(1h)", "ago(30d)"))
	return append(out, lt.Workspace...)
}
