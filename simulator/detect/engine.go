package detect

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/sched"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/pipeline"
	"github.com/soclab/soclab/simulator/sentinel"
)

// Sentinel's scheduling constants (see the package documentation).
const (
	// ScheduledDelay is the built-in delay of Scheduled rules.
	ScheduledDelay = 5 * time.Minute
	// NRTDelay is the built-in delay of NRT rules.
	NRTDelay = 2 * time.Minute
	// NRTLookback bounds the TimeGenerated an NRT query sees.
	NRTLookback = time.Hour
	// MaxCatchUp is how far back missed runs are still run when the clock jumps.
	MaxCatchUp = 7 * 24 * time.Hour
	// MaxAlertsScheduled and MaxAlertsNRT bound the alerts of one run (AlertPerResult).
	MaxAlertsScheduled = 150
	MaxAlertsNRT       = 30
	// MaxAlertsPerIncident is the most alerts grouping puts into one incident.
	MaxAlertsPerIncident = 150
)

// Options tune the engine.
type Options struct {
	// QueryTimeout bounds one rule query (0: 10 seconds: the lab's rule windows are small, and
	// a query that times out holds a worker of the shared server that long).
	QueryTimeout time.Duration
	// QueryMaxMemory bounds the intermediate results of one rule query (0: 512 MB); a run
	// over it fails as a resource drain.
	QueryMaxMemory int64
	// QueryMaxRows bounds the intermediate rows of one rule query (0: kql.DefaultMaxRows).
	QueryMaxRows int
	// Budget is the wall time Advance (the pipeline stage) runs rules before it yields (0:
	// 250 ms, the pipeline's slice budget); AdvanceTo has none.
	Budget time.Duration
	// CPU, when set, is the server's processor share: rule queries run on it as background
	// work, after the learners' queries. nil: they run at once.
	CPU *sched.CPU
	// Urgent, when set, reports that someone waits on the tenant's catch-up (a grade): its
	// rule queries then run as interactive work (a learner waits for them: they take turns
	// with the queries, each run a short piece of work), before the background catch-up.
	Urgent func(tenantID string) bool
	// Held, when set, returns the context of a CPU slot already held for the tenant's catch-up
	// (the server's pipeline holds one for a tenant someone waits on, across its slices): the
	// runs compute on it, with the normal Budget, instead of taking a slot of their own.
	Held func(tenantID string) (context.Context, bool)
}

// Engine runs the analytics rules of a world's tenants. Safe for concurrent use; runs of one
// tenant are serialized.
type Engine struct {
	world  *simulator.World
	logs   *logs.Engine
	opts   Options
	health *healthLog

	mu      sync.Mutex
	tenants map[string]*sync.Mutex
	queries map[ruleVersion]compiled
	// urgent holds, per tenant in an Advance someone waits on, the context of the one CPU
	// slot its runs compute on (urgentSlot).
	urgent sync.Map
}

type compiled struct {
	q   *kql.Query
	err error
}

// New returns the rule engine of the world le routes logs for, and registers its
// SentinelHealth records as a row source of le. Build one per logs.Engine.
func New(le *logs.Engine, opts Options) (*Engine, error) {
	if opts.QueryTimeout <= 0 {
		opts.QueryTimeout = 10 * time.Second
	}
	if opts.QueryMaxMemory <= 0 {
		opts.QueryMaxMemory = 512 << 20
	}
	if opts.Budget <= 0 {
		opts.Budget = 250 * time.Millisecond
	}
	e := &Engine{world: le.World(), logs: le, opts: opts, tenants: map[string]*sync.Mutex{}, queries: map[ruleVersion]compiled{},
		health: &healthLog{world: le.World(), tenants: map[string]*tenantHealth{}}}
	if err := le.AddSource("SentinelHealth", e.health); err != nil {
		return nil, fmt.Errorf("detect: %w", err)
	}
	return e, nil
}

// Summary counts what one Advance did.
type Summary struct {
	Runs, Failures, Alerts, Incidents int
}

// Add sums two summaries.
func (s Summary) Add(o Summary) Summary {
	return Summary{s.Runs + o.Runs, s.Failures + o.Failures, s.Alerts + o.Alerts, s.Incidents + o.Incidents}
}

func (e *Engine) tenantLock(id string) *sync.Mutex {
	e.mu.Lock()
	defer e.mu.Unlock()
	m, ok := e.tenants[id]
	if !ok {
		m = &sync.Mutex{}
		e.tenants[id] = m
	}
	return m
}

// ruleVersion names one version of a rule: its id and etag.
type ruleVersion struct{ id, etag string }

// windowKey names the rows one run queries (runs of one instant share them).
type windowKey struct {
	workspace          string
	byIngestion        bool
	ingest, from, till int64
}

