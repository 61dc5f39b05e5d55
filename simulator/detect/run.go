package detect

import (
	"context"
	"errors"
	"hash/fnv"
	"time"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/sched"
	"github.com/soclab/soclab/simulator/kql/types"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
)

// window is what one run queries: rows ingested by ingest whose TimeGenerated lies in
// [from, to], with now() = to; or, byIngestion, the rows ingested in (from, to].
type window struct {
	ingest, from, to time.Time
	byIngestion      bool
}

// windowOf is a run's window (see the package documentation). An NRT rule over one table
// sees the rows ingested in the minute before its delay; over several tables (the lab's rule
// 2 joins sign-ins with Key Vault reads) a look-back, and alerts on the new results only.
func windowOf(r ruleRun, q *kql.Query) window {
	if r.rule.Kind == sentinel.KindNRT {
		to := r.at.Add(-NRTDelay)
		if q != nil && len(q.Tables()) == 1 {
			return window{ingest: to, from: to.Add(-time.Minute), to: to, byIngestion: true}
		}
		return window{ingest: to, from: to.Add(-NRTLookback), to: to}
	}
	to := r.at.Add(-ScheduledDelay)
	return window{ingest: r.at, from: to.Add(-r.rule.Period()), to: to}
}

// run evaluates one rule run: query, trigger, suppression, alerts, incidents, health. A
// failed query, or a panic anywhere before the alerts are written, is a Failure run.
func (e *Engine) run(tenantID string, r ruleRun, dbs map[windowKey]kql.Database, out *output) (Summary, error) {
	r.st.LastRun = r.at
	h := newHealth(r, windowOf(r, nil))
	res, win, err := e.guardedQuery(tenantID, r, dbs)
	if err == nil {
		var sum Summary
		if sum, err = e.fire(tenantID, r, res, win, out); err == nil || !isPanic(err) {
			if err == nil {
				recordSuccess(r.st)
			}
			return sum, err
		}
	}
	h.rec.From, h.rec.To = win.from, win.to
	h.fail(err)
	out.addHealth(h)
	return Summary{Runs: 1, Failures: 1}, e.recordFailure(tenantID, r, h.rec.Reason)
}

// guardedQuery compiles and runs the rule's query over its window, a panic being an error.
func (e *Engine) guardedQuery(tenantID string, r ruleRun, dbs map[windowKey]kql.Database) (res *kql.Result, win window, err error) {
	win = windowOf(r, nil)
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, runPanic{p}
		}
	}()
	q, qerr := e.query(r.rule)
	win = windowOf(r, q)
	res, err = e.evaluate(tenantID, r, q, qerr, win, dbs)
	return res, win, err
}

func isPanic(err error) bool {
	var p runPanic
	return errors.As(err, &p)
}

// fire turns a run's result into alerts and incidents and records the run's health.
func (e *Engine) fire(tenantID string, r ruleRun, res *kql.Result, win window, out *output) (sum Summary, err error) {
	defer func() {
		if p := recover(); p != nil {
			sum, err = Summary{}, runPanic{p}
		}
	}()
	h := newHealth(r, win)
	sum = Summary{Runs: 1}
	t := res.Table
	rows := make([]int, 0, t.N)
	if r.rule.Kind == sentinel.KindNRT && !win.byIngestion {
		rows = r.st.novel(t)
	} else {
		for i := 0; i < t.N; i++ {
			rows = append(rows, i)
		}
	}
	h.rec.Results = len(rows)
	fires := r.rule.Triggers(len(rows))
	if fires && r.at.Before(r.st.SuppressedUntil) {
		h.rec.SuppressedUntil = r.st.SuppressedUntil
		fires = false
	}
	if fires {
		drafts := buildAlerts(r, t, rows, win)
		n, err := e.commit(tenantID, r, drafts, out)
		if err != nil {
			return sum, err
		}
		h.rec.Alerts, h.rec.Entities = len(drafts), countEntities(drafts)
		sum.Alerts += len(drafts)
		sum.Incidents += n
		if d := r.rule.Suppression(); d > 0 {
			r.st.SuppressedUntil = r.at.Add(d)
		}
	}
	out.addHealth(h)
	return sum, nil
}

