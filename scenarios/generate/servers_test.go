package generate_test

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

// TestServersLogLikeWindows: each VM of the estate reports a Heartbeat every minute on the attack
// day; the internet-facing build server gets RDP password guessing (4625, NTLM network logons
// from public addresses outside every network of the tenant); administrators' RDP logons (4624
// type 10) come with their 4672; the domain controller answers DNS lookups.
func TestServersLogLikeWindows(t *testing.T) {
	tel := defaultTelemetry(t)
	s := loadScenario(t)
	hb := table(t, tel, "Heartbeat")
	perServer := map[string]int{}
	day := time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC)
	for _, row := range hb.Rows {
		if at := cell(hb, row, "TimeGenerated").(time.Time); !at.Before(day) && at.Before(day.Add(24*time.Hour)) {
			perServer[str(hb, row, "Computer")]++
		}
	}
	if len(perServer) != 3 {
		t.Fatalf("heartbeats on the attack day from %v, want the 3 VMs", perServer)
	}
	for c, n := range perServer {
		if n != 1440 {
			t.Errorf("%s: %d heartbeats on the attack day, want 1440", c, n)
		}
	}
	se := table(t, tel, "SecurityEvent")
	guesses, rdp, privileges := 0, map[string]bool{}, map[string]bool{}
	for _, row := range se.Rows {
		switch id := cell(se, row, "EventID").(int64); {
		case id == 4625:
			guesses++
			ip := netip.MustParseAddr(str(se, row, "IpAddress"))
			for _, p := range s.Places {
				if netip.MustParsePrefix(p.CIDR).Contains(ip) {
					t.Fatalf("password guess from the tenant's own network %s (%s)", ip, p.ID)
				}
			}
			if !strings.HasPrefix(str(se, row, "Computer"), "vm-dev-build01.") || cell(se, row, "LogonType") != int64(3) ||
				str(se, row, "AuthenticationPackageName") != "NTLM" {
				t.Errorf("4625: %v", row)
			}
		case id == 4624 && cell(se, row, "LogonType") == int64(10):
			rdp[str(se, row, "Computer")+"|"+str(se, row, "TargetUserName")] = true
		case id == 4672:
			privileges[str(se, row, "Computer")+"|"+str(se, row, "SubjectUserName")] = true
		}
	}
	if guesses < 300 {
		t.Errorf("%d RDP password guesses on the exposed server, want hundreds", guesses)
	}
	if len(rdp) == 0 {
		t.Error("no administrator RDP logon")
	}
	for k := range rdp {
		if !privileges[k] {
			t.Errorf("RDP logon %s has no 4672", k)
		}
	}
	dns := table(t, tel, "DnsEvents")
	if len(dns.Rows) < 30*30 || !strings.HasPrefix(str(dns, dns.Rows[0], "Computer"), "vm-dc01.") {
		t.Errorf("%d DNS lookups", len(dns.Rows))
	}
}
