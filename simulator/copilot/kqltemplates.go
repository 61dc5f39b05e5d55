package copilot

import (
	"fmt"
	"strings"
)

// KQLParams are what a natural-language ask gives a KQL template: a range (CIDR, an IP as /32),
// a user and the lookback in days.
type KQLParams struct {
	CIDR, UPN string
	Days      int
}

// KQLTemplate is one kind of query Copilot writes from a natural-language ask.
type KQLTemplate struct {
	// ID names the template (tests, diagnostics).
	ID string
	// Topic is what it finds, for the answer and the question back.
	Topic string
	// Hunting: the query runs in Defender XDR advanced hunting, not on the Sentinel workspace.
	Hunting bool
	// Needs says which parameter is required: "range", "user", "range or user", "" none.
	Needs string
	cues  []cue
	// Build writes the query; Explain says in a sentence what it does.
	Build   func(p KQLParams) string
	Explain func(p KQLParams) string
}

// KQLTemplates are the NL → KQL templates, in tie-break order.
var KQLTemplates = []KQLTemplate{
	{ID: "signins-range", Topic: "sign-ins from an IP range", Needs: "range",
		cues:  join(cues(3, "sign in", "sign ins", "signin*", "log in", "login*", "logon*"), cues(1, "authenticat*", "accounts", "ip", "range", "cidr")),
		Build: SigninsFromRangeKQL,
		Explain: func(p KQLParams) string {
			return fmt.Sprintf("This query finds sign-ins to any account from %s over the last %d days, per address, with the accounts tried and how many failed (password spraying shows many users and failures)", p.CIDR, p.Days)
		}},
	{ID: "signins-user", Topic: "a user's sign-ins by address and location", Needs: "user",
		cues: join(cues(3, "sign in", "sign ins", "signin*", "log in", "login*", "logon*"), cues(1, "where", "locations", "history")),
		Build: func(p KQLParams) string {
			return fmt.Sprintf(`SigninLogs
| where TimeGenerated > ago(%dd)
| where UserPrincipalName =~ %s
| extend Country = tostring(LocationDetails.countryOrRegion), City = tostring(LocationDetails.city)
| summarize SignIns = count(), Failures = countif(ResultType != "0"), HighRisk = countif(RiskLevelDuringSignIn == "high"),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by IPAddress, Country, City
| sort by LastSeen desc`, p.Days, kqlString(p.UPN))
		},
		Explain: func(p KQLParams) string {
			return fmt.Sprintf("This query lists %s's sign-ins over the last %d days per address and location, with failures and high-risk sign-ins", p.UPN, p.Days)
		}},
	{ID: "password-spray", Topic: "password spraying (one address failing against many accounts)",
		cues: join(cues(4, "spray*", "brute force", "bruteforce", "password guess*"), cues(4, "failed sign", "failed signin*", "failed login*", "failed logon*"), cues(1, "failures", "failed")),
		Build: func(p KQLParams) string {
			scope := ""
			if p.CIDR != "" {
				scope = fmt.Sprintf("\n| where ipv4_is_in_range(IPAddress, %s)", kqlString(p.CIDR))
			}
			return fmt.Sprintf(`SigninLogs
| where TimeGenerated > ago(%dd)
| where ResultType == "50126"%s
| summarize Attempts = count(), TargetedAccounts = dcount(UserPrincipalName), Accounts = make_set(UserPrincipalName, 20),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by IPAddress
| where TargetedAccounts >= 3
| sort by TargetedAccounts desc, Attempts desc`, p.Days, scope)
		},
		Explain: func(p KQLParams) string {
			return fmt.Sprintf("This query finds addresses whose sign-ins failed with a wrong password (50126) against three or more accounts over the last %d days: the shape of a password spray", p.Days)
		}},
	{ID: "keyvault-secrets", Topic: "Key Vault secrets read (SecretGet, SecretList)",
		cues: join(cues(4, "key vault", "keyvault", "vault*"), cues(3, "secret*"), cues(1, "credential*", "read")),
		Build: func(p KQLParams) string {
			scope := userOrRange(p, "identity_claim_http_schemas_xmlsoap_org_ws_2005_05_identity_claims_upn_s", "CallerIPAddress")
			return fmt.Sprintf(`AzureDiagnostics
| where TimeGenerated > ago(%dd)
| where ResourceProvider == "MICROSOFT.KEYVAULT" and OperationName in ("SecretGet", "SecretList")%s
| extend Caller = identity_claim_http_schemas_xmlsoap_org_ws_2005_05_identity_claims_upn_s, Secret = extract("/secrets/([^/?]+)", 1, id_s)
| summarize Operations = count(), Secrets = make_set_if(Secret, Secret != "", 20), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by Vault = tolower(Resource), Caller, CallerIPAddress
| sort by Operations desc`, p.Days, scope)
		},
		Explain: func(p KQLParams) string {
			return fmt.Sprintf("This query lists who read or listed Key Vault secrets over the last %d days%s, per vault, caller and address, with the secrets' names", p.Days, scopeWords(p))
		}},
	{ID: "blob-downloads", Topic: "blobs downloaded from storage (GetBlob)",
		cues: join(cues(4, "blob*", "download*", "exfiltrat*"), cues(3, "storage"), cues(1, "files", "data")),
		Build: func(p KQLParams) string {
			pre, scope := "", ""
			switch {
			case p.UPN != "":
				// Account-key downloads carry no user: the addresses of the user's risky sign-ins name them.
				pre = fmt.Sprintf("let ips = SigninLogs | where UserPrincipalName =~ %s and RiskLevelDuringSignIn == \"high\" | distinct IPAddress;\n", kqlString(p.UPN))
				scope = fmt.Sprintf("\n| where RequesterUpn =~ %s or Ip in (ips)", kqlString(p.UPN))
			case p.CIDR != "":
				scope = fmt.Sprintf("\n| where ipv4_is_in_range(Ip, %s)", kqlString(p.CIDR))
			}
			return fmt.Sprintf(`%sStorageBlobLogs
| where TimeGenerated > ago(%dd)
| where OperationName == "GetBlob"
| extend Ip = tostring(split(CallerIpAddress, ":")[0]), Container = tostring(split(ObjectKey, "/")[2])%s
| summarize Downloads = count(), Blobs = make_set(tostring(split(ObjectKey, "/")[3]), 20), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by AccountName, Container, Ip, AuthenticationType
| sort by Downloads desc`, pre, p.Days, scope)
		},
		Explain: func(p KQLParams) string {
			return fmt.Sprintf("This query lists blob downloads over the last %d days%s, per storage account, container, address and authentication type (AccountKey means a storage key was used)", p.Days, scopeWords(p))
		}},
	{ID: "azure-activity", Topic: "Azure control-plane operations per resource group (listKeys and other credential reads)",
		cues: join(cues(4, "list keys", "listkeys", "control plane", "azure activity", "activity log", "resource group*", "lateral*"), cues(2, "arm", "management", "subscription", "sweep*"), cues(1, "operations", "azure")),
		Build: func(p KQLParams) string {
			scope := userOrRange(p, "Caller", "CallerIpAddress")
			if scope == "" {
				scope = "\n| where OperationNameValue has_any (\"LISTKEYS\", \"LISTCLUSTERUSERCREDENTIAL\", \"CONFIG/LIST\", \"BEGINGETACCESS\", \"RUNCOMMAND\", \"ROLEASSIGNMENTS/WRITE\", \"ACCESSPOLICIES/WRITE\")"
			}
			return fmt.Sprintf(`AzureActivity
| where TimeGenerated > ago(%dd)
| where ActivityStatusValue == "Success"%s
| summarize Operations = count(), ListKeys = countif(OperationNameValue has "listKeys"), Kinds = make_set(OperationNameValue, 10),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by ResourceGroup = tolower(ResourceGroup), Caller
| sort by FirstSeen asc`, p.Days, scope)
		},
		Explain: func(p KQLParams) string {
			if p.UPN == "" && p.CIDR == "" {
				return fmt.Sprintf("This query lists successful credential-reading and permission-changing Azure operations (listKeys, config lists, role assignments...) over the last %d days, per resource group and caller", p.Days)
			}
			return fmt.Sprintf("This query lists the successful Azure control-plane operations over the last %d days%s, per resource group, with the listKeys calls counted", p.Days, scopeWords(p))
		}},
	{ID: "directory-changes", Topic: "new users and directory role assignments (AuditLogs)",
		cues: join(cues(4, "new user*", "created user*", "create user*", "user creat*", "role assign*", "admin role*", "global admin*", "backdoor", "added to role*", "add member*"), cues(2, "privilege*", "audit*", "persistence", "role*"), cues(1, "directory", "admin*")),
		Build: func(p KQLParams) string {
			scope := ""
			if p.UPN != "" {
				scope = fmt.Sprintf("\n| where Actor =~ %s or Target =~ %s", kqlString(p.UPN), kqlString(p.UPN))
			}
			return fmt.Sprintf(`AuditLogs
| where TimeGenerated > ago(%dd)
| where OperationName in ("Add user", "Add member to role")
| extend Actor = iff(isnotempty(tostring(InitiatedBy.user.userPrincipalName)), tostring(InitiatedBy.user.userPrincipalName), tostring(InitiatedBy.app.displayName)),
    Target = tostring(TargetResources[0].userPrincipalName)%s
| project TimeGenerated, OperationName, Result, Actor, Target
| sort by TimeGenerated asc`, p.Days, scope)
		},
		Explain: func(p KQLParams) string {
			return fmt.Sprintf("This query lists the users created and the directory role assignments made over the last %d days%s, with who made them and whether they succeeded", p.Days, scopeWords(p))
		}},
	{ID: "hunting-signins-range", Topic: "sign-ins from an IP range in advanced hunting", Hunting: true, Needs: "range",
		cues:  join(cues(3, "sign in", "sign ins", "signin*", "log in", "login*", "logon*"), cues(1, "authenticat*", "accounts", "ip", "range", "cidr")),
		Build: HuntingSigninsFromRangeKQL,
		Explain: func(p KQLParams) string {
			return fmt.Sprintf("This advanced hunting query (Defender XDR's AADSignInEventsBeta, Timestamp column) finds sign-ins from %s over the last %d days per address, with the accounts and failures", p.CIDR, p.Days)
		}},
	{ID: "hunting-password-spray", Topic: "password spraying in advanced hunting", Hunting: true,
		cues: join(cues(4, "spray*", "brute force", "bruteforce", "password guess*"), cues(4, "failed sign", "failed signin*", "failed login*", "failed logon*"), cues(1, "failures", "failed")),
		Build: func(p KQLParams) string {
			scope := ""
			if p.CIDR != "" {
				scope = fmt.Sprintf("\n| where ipv4_is_in_range(IPAddress, %s)", kqlString(p.CIDR))
			}
			return fmt.Sprintf(`AADSignInEventsBeta
| where Timestamp > ago(%dd)
| where ErrorCode == 50126%s
| summarize Attempts = count(), TargetedAccounts = dcount(AccountUpn), Accounts = make_set(AccountUpn, 20),
    FirstSeen = min(Timestamp), LastSeen = max(Timestamp) by IPAddress
| where TargetedAccounts >= 3
| sort by TargetedAccounts desc, Attempts desc`, p.Days, scope)
		},
		Explain: func(p KQLParams) string {
			return fmt.Sprintf("This advanced hunting query (AADSignInEventsBeta) finds addresses whose sign-ins failed with a wrong password (50126) against three or more accounts over the last %d days: the shape of a password spray", p.Days)
		}},
}

