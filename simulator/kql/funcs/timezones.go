package funcs

import (
	"github.com/soclab/soclab/simulator/kql/types"
	"time"
	_ "time/tzdata" // zone rules must not depend on the host
)

// registerTimeZones adds datetime_utc_to_local, datetime_local_to_utc
// and around().
func registerTimeZones(add func(*Func)) {
	add(fixed("datetime_utc_to_local", types.DateTime, []kind{kDateTime, kString}, 2, 2, func(_ *Context, a []types.Value) types.Value {
		loc, err := time.LoadLocation(str(a[1]))
		if err != nil || a[0].IsNull() || a[0].T != types.DateTime {
			return types.NullOf(types.DateTime)
		}
		_, off := a[0].Time().In(loc).Zone()
		return types.NewDateTimeTicks(a[0].I + int64(off)*types.TicksPerSecond)
	}))
	add(fixed("datetime_local_to_utc", types.DateTime, []kind{kDateTime, kString}, 2, 2, func(_ *Context, a []types.Value) types.Value {
		loc, err := time.LoadLocation(str(a[1]))
		if err != nil || a[0].IsNull() || a[0].T != types.DateTime {
			return types.NullOf(types.DateTime)
		}
		return types.NewDateTimeTicks(localToUTC(a[0].I, loc))
	}))
	add(fixed("around", types.Bool, []kind{kBinnable, kBinnable, kBinnable}, 3, 3, func(_ *Context, a []types.Value) types.Value {
		if a[0].IsNull() || a[1].IsNull() || a[2].IsNull() {
			return types.NullOf(types.Bool)
		}
		lo := types.Arith(types.OpSub, a[1], a[2])
		hi := types.Arith(types.OpAdd, a[1], a[2])
		return types.NewBool(Between(a[0], lo, hi))
	}))
}

// localToUTC maps a wall-clock time in loc to UTC. Of the zone's offsets
// around that time, the first that maps back to the same wall clock wins;
// a wall clock skipped by a DST change uses the offset after the change
// (the datetime_local_to_utc doc example: 02:00 on 2022-03-27 in Brussels
// is 00:00 UTC).
func localToUTC(ticks int64, loc *time.Location) int64 {
	t := types.TicksToTime(ticks)
	_, before := t.Add(-24 * time.Hour).In(loc).Zone()
	_, after := t.Add(24 * time.Hour).In(loc).Zone()
	for _, off := range []int{before, after} {
		utc := ticks - int64(off)*types.TicksPerSecond
		if _, o := types.TicksToTime(utc).In(loc).Zone(); o == off {
			return utc
		}
	}
	return ticks - int64(after)*types.TicksPerSecond
}
