package generate_test

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
)

// tiByValue indexes the latest row of each indicator (arg_max(TimeGenerated) by IndicatorId, as
// the TI rules do) by its observable.
func tiLatest(t *testing.T, tel *generate.Telemetry, before time.Time) map[string][]any {
	t.Helper()
	ti := table(t, tel, "ThreatIntelligenceIndicator")
	latest := map[string][]any{}
	for _, row := range ti.Rows {
		if !cell(ti, row, "TimeGenerated").(time.Time).Before(before) {
			continue
		}
		latest[str(ti, row, "IndicatorId")] = row // rows are in time order
	}
	return latest
}

// TestThreatIntelListsTheAttackersTorExits: every address the attack uses in 185.220.101.0/24 is
// a live Tor exit NetworkIP indicator at the attack (sent within the 14 days TI rules look back),
// and the range is a NetworkCidrBlock indicator.
func TestThreatIntelListsTheAttackersTorExits(t *testing.T) {
	tel := defaultTelemetry(t)
	ti := table(t, tel, "ThreatIntelligenceIndicator")
	attack := time.Date(2025, 1, 15, 8, 30, 0, 0, time.UTC)
	byIP, byRange := map[string][]any{}, map[string][]any{}
	for _, row := range tiLatest(t, tel, attack) {
		if ip := str(ti, row, "NetworkIP"); ip != "" {
			byIP[ip] = row
		}
		if r := str(ti, row, "NetworkCidrBlock"); r != "" {
			byRange[r] = row
		}
	}
	live := func(what string, row []any) {
		t.Helper()
		if row == nil {
			t.Errorf("%s: no indicator", what)
			return
		}
		sent := cell(ti, row, "TimeGenerated").(time.Time)
		if cell(ti, row, "Active") != true || !cell(ti, row, "ExpirationDateTime").(time.Time).After(attack.Add(24*time.Hour)) ||
			attack.Sub(sent) > 14*24*time.Hour || str(ti, row, "ThreatType") != "Proxy" ||
			!strings.Contains(str(ti, row, "Tags"), `"Tor"`) || !strings.Contains(str(ti, row, "Description"), "Tor exit node") ||
			str(ti, row, "Action") != "alert" || str(ti, row, "SourceSystem") == "" || cell(ti, row, "ConfidenceScore").(float64) < 80 {
			t.Errorf("%s: indicator not a live Tor exit at the attack: %v", what, row)
		}
	}
	for _, ip := range []string{"185.220.101.45", "185.220.101.67", "185.220.101.23", "185.220.101.89", "185.220.101.112"} {
		live(ip, byIP[ip])
	}
	live("185.220.101.0/24", byRange["185.220.101.0/24"])
	tor := 0
	for ip := range byIP {
		if strings.HasPrefix(ip, "185.220.101.") {
			tor++
		}
	}
	if tor < 25 {
		t.Errorf("%d Tor exits of the range listed, want the attacker's 5 and 20 more", tor)
	}
}

// TestThreatIntelBackground: the feed is mostly indicators the tenant never meets, of every
// kind; the only ones inside the scenario's networks are the Tor range and two VPN egresses
// that benign travellers really used (the false positives a TI rule raises in a real tenant).
func TestThreatIntelBackground(t *testing.T) {
	tel := defaultTelemetry(t)
	s := loadScenario(t)
	ti := table(t, tel, "ThreatIntelligenceIndicator")
	signins := table(t, tel, "SigninLogs")
	used := map[string]bool{}
	for _, row := range signins.Rows {
		if str(signins, row, "UserPrincipalName") != "alex.johnson@contoso.com" || !strings.HasPrefix(str(signins, row, "IPAddress"), "185.220.") {
			used[str(signins, row, "IPAddress")] = true
		}
	}
	prefixes := map[string]netip.Prefix{}
	for _, p := range s.Places {
		prefixes[p.Kind+":"+p.ID] = netip.MustParsePrefix(p.CIDR)
	}
	kinds, ids, vpnMatches := map[string]int{}, map[string]bool{}, 0
	for _, row := range ti.Rows {
		id := str(ti, row, "IndicatorId")
		if ids[id] {
			continue
		}
		ids[id] = true
		kinds[str(ti, row, "ThreatType")]++
		for _, col := range []string{"NetworkIP", "NetworkSourceIP", "NetworkDestinationIP", "EmailSourceIpAddress"} {
			ip := str(ti, row, col)
			if ip == "" {
				continue
			}
			for name, pr := range prefixes {
				if !pr.Contains(netip.MustParseAddr(ip)) {
					continue
				}
				switch {
				case strings.HasPrefix(name, "attacker:"):
				case strings.HasPrefix(name, "vpn:") && used[ip] && cell(ti, row, "ConfidenceScore").(float64) <= 50:
					vpnMatches++
				default:
					t.Errorf("indicator %s (%s) is inside the scenario's network %s", ip, col, name)
				}
			}
		}
	}
	if vpnMatches != 2 {
		t.Errorf("%d low-confidence VPN indicators that benign sign-ins used, want 2", vpnMatches)
	}
	for _, k := range []string{"Botnet", "C2", "WatchList", "Phishing", "MaliciousUrl", "Malware", "Proxy"} {
		if kinds[k] == 0 {
			t.Errorf("no %s indicator in the background (kinds %v)", k, kinds)
		}
	}
	if len(ids) < 250 {
		t.Errorf("%d indicators, want a background of at least 250", len(ids))
	}
	for _, row := range ti.Rows {
		if actors := str(ti, row, "ActivityGroupNames"); actors != "" && !strings.HasSuffix(actors, "(fictional)") {
			t.Fatalf("activity group %q is not marked fictional", actors)
		}
	}
}