// SigninsFromRangeKQL is the template for sign-ins from a range over a lookback (Sentinel).
func SigninsFromRangeKQL(p KQLParams) string {
	return fmt.Sprintf(`SigninLogs
| where TimeGenerated > ago(%dd)
| where ipv4_is_in_range(IPAddress, %s)
| summarize SignInCount = count(), UniqueUsers = dcount(UserPrincipalName),
    Users = make_set(UserPrincipalName, 20),
    SuccessCount = countif(ResultType == "0"), FailureCount = countif(ResultType != "0"),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by IPAddress
| sort by SignInCount desc`, p.Days, kqlString(p.CIDR))
}

// HuntingSigninsFromRangeKQL is the advanced hunting form of SigninsFromRangeKQL.
func HuntingSigninsFromRangeKQL(p KQLParams) string {
	return fmt.Sprintf(`AADSignInEventsBeta
| where Timestamp > ago(%dd)
| where ipv4_is_in_range(IPAddress, %s)
| summarize SignInCount = count(), UniqueUsers = dcount(AccountUpn), Users = make_set(AccountUpn, 20),
    FailureCount = countif(ErrorCode != 0), FirstSeen = min(Timestamp), LastSeen = max(Timestamp) by IPAddress
| sort by SignInCount desc`, p.Days, kqlString(p.CIDR))
}

