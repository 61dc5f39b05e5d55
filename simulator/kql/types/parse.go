package types

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseDateTime parses the datetime text forms Kusto accepts in
// datetime(...) literals and todatetime() (Kusto docs, "The datetime data
// type": ISO 8601, RFC 822, RFC 850 and sortable forms):
//
//	2025-01-15T08:30:00.1234567Z  2025-01-15T08:30:00Z  2025-01-15T08:30:00
//	2025-01-15 08:30:00  2025-01-15 08:30  2025-01-15T08:30  2025-01-15
//	2025-01-15T08:30:00+02:00  2025-01-15 08:30:00 GMT
//	Wed, 15 Jan 25 08:30:00 GMT  15 Jan 2025 08:30 GMT (RFC 822 forms)
//	Wednesday, 15-Jan-25 08:30:00 GMT (RFC 850 forms)
//
// A text without a zone is UTC. The result is ticks since the Unix epoch.
func ParseDateTime(s string) (int64, bool) {
	s = unquote(strings.TrimSpace(s))
	if s == "" {
		return 0, false
	}
	if t, ok := parseISODateTime(s); ok {
		return t, true
	}
	if t, ok := parseUSDate(s); ok {
		return t, true
	}
	return parseRFCDateTime(s)
}

// parseISODateTime handles yyyy-MM-dd[(T| )HH:mm[:ss[.fffffff]]][zone].
func parseISODateTime(s string) (int64, bool) {
	p := isoScanner{s: s}
	year, ok := p.digits(4, 4)
	if !ok || !p.sep('-', '/') {
		return 0, false
	}
	month, ok := p.digits(1, 2)
	if !ok || !p.sep('-', '/') {
		return 0, false
	}
	day, ok := p.digits(1, 2)
	if !ok {
		return 0, false
	}
	var hour, min, sec, frac int64
	if p.pos < len(s) && (s[p.pos] == 'T' || s[p.pos] == ' ') && p.pos+1 < len(s) && isDigit(s[p.pos+1]) {
		p.pos++
		if hour, ok = p.digits(1, 2); !ok || !p.sep(':', ':') {
			return 0, false
		}
		if min, ok = p.digits(2, 2); !ok {
			return 0, false
		}
		if p.sep(':', ':') {
			if sec, ok = p.digits(2, 2); !ok {
				return 0, false
			}
			if p.sep('.', ',') {
				start := p.pos
				f, ok := p.digits(1, 9)
				if !ok {
					return 0, false
				}
				n := p.pos - start
				for ; n < 7; n++ {
					f *= 10
				}
				for ; n > 7; n-- {
					f /= 10
				}
				frac = f
			}
		}
	}
	offset, ok := parseZone(s[p.pos:])
	if !ok {
		return 0, false
	}
	if month < 1 || month > 12 || day < 1 || day > int64(daysIn(time.Month(month), int(year))) ||
		hour > 23 || min > 59 || sec > 59 {
		return 0, false
	}
	t := time.Date(int(year), time.Month(month), int(day), int(hour), int(min), int(sec), 0, time.UTC)
	ticks := TimeToTicks(t) + frac - offset
	return ticks, ticks >= MinDateTimeTicks && ticks <= MaxDateTimeTicks
}

// unquote strips one pair of matching quotes, for literals such as
// datetime("2015-01-01") and timespan('1d').
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

// parseUSDate handles MM-dd-yyyy and MM/dd/yyyy with an optional time,
// which Kusto accepts (todatetime('12-02-2022') is 2022-12-02).
func parseUSDate(s string) (int64, bool) {
	if len(s) < 10 || !isDigit(s[0]) || !isDigit(s[1]) || (s[2] != '-' && s[2] != '/') || s[5] != s[2] {
		return 0, false
	}
	iso := s[6:10] + "-" + s[0:2] + "-" + s[3:5] + s[10:]
	return parseISODateTime(iso)
}

