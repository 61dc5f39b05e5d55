package grader

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/soclab/soclab/scenarios"
)

// ChecksFile is the file of a scenario folder that declares its checks.
const ChecksFile = "checks.yaml"

// Checks is a scenario's checks.yaml.
type Checks struct {
	// Workspace is the lab workspace the ruleQuery, ruleFired and kql checks look at.
	Workspace WorkspaceRef `yaml:"workspace" json:"workspace"`
	// Tasks titles the lab's tasks by number.
	Tasks map[int]string `yaml:"tasks" json:"tasks"`
	// Checks in report order.
	Checks []Check `yaml:"checks" json:"checks"`
}

// WorkspaceRef names a Log Analytics workspace by resource group and name.
type WorkspaceRef struct {
	ResourceGroup string `yaml:"resourceGroup" json:"resourceGroup"`
	Name          string `yaml:"name" json:"name"`
}

// Check is one graded item. Exactly one of State, RuleQuery, RuleFired, KQL, Activity and Answer
// is set.
type Check struct {
	ID     string `yaml:"id"`
	Task   int    `yaml:"task"`
	Title  string `yaml:"title"`
	Points int    `yaml:"points"`
	// Hint tells a learner whose check fails what to do.
	Hint string `yaml:"hint"`

	State     []StateAssert   `yaml:"state"`
	RuleQuery *RuleQueryCheck `yaml:"ruleQuery"`
	RuleFired *RuleRef        `yaml:"ruleFired"`
	KQL       *KQLCheck       `yaml:"kql"`
	Activity  *ActivityCheck  `yaml:"activity"`
	Answer    *AnswerCheck    `yaml:"answer"`
}

// StateAssert is one gjson path over the snapshot with one expectation; all of a check's
// asserts must hold, and the first that does not is reported. What is that report, in the
// learner's words ("severity is not High"); the value found is added to it.
type StateAssert struct {
	What string `yaml:"what"`
	Path string `yaml:"path"`
	// Exists: the path matches something (true) or nothing (false).
	Exists *bool `yaml:"exists"`
	// Equals: the value equals this one (strings case-insensitively, as ARM enums).
	Equals any `yaml:"equals"`
	// Includes: the value is an array holding each of these (strings case-insensitively).
	Includes []any `yaml:"includes"`
}

// RuleRef names an analytics rule of the lab workspace by its name (the rule id az takes).
type RuleRef struct {
	Rule string `yaml:"rule"`
	// Steps are the attack steps the rule is meant to catch (none: any step): a ruleFired check
	// counts only alerts about them.
	Steps []string `yaml:"steps"`
	// Replayed counts only alerts about replays of the steps (`soclab attack replay`): a repair
	// proved on new activity (break and fix).
	Replayed bool `yaml:"replayed"`
}

// RuleQueryCheck judges a rule's query over the scenario's telemetry.
type RuleQueryCheck struct {
	Rule string `yaml:"rule"`
	// Mentions: around the attack, some result cell must contain one of these (case-insensitive).
	Mentions []string `yaml:"mentions"`
}

// KQLCheck runs a query over the lab workspace at the tenant's clock.
type KQLCheck struct {
	Query string `yaml:"query"`
	// MinRows (default 1) and MaxRows (default: no bound) bound the result's row count;
	// minRows: 0, maxRows: 0 asks for an empty result.
	MinRows *int `yaml:"minRows"`
	MaxRows *int `yaml:"maxRows"`
	// Mentions: some result cell must contain one of these (case-insensitive).
	Mentions []string `yaml:"mentions"`
}

// ActivityCheck looks for an operation in the tenant's action log.
type ActivityCheck struct {
	// Operation is the upper-case operation name, e.g. MICROSOFT.SECURITYINSIGHTS/ALERTRULES/WRITE.
	Operation string `yaml:"operation"`
	// Status (default Succeeded) and Resource (a substring of the resource id, case-insensitive).
	Status   string `yaml:"status"`
	Resource string `yaml:"resource"`
}

