package control

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var isoDuration = regexp.MustCompile(`^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)

// maxDurationDays is the longest clock step a time.Duration can hold, in whole days.
const maxDurationDays = math.MaxInt64 / int64(24*time.Hour)

// ParseDuration reads a clock step: a Go duration ("90m", "1h30m", "45s"), a number of days
// ("2d", "1d6h"), or an ISO 8601 duration as Azure writes them ("PT1H", "P1DT2H"). A step
// too long to represent (over ~292 years) is refused rather than wrapped around.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("the duration is empty: use e.g. 90m, 1h30m, 2d or PT1H")
	}
	tooLong := fmt.Errorf("the duration %q is too long: a clock step is at most %d days", s, maxDurationDays)
	if m := isoDuration.FindStringSubmatch(strings.ToUpper(s)); m != nil && s != "P" && !strings.HasSuffix(strings.ToUpper(s), "T") {
		var d time.Duration
		for i, unit := range []time.Duration{24 * time.Hour, time.Hour, time.Minute} {
			if m[i+1] == "" {
				continue
			}
			n, err := strconv.ParseInt(m[i+1], 10, 64)
			if err != nil || !addUnits(&d, n, unit) {
				return 0, tooLong
			}
		}
		if m[4] != "" {
			f, err := strconv.ParseFloat(m[4], 64)
			if err != nil || f*float64(time.Second) >= float64(math.MaxInt64-d) {
				return 0, tooLong
			}
			d += time.Duration(f * float64(time.Second))
		}
		return d, nil
	}
	var days time.Duration
	if i := strings.Index(s, "d"); i > 0 {
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil && errors.Is(err, strconv.ErrRange) {
			return 0, tooLong
		}
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: use e.g. 90m, 1h30m, 2d or PT1H", s)
		}
		if n < 0 { // the caller says the clock only moves forward
			return -time.Duration(min(-n, maxDurationDays)) * 24 * time.Hour, nil
		}
		if !addUnits(&days, n, 24*time.Hour) {
			return 0, tooLong
		}
		s = s[i+1:]
		if s == "" {
			return days, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil && overflows(s) {
		return 0, tooLong
	}
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: use e.g. 90m, 1h30m, 2d or PT1H", s)
	}
	if d > 0 && days > math.MaxInt64-d {
		return 0, tooLong
	}
	return days + d, nil
}

// addUnits adds n units to d, false when the sum does not fit a time.Duration.
func addUnits(d *time.Duration, n int64, unit time.Duration) bool {
	if n < 0 || n > (math.MaxInt64-int64(*d))/int64(unit) {
		return false
	}
	*d += time.Duration(n) * unit
	return true
}

var goDuration = regexp.MustCompile(`^(?:(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h))+$`)
var goUnit = regexp.MustCompile(`(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)`)

// overflows tells a well-formed Go duration that time.ParseDuration refused for its size
// ("9999999999h").
func overflows(s string) bool {
	if !goDuration.MatchString(s) {
		return false
	}
	units := map[string]float64{"ns": 1, "us": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9}
	total := 0.0
	for _, m := range goUnit.FindAllStringSubmatch(s, -1) {
		f, _ := strconv.ParseFloat(m[1], 64)
		total += f * units[m[2]]
	}
	return total >= math.MaxInt64
}

// ParseTime reads a clock time: RFC 3339 ("2025-01-15T08:30:00Z", offsets allowed), or a
// date and time without zone ("2025-01-15T08:30:00", "2025-01-15 08:30"), taken as UTC.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid time %q: use RFC 3339, e.g. 2025-01-15T08:30:00Z", s)
}
