package generate_test

import (
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
)

// TestPhishAgreesAcrossTables: the click's URL is the one in alex's message, the click comes
// from alex's home address before the attacker's first sign-in, the laptop that opened the link
// is alex's (the device Entra ID knows, the account alex), the browser reached the kit, and
// the inbox rule is alex's, created from the attacker's address. Every row belongs to the
// initial-access step.
func TestPhishAgreesAcrossTables(t *testing.T) {
	tel := defaultTelemetry(t)
	s := loadScenario(t)
	p := s.Attack.Phish
	c := castOf(t)
	alex, _ := c.User(victim)
	stepOf := func(name string, i int) string { return table(t, tel, name).Meta[i].Step }

	ev := table(t, tel, "EmailEvents")
	msgID, cluster, others := "", any(nil), map[string]string{}
	for i, row := range ev.Rows {
		if str(ev, row, "SenderFromAddress") != p.Sender {
			continue
		}
		if stepOf("EmailEvents", i) != "initial-access" {
			t.Errorf("phish EmailEvents row %d belongs to step %q", i, stepOf("EmailEvents", i))
		}
		if cluster == nil {
			cluster = cell(ev, row, "EmailClusterId")
		} else if cell(ev, row, "EmailClusterId") != cluster {
			t.Errorf("the campaign's copies are in different clusters")
		}
		if str(ev, row, "RecipientEmailAddress") == victim {
			msgID = str(ev, row, "NetworkMessageId")
			if str(ev, row, "DeliveryAction") != "Delivered" || str(ev, row, "Subject") != p.Subject || str(ev, row, "SenderIPv4") != p.SenderIP {
				t.Errorf("alex's phish: %v", row)
			}
		} else {
			others[str(ev, row, "RecipientEmailAddress")] = str(ev, row, "DeliveryAction")
		}
	}
	want := map[string]string{"maria.garcia@contoso.com": "Delivered", "olivia.bennett@contoso.com": "Junked", "lisa.wong@contoso.com": "Blocked",
		"kevin.obrien@contoso.com": "Delivered", "james.lee@contoso.com": "Junked"}
	if msgID == "" || len(others) != len(want) {
		t.Fatalf("phish deliveries: alex %q, others %v", msgID, others)
	}
	for upn, d := range want {
		if others[upn] != d {
			t.Errorf("%s's copy: %q, want %q", upn, others[upn], d)
		}
	}

	urls := table(t, tel, "EmailUrlInfo")
	inMail := false
	for _, row := range urls.Rows {
		if str(urls, row, "NetworkMessageId") == msgID && str(urls, row, "Url") == p.URL && str(urls, row, "UrlDomain") == "login.contoso-helpdesk.com" {
			inMail = true
		}
	}
	if !inMail {
		t.Error("EmailUrlInfo has no row of alex's message with the phishing URL")
	}
	att := table(t, tel, "EmailAttachmentInfo")
	caught := false
	for _, row := range att.Rows {
		if str(att, row, "RecipientEmailAddress") == "lisa.wong@contoso.com" && str(att, row, "FileName") == "Password_Policy_Update.htm" && str(att, row, "ThreatTypes") == "Phish" {
			caught = true
		}
	}
	if !caught {
		t.Error("lisa's HTML attachment is not in EmailAttachmentInfo as a phish")
	}

	clicks := table(t, tel, "UrlClickEvents")
	clicked := 0
	for i, row := range clicks.Rows {
		if str(clicks, row, "NetworkMessageId") != msgID {
			continue
		}
		clicked++
		at := cell(clicks, row, "Timestamp").(time.Time)
		if str(clicks, row, "Url") != p.URL || str(clicks, row, "AccountUpn") != victim || str(clicks, row, "IPAddress") != alex.HomeIP ||
			!at.Equal(p.Click) || !at.Before(time.Date(2025, 1, 15, 8, 31, 40, 0, time.UTC)) || stepOf("UrlClickEvents", i) != "initial-access" {
			t.Errorf("the click: %v", row)
		}
	}
	if clicked != 1 {
		t.Errorf("%d clicks on alex's phish, want 1", clicked)
	}

	// The laptop: the Entra device id of alex's sign-ins from CONTOSO-LT-0412 is DeviceInfo's
	// AadDeviceId of the device that opened the link.
	laptopID := ""
	for _, d := range alex.Devices {
		if d.Name == p.Device {
			laptopID = d.ID
		}
	}
	info := table(t, tel, "DeviceInfo")
	mdeID := ""
	for _, row := range info.Rows {
		if str(info, row, "AadDeviceId") == laptopID {
			mdeID = str(info, row, "DeviceId")
		}
	}
	sl := table(t, tel, "SigninLogs")
	seen := false
	for _, row := range sl.Rows {
		if d, _ := cell(sl, row, "DeviceDetail").(map[string]any); d["deviceId"] == laptopID && str(sl, row, "UserPrincipalName") == victim {
			seen = true
		}
	}
	if mdeID == "" || !seen {
		t.Fatalf("alex's laptop: DeviceInfo id %q, in SigninLogs %v", mdeID, seen)
	}
	de := table(t, tel, "DeviceEvents")
	opened := false
	for _, row := range de.Rows {
		if str(de, row, "ActionType") == "BrowserLaunchedToOpenUrl" && str(de, row, "RemoteUrl") == p.URL {
			opened = str(de, row, "DeviceId") == mdeID && str(de, row, "DeviceName") == strings.ToLower(p.Device) &&
				str(de, row, "InitiatingProcessAccountUpn") == victim && str(de, row, "InitiatingProcessFileName") == "OUTLOOK.EXE" &&
				cell(de, row, "Timestamp").(time.Time).Equal(p.Click)
		}
	}
	if !opened {
		t.Error("no BrowserLaunchedToOpenUrl of the phishing URL by alex's Outlook on alex's laptop at the click")
	}
	pe := table(t, tel, "DeviceProcessEvents")
	edge := false
	for _, row := range pe.Rows {
		if str(pe, row, "DeviceId") == mdeID && strings.Contains(str(pe, row, "ProcessCommandLine"), p.URL) {
			edge = str(pe, row, "FileName") == "msedge.exe" && str(pe, row, "InitiatingProcessFileName") == "OUTLOOK.EXE" && str(pe, row, "AccountUpn") == victim
		}
	}
	if !edge {
		t.Error("no msedge.exe started by Outlook with the phishing URL on alex's laptop")
	}
	ne := table(t, tel, "DeviceNetworkEvents")
	kit := 0
	for _, row := range ne.Rows {
		if str(ne, row, "RemoteIP") == p.KitIP {
			if str(ne, row, "DeviceId") != mdeID || str(ne, row, "RemoteUrl") != "login.contoso-helpdesk.com" || str(ne, row, "InitiatingProcessFileName") != "msedge.exe" {
				t.Errorf("connection to the kit: %v", row)
			}
			kit++
		}
	}
	if kit != 2 {
		t.Errorf("%d connections to the kit, want the page and the relayed MFA", kit)
	}

	oa := table(t, tel, "OfficeActivity")
	ops := map[string]int{}
	for i, row := range oa.Rows {
		if str(oa, row, "UserId") != victim || !strings.HasPrefix(str(oa, row, "ClientIP"), "185.220.101.45") {
			continue
		}
		if stepOf("OfficeActivity", i) != "initial-access" {
			t.Errorf("attacker's OfficeActivity row %d belongs to step %q", i, stepOf("OfficeActivity", i))
		}
		ops[str(oa, row, "Operation")]++
		if str(oa, row, "Operation") == "New-InboxRule" && (!strings.Contains(str(oa, row, "Parameters"), `"Value":"Deleted Items"`) || str(oa, row, "RecordType") != "ExchangeAdmin") {
			t.Errorf("inbox rule: %v", row)
		}
	}
	if ops["New-InboxRule"] != 1 || ops["MailItemsAccessed"] != 2 {
		t.Errorf("attacker's mailbox operations: %v", ops)
	}
}

