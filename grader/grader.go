package grader

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql/sched"
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

	opts Options
	// permits bound the grades judging at once (Options.Judges); background judgings (a rule
	// just saved) take turns on one permit of their own, so a grade never waits for one.
	permits, backgroundPermits chan struct{}
	// canon remembers tenants' query texts in the canonical ids (the rewrite looks for every
	// id of the tenant in the text).
	canon *canonCache
	// judged counts the rule-query judgings run (verdicts computed, not remembered).
	judged atomic.Int64
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
func New(engine *logs.Engine) (*Grader, error) { return NewWith(engine, Options{}) }

// NewWith is New with the processor share of opts.
func NewWith(engine *logs.Engine, opts Options) (*Grader, error) {
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
	return NewWithOptions(engine, c, opts), nil
}

// NewWithChecks returns a grader with the given checks.
func NewWithChecks(engine *logs.Engine, c *Checks) *Grader {
	return NewWithOptions(engine, c, Options{})
}

// NewWithOptions returns a grader with the given checks that shares the processor as opts
// say.
func NewWithOptions(engine *logs.Engine, c *Checks, opts Options) *Grader {
	return &Grader{engine: engine, checks: c, verdicts: newVerdictCache(maxCachedVerdicts), opts: opts,
		permits: make(chan struct{}, judges(opts.Judges)), backgroundPermits: make(chan struct{}, 1),
		canon: newCanonCache(maxCachedVerdicts)}
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

// Grade runs the checks of the selected tasks (none: all) over a tenant. It reads only. With
// Options.CPU it computes on a slot of it (see Options); ctx's error when the caller left
// while it waited for one.
func (g *Grader) Grade(ctx context.Context, tenantID string, tasks []int) (*Report, error) {
	selected, err := g.selectChecks(tasks)
	if err != nil {
		return nil, err
	}
	sl, err := newSlot(ctx, g.opts.CPU, sched.Interactive, g.permits)
	if err != nil {
		return nil, err
	}
	defer sl.done()
	snap, err := TakeSnapshot(g.engine, tenantID)
	if err != nil {
		return nil, err
	}
	doc, err := snap.JSON()
	if err != nil {
		return nil, fmt.Errorf("grader: encode snapshot: %w", err)
	}
	ev := &evaluation{g: g, slot: sl, tenantID: tenantID, snap: snap, doc: string(doc)}
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
	slot     *slot // the processor share it computes on: slot.ctx is the context to run with
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
	v, err := ev.g.verdictOf(ev.slot, ev.tenantID, *rule, c)
	if err != nil {
		return false, "", err
	}
	return v.ok, v.detail, nil
}

// verdictOf is the verdict on the rule's query for check c: remembered, or judged on the
// slot's behalf (moved to a judging permit and a new slot), or awaited from the judging
// under way of the same query (holding nothing meanwhile).
func (g *Grader) verdictOf(sl *slot, tenantID string, rule sentinel.AlertRule, c *RuleQueryCheck) (queryVerdict, error) {
	query, err := g.canonicalText(tenantID, rule.QueryText())
	if err != nil {
		return queryVerdict{}, err
	}
	key := verdictKey{query: queryKey(query), runs: runsOf(rule), mentions: strings.Join(c.Mentions, "\x00")}
	exact := key
	exact.query = query
	background := sl.class == sched.Background
	for {
		v, found, wait, mine := g.verdicts.begin(key, exact, background)
		if found {
			return v, nil
		}
		if wait != nil {
			sl.pause()
			began := time.Now()
			select {
			case <-wait.done:
				phasesOf(sl.base).add(phaseFlight, began)
			case <-sl.base.Done():
				return queryVerdict{}, sl.base.Err()
			}
			if err := sl.resume(); err != nil {
				return queryVerdict{}, err
			}
			continue // its verdict, or (cut short, or textual of another text) judge it here
		}
		v, err := g.judgeOn(sl, rule, query, c, key, exact)
		if e := sl.endJudging(); e != nil && err == nil {
			err = e
		}
		switch {
		case err != nil:
		case sl.ctx.Err() != nil: // a verdict cut short by the caller's deadline is not the query's
		case v.timedOut && background:
			g.verdicts.giveUp(key) // a grade judges it in the foreground
		case v.textual:
			g.verdicts.put(exact, v) // its detail quotes positions in this very text
		default:
			g.verdicts.put(key, v)
		}
		if mine {
			g.verdicts.end(key, background) // after the put: those waiting find the verdict
		}
		return v, err
	}
}

// judgeOn judges the query on the slot, moved to a judging permit and a new slot first (the
// verdict found meanwhile, judged by a background judging, is taken as it is).
func (g *Grader) judgeOn(sl *slot, rule sentinel.AlertRule, query string, c *RuleQueryCheck, key, exact verdictKey) (queryVerdict, error) {
	began := time.Now()
	jd, err := g.judgeData()
	phasesOf(sl.base).add(phaseData, began)
	if err != nil {
		return queryVerdict{}, err
	}
	if err := sl.escalate(); err != nil {
		return queryVerdict{}, err
	}
	if v, ok := g.verdicts.lookup(key, exact); ok {
		return v, nil
	}
	g.judged.Add(1)
	defer phasesOf(sl.base).add(phaseJudging, time.Now())
	return judgeRuleQuery(sl.ctx, sl.firm(), jd, g.engine.WorkspaceCatalog(), g.engine.Scenario(), rule, query, c), nil
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
