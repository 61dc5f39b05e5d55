package copilot

import "testing"

// heldOut2 is a second held-out set, written in one go before this change's blast-radius cue
// work and never used to tune the cues: many phrasings per intent, typos, extra words,
// entities in odd places. Its score is reported, and guarded against regressions only.
var heldOut2 = []struct {
	prompt string
	want   Intent
}{
	{"summarize 2972395", IntentIncidentSummary},
	{"pls give me a summery of incident 2972395", IntentIncidentSummary},
	{"What's going on with incident #2972395?", IntentIncidentSummary},
	{"walk me thru incident 2972395 step by step", IntentIncidentSummary},
	{"I'm on call, need an overview of Defender incident 2972395 asap", IntentIncidentSummary},
	{"Explain the alerts in incident 2972395 and map them to MITRE", IntentIncidentSummary},
	{"incident 2972395 timeline", IntentIncidentSummary},
	{"tl;dr of incident 2972395?", IntentIncidentSummary},

	{"risk level for alex.johnson@contoso.com?", IntentUserRisk},
	{"Is Alex Johnson's account compromised?", IntentUserRisk},
	{"give me a user profile for alex.johnson@contoso.com with risk detections", IntentUserRisk},
	{"what roles and groups does alex.johnson@contoso.com have", IntentUserRisk},
	{"rsiky user check: alex.johnson@contoso.com", IntentUserRisk},
	{"Tell me about alex.johnson@contoso.com's recent sign-ins and risk", IntentUserRisk},
	{"is alex.johnson@contoso.com privileged?", IntentUserRisk},

	{"who owns 185.220.101.45", IntentIPEnrichment},
	{"reputaton of 185.220.101.45?", IntentIPEnrichment},
	{"Is 185.220.101.0/24 a TOR range?", IntentIPEnrichment},
	{"check 185.220.101.45 against threat intel", IntentIPEnrichment},
	{"what do we know about the IP 185.220.101.45", IntentIPEnrichment},
	{"enrichment for 185.220.101.45 please", IntentIPEnrichment},
	{"lookup ip 185.220.101.67", IntentIPEnrichment},

	{"show my incidents", IntentListIncidents},
	{"list all incidents in Defender XDR", IntentListIncidents},
	{"what are my recent incidents", IntentListIncidents},
	{"Which incidents are open right now?", IntentListIncidents},
	{"lsit my incidents", IntentListIncidents},
	{"any active incidents?", IntentListIncidents},

	{"how do I contain alex.johnson@contoso.com", IntentContainment},
	{"what are the next steps to remediate this attack", IntentContainment},
	{"Recommend containment actions in order of priority", IntentContainment},
	{"how should we respond to this compromise", IntentContainment},
	{"conatinment plan please", IntentContainment},
	{"mitigation steps for the compromised account", IntentContainment},
	{"how do I lock out the attacker", IntentContainment},

	{"write a KQL query for failed sign-ins", IntentKQL},
	{"Give me a Kusto query that lists Key Vault secret reads", IntentKQL},
	{"can you generate kql for blob downloads from stcontosoprod", IntentKQL},
	{"translate to KQL: sign-ins from 185.220.101.0/24 last 7 days", IntentKQL},
	{"hunting query for password spray", IntentKQL},
	{"kql qurey for new admin accounts", IntentKQL},
	{"advanced hunting: logons from 185.220.101.0/24", IntentKQL},

	{"what's the blast radius of alex.johnson@contoso.com", IntentBlastRadius},
	{"What could alex.johnson@contoso.com reach with their roles?", IntentBlastRadius},
	{"estimate the impact of the alex.johnson@contoso.com compromise", IntentBlastRadius},
	{"which resources did alex.johnson@contoso.com touch", IntentBlastRadius},
	{"blast raduis for Alex Johnson", IntentBlastRadius},
	{"how much exposure do we have from alex.johnson@contoso.com", IntentBlastRadius},
	{"which secrets and storage accounts were accessed by alex.johnson@contoso.com", IntentBlastRadius},

	{"what's the weather like", IntentUnknown},
	{"tell me a joke", IntentUnknown},
	{"book a meeting room for 3pm", IntentUnknown},
	{"translate hello into french", IntentUnknown},
	{"who won the game last night", IntentUnknown},
}

// TestUnderstandHeldOut2 reports the second held-out set's score; it fails below the score it
// had when written (53/54: "who won the game last night" reads as blast radius, "last" being one typo from "blast"; left untuned), so later cue changes cannot make it worse unnoticed.
func TestUnderstandHeldOut2(t *testing.T) {
	right := 0
	for _, c := range heldOut2 {
		if got := Understand(c.prompt); got.Intent == c.want {
			right++
		} else {
			t.Logf("held out 2: Understand(%q) = %s, want %s (scores %v)", c.prompt, got.Intent, c.want, got.Scores)
		}
	}
	t.Logf("held out 2: %d/%d right", right, len(heldOut2))
	if right < 53 {
		t.Errorf("held out 2: %d/%d right, below 53", right, len(heldOut2))
	}
}
