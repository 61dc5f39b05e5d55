package copilot

import (
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