// LoadBuiltinChecks reads the checks of a built-in scenario.
func LoadBuiltinChecks(scenario string) (*Checks, error) {
	fsys, ok := scenarios.FS(scenario)
	if !ok {
		return nil, fmt.Errorf("grader: scenario %q not found", scenario)
	}
	return LoadChecks(fsys)
}

// LoadChecks reads and validates checks.yaml from a scenario folder (unknown fields are errors).
func LoadChecks(fsys fs.FS) (*Checks, error) {
	raw, err := fs.ReadFile(fsys, ChecksFile)
	if err != nil {
		return nil, fmt.Errorf("grader: %w", err)
	}
	return ParseChecks(raw)
}

// ParseChecks decodes and validates the text of a checks.yaml.
func ParseChecks(raw []byte) (*Checks, error) {
	var c Checks
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("grader: %s: %w", ChecksFile, err)
	}
	for i := range c.Checks {
		c.Checks[i].Hint = strings.TrimSpace(c.Checks[i].Hint) // folded YAML ends with a newline
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("grader: %s: %w", ChecksFile, err)
	}
	return &c, nil
}

func (c *Checks) validate() error {
	var errs []error
	bad := func(i int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("checks[%d]: "+format, append([]any{i}, args...)...))
	}
	if c.Workspace.Name == "" || c.Workspace.ResourceGroup == "" {
		errs = append(errs, errors.New("workspace: resourceGroup and name are required"))
	}
	seen := map[string]bool{}
	for i, ch := range c.Checks {
		if ch.ID == "" || ch.Title == "" || ch.Hint == "" {
			bad(i, "id, title and hint are required")
		}
		if seen[ch.ID] {
			bad(i, "duplicate id %q", ch.ID)
		}
		seen[ch.ID] = true
		if _, ok := c.Tasks[ch.Task]; !ok {
			bad(i, "task %d has no title in tasks", ch.Task)
		}
		if ch.Points < 1 {
			bad(i, "points must be at least 1")
		}
		kinds := 0
		for _, set := range []bool{len(ch.State) > 0, ch.RuleQuery != nil, ch.RuleFired != nil, ch.KQL != nil, ch.Activity != nil, ch.Answer != nil} {
			if set {
				kinds++
			}
		}
		if kinds != 1 {
			bad(i, "%s: exactly one of state, ruleQuery, ruleFired, kql, activity, answer is needed (found %d)", ch.ID, kinds)
		}
		for j, a := range ch.State {
			n := 0
			for _, set := range []bool{a.Exists != nil, a.Equals != nil, a.Includes != nil} {
				if set {
					n++
				}
			}
			if a.What == "" || a.Path == "" || n != 1 {
				bad(i, "%s: state[%d] needs what, path and exactly one of exists, equals, includes", ch.ID, j)
			}
		}
		switch {
		case ch.RuleQuery != nil && (ch.RuleQuery.Rule == "" || len(ch.RuleQuery.Mentions) == 0):
			bad(i, "%s: ruleQuery needs rule and mentions", ch.ID)
		case ch.RuleFired != nil && ch.RuleFired.Rule == "":
			bad(i, "%s: ruleFired needs rule", ch.ID)
		case ch.RuleFired != nil && ch.RuleFired.Replayed && len(ch.RuleFired.Steps) == 0:
			bad(i, "%s: ruleFired with replayed needs steps", ch.ID)
		case ch.KQL != nil && ch.KQL.Query == "":
			bad(i, "%s: kql needs query", ch.ID)
		case ch.KQL != nil && ch.KQL.MaxRows != nil && (*ch.KQL.MaxRows < 0 || ch.KQL.MinRows != nil && *ch.KQL.MinRows > *ch.KQL.MaxRows):
			bad(i, "%s: kql needs 0 <= minRows <= maxRows", ch.ID)
		case ch.Activity != nil && ch.Activity.Operation == "":
			bad(i, "%s: activity needs operation", ch.ID)
		case ch.Answer != nil && (ch.Answer.Question < 1 || ch.Answer.Text == "" || len(ch.Answer.Accept) == 0 || ch.Answer.Source == ""):
			bad(i, "%s: answer needs question (from 1), text, accept and source", ch.ID)
		}
	}
	return errors.Join(errs...)
}
