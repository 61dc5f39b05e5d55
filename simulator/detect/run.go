package detect

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator/kql"
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

// run evaluates one rule run: query, trigger, suppression, alerts, incidents, health.
func (e *Engine) run(tenantID string, r ruleRun, dbs map[string]kql.Database, out *output) (Summary, error) {
	r.st.LastRun = r.at
	q, qerr := e.query(r.rule)
	win := windowOf(r, q)
	h := newHealth(r, win)
	sum := Summary{Runs: 1}
	res, err := e.evaluate(r, q, qerr, win, dbs)
	if err != nil {
		h.fail(err)
		out.addHealth(h)
		sum.Failures++
		return sum, nil
	}
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
func (e *Engine) evaluate(r ruleRun, q *kql.Query, qerr error, win window, dbs map[string]kql.Database) (*kql.Result, error) {
	if qerr != nil {
		return nil, qerr
	}
	key := fmt.Sprintf("%s|%v|%d|%d|%d", r.ws.id, win.byIngestion, win.ingest.UnixNano(), win.from.UnixNano(), win.to.UnixNano())
	db, ok := dbs[key]
	if !ok {
		c := logs.Cut{IngestedBy: win.ingest, From: win.from, To: win.to}
		if win.byIngestion {
			c = logs.Cut{IngestedAfter: win.from, IngestedBy: win.to}
		}
		db = r.ws.cut(c)
		dbs[key] = db
	}
	return q.Run(context.Background(), db, kql.RunOptions{Now: win.to, Seed: win.to.UnixNano(), Timeout: e.opts.QueryTimeout})
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

// failureReason words a failed run as SentinelHealth does.
func failureReason(err error) string {
	var ke *kql.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "The query execution timed out."
	case errors.As(err, &ke) && strings.HasPrefix(ke.Code, "SYN"):
		return "A syntax error occurred while running the query."
	case errors.As(err, &ke) && strings.HasPrefix(ke.Code, "SEM") && strings.Contains(ke.Msg, "table"):
		return "A table referenced in the query was not found."
	case errors.As(err, &ke) && strings.HasPrefix(ke.Code, "SEM"):
		return "A semantic error occurred while running the query."
	case errors.As(err, &ke) && (strings.Contains(ke.Msg, "limit") || strings.Contains(ke.Msg, "memory")):
		return "This query was found to use too many system resources and was prevented from running."
	case errors.As(err, &ke) && strings.Contains(strings.ToLower(ke.Msg), "timed out"):
		return "The query execution timed out."
	}
	return "An internal server error occurred while running the query."
}
