package sentinel

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// isoDuration matches the ISO 8601 durations Sentinel accepts: days, hours, minutes and
// seconds (PT15M, PT1H, P1D, P2DT1H30M, PT0.5S). Years, months and weeks are refused because
// they have no fixed length.
var isoDuration = regexp.MustCompile(`^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)

// ParseDuration parses an ISO 8601 duration such as "PT15M" or "P1DT2H".
func ParseDuration(s string) (time.Duration, error) {
	m := isoDuration.FindStringSubmatch(s)
	if m == nil || s == "P" || s == "PT" || s[len(s)-1] == 'T' {
		return 0, fmt.Errorf("%q is not an ISO 8601 duration", s)
	}
	var d time.Duration
	for i, unit := range []time.Duration{24 * time.Hour, time.Hour, time.Minute} {
		if m[i+1] == "" {
			continue
		}
		n, err := strconv.ParseInt(m[i+1], 10, 64)
		if err != nil || n > 100000 {
			return 0, fmt.Errorf("%q is out of range", s)
		}
		d += time.Duration(n) * unit
	}
	if m[4] != "" {
		f, err := strconv.ParseFloat(m[4], 64)
		if err != nil || f > 1e7 {
			return 0, fmt.Errorf("%q is out of range", s)
		}
		d += time.Duration(f * float64(time.Second))
	}
	return d, nil
}

// FormatDuration writes d the way Sentinel echoes durations back (PT5H, P1D, P1DT2H).
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "PT0S"
	}
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h := d / time.Hour
	d -= h * time.Hour
	m := d / time.Minute
	d -= m * time.Minute
	s := ""
	if days > 0 {
		s = fmt.Sprintf("P%dD", days)
	} else {
		s = "P"
	}
	if h == 0 && m == 0 && d == 0 {
		return s
	}
	s += "T"
	if h > 0 {
		s += fmt.Sprintf("%dH", h)
	}
	if m > 0 {
		s += fmt.Sprintf("%dM", m)
	}
	if d > 0 {
		s += strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "S"
	}
	return s
}

// durationIn parses the duration at path and checks it lies in [lo, hi].
func durationIn(path, value string, lo, hi time.Duration, what string) (time.Duration, *Error) {
	d, err := ParseDuration(value)
	if err != nil {
		return 0, badRequest("The value '%s' of property '%s' is not a valid ISO 8601 duration (for example PT5M, PT1H, P1D).", value, path)
	}
	if d < lo || d > hi {
		return 0, badRequest("%s must be between %s and %s; '%s' was given in property '%s'.", what, human(lo), human(hi), value, path)
	}
	return d, nil
}

// human words a limit: "5 minutes", "14 days", "24 hours".
func human(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0 && d > 24*time.Hour:
		return plural(int(d/(24*time.Hour)), "day")
	case d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	default:
		return plural(int(d/time.Minute), "minute")
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}
