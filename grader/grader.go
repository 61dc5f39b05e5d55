package grader

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
)

// ErrUnknownTask is returned when a selected task has no checks.
var ErrUnknownTask = errors.New("unknown task")

// Grader runs one scenario's checks over the tenants of a routing engine's World.
type Grader struct {
	engine *logs.Engine
	checks *Checks
	// verdicts remembers rule-query verdicts per tenant: judging a query runs it up to 1500
	// times over the tenant's generated telemetry, which never changes, so a learner who grades
	// again without changing the rule (a class grading every few minutes) pays nothing.
	verdicts *verdictCache
	// judge is the data rule queries are judged over, built on first use and shared by every
	// tenant (canonical ids; a tenant's query is rewritten to them).
	judgeOnce sync.Once
	judge     *judgeData
	judgeErr  error
}

// judgeData is the canonical scenario data (all rows, the background alone) and the attack's
// variants.
type judgeData struct {
	all, background *timeIndex
	variants        []*variantData
}

// judgeData builds (once) what rule queries are judged over.
func (g *Grader) judgeData() (*judgeData, error) {
	g.judgeOnce.Do(func() {
		d, err := g.engine.CanonicalScenarioData()
		if err != nil {
			g.judgeErr = err
			return
		}
		jd := &judgeData{all: indexTimes(d.All), background: indexTimes(d.Background)}
		if jd.variants, err = buildVariants(g.engine, d.Background); err != nil {
			g.judgeErr = err
			return
		}
		g.judge = jd
	})
	return g.judge, g.judgeErr
}

// New returns the grader of the engine's scenario (its checks.yaml).
func New(engine *logs.Engine) (*Grader, error) {
	c, err := LoadBuiltinChecks(engine.Scenario().Name)
	if err != nil {
		return nil, err
	}
	for _, ch := range c.Checks {
		if ch.RuleFired == nil {
			continue
		}
		for _, id := range ch.RuleFired.Steps {
			if _, ok := engine.Scenario().Step(id); !ok {
				return nil, fmt.Errorf("grader: %s: check %s: the scenario has no attack step %q", ChecksFile, ch.ID, id)
			}
		}
	}
	return NewWithChecks(engine, c), nil
}

// NewWithChecks returns a grader with the given checks.
func NewWithChecks(engine *logs.Engine, c *Checks) *Grader {
	return &Grader{engine: engine, checks: c, verdicts: newVerdictCache(maxCachedVerdicts)}
}

// Checks returns the grader's checks.
func (g *Grader) Checks() *Checks { return g.checks }

// ResolveTenant finds a tenant by id, domain or name ("" is the default tenant).
func ResolveTenant(w *simulator.World, name string) (simulator.Tenant, error) {
	if name == "" {
		return w.TenantByName(simulator.DefaultTenantName)
	}
	return w.LookupTenant(name)
}

// Grade runs the checks of the selected tasks (none: all) over a tenant. It reads only.
func (g *Grader) Grade(ctx context.Context, tenantID string, tasks []int) (*Report, error) {
	selected, err := g.selectChecks(tasks)
	if err != nil {
		return nil, err
	}
	snap, err := TakeSnapshot(g.engine, tenantID)
	if err != nil {
		return nil, err
	}
	doc, err := snap.JSON()
	if err != nil {
		return nil, fmt.Errorf("grader: encode snapshot: %w", err)
	}
	ev := &evaluation{g: g, ctx: ctx, tenantID: tenantID, snap: snap, doc: string(doc)}
	rep := &Report{Scenario: g.engine.Scenario().Name, Tenant: snap.Tenant.Name, Clock: snap.Clock, Tasks: taskTitles(g.checks, selected),
		NotGraded: notGraded(g.checks, selected)}
	for _, c := range selected {
		res := Result{ID: c.ID, Task: c.Task, Title: c.Title, MaxPoints: c.Points}
		res.Passed, res.Detail, err = ev.check(c)
		if err != nil {
			return nil, fmt.Errorf("grader: check %s: %w", c.ID, err)
		}
		if res.Passed {
			res.Points = c.Points
		} else {
			res.Hint = c.Hint
		}
		rep.add(res)
	}
	return rep, nil
}

func (g *Grader) selectChecks(tasks []int) ([]Check, error) {
	want := map[int]bool{}
	for _, t := range tasks {
		want[t] = true
	}
	var out []Check
	have := map[int]bool{}
	for _, c := range g.checks.Checks {
		have[c.Task] = true
		if len(want) == 0 || want[c.Task] {
			out = append(out, c)
		}
	}
	for _, t := range tasks {
		if !have[t] {
			var known []string
			for k := range have {
				known = append(known, fmt.Sprint(k))
			}
			sort.Strings(known)
			return nil, fmt.Errorf("%w %d: the scenario grades tasks %s", ErrUnknownTask, t, strings.Join(known, ", "))
		}
	}
	return out, nil
}

