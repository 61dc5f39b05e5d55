package funcs

import (
	"math"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator/kql/types"
)

var (
	dt1 = []kind{kDateTime}
	dtN = []kind{kDateTime, kNum}
)

func registerDateTime(add func(*Func)) {
	add(&Func{Name: "now", MinArgs: 0, MaxArgs: 1, params: []kind{kTimeSpan}, ret: types.DateTime, eval: func(c *Context, a []types.Value) types.Value {
		t := types.NewDateTime(c.Now)
		if len(a) == 1 {
			return shiftTime(t, a[0], 1)
		}
		return t
	}})
	add(fixed("ago", types.DateTime, []kind{kTimeSpan}, 1, 1, func(c *Context, a []types.Value) types.Value {
		return shiftTime(types.NewDateTime(c.Now), a[0], -1)
	}))
	add(dtPart("dayofmonth", types.Int, func(t time.Time) int64 { return int64(t.Day()) }))
	add(dtPart("dayofyear", types.Int, func(t time.Time) int64 { return int64(t.YearDay()) }))
	add(dtPart("hourofday", types.Int, func(t time.Time) int64 { return int64(t.Hour()) }))
	add(dtPart("getmonth", types.Int, func(t time.Time) int64 { return int64(t.Month()) }))
	add(dtPart("monthofyear", types.Int, func(t time.Time) int64 { return int64(t.Month()) }))
	add(dtPart("getyear", types.Int, func(t time.Time) int64 { return int64(t.Year()) }))
	add(dtPart("week_of_year", types.Int, func(t time.Time) int64 { _, w := t.ISOWeek(); return int64(w) }))
	add(fixed("dayofweek", types.TimeSpan, dt1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		if a[0].IsNull() {
			return types.NullOf(types.TimeSpan)
		}
		return types.NewTimeSpan(int64(a[0].Time().Weekday()) * types.TicksPerDay)
	}))
	for _, unit := range []string{"day", "week", "month", "year"} {
		add(startOf("startof"+unit, unit, false))
		add(startOf("endof"+unit, unit, true))
	}
	add(fixed("datetime_add", types.DateTime, []kind{kString, kNum, kDateTime}, 3, 3, datetimeAdd))
	add(fixed("datetime_diff", types.Long, []kind{kString, kDateTime, kDateTime}, 3, 3, datetimeDiff))
	add(fixed("datetime_part", types.Int, []kind{kString, kDateTime}, 2, 2, datetimePart))
	add(fixed("format_datetime", types.String, []kind{kDateTime, kString}, 2, 2, formatDateTime))
	add(fixed("format_timespan", types.String, []kind{kTimeSpan, kString}, 2, 2, formatTimeSpan))
	add(&Func{Name: "bin", MinArgs: 2, MaxArgs: 2, params: []kind{kBinnable, kBinnable}, retFn: binType, eval: bin, bind: bindBin})
	add(&Func{Name: "floor", MinArgs: 2, MaxArgs: 2, params: []kind{kBinnable, kBinnable}, retFn: binType, eval: bin, bind: bindBin})
	add(&Func{Name: "bin_at", MinArgs: 3, MaxArgs: 3, params: []kind{kBinnable, kBinnable, kBinnable}, retFn: binType, eval: binAt})
	add(unixTo("unixtime_seconds_todatetime", types.TicksPerSecond))
	add(unixTo("unixtime_milliseconds_todatetime", types.TicksPerMillisecond))
	add(unixTo("unixtime_microseconds_todatetime", types.TicksPerMicrosecond))
	add(unixTo("unixtime_nanoseconds_todatetime", 0))
	add(fixed("make_datetime", types.DateTime, []kind{kNum}, 3, 7, makeDateTime))
	add(fixed("make_timespan", types.TimeSpan, []kind{kNum}, 2, 4, makeTimeSpan))
}

// shiftTime adds sign × span to t; a span that is not a timespan gives null.
func shiftTime(t, span types.Value, sign int64) types.Value {
	span = types.FromDynamic(span)
	if span.T == types.String {
		span = types.Convert(span, types.TimeSpan)
	}
	if span.IsNull() || span.T != types.TimeSpan {
		return types.NullOf(types.DateTime)
	}
	return types.NewDateTimeTicks(t.I + sign*span.I)
}

func dtPart(name string, ret types.Type, f func(time.Time) int64) *Func {
	return fixed(name, ret, dt1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		if a[0].IsNull() || a[0].T != types.DateTime {
			return types.NullOf(ret)
		}
		return types.Value{T: ret, I: f(a[0].Time())}
	})
}

