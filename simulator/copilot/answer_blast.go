package copilot

import (
	"context"
	"fmt"
	"strings"
)

// blastQueries are what the telemetry shows a user (and the addresses of their risky sign-ins)
// touched, over the lab workspace; %[1]s is the UPN as a KQL string.
var blastQueries = []struct{ title, query string }{
	{"Key Vault secrets read", `AzureDiagnostics
| where ResourceProvider == "MICROSOFT.KEYVAULT" and OperationName in ("SecretGet", "SecretList")
| where identity_claim_upn_s =~ %[1]s or identity_claim_http_schemas_xmlsoap_org_ws_2005_05_identity_claims_upn_s =~ %[1]s
| extend Secret = extract("/secrets/([^/?]+)", 1, id_s)
| summarize Operations = count(), Secrets = make_set_if(Secret, Secret != "", 20) by Vault = tolower(Resource)`},
	{"Storage blobs accessed", `let ips = SigninLogs | where UserPrincipalName =~ %[1]s and RiskLevelDuringSignIn == "high" | distinct IPAddress;
StorageBlobLogs
| extend Ip = tostring(split(CallerIpAddress, ":")[0])
| where RequesterUpn =~ %[1]s or Ip in (ips)
| summarize Downloads = countif(OperationName == "GetBlob"), Operations = count(), Containers = make_set(tostring(split(ObjectKey, "/")[2]), 20) by Account = AccountName, AuthenticationType`},
	{"Azure control-plane operations", `AzureActivity
| where Caller =~ %[1]s and ActivityStatusValue == "Success"
| summarize Operations = count(), ListKeys = countif(OperationNameValue has "listKeys"), Kinds = make_set(OperationNameValue, 10) by ResourceGroup = tolower(ResourceGroup)`},
}

func (s *Service) blastRadius(ctx context.Context, b *answer, tenantID string, e Entities) error {
	upn := e.UPN
	if upn == "" {
		b.clarify = true
		b.line("Whose blast radius? Name the account by its user principal name (for example %s).", labUser)
		return nil
	}
	b.line("## Blast radius of %s", upn)
	b.line("")
	b.line("### What the account can reach")
	found := false
	for _, p := range s.logs.Scenario().Cast.People {
		if !strings.EqualFold(p.User, strings.SplitN(upn, "@", 2)[0]) {
			continue
		}
		found = true
		for _, r := range p.AzureRoles {
			b.line("- Azure RBAC: %s on %s", r.Role, r.Scope)
		}
		for _, r := range p.DirectoryRoles {
			b.line("- Entra ID directory role: %s", r)
		}
	}
	if !found {
		b.line("- no Azure or directory role assignments known for this account")
	}
	b.source("Role assignments of %s (the tenant's Azure RBAC and Entra ID directory roles)", upn)
	b.line("")
	b.line("### What the telemetry shows was touched")
	for _, q := range blastQueries {
		rows, err := s.runWorkspace(ctx, tenantID, fmt.Sprintf(q.query, kqlString(upn)))
		if err != nil {
			b.line("- %s: could not be read from %s (%v)", q.title, LabWorkspace, err)
			continue
		}
		b.line("**%s**", q.title)
		if len(rows) == 0 {
			b.line("- none in the workspace")
		}
		for _, r := range rows {
			var cells []string
			for _, k := range sortedKeys(r) {
				cells = append(cells, fmt.Sprintf("%s: %v", k, r[k]))
			}
			b.line("- %s", strings.Join(cells, ", "))
		}
		b.source("%s: query on workspace %s, %d rows", q.title, LabWorkspace, len(rows))
	}
	return nil
}
