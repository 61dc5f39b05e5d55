package logs

import (
	"reflect"
	"testing"
)

// tiMapIPRule is the shape of Sentinel's "TI map IP entity to SigninLogs" rule: the latest
// version of each live IP indicator sent in the last 14 days, joined to recent sign-ins.
const tiMapIPRule = `let dt_lookBack = 2h;
let ioc_lookBack = 14d;
ThreatIntelligenceIndicator
| where TimeGenerated >= ago(ioc_lookBack)
| summarize LatestIndicatorTime = arg_max(TimeGenerated, *) by IndicatorId
| where Active == true and ExpirationDateTime > now()
| where isnotempty(NetworkIP) or isnotempty(EmailSourceIpAddress) or isnotempty(NetworkDestinationIP) or isnotempty(NetworkSourceIP)
| extend TI_ipEntity = iff(isnotempty(NetworkIP), NetworkIP, NetworkDestinationIP)
| extend TI_ipEntity = iff(isempty(TI_ipEntity) and isnotempty(NetworkSourceIP), NetworkSourceIP, TI_ipEntity)
| extend TI_ipEntity = iff(isempty(TI_ipEntity) and isnotempty(EmailSourceIpAddress), EmailSourceIpAddress, TI_ipEntity)
| join kind=innerunique (
    SigninLogs | where TimeGenerated >= ago(dt_lookBack) | extend SigninLogs_TimeGenerated = TimeGenerated
  ) on $left.TI_ipEntity == $right.IPAddress
| where SigninLogs_TimeGenerated < ExpirationDateTime
| summarize users = dcount(UserPrincipalName), alex = countif(UserPrincipalName == "alex.johnson@contoso.com") by IPAddress, Description, ThreatType
| order by IPAddress asc`

