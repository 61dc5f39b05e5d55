package sentinel

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"PT5M", 5 * time.Minute, true},
		{"PT1H", time.Hour, true},
		{"P1D", 24 * time.Hour, true},
		{"P2DT1H30M", 49*time.Hour + 30*time.Minute, true},
		{"PT0.5S", 500 * time.Millisecond, true},
		{"P14D", 14 * 24 * time.Hour, true},
		{"PT", 0, false},
		{"P", 0, false},
		{"P1DT", 0, false},
		{"P1M", 0, false},
		{"P1W", 0, false},
		{"15m", 0, false},
		{"pt5m", 0, false},
		{"", 0, false},
	} {
		got, err := ParseDuration(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		5 * time.Hour: "PT5H", 24 * time.Hour: "P1D", 26 * time.Hour: "P1DT2H", 90 * time.Minute: "PT1H30M",
		0: "PT0S", 1500 * time.Millisecond: "PT1.5S",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestTriggers(t *testing.T) {
	op, th := "GreaterThan", int32(2)
	r := AlertRule{Kind: KindScheduled, Properties: RuleProperties{TriggerOperator: &op, TriggerThreshold: &th}}
	for count, want := range map[int]bool{2: false, 3: true} {
		if r.Triggers(count) != want {
			t.Errorf("GreaterThan 2 with %d results", count)
		}
	}
	for _, o := range []struct {
		op    string
		count int
		want  bool
	}{{"LessThan", 1, true}, {"Equal", 2, true}, {"NotEqual", 2, false}} {
		op := o.op
		r.Properties.TriggerOperator = &op
		if r.Triggers(o.count) != o.want {
			t.Errorf("%s 2 with %d results", o.op, o.count)
		}
	}
	nrt := AlertRule{Kind: KindNRT}
	if nrt.Triggers(0) || !nrt.Triggers(1) || nrt.Frequency() != time.Minute {
		t.Errorf("NRT trigger/frequency")
	}
}
