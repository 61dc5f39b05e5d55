package detect

import (
	"context"
	"errors"
	"hash/fnv"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/types"
	"github.com/soclab/soclab/simulator/sentinel"
)

// window is what one run queries: rows ingested by ingest whose TimeGenerated lies in
// [from, to], with now() = to.
type window struct {
	ingest, from, to time.Time
}

// windowOf is a run's window (see the package documentation).
func windowOf(r ruleRun) window {
	if r.rule.Kind == sentinel.KindNRT {
		to := r.at.Add(-NRTDelay)
		return window{ingest: to, from: to.Add(-NRTLookback), to: to}
	}
	to := r.at.Add(-ScheduledDelay)
	return window{ingest: r.at, from: to.Add(-r.rule.Period()), to: to}
}

// run evaluates one rule run: query, trigger, suppression, alerts, incidents, health.
func (e *Engine) run(tenantID string, r ruleRun, dbs map[string]kql.Database, out *output) (Summary, error) {
	r.st.LastRun = r.at
	win := windowOf(r)
	h := newHealth(r, win)
	sum := Summary{Runs: 1}
	res, err := e.evaluate(r, win, dbs)
	if err != nil {
		h.fail(err)
		out.addHealth(h)
		sum.Failures++
		return sum, nil
	}
	t := res.Table
	rows := make([]int, 0, t.N)
	if r.rule.Kind == sentinel.KindNRT {
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
func (e *Engine) evaluate(r ruleRun, win window, dbs map[string]kql.Database) (*kql.Result, error) {
	q, err := e.query(r.rule)
	if err != nil {
		return nil, err
	}
	key := r.ws.id + "|" + win.ingest.String() + "|" + win.from.String() + "|" + win.to.String()
	db, ok := dbs[key]
	if !ok {
		db = r.ws.cut(win.ingest, win.from, win.to)
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