// truncate returns the start of t's unit (weeks start on Sunday).
func truncate(t time.Time, unit string) time.Time {
	y, m, d := t.Date()
	switch unit {
	case "year":
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	case "quarter":
		return time.Date(y, (m-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
	case "month":
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	case "week":
		return time.Date(y, m, d-int(t.Weekday()), 0, 0, 0, 0, time.UTC)
	case "day":
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return t
}

// addUnits adds n units to t; months and years clamp to the month's
// last day as .NET's AddMonths does (Jan 31 + 1 month = Feb 28/29).
func addUnits(t time.Time, unit string, n int64) time.Time {
	switch unit {
	case "year":
		return addMonths(t, n*12)
	case "quarter":
		return addMonths(t, n*3)
	case "month":
		return addMonths(t, n)
	case "week":
		return t.AddDate(0, 0, int(n*7))
	case "day":
		return t.AddDate(0, 0, int(n))
	}
	return t
}

func addMonths(t time.Time, n int64) time.Time {
	y, m, d := t.Date()
	total := int64(y)*12 + int64(m-1) + n
	ny, nm := int(total/12), time.Month(total%12+1)
	last := time.Date(ny, nm+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if d > last {
		d = last
	}
	h, mi, s := t.Clock()
	return time.Date(ny, nm, d, h, mi, s, t.Nanosecond(), time.UTC)
}

func startOf(name, unit string, end bool) *Func {
	return fixed(name, types.DateTime, dtN, 1, 2, func(_ *Context, a []types.Value) types.Value {
		if a[0].IsNull() || a[0].T != types.DateTime {
			return types.NullOf(types.DateTime)
		}
		var off int64
		if len(a) > 1 {
			var ok bool
			if off, ok = a[1].AsInt(); !ok {
				return types.NullOf(types.DateTime)
			}
		}
		t := addUnits(truncate(a[0].Time(), unit), unit, off)
		if end {
			return types.NewDateTimeTicks(types.TimeToTicks(addUnits(t, unit, 1)) - 1)
		}
		return types.NewDateTime(t)
	})
}

// periodTicks maps datetime_add/datetime_diff periods below a day to ticks.
var periodTicks = map[string]int64{
	"hour": types.TicksPerHour, "minute": types.TicksPerMinute, "second": types.TicksPerSecond,
	"millisecond": types.TicksPerMillisecond, "microsecond": types.TicksPerMicrosecond, "nanosecond": 0,
}

func normPeriod(p string) string {
	p = strings.ToLower(strings.TrimSpace(p))
	switch p {
	case "years":
		return "year"
	case "quarters":
		return "quarter"
	case "months":
		return "month"
	case "weeks":
		return "week"
	case "days":
		return "day"
	case "hours":
		return "hour"
	case "minutes":
		return "minute"
	case "seconds":
		return "second"
	case "milliseconds":
		return "millisecond"
	case "microseconds":
		return "microsecond"
	case "nanoseconds":
		return "nanosecond"
	}
	return p
}

func datetimeAdd(_ *Context, a []types.Value) types.Value {
	n, ok := a[1].AsInt()
	if !ok || a[2].IsNull() || a[2].T != types.DateTime {
		return types.NullOf(types.DateTime)
	}
	p := normPeriod(str(a[0]))
	switch p {
	case "year", "quarter", "month", "week", "day":
		return types.NewDateTime(addUnits(a[2].Time(), p, n))
	case "nanosecond":
		return types.NewDateTimeTicks(a[2].I + n/100)
	}
	if per, ok := periodTicks[p]; ok {
		return types.NewDateTimeTicks(a[2].I + n*per)
	}
	return types.NullOf(types.DateTime)
}

// datetimeDiff(period, dt1, dt2) counts period boundaries between dt2 and
// dt1 (dt1 - dt2), as Kusto does: calendar years/quarters/months, weeks
// by their Sunday start, smaller units after truncating both values.
func datetimeDiff(_ *Context, a []types.Value) types.Value {
	if a[1].IsNull() || a[2].IsNull() || a[1].T != types.DateTime || a[2].T != types.DateTime {
		return types.NullOf(types.Long)
	}
	t1, t2 := a[1].Time(), a[2].Time()
	switch p := normPeriod(str(a[0])); p {
	case "year":
		return types.NewLong(int64(t1.Year() - t2.Year()))
	case "quarter":
		return types.NewLong(int64((t1.Year()*4 + (int(t1.Month())-1)/3) - (t2.Year()*4 + (int(t2.Month())-1)/3)))
	case "month":
		return types.NewLong(int64((t1.Year()*12 + int(t1.Month())) - (t2.Year()*12 + int(t2.Month()))))
	case "week":
		d := types.TimeToTicks(truncate(t1, "week")) - types.TimeToTicks(truncate(t2, "week"))
		return types.NewLong(d / (7 * types.TicksPerDay))
	case "day":
		d := types.TimeToTicks(truncate(t1, "day")) - types.TimeToTicks(truncate(t2, "day"))
		return types.NewLong(d / types.TicksPerDay)
	case "nanosecond":
		return types.NewLong((a[1].I - a[2].I) * 100)
	default:
		per, ok := periodTicks[p]
		if !ok {
			return types.NullOf(types.Long)
		}
		return types.NewLong(floorDiv(a[1].I, per) - floorDiv(a[2].I, per))
	}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func datetimePart(_ *Context, a []types.Value) types.Value {
	if a[1].IsNull() || a[1].T != types.DateTime {
		return types.NullOf(types.Int)
	}
	t := a[1].Time()
	frac := int64(t.Nanosecond())
	var n int64
	switch strings.ToLower(str(a[0])) {
	case "year":
		n = int64(t.Year())
	case "quarter":
		n = int64((int(t.Month())-1)/3 + 1)
	case "month":
		n = int64(t.Month())
	case "week_of_year", "weekofyear", "week":
		_, w := t.ISOWeek()
		n = int64(w)
	case "day":
		n = int64(t.Day())
	case "dayofyear":
		n = int64(t.YearDay())
	case "hour":
		n = int64(t.Hour())
	case "minute":
		n = int64(t.Minute())
	case "second":
		n = int64(t.Second())
	case "millisecond":
		n = frac / 1e6
	case "microsecond":
		n = frac / 1e3
	case "nanosecond":
		n = frac
	default:
		return types.NullOf(types.Int)
	}
	return types.NewInt(n)
}

func unixTo(name string, perUnit int64) *Func {
	return fixed(name, types.DateTime, []kind{kNum}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		if a[0].T == types.Int || a[0].T == types.Long || (a[0].T == types.Dynamic && !a[0].Null) {
			if i, ok := a[0].AsInt(); ok && a[0].T != types.Dynamic {
				if perUnit == 0 {
					return types.NewDateTimeTicks(floorDiv(i, 100))
				}
				return types.NewDateTimeTicks(i * perUnit)
			}
		}
		f, ok := types.Convert(a[0], types.Real).AsFloat()
		if !ok {
			return types.NullOf(types.DateTime)
		}
		ticks := f * float64(perUnit)
		if perUnit == 0 {
			ticks = f / 100
		}
		if math.IsNaN(ticks) || math.Abs(ticks) > 9e18 {
			return types.NullOf(types.DateTime)
		}
		return types.NewDateTimeTicks(int64(math.Round(ticks)))
	})
}

func makeDateTime(_ *Context, a []types.Value) types.Value {
	var parts [6]float64
	for i, v := range a {
		f, ok := v.AsFloat()
		if !ok {
			return types.NullOf(types.DateTime)
		}
		if i < 6 {
			parts[i] = f
		}
	}
	y, m, d, h, mi := int(parts[0]), int(parts[1]), int(parts[2]), int(parts[3]), int(parts[4])
	sec := parts[5]
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() ||
		h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec >= 60 {
		return types.NullOf(types.DateTime)
	}
	base := time.Date(y, time.Month(m), d, h, mi, 0, 0, time.UTC)
	return types.NewDateTimeTicks(types.TimeToTicks(base) + int64(math.Round(sec*float64(types.TicksPerSecond))))
}

// makeTimeSpan: make_timespan(hour, minute), (hour, minute, second) or
// (day, hour, minute, second); seconds may have a fraction.
func makeTimeSpan(_ *Context, a []types.Value) types.Value {
	vals := make([]float64, len(a))
	for i, v := range a {
		f, ok := v.AsFloat()
		if !ok {
			return types.NullOf(types.TimeSpan)
		}
		vals[i] = f
	}
	var d, h, m, s float64
	switch len(vals) {
	case 2:
		h, m = vals[0], vals[1]
	case 3:
		h, m, s = vals[0], vals[1], vals[2]
	case 4:
		d, h, m, s = vals[0], vals[1], vals[2], vals[3]
	}
	ticks := int64(d)*types.TicksPerDay + int64(h)*types.TicksPerHour + int64(m)*types.TicksPerMinute +
		int64(math.Round(s*float64(types.TicksPerSecond)))
	return types.NewTimeSpan(ticks)
}
