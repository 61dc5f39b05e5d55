package funcs

import (
	"strconv"
	"strings"

	"github.com/soclab/soclab/simulator/kql/types"
)

// format_datetime / format_timespan use .NET-style format specifiers
// (Kusto docs "format_datetime()", "format_timespan()"): runs of one
// letter form a specifier (yyyy, MM, dd, HH, hh, mm, ss, fffffff, FFF, tt,
// d for days in timespans); the separators listed in the docs (space / - :
// , . _ [ ]) and any other character are copied.

func formatDateTime(_ *Context, a []types.Value) types.Value {
	if a[0].IsNull() || a[0].T != types.DateTime {
		return types.NewString("")
	}
	t := a[0].Time()
	frac := int64(t.Nanosecond() / 100)
	var b strings.Builder
	eachSpec(str(a[1]), func(c byte, n int) {
		if n < 0 {
			b.WriteByte(c)
			return
		}
		switch c {
		case 'y':
			y := t.Year()
			switch {
			case n == 1:
				b.WriteString(strconv.Itoa(y % 100))
			case n == 2:
				pad(&b, int64(y%100), 2)
			default:
				pad(&b, int64(y), n)
			}
		case 'M':
			pad(&b, int64(t.Month()), n)
		case 'd':
			pad(&b, int64(t.Day()), n)
		case 'H':
			pad(&b, int64(t.Hour()), n)
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			pad(&b, int64(h), n)
		case 'm':
			pad(&b, int64(t.Minute()), n)
		case 's':
			pad(&b, int64(t.Second()), n)
		case 'f', 'F':
			writeFraction(&b, frac, n, c == 'F')
		case 't':
			ampm := "AM"
			if t.Hour() >= 12 {
				ampm = "PM"
			}
			b.WriteString(ampm[:min(n, 2)])
		default:
			for i := 0; i < n; i++ {
				b.WriteByte(c)
			}
		}
	})
	return types.NewString(b.String())
}

func formatTimeSpan(_ *Context, a []types.Value) types.Value {
	if a[0].IsNull() || a[0].T != types.TimeSpan {
		return types.NewString("")
	}
	ticks := a[0].I
	neg := ticks < 0
	if neg {
		ticks = -ticks
	}
	frac := ticks % types.TicksPerSecond
	secs := ticks / types.TicksPerSecond
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	eachSpec(str(a[1]), func(c byte, n int) {
		if n < 0 {
			b.WriteByte(c)
			return
		}
		switch c {
		case 'd':
			pad(&b, secs/86400, n)
		case 'h', 'H':
			pad(&b, secs/3600%24, n)
		case 'm':
			pad(&b, secs/60%60, n)
		case 's':
			pad(&b, secs%60, n)
		case 'f', 'F':
			writeFraction(&b, frac, n, c == 'F')
		default:
			for i := 0; i < n; i++ {
				b.WriteByte(c)
			}
		}
	})
	return types.NewString(b.String())
}

// eachSpec splits a format into runs of the same specifier letter and
// calls f(letter, runLength); other characters are passed one at a time.
// A backslash escapes the next character; quoted text is literal.
func eachSpec(format string, f func(c byte, n int)) {
	for i := 0; i < len(format); {
		c := format[i]
		if c == '\\' && i+1 < len(format) {
			f(format[i+1], -1)
			i += 2
			continue
		}
		if c == '\'' || c == '"' {
			j := strings.IndexByte(format[i+1:], c)
			if j < 0 {
				j = len(format) - i - 1
			}
			for k := i + 1; k <= i+j; k++ {
				f(format[k], -1)
			}
			i += j + 2
			continue
		}
		if !strings.ContainsRune("yMdHhmsfFt", rune(c)) {
			f(c, 1)
			i++
			continue
		}
		j := i
		for j < len(format) && format[j] == c {
			j++
		}
		f(c, j-i)
		i = j
	}
}

func pad(b *strings.Builder, n int64, width int) {
	if width < 0 {
		return
	}
	s := strconv.FormatInt(n, 10)
	for i := len(s); i < width; i++ {
		b.WriteByte('0')
	}
	b.WriteString(s)
}

// writeFraction writes the first n of 7 fraction digits; 'F' drops
// trailing zeros (and the digits entirely when zero).
func writeFraction(b *strings.Builder, frac int64, n int, trim bool) {
	if n > 7 {
		n = 7
	}
	s := strconv.FormatInt(frac+10_000_000, 10)[1 : 1+n]
	if trim {
		s = strings.TrimRight(s, "0")
	}
	b.WriteString(s)
}