// userOrRange filters on the user (the UPN column) or the range (the address column); "" none.
func userOrRange(p KQLParams, upnCol, ipCol string) string {
	switch {
	case p.UPN != "":
		return fmt.Sprintf("\n| where %s =~ %s", upnCol, kqlString(p.UPN))
	case p.CIDR != "":
		return fmt.Sprintf("\n| where ipv4_is_in_range(%s, %s)", ipCol, kqlString(p.CIDR))
	}
	return ""
}

func scopeWords(p KQLParams) string {
	switch {
	case p.UPN != "":
		return " by " + p.UPN
	case p.CIDR != "":
		return " from " + p.CIDR
	}
	return ""
}

// pickKQLTemplate chooses the template a KQL ask is about: the best topic score, the sign-in
// templates told apart by the entity given; ok is false when no topic is named and the
// entities do not decide (ambiguous: ask back).
func pickKQLTemplate(prompt string, e Entities) (KQLTemplate, bool) {
	_, rest := extract(prompt)
	toks := wordRE.FindAllString(strings.ToLower(rest), -1)
	hunting := matchCue(toks, []string{"advanced", "hunting"}) || matchCue(toks, []string{"defender"}) && !matchCue(toks, []string{"sentinel"})
	best, bestScore := -1, 0.0
	twin := map[string]bool{}
	for _, t := range KQLTemplates {
		if t.Hunting {
			twin[strings.TrimPrefix(t.ID, "hunting-")] = true
		}
	}
	for i, t := range KQLTemplates {
		// Advanced hunting asks take the hunting form where there is one; others never do.
		if t.Hunting && !hunting || !t.Hunting && hunting && twin[t.ID] {
			continue
		}
		s := 0.0
		for _, c := range t.cues {
			if matchCue(toks, c.words) {
				s += c.weight
			}
		}
		// Sign-ins: the range template needs a range, the user one a user.
		switch {
		case t.Needs == "range" && e.CIDR == "" && e.IP == "" && e.UPN != "":
			s -= 2
		case t.Needs == "user" && e.UPN == "":
			s -= 2
		}
		if s > bestScore {
			best, bestScore = i, s
		}
	}
	if best >= 0 && bestScore >= 3 {
		return KQLTemplates[best], true
	}
	// No topic named: an address or range alone means its sign-ins.
	if e.CIDR != "" || e.IP != "" {
		for _, t := range KQLTemplates {
			if t.Needs == "range" && t.Hunting == hunting {
				return t, true
			}
		}
	}
	return KQLTemplate{}, false
}