// TestThreatIntelMatchesTheAttack: the TI rows reach the lab workspace as the connector's
// standing stream, and a TI map rule run after the attack returns the attacker's sign-ins from
// the Tor exits: the stolen session's and the spray's (and nothing before the launch).
func TestThreatIntelMatchesTheAttack(t *testing.T) {
	f := newFixture(t)
	ws := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	if got := f.query(ws, tiMapIPRule); len(got) != 0 {
		t.Fatalf("TI matches before the attack: %v", got)
	}
	if _, err := f.engine.Launch(f.tenant.ID, Speed{}); err != nil {
		t.Fatal(err)
	}
	got := f.query(ws, tiMapIPRule)
	// alex's two successful sign-ins from the stolen session, and the spray's three exits.
	want := [][]string{
		{"185.220.101.112", "Tor exit node 185.220.101.112", "Proxy", "18", "0"},
		{"185.220.101.23", "Tor exit node 185.220.101.23", "Proxy", "18", "0"},
		{"185.220.101.45", "Tor exit node 185.220.101.45", "Proxy", "1", "2"},
		{"185.220.101.89", "Tor exit node 185.220.101.89", "Proxy", "18", "0"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("TI map rule after the attack:\n got %v\nwant %v", got, want)
	}
	got = f.query(ws, `ThreatIntelligenceIndicator | where NetworkCidrBlock == "185.220.101.0/24" | summarize any(Description), max(ExpirationDateTime) > now()`)
	if len(got) != 1 || got[0][1] != "true" {
		t.Fatalf("Tor range indicator: %v", got)
	}
	other := f.createWorkspace("rg-contoso-dev", "law-other")
	if got := f.query(other, `ThreatIntelligenceIndicator | count`); !reflect.DeepEqual(got, [][]string{{"0"}}) {
		t.Fatalf("TI rows in a workspace without the connector: %v", got)
	}
}

// TestUEBARuleJoinsOnItemId runs Sentinel's UEBA "anomalous sign-in location" hunting query
// as published (BehaviorAnalytics joined to SigninLogs on SourceRecordId == _ItemId): after the
// attack it returns alex's sign-ins from the Tor exit in Romania, and one benign traveller.
func TestUEBARuleJoinsOnItemId(t *testing.T) {
	f := newFixture(t)
	ws := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	if _, err := f.engine.Launch(f.tenant.ID, Speed{}); err != nil {
		t.Fatal(err)
	}
	got := f.query(ws, `BehaviorAnalytics
| where ActionType == "Sign-in"
| where ActivityInsights.FirstTimeConnectionFromCountryObservedInTenant == True and ActivityInsights.CountryUncommonlyConnectedFromAmongPeers == True
    | join (
SigninLogs
) on $left.SourceRecordId == $right._ItemId
| summarize n = count() by UserPrincipalName, SourceIPAddress, SourceIPLocation, IPAddress
| order by UserPrincipalName asc`)
	// alex's two sign-ins from the Tor exit (the MFA prompt, then the relayed success), and the
	// benign false positive a real tenant has: the first sign-in from the Netherlands (a VPN).
	want := [][]string{
		{"alex.johnson@contoso.com", "185.220.101.45", "Romania", "185.220.101.45", "2"},
		{"ryan.murphy@contoso.com", "185.156.46.234", "Netherlands", "185.156.46.234", "1"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("UEBA rule:\n got %v\nwant %v", got, want)
	}
}

// TestPhishFollowUpsReachTheWorkspace: the phish's rows are the attack's (absent before the
// launch); after it, Sentinel's "malicious inbox rule" query (as published) returns alex's rule
// from the attacker's address, and the click on the phishing link is in UrlClickEvents and in
// advanced hunting.
func TestPhishFollowUpsReachTheWorkspace(t *testing.T) {
	f := newFixture(t)
	ws := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	const clicks = `UrlClickEvents | where Url has "contoso-helpdesk.com" | project AccountUpn, ActionType, IPAddress`
	if got := f.query(ws, clicks); len(got) != 0 {
		t.Fatalf("the click before the launch: %v", got)
	}
	if _, err := f.engine.Launch(f.tenant.ID, Speed{}); err != nil {
		t.Fatal(err)
	}
	got := f.query(ws, `let Keywords = dynamic(["helpdesk", " alert", " suspicious", "fake", "malicious", "phishing", "spam", "do not click", "do not open", "hijacked", "Fatal"]);
OfficeActivity
| where Operation =~ "New-InboxRule"
| where Parameters has "Deleted Items" or Parameters has "Junk Email"
| extend Events=todynamic(Parameters)
| parse Events  with * "SubjectContainsWords" SubjectContainsWords '}'*
| parse Events  with * "BodyContainsWords" BodyContainsWords '}'*
| parse Events  with * "SubjectOrBodyContainsWords" SubjectOrBodyContainsWords '}'*
| where SubjectContainsWords has_any (Keywords)
 or BodyContainsWords has_any (Keywords)
 or SubjectOrBodyContainsWords has_any (Keywords)
| extend ClientIPAddress = case( ClientIP has ".", tostring(split(ClientIP,":")[0]), ClientIP has "[", tostring(trim_start(@'[[]',tostring(split(ClientIP,"]")[0]))), ClientIP )
| summarize count() by Operation, UserId, ClientIPAddress, ResultStatus`)
	want := [][]string{{"New-InboxRule", "alex.johnson@contoso.com", "185.220.101.45", "Succeeded", "1"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("malicious inbox rule query:\n got %v\nwant %v", got, want)
	}
	got = f.query(ws, clicks)
	if len(got) != 1 || got[0][0] != "alex.johnson@contoso.com" || got[0][1] != "ClickAllowed" {
		t.Fatalf("the click after the launch: %v", got)
	}
	now, _ := f.world.Now(f.tenant.ID)
	db, err := f.engine.Hunting(f.tenant.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	got = f.run(db, f.engine.HuntingCatalog(), now, `DeviceEvents | where ActionType == "BrowserLaunchedToOpenUrl" and RemoteUrl has "contoso-helpdesk.com" | project DeviceName, InitiatingProcessAccountUpn, Timestamp`)
	if !reflect.DeepEqual(got, [][]string{{"contoso-lt-0412", "alex.johnson@contoso.com", "2025-01-15T08:29:41Z"}}) {
		t.Fatalf("hunting: the browser opened from mail: %v", got)
	}
}
