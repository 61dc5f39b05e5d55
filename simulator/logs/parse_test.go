package logs

import (
	"reflect"
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
)

func TestParseTimespan(t *testing.T) {
	now := time.Date(2025, 1, 15, 10, 5, 0, 0, time.UTC)
	cases := []struct {
		in         string
		start, end string
		err        bool
	}{
		{"PT1H", "2025-01-15T09:05:00Z", "2025-01-15T10:05:00Z", false},
		{"P1D", "2025-01-14T10:05:00Z", "2025-01-15T10:05:00Z", false},
		{"P7DT12H", "2025-01-07T22:05:00Z", "2025-01-15T10:05:00Z", false},
		{"PT30.5S", "2025-01-15T10:04:29.5Z", "2025-01-15T10:05:00Z", false},
		{"2025-01-15T08:00:00Z/2025-01-15T10:00:00Z", "2025-01-15T08:00:00Z", "2025-01-15T10:00:00Z", false},
		{"2025-01-15T08:00:00Z/PT2H", "2025-01-15T08:00:00Z", "2025-01-15T10:00:00Z", false},
		{"PT2H/2025-01-15T10:00:00Z", "2025-01-15T08:00:00Z", "2025-01-15T10:00:00Z", false},
		{"P", "", "", true},
		{"PT", "", "", true},
		{"1h", "", "", true},
		{"2025-01-15T10:00:00Z/2025-01-15T08:00:00Z", "", "", true},
		{"2025-01-15/PT1H", "", "", true},
		// out of range: more than .NET's TimeSpan.MaxValue (10675199 days) is refused, not
		// wrapped around; longer than Go's Duration but within it reaches before any data
		{"P99999999999Y", "", "", true},
		{"P99999999999999999999Y", "", "", true},
		{"P10675200D", "", "", true},
		{"PT1000000000000000000000S", "", "", true},
		{"2025-01-15T08:00:00Z/P99999999999Y", "", "", true},
		{"P99999999999Y/2025-01-15T08:00:00Z", "", "", true},
		{"P300Y", "1732-10-06T10:17:43.145224193Z", "2025-01-15T10:05:00Z", false},
		{"P10675199D", "1732-10-06T10:17:43.145224193Z", "2025-01-15T10:05:00Z", false},
		// 292 years of 365 days
		{"P292Y", "1733-03-27T10:05:00Z", "2025-01-15T10:05:00Z", false},
	}
	for _, c := range cases {
		s, e, err := ParseTimespan(c.in, now)
		if (err != nil) != c.err {
			t.Errorf("%q: err %v", c.in, err)
			continue
		}
		if c.err {
			continue
		}
		if got := [2]string{s.Format(time.RFC3339Nano), e.Format(time.RFC3339Nano)}; got != [2]string{c.start, c.end} {
			t.Errorf("%q: %v, want [%s %s]", c.in, got, c.start, c.end)
		}
	}
}

func TestSourcesOfDiagnosticSettings(t *testing.T) {
	const sub = "/subscriptions/8d2e4f60-1a3b-4c5d-9e7f-a1b2c3d4e5f6"
	kv := sub + "/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.KeyVault/vaults/kv-contoso-prod"
	blob := sub + "/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.Storage/storageAccounts/stcontosoprod/blobServices/default"
	cases := []struct {
		parent string
		cats   []string
		want   []generate.Source
	}{
		{kv, []string{"auditevent"}, []generate.Source{generate.SourceKeyVault}},
		{kv, []string{"alllogs"}, []generate.Source{generate.SourceKeyVault}},
		{kv, []string{"azurepolicyevaluationdetails"}, nil},
		{blob, []string{"storageread"}, []generate.Source{generate.SourceStorage}},
		{sub, []string{"administrative", "security"}, []generate.Source{generate.SourceAzureActivity}},
		{sub, []string{"servicehealth"}, nil},
		{sub + "/resourceGroups/rg-contoso-dev", []string{"administrative"}, nil},
	}
	for _, c := range cases {
		if got := sourcesOf(diagSetting{parent: c.parent, categories: c.cats}); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s %v: %v, want %v", c.parent, c.cats, got, c.want)
		}
	}
}

// FuzzParseDuration: any text gives an error or a non-negative duration, never a wrapped one.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"PT1H", "P1D", "P99999999999Y", "P10675199D", "P10675200D", "PT1.5S", "P1Y2M3W4DT5H6M7.5S", "PT99999999999999999999S", "P"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err == nil && d < 0 {
			t.Fatalf("%q: negative duration %v", s, d)
		}
		if _, _, err := ParseTimespan(s, time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC)); err == nil && d < 0 {
			t.Fatalf("%q: accepted a negative span", s)
		}
	})
}
