package types

import "testing"

// FuzzParseLiterals checks that literal parsing and formatting never
// panic and that a parsed datetime/timespan formats back to text that
// parses to the same ticks.
func FuzzParseLiterals(f *testing.F) {
	for _, s := range []string{"2025-01-15T08:30:00Z", "1.02:03:04.5", "-1d", "10microsecond", `{"a":[1,2.5,"x"]}`,
		"Sat, 8 Nov 14 15:05:02 GMT", "12-02-2022", "{'a':'b'}", "00:00:00.1234567", "9999-12-31T23:59:59.9999999Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ticks, ok := ParseDateTime(s); ok {
			back, ok := ParseDateTime(FormatDateTime(ticks))
			if !ok || back != ticks {
				t.Fatalf("datetime %q -> %s does not round-trip", s, FormatDateTime(ticks))
			}
		}
		if ticks, ok := ParseTimeSpan(s); ok && ticks > -TicksPerDay*10_000_000 && ticks < TicksPerDay*10_000_000 {
			back, ok := ParseTimeSpan(FormatTimeSpan(ticks))
			if !ok || back != ticks {
				t.Fatalf("timespan %q -> %s does not round-trip", s, FormatTimeSpan(ticks))
			}
		}
		if d, err := ParseJSON(s); err == nil {
			if _, err := ParseJSON(DynamicJSON(d)); err != nil {
				t.Fatalf("dynamic %q re-encoded as %s does not parse: %v", s, DynamicJSON(d), err)
			}
		}
		ParseGUID(s)
		for _, ty := range []Type{Long, Int, Real, Bool, DateTime, TimeSpan, GUID, Dynamic, Decimal} {
			FormatText(Convert(NewString(s), ty))
		}
	})
}
