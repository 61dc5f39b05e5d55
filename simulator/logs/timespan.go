package logs

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/types"
)

// isoDuration matches the ISO-8601 durations the query APIs take (PnYnMnDTnHnMnS, PnW).
var isoDuration = regexp.MustCompile(`^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)

// ParseDuration reads an ISO-8601 duration such as PT12H, P1D or P7DT12H (a year is 365
// days, a month 30, as the service counts them). A duration past .NET's TimeSpan.MaxValue
// (10675199 days, what the service can represent) is an error; one past Go's Duration (~292
// years) but within it is clamped to the longest Duration: it reaches before any data.
func ParseDuration(s string) (time.Duration, error) {
	m := isoDuration.FindStringSubmatch(strings.ToUpper(s))
	if m == nil || s == "P" || strings.HasSuffix(strings.ToUpper(s), "T") {
		return 0, fmt.Errorf("%q is not an ISO-8601 duration", s)
	}
	outOfRange := fmt.Errorf("%q is out of range: a timespan is at most %d days", s, maxTimespanDays)
	units := []time.Duration{365 * 24 * time.Hour, 30 * 24 * time.Hour, 7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute}
	var d time.Duration
	var days float64 // the exact size, for the range check
	clamped := false
	for i, u := range units {
		if m[i+1] == "" {
			continue
		}
		n, err := strconv.ParseInt(m[i+1], 10, 64)
		if err != nil {
			return 0, outOfRange
		}
		days += float64(n) * u.Hours() / 24
		if n > int64(math.MaxInt64-d)/int64(u) {
			clamped = true
			continue
		}
		d += time.Duration(n) * u
	}
	if m[7] != "" {
		f, err := strconv.ParseFloat(m[7], 64)
		if err != nil {
			return 0, outOfRange
		}
		days += f / 86400
		if ns := f * float64(time.Second); ns >= float64(math.MaxInt64-d) {
			clamped = true
		} else {
			d += time.Duration(ns)
		}
	}
	if days > maxTimespanDays {
		return 0, outOfRange
	}
	if clamped {
		d = math.MaxInt64
	}
	return d, nil
}

// maxTimespanDays is .NET's TimeSpan.MaxValue in whole days (10675199.02:48:05.4775807).
const maxTimespanDays = 10675199

// ParseTimespan reads a query API timespan relative to now: a duration (the span ending now),
// start/end, start/duration or duration/end. It returns [start, end].
func ParseTimespan(s string, now time.Time) (start, end time.Time, err error) {
	s = strings.TrimSpace(s)
	a, b, interval := strings.Cut(s, "/")
	if !interval {
		d, err := ParseDuration(s)
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		return now.Add(-d), now, nil
	}
	parseTime := func(x string) (time.Time, error) { return time.Parse(time.RFC3339Nano, x) }
	switch {
	case strings.HasPrefix(strings.ToUpper(a), "P"):
		d, err1 := ParseDuration(a)
		e, err2 := parseTime(b)
		if err1 != nil || err2 != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("%q is not an ISO-8601 interval", s)
		}
		return e.Add(-d), e, nil
	case strings.HasPrefix(strings.ToUpper(b), "P"):
		st, err1 := parseTime(a)
		d, err2 := ParseDuration(b)
		if err1 != nil || err2 != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("%q is not an ISO-8601 interval", s)
		}
		return st, st.Add(d), nil
	}
	st, err1 := parseTime(a)
	e, err2 := parseTime(b)
	if err1 != nil || err2 != nil || e.Before(st) {
		return time.Time{}, time.Time{}, fmt.Errorf("%q is not an ISO-8601 interval", s)
	}
	return st, e, nil
}

// Restrict returns db with every table cut to the rows whose time column (TimeGenerated, or
// Timestamp for the Defender tables) lies in [start, end]: the timespan of the query APIs,
// applied in addition to the query's own filters. A table whose rows in the span are one
// run (the usual case: views are in ingestion order) is a view of them, not a copy.
func Restrict(db kql.Database, start, end time.Time) kql.Database {
	return &restricted{db: db, lo: types.TimeToTicks(start.UTC()), hi: types.TimeToTicks(end.UTC())}
}

type restricted struct {
	db     kql.Database
	lo, hi int64
}

func (r *restricted) Names() []string { return r.db.Names() }

// WithContext binds the restricted database's views to the work of ctx (kql.ContextDatabase).
func (r *restricted) WithContext(ctx context.Context) kql.Database {
	cd, ok := r.db.(kql.ContextDatabase)
	if !ok {
		return r
	}
	c := *r
	c.db = cd.WithContext(ctx)
	return &c
}

func (r *restricted) Table(name string) (*kql.Table, bool) {
	t, ok := r.db.Table(name)
	if !ok {
		return nil, false
	}
	c := t.ColumnIndex("TimeGenerated")
	if c < 0 {
		c = t.ColumnIndex("Timestamp")
	}
	if c < 0 || t.Cols[c].Type != types.DateTime {
		return t, true
	}
	v := t.Vecs[c]
	in := func(i int) bool { return !v.IsNull(i) && v.I[i] >= r.lo && v.I[i] <= r.hi }
	first, last, n := -1, -1, 0
	for i := 0; i < t.N; i++ {
		if in(i) {
			if first < 0 {
				first = i
			}
			last, n = i, n+1
		}
	}
	switch {
	case n == t.N:
		return t, true
	case n == 0:
		return t.Prefix(0), true
	case n == last-first+1: // one run of rows: a view of them, nothing copied
		return RowWindow(t, first, last+1), true
	}
	idx := make([]int32, 0, n)
	for i := first; i <= last; i++ {
		if in(i) {
			idx = append(idx, int32(i))
		}
	}
	return t.Gather(idx), true
}