// query returns the rule's compiled query, compiling it once per rule version.
func (e *Engine) query(r *sentinel.AlertRule) (*kql.Query, error) {
	key := ruleVersion{r.ID, r.Etag} // ids as stored: a differently cased id only compiles once more
	e.mu.Lock()
	c, ok := e.queries[key]
	e.mu.Unlock()
	if ok {
		return c.q, c.err
	}
	q, err := kql.Compile(r.QueryText(), e.logs.WorkspaceCatalog(), kql.CompileOptions{})
	e.mu.Lock()
	e.queries[key] = compiled{q, err}
	e.mu.Unlock()
	return q, err
}

// ruleRun is one due run of one rule. A notice is not a run: it records that the rule, auto-
// disabled, was not executed at its first due time after the disabling.
type ruleRun struct {
	at     time.Time
	ws     *workspace
	rule   *sentinel.AlertRule
	st     *ruleState
	notice bool
}

// workspace is an onboarded workspace with its rules.
type workspace struct {
	id    string
	logs  *logs.Workspace
	rules []sentinel.AlertRule
	// cut cuts a run's window out of the workspace's tables (read once per Advance).
	cut func(logs.Cut) kql.Database
}

// AdvanceToNow runs what is due up to the tenant's clock.
func (e *Engine) AdvanceToNow(tenantID string) (Summary, error) {
	now, err := e.world.Now(tenantID)
	if err != nil {
		return Summary{}, err
	}
	return e.AdvanceTo(tenantID, now)
}

// Advance is the engine as a pipeline stage (CONTRACTS §1): AdvanceTo without the summary,
// except that after Options.Budget of wall time it saves what it did and returns
// pipeline.ErrYield, so that one tenant's long (or hostile) catch-up gives the worker back
// between its rule runs; the pipeline calls it again.
func (e *Engine) Advance(tenantID string, to time.Time) error {
	_, yielded, err := e.advance(tenantID, to, e.opts.Budget)
	if err == nil && yielded {
		return pipeline.ErrYield
	}
	return err
}

// AdvanceTo runs, in time order, every run of the tenant's enabled rules that is due after
// the rule's last run and not after to, and writes their health rows, alerts and incidents.
// A run that fails (or panics) is a Failure health row, never an error of AdvanceTo; errors
// are the store's.
func (e *Engine) AdvanceTo(tenantID string, to time.Time) (Summary, error) {
	sum, _, err := e.advance(tenantID, to, 0)
	return sum, err
}

// advance is AdvanceTo that stops after the runs begun within budget (0: none) and says so.
// Runs are independent per rule, so stopping between two runs of one instant is safe: each
// rule's state records how far it got.
func (e *Engine) advance(tenantID string, to time.Time, budget time.Duration) (sum Summary, yielded bool, err error) {
	began := time.Now()
	lock := e.tenantLock(tenantID)
	lock.Lock()
	defer lock.Unlock()

	wss, states, err := e.load(tenantID)
	if err != nil {
		return Summary{}, false, err
	}
	runs := schedule(wss, states, to)
	if len(runs) == 0 {
		return Summary{}, false, nil
	}
	if release, ok := e.heldSlot(tenantID); ok {
		defer release()
		began = time.Now() // the budget counts from the slot on
	} else if release, ok := e.urgentSlot(tenantID); ok {
		defer release()
		began = time.Now() // the budget counts from the slot on
		if budget > urgentBudget {
			budget = urgentBudget // queries queued meanwhile go next; the waiter's next slice after them
		}
	}
	for _, w := range wss {
		if w.logs, err = e.logs.Workspace(tenantID, w.id); err != nil {
			return Summary{}, false, fmt.Errorf("detect: workspace %s: %w", w.id, err)
		}
		if w.cut, err = w.logs.Windows(to); err != nil {
			return Summary{}, false, fmt.Errorf("detect: workspace %s: %w", w.id, err)
		}
	}
	out := &output{}
	dbs := map[windowKey]kql.Database{}
	var dbAt time.Time
	for i, r := range runs {
		if budget > 0 && i > 0 && time.Since(began) > budget {
			yielded = true
			break
		}
		if r.st.disabledNow && r.st.Noticed {
			continue // auto-disabled by an earlier run of this batch, noticed
		}
		if r.notice || r.st.disabledNow {
			out.addHealth(disabledNotice(r))
			r.st.LastRun, r.st.Noticed = r.at, true
			continue
		}
		if r.st.DisabledEtag != "" && !r.st.autoDisabled(r.rule) {
			r.st.DisabledEtag, r.st.Noticed = "", false // runs again after an auto-disable
		}
		if !r.at.Equal(dbAt) {
			clear(dbs)
			dbAt = r.at
		}
		s, err := e.run(tenantID, r, dbs, out)
		if err != nil {
			return sum, false, err
		}
		sum = sum.Add(s)
	}
	if err := out.flush(e.health, e.logs, tenantID); err != nil {
		return sum, false, err
	}
	if err := saveStates(e.world, tenantID, states); err != nil {
		return sum, false, err
	}
	return sum, yielded, nil
}

