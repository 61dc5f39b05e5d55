package funcs

import (
	"math"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // datetime_utc_to_local must not depend on the host's zone files

	"github.com/soclab/soclab/simulator/kql/types"
)

func registerExtra2(add func(*Func)) {
	add(realFunc("erf", math.Erf))
	add(realFunc("erfc", math.Erfc))
	add(fixed("dynamic_to_json", types.String, d1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		if a[0].IsNull() {
			return types.NewString("null")
		}
		return types.NewString(types.DynamicJSON(types.ToDynamicElem(a[0])))
	}))
	add(fixed("array_split", types.Dynamic, []kind{kDyn, kAny}, 2, 2, arraySplit))
	add(fixed("parse_version", types.Decimal, s1, 1, 1, parseVersion))
	add(fixed("parse_command_line", types.Dynamic, s2, 2, 2, func(_ *Context, a []types.Value) types.Value {
		if !strings.EqualFold(str(a[1]), "windows") {
			return types.NullOf(types.Dynamic)
		}
		return types.NewDynamic(windowsArgs(str(a[0])))
	}))
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

// arraySplit: array_split(array, index or indices) splits before each index.
func arraySplit(_ *Context, a []types.Value) types.Value {
	x, ok := arr(a[0])
	if !ok {
		return types.NullOf(types.Dynamic)
	}
	var cuts []int64
	if idx, ok := arr(a[1]); ok {
		for _, e := range idx {
			if n, ok := elem(e).AsInt(); ok {
				cuts = append(cuts, n)
			}
		}
	} else if n, ok := a[1].AsInt(); ok {
		cuts = []int64{n}
	} else {
		return types.NullOf(types.Dynamic)
	}
	n := int64(len(x))
	out := []any{}
	prev := int64(0)
	for _, c := range cuts {
		if c < 0 {
			c += n
		}
		c = min(max(c, prev), n)
		out = append(out, append([]any{}, x[prev:c]...))
		prev = c
	}
	out = append(out, append([]any{}, x[prev:]...))
	return types.NewDynamic(out)
}

// parseVersion: up to four dot-separated parts of at most 8 digits each,
// as a decimal with every part padded to 8 digits. Held as float64 here,
// so versions differing only past ~15 significant digits compare equal.
func parseVersion(_ *Context, a []types.Value) types.Value {
	parts := strings.Split(strings.TrimSpace(str(a[0])), ".")
	if len(parts) == 0 || len(parts) > 4 {
		return types.NullOf(types.Decimal)
	}
	v := 0.0
	for i := 0; i < 4; i++ {
		n := 0
		if i < len(parts) {
			p := parts[i]
			if p == "" || len(p) > 8 {
				return types.NullOf(types.Decimal)
			}
			var err error
			if n, err = strconv.Atoi(p); err != nil || n < 0 {
				return types.NullOf(types.Decimal)
			}
		}
		v = v*1e8 + float64(n)
	}
	return types.NewDecimal(v)
}

// windowsArgs splits a command line as CommandLineToArgvW does: spaces
// separate, double quotes group, 2n backslashes before a quote become n,
// 2n+1 become n and a literal quote.
func windowsArgs(s string) []any {
	out := []any{}
	var cur strings.Builder
	inQuotes, have := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			j := i
			for j < len(s) && s[j] == '\\' {
				j++
			}
			n := j - i
			if j < len(s) && s[j] == '"' {
				cur.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
					j++
				}
			} else {
				cur.WriteString(strings.Repeat(`\`, n))
			}
			have = true
			i = j - 1
		case c == '"':
			inQuotes = !inQuotes
			have = true
		case (c == ' ' || c == '\t') && !inQuotes:
			if have {
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteByte(c)
			have = true
		}
	}
	if have {
		out = append(out, cur.String())
	}
	return out
}

// RuntimeError is a query error raised while evaluating a row (assert()).
// Evaluators panic with a *RuntimeError; the executor recovers it and
// reports Msg as the query's error.
type RuntimeError struct{ Msg string }

func (e *RuntimeError) Error() string { return e.Msg }

func registerExtra3(add func(*Func)) {
	add(fixed("around", types.Bool, []kind{kBinnable, kBinnable, kBinnable}, 3, 3, func(_ *Context, a []types.Value) types.Value {
		if a[0].IsNull() || a[1].IsNull() || a[2].IsNull() {
			return types.NullOf(types.Bool)
		}
		lo := types.Arith(types.OpSub, a[1], a[2])
		hi := types.Arith(types.OpAdd, a[1], a[2])
		return types.NewBool(Between(a[0], lo, hi))
	}))
	add(fixed("assert", types.Bool, []kind{kBool, kString}, 2, 2, func(_ *Context, a []types.Value) types.Value {
		if b := types.Convert(a[0], types.Bool); b.IsNull() || !b.Bool() {
			panic(&RuntimeError{Msg: "assert() has failed with message: '" + str(a[1]) + "'"})
		}
		return types.NewBool(true)
	}))
}
