package logs

import (
	"sort"
	"time"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/types"
)

// windowSlack is how far before since the scan for a window starts: a row's ingestion time is
// never before its event time, so rows ingested before since-windowSlack cannot be in the
// window (the slack covers rows whose time column differs a little from their event time).
const windowSlack = time.Hour

// Window returns the workspace's tables at virtual time at (rows ingested by then) cut to the
// rows whose time column (TimeGenerated or Timestamp) lies in [since, until]. It is what a rule
// run with a lookback sees. Only the rows ingested since since-windowSlack are scanned, found
// by binary search in the ingestion-ordered view, so the cost follows the window, not the
// table's history.
func (w *Workspace) Window(at, since, until time.Time) (kql.Database, error) {
	cut, err := w.Windows(at)
	if err != nil {
		return nil, err
	}
	return cut(at, since, until), nil
}

// Windows reads the tenant's routing once and returns a function that cuts windows (as
// Window does) for ingestion times up to to: a rule engine catching up on many runs pays for
// the state read once. Tables of a window are built on first use and kept.
func (w *Workspace) Windows(to time.Time) (func(at, since, until time.Time) kql.Database, error) {
	db, err := w.Database(to)
	if err != nil {
		return nil, err
	}
	d := db.(*database)
	return func(at, since, until time.Time) kql.Database {
		if at.After(to) {
			at = to
		}
		return &window{d: d, at: at, since: since, lo: types.TimeToTicks(since.UTC()), hi: types.TimeToTicks(until.UTC()), tables: map[string]*kql.Table{}}
	}, nil
}

type window struct {
	d         *database
	at, since time.Time
	lo, hi    int64
	tables    map[string]*kql.Table
}

func (x *window) Names() []string { return x.d.Names() }

func (x *window) Table(name string) (*kql.Table, bool) {
	if t, ok := x.tables[name]; ok {
		return t, true
	}
	t, ok := x.cut(name)
	if ok {
		x.tables[name] = t
	}
	return t, ok
}

func (x *window) cut(name string) (*kql.Table, bool) {
	if _, ok := x.d.cat.Table(name); !ok {
		return nil, false
	}
	v, err := x.d.tc.view(x.d, name)
	if err != nil {
		return nil, false
	}
	n := sort.Search(len(v.ingest), func(i int) bool { return v.ingest[i].After(x.at) })
	from := x.since.Add(-windowSlack)
	i := sort.Search(n, func(i int) bool { return !v.ingest[i].Before(from) })
	c := v.t.ColumnIndex("TimeGenerated")
	if c < 0 {
		c = v.t.ColumnIndex("Timestamp")
	}
	if c < 0 || v.t.Cols[c].Type != types.DateTime {
		return v.t.Prefix(n), true
	}
	col := v.t.Vecs[c]
	idx := make([]int32, 0, n-i)
	for r := i; r < n; r++ {
		if !col.IsNull(r) && col.I[r] >= x.lo && col.I[r] <= x.hi {
			idx = append(idx, int32(r))
		}
	}
	return v.t.Gather(idx), true
}