// load reads the onboarded workspaces, their rules and the rules' states (not the logs).
func (e *Engine) load(tenantID string) ([]*workspace, map[string]*ruleState, error) {
	var wss []*workspace
	states := map[string]*ruleState{}
	err := e.world.View(tenantID, func(tx *simulator.TenantTx) error {
		wss, states = nil, map[string]*ruleState{}
		ids, err := sentinel.OnboardedWorkspaces(tx)
		if err != nil {
			return err
		}
		for _, id := range ids {
			rules, err := sentinel.Rules(tx, id)
			if err != nil {
				return err
			}
			wss = append(wss, &workspace{id: id, rules: rules})
			for _, r := range rules {
				st, err := loadState(tx, r.ID)
				if err != nil {
					return err
				}
				states[strings.ToLower(r.ID)] = st
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("detect: read rules: %w", err)
	}
	return wss, states, nil
}

// Progress is the instant up to which every due run of the tenant's rules is done (to when
// nothing is due): just before the earliest due run. The pipeline starts its slices there.
func (e *Engine) Progress(tenantID string, to time.Time) (time.Time, error) {
	wss, states, err := e.load(tenantID)
	if err != nil {
		return time.Time{}, err
	}
	p := to
	for _, w := range wss {
		for i := range w.rules {
			next, ok := nextRun(&w.rules[i], states[strings.ToLower(w.rules[i].ID)], to)
			if ok && !next.After(to) && next.Add(-time.Nanosecond).Before(p) {
				p = next.Add(-time.Nanosecond)
			}
		}
	}
	return p, nil
}

// schedule lists the due runs in time order (then by rule id, so runs are deterministic).
func schedule(wss []*workspace, states map[string]*ruleState, to time.Time) []ruleRun {
	var runs []ruleRun
	for _, w := range wss {
		for i := range w.rules {
			r := &w.rules[i]
			st := states[strings.ToLower(r.ID)]
			next, ok := nextRun(r, st, to)
			if !ok {
				continue
			}
			if !r.IsEnabled() {
				if !next.After(to) {
					runs = append(runs, ruleRun{at: next, ws: w, rule: r, st: st, notice: true})
				}
				continue
			}
			for freq := r.Frequency(); !next.After(to); next = next.Add(freq) {
				runs = append(runs, ruleRun{at: next, ws: w, rule: r, st: st})
			}
		}
	}
	sort.SliceStable(runs, func(i, j int) bool {
		if d := runs[i].at.Sub(runs[j].at); d != 0 {
			return d < 0
		}
		return runs[i].rule.ID < runs[j].rule.ID
	})
	return runs
}

// nextRun is the rule's first due run after its last one (not before to-MaxCatchUp); false
// when the rule does not run: disabled (unless auto-disabled and not yet noticed) or without
// a schedule.
func nextRun(r *sentinel.AlertRule, st *ruleState, to time.Time) (time.Time, bool) {
	freq := r.Frequency()
	if freq <= 0 || (!r.IsEnabled() && (!st.autoDisabled(r) || st.Noticed)) {
		return time.Time{}, false
	}
	last := st.LastRun
	if st.DisabledEtag != "" && r.IsEnabled() && !st.autoDisabled(r) {
		// Enabled again after an auto-disable: the schedule restarts from the learner's
		// change, without the runs missed while the rule was off.
		if m := modifiedAt(*r); m.After(last) {
			last = m
		}
	}
	next := last.Add(freq)
	if last.IsZero() {
		next = firstRun(r)
	}
	if earliest := to.Add(-MaxCatchUp); next.Before(earliest) {
		skip := earliest.Sub(next) / freq
		next = next.Add(skip * freq)
	}
	return next, true
}

// firstRun is a rule's first run: a Scheduled rule runs "for the first time immediately upon
// being created, and after that at the interval set in Run query every" (Sentinel's default
// Start running: Automatically), so its first run looks back one query period from its
// creation; an NRT rule runs each minute from its creation on.
func firstRun(r *sentinel.AlertRule) time.Time {
	if r.Kind == sentinel.KindScheduled {
		return createdAt(*r)
	}
	return createdAt(*r).Add(r.Frequency())
}

// modifiedAt is when the rule was last changed.
func modifiedAt(r sentinel.AlertRule) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, r.Properties.LastModifiedUtc)
	return t.UTC()
}

// createdAt is when a rule was created (systemData), else last modified.
func createdAt(r sentinel.AlertRule) time.Time {
	if r.SystemData != nil {
		if t, err := time.Parse(time.RFC3339Nano, r.SystemData.CreatedAt); err == nil {
			return t.UTC()
		}
	}
	t, _ := time.Parse(time.RFC3339Nano, r.Properties.LastModifiedUtc)
	return t.UTC()
}
