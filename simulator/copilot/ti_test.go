package copilot

import "testing"

func TestFictional(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Copper Lantern (fictional)", "Copper Lantern (fictional)"},
		{"Copper Lantern (fictional), Storm-0001", "Copper Lantern (fictional), Storm-0001 (fictional)"},
		{"", ""},
		{"<nil>", "<nil> (fictional)"},
	} {
		if got := fictional(c.in); got != c.want {
			t.Errorf("fictional(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTIVerdict(t *testing.T) {
	rangeRow := map[string]any{"Live": true, "ConfidenceScore": 91.0, "NetworkCidrBlock": "185.220.101.0/24"}
	ipRow := map[string]any{"Live": true, "ConfidenceScore": 89.0, "NetworkIP": "185.220.101.45"}
	vpn := map[string]any{"Live": true, "ConfidenceScore": 40.0, "NetworkIP": "185.156.46.234"}
	old := map[string]any{"Live": false, "ConfidenceScore": 95.0, "NetworkIP": "1.2.3.4"}
	for _, c := range []struct {
		name, target string
		rows         []map[string]any
		verdict      string
		best         map[string]any
	}{
		{"the address's own indicator is described, not the range's", "185.220.101.45", []map[string]any{rangeRow, ipRow}, "malicious", ipRow},
		{"a range: the most confident", "185.220.101.0/24", []map[string]any{ipRow, rangeRow}, "malicious", rangeRow},
		{"low confidence", "185.156.46.234", []map[string]any{vpn}, "suspicious", vpn},
		{"revoked or expired only", "1.2.3.4", []map[string]any{old}, "previously listed (no live indicator)", old},
		{"nothing", "8.8.8.8", nil, "unknown", nil},
	} {
		v, best := tiVerdict(c.rows, c.target)
		if v != c.verdict || tiValue(best) != tiValue(c.best) {
			t.Errorf("%s: %s %v, want %s %v", c.name, v, best, c.verdict, c.best)
		}
	}
}
