package copilot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/soclab/soclab/simulator/logs"
)

// tiQuery reads the workspace's ThreatIntelligenceIndicator rows about a target (%[1]s: the
// filter), one row per indicator: its latest send (Sentinel's TI rules take arg_max by
// IndicatorId) with the first and last time a feed sent it.
const tiQuery = `ThreatIntelligenceIndicator
| where %[1]s
| summarize FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated),
    arg_max(TimeGenerated, Active, ExpirationDateTime, ConfidenceScore, ThreatSeverity, ThreatType, Description, Tags, SourceSystem, ActivityGroupNames, NetworkIP, NetworkCidrBlock, DomainName, Url)
    by IndicatorId
| extend Live = Active and ExpirationDateTime > now()
| sort by Live desc, ConfidenceScore desc, IndicatorId asc`

// tiFilter is the KQL filter of indicators about an IP (listed itself or inside a listed
// range), a range (the range itself or addresses inside it) or a domain (its name or a URL on it).
func tiFilter(ip, cidr, domain string) string {
	switch {
	case ip != "":
		q := kqlString(ip)
		return fmt.Sprintf("NetworkIP == %[1]s or (isnotempty(NetworkCidrBlock) and ipv4_is_in_range(%[1]s, NetworkCidrBlock))", q)
	case cidr != "":
		q := kqlString(cidr)
		return fmt.Sprintf("NetworkCidrBlock == %[1]s or (isnotempty(NetworkIP) and ipv4_is_in_range(NetworkIP, %[1]s))", q)
	}
	q := kqlString(domain)
	return fmt.Sprintf("DomainName =~ %[1]s or DomainName endswith %[2]s or Url has %[1]s", q, kqlString("."+domain))
}

// tiVerdict sums up live indicators: malicious at confidence 70+, suspicious below; an address
// only listed in the past is "previously listed". The indicator of the target itself is the
// one described, else the most confident.
func tiVerdict(rows []map[string]any, target string) (verdict string, best map[string]any) {
	for _, r := range rows {
		if r["Live"] != true {
			continue
		}
		exact, bestExact := strings.EqualFold(tiValue(r), target), best != nil && strings.EqualFold(tiValue(best), target)
		if best == nil || exact && !bestExact || exact == bestExact && num(r["ConfidenceScore"]) > num(best["ConfidenceScore"]) {
			best = r
		}
	}
	switch {
	case best != nil && num(best["ConfidenceScore"]) >= 70:
		return "malicious", best
	case best != nil:
		return "suspicious", best
	case len(rows) > 0:
		return "previously listed (no live indicator)", rows[0]
	}
	return "unknown", nil
}

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case int:
		return float64(x)
	}
	f, _ := strconv.ParseFloat(fmt.Sprint(v), 64)
	return f
}

// fictional marks invented activity group names (the lab's feed already ends them so).
func fictional(names string) string {
	var out []string
	for _, n := range strings.Split(names, ",") {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		if !strings.Contains(strings.ToLower(n), "fictional") {
			n += " (fictional)"
		}
		out = append(out, n)
	}
	return strings.Join(out, ", ")
}

// enrich answers threat intelligence about an IP, a range or a domain from the tenant's
// workspace: the ThreatIntelligenceIndicator rows about it, and what the tenant's sign-ins show.
func (s *Service) enrich(ctx context.Context, b *answer, tenantID string, e Entities) error {
	target := e.IP
	if target == "" {
		target = e.CIDR
	}
	if target == "" {
		target = e.Domain
	}
	if target == "" {
		b.clarify = true
		b.line("Which indicator? Give an IP address, a range (CIDR) or a domain (for example 185.220.101.45).")
		return nil
	}
	ip, cidr, domain := e.IP, "", ""
	if ip == "" {
		cidr = e.CIDR
	}
	if ip == "" && cidr == "" {
		domain = e.Domain
	}
	rows, err := s.runWorkspace(ctx, tenantID, fmt.Sprintf(tiQuery, tiFilter(ip, cidr, domain)))
	if errors.Is(err, logs.ErrWorkspaceNotFound) {
		b.refused = true
		b.line("I can't read threat intelligence about %s: the workspace %s, where the tenant's indicators are, is not in this tenant.", target, LabWorkspace)
		b.source("Microsoft Sentinel workspace %s (not found)", LabWorkspace)
		return nil
	}
	if err != nil {
		return fmt.Errorf("threat intelligence: %w", err)
	}
	verdict, best := tiVerdict(rows, target)
	b.line("## Threat intelligence for %s", target)
	if best == nil {
		b.line("**Verdict:** unknown: no indicator about %s in this workspace's threat intelligence (ThreatIntelligenceIndicator).", target)
	} else {
		b.line("**Verdict:** %s · reputation (confidence) %v/100 · severity %v · %v", verdict, best["ConfidenceScore"], best["ThreatSeverity"], best["ThreatType"])
		b.line("")
		b.line("%v", best["Description"])
		if tags := setText(best["Tags"]); tags != "" {
			b.line("Tags: %s. Feed: %v.", tags, best["SourceSystem"])
		}
		if g := fictional(fmt.Sprint(best["ActivityGroupNames"])); g != "" {
			b.line("Related activity groups: %s (invented names of the lab's feed).", g)
		}
		b.line("")
		b.line("| Indicator | Value | Type | Confidence | Live | First seen | Last seen | Expires |")
		b.line("|---|---|---|---|---|---|---|---|")
		for _, r := range rows[:min(len(rows), 12)] {
			b.line("| %v | %s | %v | %v | %v | %s | %s | %s |", r["IndicatorId"], tiValue(r), r["ThreatType"], r["ConfidenceScore"], r["Live"], cell(r["FirstSeen"]), cell(r["LastSeen"]), cell(r["ExpirationDateTime"]))
		}
		if len(rows) > 12 {
			b.line("")
			b.line("(%d more indicators)", len(rows)-12)
		}
	}
	b.source("ThreatIntelligenceIndicator on workspace %s: %d indicators about %s", LabWorkspace, len(rows), target)
	b.line("")
	b.line("### What this tenant's telemetry shows")
	if domain != "" {
		b.line("No table of this workspace records DNS lookups or web traffic, so I can't tell whether anyone here reached %s.", domain)
		return nil
	}
	filter := `IPAddress == ` + kqlString(ip)
	if ip == "" {
		filter = `ipv4_is_in_range(IPAddress, ` + kqlString(cidr) + `)`
	}
	sign, _, err := s.id.Logs(ctx, tenantID, `SigninLogs | where `+filter+`
| summarize SignIns = count(), Failures = countif(ResultType != "0"), Users = make_set(UserPrincipalName, 20), First = min(TimeGenerated), Last = max(TimeGenerated)`)
	if err != nil {
		return err
	}
	if len(sign) == 0 || fmt.Sprint(sign[0]["SignIns"]) == "0" {
		b.line("No sign-ins from %s in this tenant's SigninLogs.", target)
	} else {
		r := sign[0]
		b.line("%v sign-ins (%v failed) from %s to %s by: %s", r["SignIns"], r["Failures"], cell(r["First"]), cell(r["Last"]), setText(r["Users"]))
	}
	b.source("SigninLogs of the tenant where %s", filter)
	return nil
}

// tiValue is an indicator's observable.
func tiValue(r map[string]any) string {
	for _, c := range []string{"NetworkIP", "NetworkCidrBlock", "DomainName", "Url"} {
		if v := fmt.Sprint(r[c]); v != "" && v != "<nil>" {
			return v
		}
	}
	return ""
}