func castOf(t *testing.T) *generate.Cast {
	t.Helper()
	c, err := generate.ResolveCast(loadScenario(t), generate.Params{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRefreshesBelongToTheAttackersSession: every sign-in of alex from the attacker's network
// (the interactive one the kit relayed and the token refreshes in
// AADNonInteractiveUserSignInLogs) is in one session (AADSignInEventsBeta.SessionId), with the
// attacker's address, browser and device; none of alex's own sign-ins is in it, and the
// refreshes follow the interactive success.
func TestRefreshesBelongToTheAttackersSession(t *testing.T) {
	tel := defaultTelemetry(t)
	beta := table(t, tel, "AADSignInEventsBeta")
	sessions := map[string]map[string]bool{} // session -> logon types
	var first time.Time
	for _, row := range beta.Rows {
		if str(beta, row, "AccountUpn") != victim {
			continue
		}
		attacker := strings.HasPrefix(str(beta, row, "IPAddress"), "185.220.101.")
		sid := str(beta, row, "SessionId")
		if sessions[sid] == nil {
			sessions[sid] = map[string]bool{}
		}
		sessions[sid][map[bool]string{true: "attacker", false: "alex"}[attacker]] = true
		if attacker {
			sessions[sid][str(beta, row, "LogonType")] = true
			if str(beta, row, "LogonType") == `["interactiveUser"]` && cell(beta, row, "ErrorCode") == int64(0) && first.IsZero() {
				first = cell(beta, row, "Timestamp").(time.Time)
			}
		}
	}
	stolen := 0
	for sid, kinds := range sessions {
		if !kinds["attacker"] {
			continue
		}
		stolen++
		if kinds["alex"] || !kinds[`["interactiveUser"]`] || !kinds[`["nonInteractiveUser"]`] {
			t.Errorf("session %s mixes or lacks sign-ins: %v", sid, kinds)
		}
	}
	if stolen != 1 {
		t.Errorf("alex's sign-ins from the attacker's network are in %d sessions, want 1", stolen)
	}
	ni := table(t, tel, "AADNonInteractiveUserSignInLogs")
	refreshes := 0
	for _, row := range ni.Rows {
		if str(ni, row, "UserPrincipalName") != victim || !strings.HasPrefix(str(ni, row, "IPAddress"), "185.220.101.") {
			continue
		}
		refreshes++
		if at := cell(ni, row, "TimeGenerated").(time.Time); at.Before(first) || !strings.Contains(str(ni, row, "UserAgent"), "Firefox/128.0") {
			t.Errorf("refresh at %v (interactive success %v), agent %q", at, first, str(ni, row, "UserAgent"))
		}
	}
	if refreshes < 8 {
		t.Errorf("%d token refreshes of the stolen session, want at least the 8 of the portal", refreshes)
	}
}

// TestStolenSecretSignIn: the finance app's sign-in with its stolen secret comes from the
// attacker's address just before it grants Global Administrator, with the same credential key
// as the app's own token requests from Azure.
func TestStolenSecretSignIn(t *testing.T) {
	tel := defaultTelemetry(t)
	sp := table(t, tel, "AADServicePrincipalSignInLogs")
	keys, attacker := map[string]bool{}, 0
	for i, row := range sp.Rows {
		if str(sp, row, "ServicePrincipalName") != "app-finance-reporting" {
			continue
		}
		if strings.HasPrefix(str(sp, row, "IPAddress"), "185.220.101.") {
			attacker++
			at := cell(sp, row, "TimeGenerated").(time.Time)
			if !at.Equal(time.Date(2025, 1, 15, 9, 18, 30, 0, time.UTC)) || str(sp, row, "ResourceDisplayName") != "Microsoft Graph" ||
				sp.Meta[i].Step != "persistence" || str(sp, row, "Location") != "RO" {
				t.Errorf("stolen-secret sign-in: %v (step %q)", row, sp.Meta[i].Step)
			}
		}
		keys[str(sp, row, "ServicePrincipalCredentialKeyId")] = true
	}
	if attacker != 1 || len(keys) != 1 {
		t.Errorf("%d sign-ins of the app from the attacker, %d credential keys (want 1 and the one secret)", attacker, len(keys))
	}
}
