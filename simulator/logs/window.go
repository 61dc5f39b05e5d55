package logs

import (
	"context"
	"math"
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
	return cut(Cut{IngestedBy: at, From: since, To: until}), nil
}

// Cut selects the rows a rule run sees: ingested after IngestedAfter (zero: from the start)
// and by IngestedBy, whose time column lies in [From, To] (zero bounds: unbounded).
type Cut struct {
	IngestedAfter, IngestedBy time.Time
	From, To                  time.Time
}

// Windows reads the tenant's routing once and returns a function that cuts windows for
// ingestion times up to to: a rule engine catching up on many runs pays for the state read
// once. Tables of a window are built on first use and kept.
func (w *Workspace) Windows(to time.Time) (func(Cut) kql.Database, error) {
	db, err := w.Database(to)
	if err != nil {
		return nil, err
	}
	d := db.(*database)
	return func(c Cut) kql.Database {
		if c.IngestedBy.IsZero() || c.IngestedBy.After(to) {
			c.IngestedBy = to
		}
		return &window{d: d, c: c, tables: map[string]*kql.Table{}}
	}, nil
}

type window struct {
	d      *database
	c      Cut
	tables map[string]*kql.Table
}

func (x *window) Names() []string { return x.d.Names() }

// WithContext binds the window's views to the work of ctx (kql.ContextDatabase); the copy
// shares the window's cut tables.
func (x *window) WithContext(ctx context.Context) kql.Database {
	return &window{d: x.d.WithContext(ctx).(*database), c: x.c, tables: x.tables}
}

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
	x.d.tc.e.read.note(x.d.ws != nil, name)
	v, err := x.d.tc.view(x.d, name)
	if err != nil {
		return nil, false
	}
	c := x.c
	n := sort.Search(len(v.ingest), func(i int) bool { return v.ingest[i].After(c.IngestedBy) })
	i := 0
	switch {
	case !c.IngestedAfter.IsZero():
		i = sort.Search(n, func(i int) bool { return v.ingest[i].After(c.IngestedAfter) })
	case !c.From.IsZero():
		from := c.From.Add(-windowSlack)
		i = sort.Search(n, func(i int) bool { return !v.ingest[i].Before(from) })
	}
	tc := v.t.ColumnIndex("TimeGenerated")
	if tc < 0 {
		tc = v.t.ColumnIndex("Timestamp")
	}
	bounded := (!c.From.IsZero() || !c.To.IsZero()) && tc >= 0 && v.t.Cols[tc].Type == types.DateTime
	if i == 0 && !bounded {
		return v.t.Prefix(n), true
	}
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if !c.From.IsZero() {
		lo = types.TimeToTicks(c.From.UTC())
	}
	if !c.To.IsZero() {
		hi = types.TimeToTicks(c.To.UTC())
	}
	idx := make([]int32, 0, n-i)
	for r := i; r < n; r++ {
		if bounded {
			col := v.t.Vecs[tc]
			if col.IsNull(r) || col.I[r] < lo || col.I[r] > hi {
				continue
			}
		}
		idx = append(idx, int32(r))
	}
	return v.t.Gather(idx), true
}
