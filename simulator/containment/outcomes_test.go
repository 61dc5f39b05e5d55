package containment_test

import (
	"slices"
	"strings"
	"testing"
)

// The standing Conditional Access policies of the generated tenant (ids are the default
// tenant's) with the MFA policy's result, as the generated sign-ins list them.
func standing(result string) string {
	return `[{"displayName":"Require MFA for all users","enforcedGrantControls":["Mfa"],"enforcedSessionControls":[],"id":"0e3efc64-ace3-5334-8432-cb83f9686e79","result":"` + result +
		`"},{"displayName":"Require compliant device for Azure management","enforcedGrantControls":["RequireCompliantDevice"],"enforcedSessionControls":[],"id":"fa84d839-2359-5394-8178-cdda862d7c15","result":"reportOnlyNotApplied"}]`
}

func blockPolicyJSON(result string) string {
	return `[{"displayName":"Block attacker locations","enforcedGrantControls":["Block"],"enforcedSessionControls":[],"id":"0b5e4b1c-6a7e-4f1d-9c4e-2f0c7a1d3e55","result":"` + result + `"}]`
}

const (
	reason53003 = "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance."
	reason50057 = "The user account is disabled."
	reason50126 = "Error validating credentials due to invalid username or password."
	reason50173 = "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password."
)

// signInLine is one row of signInQuery.
func signInLine(at, result, reason, caStatus, status, policies, authReq string) string {
	return strings.Join([]string{"2025-01-15T" + at + "Z", "alex.johnson@contoso.com", "185.220.101.45", "Azure Portal", result, reason,
		caStatus, status, policies, "high", authReq}, "\t")
}

const signInQuery = ` | where TimeGenerated > datetime(2025-01-15T13:00:00Z) and IPAddress == '185.220.101.45'
	| project TimeGenerated, UserPrincipalName, IPAddress, AppDisplayName, ResultType, ResultDescription, ConditionalAccessStatus,
	  tostring(Status), tostring(ConditionalAccessPolicies), RiskLevelDuringSignIn, AuthenticationRequirement`

var (
	sessionOK  = signInLine("13:40:00", "0", "", "success", `{"errorCode":0}`, standing("success"), "singleFactorAuthentication")
	passwordOK = signInLine("13:42:30", "0", "", "success", `{"additionalDetails":"MFA completed in Azure AD","errorCode":0}`, standing("success"), "multiFactorAuthentication")
	followUp   = []string{"2025-01-15T13:45:10Z\tSecretList", "2025-01-15T13:45:40Z\tSecretGet", "2025-01-15T13:47:00Z\tListBlobs"}
)