// evaluate runs the rule's query over its window (windows are shared by the runs of one instant).
func (e *Engine) evaluate(tenantID string, r ruleRun, q *kql.Query, qerr error, win window, dbs map[windowKey]kql.Database) (*kql.Result, error) {
	if qerr != nil {
		return nil, qerr
	}
	key := windowKey{r.ws.id, win.byIngestion, win.ingest.UnixNano(), win.from.UnixNano(), win.to.UnixNano()}
	db, ok := dbs[key]
	if !ok {
		c := logs.Cut{IngestedBy: win.ingest, From: win.from, To: win.to}
		if win.byIngestion {
			c = logs.Cut{IngestedAfter: win.from, IngestedBy: win.to}
		}
		db = r.ws.cut(c)
		dbs[key] = db
	}
	// Rule runs are background work: they compute on a CPU slot after the learners' queries
	// (Options.CPU); the time budget starts once the slot is held. A learner waits on an
	// urgent tenant's runs (its grade): they take turns with the queries.
	class := sched.Background
	if e.opts.Urgent != nil && e.opts.Urgent(tenantID) {
		class = sched.Interactive
	}
	base := context.Background()
	if c, ok := e.urgent.Load(tenantID); ok {
		base = c.(context.Context) // the slot of the whole Advance: Acquire keeps it
	}
	ctx, release, err := e.opts.CPU.Acquire(base, class)
	if err != nil {
		return nil, err
	}
	defer release()
	ctx, cancel := kql.WithTimeBudget(ctx, e.opts.QueryTimeout)
	defer cancel()
	return q.Run(sched.Rewrap(ctx), db, kql.RunOptions{Now: win.to, Seed: win.to.UnixNano(),
		MaxMemory: e.opts.QueryMaxMemory, MaxRows: e.opts.QueryMaxRows})
}

// novel returns the rows of t the previous NRT run did not return, and remembers t's rows.
func (st *ruleState) novel(t *kql.Table) []int {
	seen := make(map[uint64]bool, len(st.Seen))
	for _, h := range st.Seen {
		seen[h] = true
	}
	var rows []int
	hashes := make([]uint64, 0, t.N)
	var buf []byte
	for i := 0; i < t.N; i++ {
		buf = buf[:0]
		for _, v := range t.Row(i) {
			buf = types.AppendKey(buf, v)
		}
		f := fnv.New64a()
		f.Write(buf)
		h := f.Sum64()
		hashes = append(hashes, h)
		if !seen[h] {
			rows = append(rows, i)
			seen[h] = true
		}
	}
	st.Seen = hashes
	return rows
}

// UsesHold marks the engine as a pipeline.HoldUser: its runs compute on the slot the pipeline
// holds for a waited tenant (Options.Held), so the pipeline takes it only when runs are due.
func (e *Engine) UsesHold() {}

// heldSlot makes the runs of this Advance compute on the slot Options.Held has for the tenant
// (until release); ok false when there is none.
func (e *Engine) heldSlot(tenantID string) (release func(), ok bool) {
	if e.opts.Held == nil {
		return nil, false
	}
	ctx, ok := e.opts.Held(tenantID)
	if !ok {
		return nil, false
	}
	e.urgent.Store(tenantID, ctx)
	return func() { e.urgent.Delete(tenantID) }, true
}

// urgentBudget bounds an urgent Advance's hold of its interactive slot (it does not yield to
// queries, which do not yield to each other either): about a lab query's length.
const urgentBudget = 50 * time.Millisecond

// urgentSlot acquires, for an Advance of a tenant someone waits on, one interactive CPU slot
// for all its runs (until release): run by run, each run would queue behind every learner's
// query again, and a catch-up of a few hundred short runs would wait for hundreds of queues.
// Held for at most urgentBudget, like a lab query. ok false when the
// tenant is not urgent or there is no CPU. Runs of a tenant are serialised (tenantLock).
func (e *Engine) urgentSlot(tenantID string) (release func(), ok bool) {
	if e.opts.CPU == nil || e.opts.Urgent == nil || !e.opts.Urgent(tenantID) {
		return nil, false
	}
	ctx, done, err := e.opts.CPU.Acquire(context.Background(), sched.Interactive)
	if err != nil {
		return nil, false
	}
	e.urgent.Store(tenantID, ctx)
	return func() {
		e.urgent.Delete(tenantID)
		done()
	}, true
}