// notGraded are the tasks with checks that the selection leaves out, in order.
func notGraded(c *Checks, selected []Check) []int {
	in := map[int]bool{}
	for _, ch := range selected {
		in[ch.Task] = true
	}
	var out []int
	for _, ch := range c.Checks {
		if !in[ch.Task] {
			in[ch.Task] = true
			out = append(out, ch.Task)
		}
	}
	sort.Ints(out)
	return out
}

func taskTitles(c *Checks, checks []Check) []Task {
	seen := map[int]bool{}
	var out []Task
	for _, ch := range checks {
		if !seen[ch.Task] {
			seen[ch.Task] = true
			out = append(out, Task{Number: ch.Task, Title: c.Tasks[ch.Task]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out
}

// evaluation is one Grade call's shared inputs.
type evaluation struct {
	g        *Grader
	ctx      context.Context
	tenantID string
	snap     *Snapshot
	doc      string
}

func (ev *evaluation) check(c Check) (bool, string, error) {
	switch {
	case len(c.State) > 0:
		ok, detail := ev.state(c.State)
		return ok, detail, nil
	case c.RuleQuery != nil:
		return ev.ruleQuery(c.RuleQuery)
	case c.RuleFired != nil:
		return ev.ruleFired(c.RuleFired)
	case c.KQL != nil:
		return ev.kql(c.KQL)
	case c.Activity != nil:
		return ev.activity(c.Activity)
	case c.Answer != nil:
		ok, detail := ev.answer(c.Answer)
		return ok, detail, nil
	}
	return false, "", fmt.Errorf("no assertion")
}

// workspace is the lab workspace in the snapshot, or nil.
func (ev *evaluation) workspace() *WorkspaceState {
	ref := ev.g.checks.Workspace
	for i, w := range ev.snap.Workspaces {
		if strings.EqualFold(w.Name, ref.Name) && strings.EqualFold(w.ResourceGroup, ref.ResourceGroup) {
			return &ev.snap.Workspaces[i]
		}
	}
	return nil
}

// rule finds a rule of the lab workspace by name; detail says why not.
func (ev *evaluation) rule(name string) (*sentinel.AlertRule, string) {
	ws := ev.workspace()
	if ws == nil {
		ref := ev.g.checks.Workspace
		return nil, fmt.Sprintf("there is no workspace %s in %s", ref.Name, ref.ResourceGroup)
	}
	for i, r := range ws.Rules {
		if strings.EqualFold(r.Name, name) {
			return &ws.Rules[i], ""
		}
	}
	return nil, fmt.Sprintf("workspace %s has no analytics rule %s", ws.Name, name)
}

func (ev *evaluation) state(asserts []StateAssert) (bool, string) {
	// The asserts go from the most basic (the resource exists) to details: report the first
	// that fails, the others would only repeat it.
	for _, a := range asserts {
		if msg := evalAssert(ev.doc, a); msg != "" {
			return false, msg
		}
	}
	return true, ""
}

func (ev *evaluation) ruleQuery(c *RuleQueryCheck) (bool, string, error) {
	rule, why := ev.rule(c.Rule)
	if rule == nil {
		return false, why, nil
	}
	query, err := ev.g.engine.CanonicalText(ev.tenantID, rule.QueryText())
	if err != nil {
		return false, "", err
	}
	key := verdictKey{query: queryKey(query), runs: runsOf(*rule), mentions: strings.Join(c.Mentions, "\x00")}
	exact := key
	exact.query = query
	if v, ok := ev.g.verdicts.get(key); ok && !v.textual {
		return v.ok, v.detail, nil
	}
	if v, ok := ev.g.verdicts.get(exact); ok {
		return v.ok, v.detail, nil
	}
	jd, err := ev.g.judgeData()
	if err != nil {
		return false, "", err
	}
	v := judgeRuleQuery(ev.ctx, jd, ev.g.engine.WorkspaceCatalog(), ev.g.engine.Scenario(), *rule, query, c)
	if ev.ctx.Err() == nil { // a verdict cut short by the caller's deadline is not the query's
		if v.textual {
			key = exact // its detail quotes positions in this very text
		}
		ev.g.verdicts.put(key, v)
	}
	return v.ok, v.detail, nil
}

func (ev *evaluation) activity(c *ActivityCheck) (bool, string, error) {
	status := c.Status
	if status == "" {
		status = "Succeeded"
	}
	var acts []simulator.Activity
	err := ev.g.engine.World().View(ev.tenantID, func(tx *simulator.TenantTx) error {
		var err error
		acts, err = tx.Activities()
		return err
	})
	if err != nil {
		return false, "", err
	}
	for _, a := range acts {
		if strings.EqualFold(a.OperationName, c.Operation) && strings.EqualFold(a.Status, status) &&
			strings.Contains(strings.ToLower(a.ResourceID), strings.ToLower(c.Resource)) {
			return true, fmt.Sprintf("%s at %s", a.OperationName, stamp(a.Time)), nil
		}
	}
	return false, fmt.Sprintf("the action log has no %s %s", status, c.Operation), nil
}