// TestOutcomes plays the return against each containment a learner may have done at 11:00 and
// checks the exact sign-in rows, the spray, and whether the follow-up happened.
func TestOutcomes(t *testing.T) {
	block := func(cidr string) containmentDone {
		return containmentDone{Blocked: []string{cidr}, BlockAt: clockAt(t, "11:00")}
	}
	cases := []struct {
		name              string
		done              containmentDone
		session, password string
		// defender is the AADSignInEventsBeta and IdentityLogonEvents rows of the two attempts.
		defender []string
		followUp bool
	}{
		{"no containment", containmentDone{}, sessionOK, passwordOK,
			[]string{"2025-01-15T13:40:00Z\t[\"nonInteractiveUser\"]\t0\t0", "2025-01-15T13:42:30Z\t[\"interactiveUser\"]\t0\t0",
				"2025-01-15T13:42:30Z\tLogonSuccess\t"}, true},
		{"sessions revoked", containmentDone{RevokedAt: clockAt(t, "11:00")},
			signInLine("13:40:00", "50173", reason50173, "notApplied", `{"errorCode":50173,"failureReason":"`+reason50173+`"}`, standing("notApplied"), "singleFactorAuthentication"),
			passwordOK,
			[]string{"2025-01-15T13:40:00Z\t[\"nonInteractiveUser\"]\t50173\t2", "2025-01-15T13:42:30Z\t[\"interactiveUser\"]\t0\t0",
				"2025-01-15T13:42:30Z\tLogonSuccess\t"}, true},
		{"CA block on the attacker's range", block("185.220.101.0/24"),
			signInLine("13:40:00", "53003", reason53003, "failure", `{"errorCode":53003,"failureReason":"`+reason53003+`"}`, blockPolicyJSON("failure"), "singleFactorAuthentication"),
			signInLine("13:42:30", "53003", reason53003, "failure", `{"errorCode":53003,"failureReason":"`+reason53003+`"}`, blockPolicyJSON("failure"), "singleFactorAuthentication"),
			[]string{"2025-01-15T13:40:00Z\t[\"nonInteractiveUser\"]\t53003\t1", "2025-01-15T13:42:30Z\t[\"interactiveUser\"]\t53003\t1",
				"2025-01-15T13:42:30Z\tLogonFailed\t" + reason53003}, false},
		{"CA block on 185.0.0.0/24 (does not contain 185.220.101.x)", block("185.0.0.0/24"),
			signInLine("13:40:00", "0", "", "success", `{"errorCode":0}`, blockPolicyJSON("notApplied"), "singleFactorAuthentication"),
			signInLine("13:42:30", "0", "", "success", `{"additionalDetails":"MFA completed in Azure AD","errorCode":0}`, blockPolicyJSON("notApplied"), "multiFactorAuthentication"),
			[]string{"2025-01-15T13:40:00Z\t[\"nonInteractiveUser\"]\t0\t0", "2025-01-15T13:42:30Z\t[\"interactiveUser\"]\t0\t0",
				"2025-01-15T13:42:30Z\tLogonSuccess\t"}, true},
		{"account disabled", containmentDone{DisabledAt: clockAt(t, "11:00")},
			signInLine("13:40:00", "50057", reason50057, "notApplied", `{"errorCode":50057,"failureReason":"`+reason50057+`"}`, standing("notApplied"), "singleFactorAuthentication"),
			signInLine("13:42:30", "50057", reason50057, "notApplied", `{"errorCode":50057,"failureReason":"`+reason50057+`"}`, standing("notApplied"), "singleFactorAuthentication"),
			[]string{"2025-01-15T13:40:00Z\t[\"nonInteractiveUser\"]\t50057\t2", "2025-01-15T13:42:30Z\t[\"interactiveUser\"]\t50057\t2",
				"2025-01-15T13:42:30Z\tLogonFailed\t" + reason50057}, false},
		{"password reset", containmentDone{ResetAt: clockAt(t, "11:00")},
			signInLine("13:40:00", "50173", reason50173, "notApplied", `{"errorCode":50173,"failureReason":"`+reason50173+`"}`, standing("notApplied"), "singleFactorAuthentication"),
			signInLine("13:42:30", "50126", reason50126, "notApplied", `{"errorCode":50126,"failureReason":"`+reason50126+`"}`, standing("notApplied"), "singleFactorAuthentication"),
			[]string{"2025-01-15T13:40:00Z\t[\"nonInteractiveUser\"]\t50173\t2", "2025-01-15T13:42:30Z\t[\"interactiveUser\"]\t50126\t2",
				"2025-01-15T13:42:30Z\tLogonFailed\t" + reason50126}, false},
		// Containment after the return is too late: the verdict is the directory as of each attempt.
		{"everything done at 14:00, after the return", containmentDone{RevokedAt: clockAt(t, "14:00"), DisabledAt: clockAt(t, "14:00"),
			Blocked: []string{"185.220.101.0/24"}, BlockAt: clockAt(t, "14:00")},
			signInLine("13:40:00", "0", "", "success", `{"errorCode":0}`, standing("success"), "singleFactorAuthentication"),
			signInLine("13:42:30", "0", "", "success", `{"additionalDetails":"MFA completed in Azure AD","errorCode":0}`, standing("success"), "multiFactorAuthentication"),
			[]string{"2025-01-15T13:40:00Z\t[\"nonInteractiveUser\"]\t0\t0", "2025-01-15T13:42:30Z\t[\"interactiveUser\"]\t0\t0",
				"2025-01-15T13:42:30Z\tLogonSuccess\t"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			f.launch(f.tenant)
			if err := writeContainment(f.world, f.tenant.ID, c.done); err != nil {
				t.Fatal(err)
			}
			f.advanceTo(f.tenant, "14:10")
			check := func(what string, got, want []string) {
				t.Helper()
				if !slices.Equal(got, want) {
					t.Errorf("%s:\ngot  %q\nwant %q", what, got, want)
				}
			}
			check("SigninLogs", f.query(f.tenant, f.wsID, "SigninLogs"+signInQuery), []string{c.password})
			check("AADNonInteractiveUserSignInLogs", f.query(f.tenant, f.wsID, "AADNonInteractiveUserSignInLogs"+signInQuery), []string{c.session})
			check("spray", f.query(f.tenant, f.wsID, `SigninLogs | where TimeGenerated > datetime(2025-01-15T13:00:00Z) and IPAddress in ('185.220.101.23', '185.220.101.89')
				| summarize n = count(), users = dcount(UserPrincipalName), firstAt = min(TimeGenerated), lastAt = max(TimeGenerated) by ResultType, ConditionalAccessStatus, AppDisplayName`),
				[]string{"50126\tnotApplied\tOfficeHome\t10\t5\t2025-01-15T13:50:00Z\t2025-01-15T13:53:00Z"})
			defender := f.hunt(f.tenant, `AADSignInEventsBeta | where Timestamp > datetime(2025-01-15T13:00:00Z) and IPAddress == '185.220.101.45'
				| project Timestamp, LogonType, ErrorCode, ConditionalAccessStatus`)
			defender = append(defender, f.hunt(f.tenant, `IdentityLogonEvents | where Timestamp > datetime(2025-01-15T13:00:00Z) and IPAddress == '185.220.101.45'
				| project Timestamp, ActionType, FailureReason`)...)
			check("Defender tables", defender, c.defender)
			var wantFollow []string
			if c.followUp {
				wantFollow = followUp
			}
			got := f.query(f.tenant, f.wsID, `AzureDiagnostics | where TimeGenerated > datetime(2025-01-15T13:00:00Z) and CallerIPAddress == '185.220.101.45' | project TimeGenerated, OperationName`)
			got = append(got, f.query(f.tenant, f.wsID, `StorageBlobLogs | where TimeGenerated > datetime(2025-01-15T13:00:00Z) and CallerIpAddress startswith '185.220.101.45:' | project TimeGenerated, OperationName`)...)
			check("follow-up", got, wantFollow)
			res, err := f.engine.Results(f.tenant.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 13 || res[2].Key != "follow-up" || res[2].Played != c.followUp {
				t.Errorf("results: %+v", res)
			}
		})
	}
}