// parseZone parses an optional zone suffix: "", "Z", " GMT", " UTC",
// "+hh:mm", "-hhmm"; it returns the offset from UTC in ticks.
func parseZone(z string) (int64, bool) {
	z = strings.TrimSpace(z)
	switch strings.ToUpper(z) {
	case "", "Z", "GMT", "UTC":
		return 0, true
	}
	if z[0] != '+' && z[0] != '-' {
		return 0, false
	}
	digits := strings.ReplaceAll(z[1:], ":", "")
	if len(digits) != 4 && len(digits) != 2 {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return 0, false
	}
	h, m := n, 0
	if len(digits) == 4 {
		h, m = n/100, n%100
	}
	off := int64(h)*TicksPerHour + int64(m)*TicksPerMinute
	if z[0] == '-' {
		off = -off
	}
	return off, true
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

type isoScanner struct {
	s   string
	pos int
}

func (p *isoScanner) digits(min, max int) (int64, bool) {
	var n int64
	i := 0
	for i < max && p.pos < len(p.s) && isDigit(p.s[p.pos]) {
		n = n*10 + int64(p.s[p.pos]-'0')
		p.pos++
		i++
	}
	return n, i >= min
}

func (p *isoScanner) sep(a, b byte) bool {
	if p.pos < len(p.s) && (p.s[p.pos] == a || p.s[p.pos] == b) {
		p.pos++
		return true
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// rfcLayouts are the RFC 822 / RFC 850 forms from Kusto's datetime docs,
// with and without weekday, seconds and zone.
var rfcLayouts = []string{
	"Mon, 2 Jan 06 15:04:05 MST", "Mon, 2 Jan 06 15:04:05", "Mon, 2 Jan 06 15:04 MST", "Mon, 2 Jan 06 15:04",
	"2 Jan 06 15:04:05 MST", "2 Jan 06 15:04:05", "2 Jan 06 15:04 MST", "2 Jan 06 15:04",
	"Mon, 2 Jan 2006 15:04:05 MST", "Mon, 2 Jan 2006 15:04:05", "Mon, 2 Jan 2006 15:04 MST", "Mon, 2 Jan 2006 15:04",
	"2 Jan 2006 15:04:05 MST", "2 Jan 2006 15:04:05", "2 Jan 2006 15:04 MST", "2 Jan 2006 15:04",
	"Monday, 02-Jan-06 15:04:05 MST", "Monday, 02-Jan-06 15:04:05", "Monday, 02-Jan-06 15:04 MST", "Monday, 02-Jan-06 15:04",
	"02-Jan-06 15:04:05 MST", "02-Jan-06 15:04:05", "02-Jan-06 15:04 MST", "02-Jan-06 15:04",
	"Mon, 2 Jan 06 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 -0700",
}

func parseRFCDateTime(s string) (int64, bool) {
	for _, layout := range rfcLayouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		// Only GMT/UTC/Z or numeric zones are meaningful; time.Parse accepts any abbreviation as UTC+0.
		if strings.HasSuffix(layout, "MST") {
			zone := s[strings.LastIndexByte(s, ' ')+1:]
			if z := strings.ToUpper(zone); z != "GMT" && z != "UTC" && z != "Z" {
				continue
			}
		}
		ticks := TimeToTicks(t)
		return ticks, ticks >= MinDateTimeTicks && ticks <= MaxDateTimeTicks
	}
	return 0, false
}

// timeSpanUnits maps the unit suffixes of Kusto timespan literals to ticks
// (Kusto docs, "The timespan data type").
var timeSpanUnits = map[string]int64{
	"d": TicksPerDay, "day": TicksPerDay, "days": TicksPerDay,
	"h": TicksPerHour, "hr": TicksPerHour, "hrs": TicksPerHour, "hour": TicksPerHour, "hours": TicksPerHour,
	"m": TicksPerMinute, "min": TicksPerMinute, "minute": TicksPerMinute, "minutes": TicksPerMinute,
	"s": TicksPerSecond, "sec": TicksPerSecond, "second": TicksPerSecond, "seconds": TicksPerSecond,
	"ms": TicksPerMillisecond, "milli": TicksPerMillisecond, "millis": TicksPerMillisecond,
	"millisec": TicksPerMillisecond, "millisecond": TicksPerMillisecond, "milliseconds": TicksPerMillisecond,
	"micro": TicksPerMicrosecond, "micros": TicksPerMicrosecond, "microsec": TicksPerMicrosecond,
	"microsecond": TicksPerMicrosecond, "microseconds": TicksPerMicrosecond,
	"tick": 1, "ticks": 1,
}

// ParseTimeSpan parses a timespan: a number with a unit (1d, 2h, 30m, 10s,
// 100ms, 10microsecond, 1tick, 1.5h, -1d), the clock form
// [-][d.]hh:mm[:ss[.fffffff]] (1.02:03:04.5, 00:30:00), or a bare number,
// which means days (time(2) is 2.00:00:00).
func ParseTimeSpan(s string) (int64, bool) {
	s = unquote(strings.TrimSpace(s))
	if s == "" {
		return 0, false
	}
	neg := false
	body := s
	if body[0] == '-' || body[0] == '+' {
		neg = body[0] == '-'
		body = strings.TrimSpace(body[1:])
	}
	var ticks int64
	var ok bool
	if strings.IndexByte(body, ':') >= 0 {
		ticks, ok = parseClockSpan(body)
	} else {
		ticks, ok = parseUnitSpan(body)
	}
	if !ok {
		return 0, false
	}
	if neg {
		ticks = -ticks
	}
	return ticks, true
}

func parseUnitSpan(s string) (int64, bool) {
	i := 0
	for i < len(s) && (isDigit(s[i]) || s[i] == '.') {
		i++
	}
	if i == 0 {
		return 0, false
	}
	num, unit := s[:i], strings.ToLower(strings.TrimSpace(s[i:]))
	per := TicksPerDay
	if unit != "" {
		var ok bool
		if per, ok = timeSpanUnits[unit]; !ok {
			return 0, false
		}
	}
	if strings.IndexByte(num, '.') < 0 {
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil || (per > 1 && n > math.MaxInt64/per) {
			return 0, false
		}
		return n * per, true
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f*float64(per) > math.MaxInt64 {
		return 0, false
	}
	return int64(math.Round(f * float64(per))), true
}

// parseClockSpan parses [d.]hh:mm[:ss[.fffffff]].
func parseClockSpan(s string) (int64, bool) {
	var days int64
	colon := strings.IndexByte(s, ':')
	if dot := strings.IndexByte(s[:colon], '.'); dot >= 0 {
		d, err := strconv.ParseInt(s[:dot], 10, 64)
		if err != nil || d < 0 {
			return 0, false
		}
		days = d
		s = s[dot+1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	h, err1 := strconv.ParseInt(parts[0], 10, 64)
	m, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || len(parts[1]) != 2 {
		return 0, false
	}
	var sec, frac int64
	if len(parts) == 3 {
		secPart := parts[2]
		if dot := strings.IndexByte(secPart, '.'); dot >= 0 {
			fs := secPart[dot+1:]
			if fs == "" || len(fs) > 7 {
				return 0, false
			}
			f, err := strconv.ParseInt(fs, 10, 64)
			if err != nil || f < 0 {
				return 0, false
			}
			for n := len(fs); n < 7; n++ {
				f *= 10
			}
			frac = f
			secPart = secPart[:dot]
		}
		var err error
		sec, err = strconv.ParseInt(secPart, 10, 64)
		if err != nil || sec < 0 || sec > 59 || len(secPart) != 2 {
			return 0, false
		}
	}
	if days > math.MaxInt64/TicksPerDay-1 {
		return 0, false
	}
	return days*TicksPerDay + h*TicksPerHour + m*TicksPerMinute + sec*TicksPerSecond + frac, true
}

// ParseGUID parses a guid in the forms xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx,
// the same in braces or parentheses, or 32 hex digits, and returns its
// canonical lower-case dashed form.
func ParseGUID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 38 && ((s[0] == '{' && s[37] == '}') || (s[0] == '(' && s[37] == ')')) {
		s = s[1:37]
	}
	var hex [32]byte
	n := 0
	switch len(s) {
	case 36:
		for i := 0; i < 36; i++ {
			c := s[i]
			if i == 8 || i == 13 || i == 18 || i == 23 {
				if c != '-' {
					return "", false
				}
				continue
			}
			if !isHex(c) {
				return "", false
			}
			hex[n] = lowerASCII(c)
			n++
		}
	case 32:
		for i := 0; i < 32; i++ {
			if !isHex(s[i]) {
				return "", false
			}
			hex[i] = lowerASCII(s[i])
		}
	default:
		// Kusto also accepts 32 hex digits with dashes elsewhere
		// (toguid("0123456789ab-cdef-0123-456789abcdef") in its docs).
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case c == '-':
			case isHex(c) && n < 32:
				hex[n] = lowerASCII(c)
				n++
			default:
				return "", false
			}
		}
		if n != 32 {
			return "", false
		}
	}
	h := string(hex[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], true
}

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
