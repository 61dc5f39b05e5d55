package control

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var isoDuration = regexp.MustCompile(`^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)

// ParseDuration reads a clock step: a Go duration ("90m", "1h30m", "45s"), a number of days
// ("2d", "1d6h"), or an ISO 8601 duration as Azure writes them ("PT1H", "P1DT2H").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("the duration is empty: use e.g. 90m, 1h30m, 2d or PT1H")
	}
	if m := isoDuration.FindStringSubmatch(strings.ToUpper(s)); m != nil && s != "P" && !strings.HasSuffix(strings.ToUpper(s), "T") {
		var d time.Duration
		for i, unit := range []time.Duration{24 * time.Hour, time.Hour, time.Minute} {
			if m[i+1] != "" {
				n, _ := strconv.Atoi(m[i+1])
				d += time.Duration(n) * unit
			}
		}
		if m[4] != "" {
			f, _ := strconv.ParseFloat(m[4], 64)
			d += time.Duration(f * float64(time.Second))
		}
		return d, nil
	}
	var days time.Duration
	if i := strings.Index(s, "d"); i > 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: use e.g. 90m, 1h30m, 2d or PT1H", s)
		}
		days = time.Duration(n) * 24 * time.Hour
		s = s[i+1:]
		if s == "" {
			return days, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: use e.g. 90m, 1h30m, 2d or PT1H", s)
	}
	return days + d, nil
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
