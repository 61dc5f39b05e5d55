package copilot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/soclab/soclab/simulator/identity"
)

// The attack's facts containment is judged against (scenario alex-johnson).
var (
	attackerRange    = "185.220.101.0/24"
	attackerIP       = "185.220.101.45"
	backdoorUPN      = "svc-backup-admin@contoso.com"
	sessionStolenAt  = time.Date(2025, 1, 15, 8, 32, 5, 0, time.UTC)
	passwordSetByAtk = time.Date(2025, 1, 15, 8, 52, 15, 0, time.UTC)
)

func (s *Service) containment(b *answer, tenantID string, e Entities) error {
	upn := e.UPN
	if upn == "" {
		upn = labUser
	}
	type step struct {
		what, cmd string
		done      bool
	}
	var steps []step
	err := s.id.Read(tenantID, func(d *identity.Directory) error {
		u := d.UserByKey(upn)
		revoked, reset := false, false
		id := upn
		if u != nil {
			id = u.ID
			revoked = u.SignInSessionsValidFromDateTime.After(sessionStolenAt)
			reset = u.LastPasswordChangeDateTime.After(passwordSetByAtk)
		}
		steps = append(steps,
			step{"Revoke " + upn + "'s sign-in sessions (the attacker holds a refresh token)", "az rest --method POST --url https://graph.microsoft.com/v1.0/users/" + id + "/revokeSignInSessions", revoked},
			step{"Block " + attackerRange + " with a Conditional Access named location and a block policy", "az rest --method POST --url https://graph.microsoft.com/v1.0/identity/conditionalAccess/namedLocations --body '{\"@odata.type\":\"#microsoft.graph.ipNamedLocation\",\"displayName\":\"Tor exit range\",\"isTrusted\":false,\"ipRanges\":[{\"@odata.type\":\"#microsoft.graph.iPv4CidrRange\",\"cidrAddress\":\"" + attackerRange + "\"}]}'  # then POST identity/conditionalAccess/policies with grantControls block", blocksRange(d)},
			step{"Reset " + upn + "'s password (the attacker set it at 08:52)", "az rest --method PATCH --url https://graph.microsoft.com/v1.0/users/" + id + " --body '{\"passwordProfile\":{\"forceChangePasswordNextSignIn\":true,\"password\":\"<new>\"}}'", reset},
			step{"Remove the backdoor administrator " + backdoorUPN + " and its Global Administrator role", "az rest --method DELETE --url https://graph.microsoft.com/v1.0/users/" + backdoorUPN, d.Launched && d.UserByKey(backdoorUPN) == nil},
		)
		return nil
	})
	if err != nil {
		return err
	}
	b.line("## Containment and remediation, in priority order")
	for i, st := range steps {
		mark := "**not done yet**"
		if st.done {
			mark = "**already done in this tenant**"
		}
		b.line("%d. %s: %s", i+1, st.what, mark)
		b.line("   `%s`", st.cmd)
	}
	b.line("%d. Then rotate the secrets read from kv-contoso-prod and the storage keys of stcontosoprod, and resolve the incident with its classification.", len(steps)+1)
	b.source("Microsoft Entra ID: users %s and %s (sessions, password), Conditional Access named locations and policies", upn, backdoorUPN)
	return nil
}

// blocksRange reports whether an enabled CA policy blocks sign-ins from a named location that
// holds the attacker's address.
func blocksRange(d *identity.Directory) bool {
	locs := map[string]bool{}
	for _, l := range d.Locations {
		raw, _ := json.Marshal(l["ipRanges"])
		var ranges []struct{ CidrAddress string }
		_ = json.Unmarshal(raw, &ranges)
		for _, r := range ranges {
			if inRange(attackerIP, r.CidrAddress) {
				locs[fmt.Sprint(l["id"])] = true
			}
		}
	}
	for _, p := range d.Policies {
		if fmt.Sprint(p["state"]) != "enabled" {
			continue
		}
		raw, _ := json.Marshal(p)
		var pol struct {
			Conditions struct {
				Locations struct{ IncludeLocations []string }
			}
			GrantControls struct{ BuiltInControls []string }
		}
		_ = json.Unmarshal(raw, &pol)
		if !contains(pol.GrantControls.BuiltInControls, "block") {
			continue
		}
		for _, id := range pol.Conditions.Locations.IncludeLocations {
			if locs[id] {
				return true
			}
		}
	}
	return false
}

// SigninsFromRangeKQL is the NL→KQL template: sign-ins from a range over a lookback.
func SigninsFromRangeKQL(cidr string, days int) string {
	return fmt.Sprintf(`SigninLogs
| where TimeGenerated > ago(%dd)
| where ipv4_is_in_range(IPAddress, %s)
| summarize SignInCount = count(), UniqueUsers = dcount(UserPrincipalName),
    Users = make_set(UserPrincipalName, 20),
    SuccessCount = countif(ResultType == "0"), FailureCount = countif(ResultType != "0"),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by IPAddress
| sort by SignInCount desc`, days, kqlString(cidr))
}

func (s *Service) nlToKQL(ctx context.Context, b *answer, tenantID string, e Entities) error {
	cidr := e.CIDR
	if cidr == "" && e.IP != "" {
		cidr = e.IP + "/32"
	}
	if cidr == "" {
		b.clarify = true
		b.line("I can write KQL for sign-ins from an IP range here. Which range? Give it as a CIDR (for example 185.220.101.0/24).")
		return nil
	}
	days := e.Days
	if days <= 0 || days > 90 {
		days = 30 // the workspace's interactive retention in the lab; longer asks are capped
	}
	q := SigninsFromRangeKQL(cidr, days)
	b.query = q
	b.line("This query finds sign-ins to any account from %s over the last %d days, per address, with the accounts tried and how many failed (password spraying shows many users and failures):", cidr, days)
	b.line("")
	b.line("```kusto\n%s\n```", q)
	rows, err := s.runWorkspace(ctx, tenantID, q)
	b.line("")
	if err != nil {
		b.line("I could not run it on %s: %v", LabWorkspace, err)
		b.source("Microsoft Sentinel workspace %s (not available)", LabWorkspace)
		return nil
	}
	b.line("On %s it returns %d address(es) now:", LabWorkspace, len(rows))
	for _, r := range rows {
		b.line("- %v: %v sign-ins, %v failed, users %v", r["IPAddress"], r["SignInCount"], r["FailureCount"], r["Users"])
	}
	b.source("Query run on workspace %s (SigninLogs), %d rows", LabWorkspace, len(rows))
	return nil
}
