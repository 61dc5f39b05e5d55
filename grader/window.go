package grader

import (
	"sort"
	"sync"
	"time"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/types"
	"github.com/soclab/soclab/simulator/logs"
)

// timeIndex cuts time windows out of generated tables cheaply: the tables are in event-time
// order, so a window is a binary search and a view of its run of rows (a rule query runs
// thousands of times per grade over one-hour windows of a month of data).
type timeIndex struct {
	db    kql.MapDatabase
	ticks map[string][]int64 // TimeGenerated per row; absent when a table is not time-ordered

	// views remembers the windows cut (a view is column headers over shared storage): every
	// rule with the same period runs on the same grid of windows over the background, so the
	// lab's three rules, and every learner's version of them, share one set of views.
	mu    sync.Mutex
	views map[viewKey]*kql.Table
}

// viewKey is a window of a table: rows [a, b).
type viewKey struct {
	table string
	a, b  int
}

// maxViews bounds the remembered windows of one index (~3 tables × 1500 grid windows × a few
// periods); when full the memo starts over.
const maxViews = 16384

func indexTimes(db kql.MapDatabase) *timeIndex {
	x := &timeIndex{db: db, ticks: map[string][]int64{}, views: map[viewKey]*kql.Table{}}
	for name, t := range db {
		c := t.ColumnIndex("TimeGenerated")
		if c < 0 || t.Cols[c].Type != types.DateTime {
			continue
		}
		v := t.Vecs[c]
		ticks := make([]int64, t.N)
		sorted := true
		for i := 0; i < t.N && sorted; i++ {
			if v.IsNull(i) || (i > 0 && v.I[i] < v.I[i-1]) {
				sorted = false
			}
			ticks[i] = v.I[i]
		}
		if sorted {
			x.ticks[name] = ticks
		}
	}
	return x
}

// window returns the database cut to rows with TimeGenerated in [lo, hi], as Sentinel gives a
// rule its query period (logs.Restrict for tables that are not time-ordered).
func (x *timeIndex) window(lo, hi time.Time) kql.Database {
	return &windowed{x: x, lo: types.TimeToTicks(lo.UTC()), hi: types.TimeToTicks(hi.UTC()), fallback: logs.Restrict(x.db, lo, hi)}
}

type windowed struct {
	x        *timeIndex
	lo, hi   int64
	fallback kql.Database
}

func (w *windowed) Names() []string { return w.x.db.Names() }

func (w *windowed) Table(name string) (*kql.Table, bool) {
	ticks, ok := w.x.ticks[name]
	if !ok {
		return w.fallback.Table(name)
	}
	t := w.x.db[name]
	a := sort.Search(len(ticks), func(i int) bool { return ticks[i] >= w.lo })
	b := sort.Search(len(ticks), func(i int) bool { return ticks[i] > w.hi })
	return w.x.view(name, t, a, max(a, b)), true
}

// view returns rows [a, b) of the table, remembered.
func (x *timeIndex) view(name string, t *kql.Table, a, b int) *kql.Table {
	k := viewKey{name, a, b}
	x.mu.Lock()
	v, ok := x.views[k]
	x.mu.Unlock()
	if ok {
		return v
	}
	v = logs.RowWindow(t, a, b) // a view: copying each window was half of judging's CPU
	x.mu.Lock()
	if len(x.views) >= maxViews {
		x.views = map[viewKey]*kql.Table{}
	}
	x.views[k] = v
	x.mu.Unlock()
	return v
}
