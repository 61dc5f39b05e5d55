package copilot

import (
	"testing"

	"github.com/soclab/soclab/simulator/identity"
)

func TestBlocksRange(t *testing.T) {
	loc := func(id, cidr string) map[string]any {
		return map[string]any{"id": id, "ipRanges": []any{map[string]any{"@odata.type": "#microsoft.graph.iPv4CidrRange", "cidrAddress": cidr}}}
	}
	pol := func(state, control string, locs ...any) map[string]any {
		return map[string]any{"state": state, "conditions": map[string]any{"locations": map[string]any{"includeLocations": locs}},
			"grantControls": map[string]any{"builtInControls": []any{control}}}
	}
	cases := []struct {
		name string
		locs []map[string]any
		pols []map[string]any
		want bool
	}{
		{"nothing", nil, nil, false},
		{"block on the range", []map[string]any{loc("l1", "185.220.101.0/24")}, []map[string]any{pol("enabled", "block", "l1")}, true},
		{"block on a wider range", []map[string]any{loc("l1", "185.220.0.0/16")}, []map[string]any{pol("enabled", "block", "l1")}, true},
		{"the lab's wrong 185.0.0.0/24", []map[string]any{loc("l1", "185.0.0.0/24")}, []map[string]any{pol("enabled", "block", "l1")}, false},
		{"report-only", []map[string]any{loc("l1", "185.220.101.0/24")}, []map[string]any{pol("enabledForReportingButNotEnforced", "block", "l1")}, false},
		{"mfa, not block", []map[string]any{loc("l1", "185.220.101.0/24")}, []map[string]any{pol("enabled", "mfa", "l1")}, false},
		{"policy on another location", []map[string]any{loc("l1", "185.220.101.0/24"), loc("l2", "10.0.0.0/8")}, []map[string]any{pol("enabled", "block", "l2")}, false},
	}
	for _, c := range cases {
		if got := blocksRange(&identity.Directory{Locations: c.locs, Policies: c.pols}); got != c.want {
			t.Errorf("%s: blocksRange = %v, want %v", c.name, got, c.want)
		}
	}
}
