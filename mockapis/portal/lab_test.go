package portal

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/armtest"
	mocksentinel "github.com/soclab/soclab/mockapis/sentinel"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/copilot"
	"github.com/soclab/soclab/simulator/detect"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
	"github.com/soclab/soclab/simulator/xdr"
)

// portalLab is the lab's world in-process: the workspace onboarded with the Defender XDR
// connector, the three lab rules and an automation rule, the attack launched, the rule engine
// and Defender XDR advanced to 10:30; the portal and a signed-in analyst over it.
type portalLab struct {
	*armtest.Lab
	rules  *detect.Engine
	srv    *httptest.Server
	c      *http.Client
	csrf   string
	portal *Portal
}

func newPortalLab(t testing.TB) *portalLab {
	t.Helper()
	l := &portalLab{Lab: armtest.New(t, mocksentinel.LabTypes()...)}
	var err error
	if l.rules, err = detect.New(l.Logs, detect.Options{}); err != nil {
		t.Fatal(err)
	}
	ws := armtest.WorkspaceID(l.Tenant)
	si := ws + "/providers/Microsoft.SecurityInsights/"
	armtest.Call(t, l.ARM.URL, l.Tenant.ID, "PUT", ws+"?api-version=2021-12-01-preview", `{"location":"eastus","properties":{"sku":{"name":"PerGB2018"}}}`)
	armtest.Call(t, l.ARM.URL, l.Tenant.ID, "PUT", si+"onboardingStates/default?api-version="+armtest.PreviewAPI, "")
	armtest.Call(t, l.ARM.URL, l.Tenant.ID, "PUT", si+"dataConnectors/m365d?api-version=2023-02-01-preview",
		fmt.Sprintf(`{"kind":"MicrosoftThreatProtection","properties":{"tenantId":%q,"dataTypes":{"incidents":{"state":"Enabled"},"alerts":{"state":"Enabled"}}}}`, l.Tenant.ID))
	armtest.Call(t, l.ARM.URL, l.Tenant.ID, "PUT", si+"automationRules/triage?api-version="+armtest.PreviewAPI,
		`{"properties":{"displayName":"Triage new incidents","order":2,"triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"Created"},"actions":[{"order":1,"actionType":"ModifyProperties","actionConfiguration":{"severity":"High"}}]}}`)
	l.at(t, "07:30")
	for _, name := range []string{"rule-suspicious-signin-resource-access", "rule-post-compromise-cred-access", "rule-lateral-movement-detection"} {
		body, err := os.ReadFile("../../simulator/xdr/testdata/" + name + ".json")
		if err != nil {
			t.Fatal(err)
		}
		armtest.Call(t, l.ARM.URL, l.Tenant.ID, "PUT", si+"alertRules/"+name+"?api-version="+armtest.PreviewAPI, string(body))
	}
	if _, err := l.Logs.Launch(l.Tenant.ID, logs.Speed{}); err != nil {
		t.Fatal(err)
	}
	l.at(t, "10:30")
	if l.portal, err = New(Config{World: l.World, Logs: l.Logs, Copilot: copilot.New(l.Logs), Identity: identity.NewService(l.Logs)}); err != nil {
		t.Fatal(err)
	}
	l.srv = httptest.NewServer(l.portal)
	t.Cleanup(l.srv.Close)
	l.c = browser(t)
	_, rel, _, err := l.portal.NewLink("contoso")
	if err != nil {
		t.Fatal(err)
	}
	get(t, l.c, l.srv.URL+rel)
	_, page, _ := get(t, l.c, l.srv.URL+"/securitysettings/sentinel")
	l.csrf = csrfOf(t, page)
	return l
}

// at sets the tenant clock and runs the rules and Defender XDR up to it (the server's pipeline).
func (l *portalLab) at(t testing.TB, hhmm string) {
	t.Helper()
	tm, _ := time.Parse("2006-01-02 15:04", "2025-01-15 "+hhmm)
	if _, err := l.World.SetTime(l.Tenant.ID, tm); err != nil {
		t.Fatal(err)
	}
	if _, err := l.rules.AdvanceToNow(l.Tenant.ID); err != nil {
		t.Fatal(err)
	}
	if err := xdr.New(l.Logs).Advance(l.Tenant.ID, tm); err != nil {
		t.Fatal(err)
	}
}

func (l *portalLab) page(t *testing.T, path string, want ...string) string {
	t.Helper()
	code, body, _ := get(t, l.c, l.srv.URL+path)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, code, body)
	}
	text := strings.Join(strings.Fields(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(body, " ")), " ")
	for _, w := range want {
		if !strings.Contains(strings.ToLower(text), strings.ToLower(w)) {
			t.Errorf("GET %s lacks %q in:\n%.600s", path, w, text)
		}
	}
	return body
}

func (l *portalLab) post(t *testing.T, path string, form url.Values) (int, string, string) {
	t.Helper()
	form.Set("csrf", l.csrf)
	code, body, h := post(t, l.c, l.srv.URL+path, form)
	return code, body, h.Get("Location")
}

// TestSentinelPages: analytics rules with their alerts, last run and health from SentinelHealth,
// automation rules, and the Logs blade over the workspace (results, errors, unknown workspaces).
func TestSentinelPages(t *testing.T) {
	l := newPortalLab(t)
	body := l.page(t, "/sentinel/analytics", "Workspace law-contoso-unified "+armtest.WorkspaceID(l.Tenant), "Scheduled", "Near real time", "Enabled", "Success")
	rows := regexp.MustCompile(`(?s)<tr><td>([^<]+)</td><td>(Scheduled|NRT)</td>.*?<td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>`).FindAllStringSubmatch(body, -1)
	if len(rows) != 3 {
		t.Fatalf("%d rule rows, want 3:\n%s", len(rows), body)
	}
	for _, r := range rows {
		if r[3] == "0" || !strings.HasPrefix(r[4], "Jan 15, 2025") || !strings.HasPrefix(r[5], "Success") {
			t.Errorf("rule %s: %s alerts, last run %q, health %q; want alerts, a run on Jan 15 and Success", r[1], r[3], r[4], r[5])
		}
	}
	l.page(t, "/sentinel/automation", "Triage new incidents", "Incidents created", "ModifyProperties", "Enabled")

	code, _, loc := l.post(t, "/sentinel/logs", url.Values{"workspace": {"law-contoso-unified"}, "query": {"SecurityAlert | summarize Alerts = count() by ProviderName | order by ProviderName asc"}})
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/sentinel/logs?result=") {
		t.Fatalf("Logs run: %d to %q", code, loc)
	}
	l.page(t, loc, "ProviderName", "Alerts", "ASI Scheduled Alerts", "law-contoso-unified")
	rid := strings.TrimPrefix(loc, "/sentinel/logs?result=")
	if code, csv, _ := get(t, l.c, l.srv.URL+"/results/"+rid+".csv"); code != http.StatusOK || !strings.HasPrefix(csv, "ProviderName,Alerts\n") {
		t.Errorf("CSV: %d\n%s", code, csv)
	}
	// The Logs result is not a hunting result (and the other way round).
	if code, _, _ := get(t, l.c, l.srv.URL+"/v2/advanced-hunting?result="+rid); code != http.StatusNotFound {
		t.Errorf("a Logs result shown as a hunting result: %d", code)
	}
	cases := []struct {
		workspace, query string
		status           int
		want             string
	}{
		{"law-contoso-unified", "SecurityAlert\n| where Nope > 1", http.StatusBadRequest, "at line 2, column 9: &#39;where&#39; operator: Failed to resolve column or scalar expression named &#39;Nope&#39;"},
		{"law-contoso-unified", "SecurityAlert | where", http.StatusBadRequest, "Query could not be parsed at &#39;&#39; on line [1,21]"},
		{"law-contoso-unified", "NoSuchTable", http.StatusBadRequest, "Failed to resolve table or column expression named &#39;NoSuchTable&#39;"},
		{"law-contoso-unified", "  ", http.StatusBadRequest, "Type a query first."},
		{"law-nosuch", "print 1", http.StatusNotFound, "There is nothing at /sentinel/logs in this tenant."},
	}
	for _, tc := range cases {
		code, body, _ := l.post(t, "/sentinel/logs", url.Values{"workspace": {tc.workspace}, "query": {tc.query}})
		if code != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("Logs %q on %s: %d, want %d with %q\n%s", tc.query, tc.workspace, code, tc.status, tc.want, body)
		}
	}
}

// TestIncidentChangesSyncToSentinel: the incident page's changes go through xdr.UpdateIncident
// (as Graph's PATCH) and reach the Sentinel twin with the sync; refused input changes nothing.
func TestIncidentChangesSyncToSentinel(t *testing.T) {
	l := newPortalLab(t)
	id := fmt.Sprint(xdr.FirstIncidentID)
	l.page(t, "/incidents", "Multi-stage incident involving Initial access", "Microsoft Defender XDR")
	l.page(t, "/incidents/"+id, "Attack story", "alex.johnson@contoso.com", "185.220.101.45", "kv-contoso-prod", "stcontosoprod", "Microsoft Sentinel incident")
	bad := []struct {
		form url.Values
		want string
	}{
		{url.Values{"status": {"closedForGood"}}, "The value &#39;closedForGood&#39; is not valid for &#39;status&#39;."},
		{url.Values{"classification": {"unknown"}, "determination": {"malware"}}, "A determination can only be set together with a classification."},
		{url.Values{"assignedTo": {strings.Repeat("x", 300)}}, "longer than 256 characters"},
	}
	for _, b := range bad {
		code, body, _ := l.post(t, "/incidents/"+id, b.form)
		if code != http.StatusBadRequest || !strings.Contains(body, b.want) {
			t.Errorf("POST %v: %d, want 400 with %q", b.form, code, b.want)
		}
	}
	if code, body, _ := l.post(t, "/incidents/"+id+"/comments", url.Values{"comment": {"   "}}); code != http.StatusBadRequest || !strings.Contains(body, "A comment must be 1 to") {
		t.Errorf("blank comment: %d", code)
	}
	if code, _, _ := l.post(t, "/incidents/999/comments", url.Values{"comment": {"x"}}); code != http.StatusNotFound {
		t.Errorf("comment on an unknown incident: %d", code)
	}
	var inc xdr.Incident
	l.World.View(l.Tenant.ID, func(tx *simulator.TenantTx) error { inc, _, _ = xdr.IncidentByID(tx, xdr.FirstIncidentID); return nil })
	if inc.Status != "active" || inc.AssignedTo != "" || len(inc.Comments) != 0 {
		t.Fatalf("refused input changed the incident: %+v", inc)
	}
	code, _, loc := l.post(t, "/incidents/"+id, url.Values{"assignToMe": {"1"}, "assignedTo": {""}, "status": {"resolved"}, "classification": {"truePositive"}, "determination": {"multiStagedAttack"}})
	if code != http.StatusSeeOther || loc != "/incidents/"+id+"?done=Incident+updated." {
		t.Fatalf("update: %d to %q", code, loc)
	}
	if code, _, _ := l.post(t, "/incidents/"+id+"/comments", url.Values{"comment": {"Contained: sessions revoked."}}); code != http.StatusSeeOther {
		t.Fatalf("comment: %d", code)
	}
	l.page(t, "/incidents/"+id, "Status Resolved", "Assigned to analyst@contoso.com", "True positive – Multi staged attack", "Contained: sessions revoked.")
	l.at(t, "10:40") // the sync's delay
	l.World.View(l.Tenant.ID, func(tx *simulator.TenantTx) error {
		inc, _, _ = xdr.IncidentByID(tx, xdr.FirstIncidentID)
		s, ok, err := sentinel.IncidentByID(tx, inc.Sync.SentinelID)
		if err != nil || !ok {
			t.Fatalf("the Sentinel twin: %v %v", ok, err)
		}
		p := s.Properties
		if deref(p.Status) != "Closed" || deref(p.Classification) != "TruePositive" || p.Owner == nil || !strings.EqualFold(firstOf(deref(p.Owner.UserPrincipalName), deref(p.Owner.AssignedTo), deref(p.Owner.Email)), "analyst@contoso.com") {
			t.Errorf("Sentinel twin after the sync: status %s, classification %s, owner %+v", deref(p.Status), deref(p.Classification), p.Owner)
		}
		return nil
	})
	l.page(t, "/incidents/"+id, "Activity log (Microsoft Sentinel)", "changed status")
}

// TestSettingsPages: Settings → Microsoft Sentinel writes the Defender-side sync settings (as
// `soclab xdr settings set`), Copilot plugins connect and disconnect (as `soclab copilot
// plugins`), Permissions & roles lists the directory's roles; bad input changes nothing.
func TestSettingsPages(t *testing.T) {
	l := newPortalLab(t)
	l.page(t, "/securitysettings/sentinel", "Connected workspace: "+armtest.WorkspaceID(l.Tenant))
	read := func() xdr.Settings {
		var s xdr.Settings
		l.World.View(l.Tenant.ID, func(tx *simulator.TenantTx) error { s, _ = xdr.ReadSettings(tx); return nil })
		return s
	}
	bad := []struct {
		form url.Values
		want string
	}{
		{url.Values{"severity": {"High"}}, "Choose whether incidents and alerts are synced (on or off)."},
		{url.Values{"sync": {"maybe"}}, "Choose whether incidents and alerts are synced (on or off)."},
		{url.Values{"sync": {"on"}, "severity": {"High", "Critical"}}, "&#39;Critical&#39; is not a severity (High, Medium, Low, Informational)."},
	}
	for _, b := range bad {
		code, body, _ := l.post(t, "/securitysettings/sentinel", b.form)
		if code != http.StatusBadRequest || !strings.Contains(body, b.want) {
			t.Errorf("POST %v: %d, want 400 with %q", b.form, code, b.want)
		}
	}
	if s := read(); !s.SyncEnabled || len(s.Severities) != 4 {
		t.Fatalf("refused forms changed the settings: %+v", s)
	}
	if code, _, loc := l.post(t, "/securitysettings/sentinel", url.Values{"sync": {"on"}, "severity": {"high", "Medium"}}); code != http.StatusSeeOther || loc != "/securitysettings/sentinel?done=Settings+saved." {
		t.Fatalf("save: %d %q", code, loc)
	}
	if s := read(); !s.SyncEnabled || strings.Join(s.Severities, ",") != "High,Medium" {
		t.Errorf("settings after the save: %+v", s)
	}

	l.page(t, "/securitysettings/copilot", "Microsoft Defender XDR Connected", "Microsoft Sentinel Connected")
	if code, _, _ := l.post(t, "/securitysettings/copilot", url.Values{"plugin": {"defender"}, "connected": {"false"}}); code != http.StatusSeeOther {
		t.Fatalf("disconnect: %d", code)
	}
	l.page(t, "/securitysettings/copilot", "Microsoft Defender XDR Disconnected", "Connect Microsoft Defender XDR")
	plugins, _ := copilot.New(l.Logs).Plugins(l.Tenant.ID)
	for _, p := range plugins {
		if p.ID == copilot.PluginDefender && p.Connected {
			t.Error("the Defender plugin is still connected for the Copilot service")
		}
	}
	if code, _, _ := l.post(t, "/securitysettings/copilot", url.Values{"plugin": {"nosuch"}, "connected": {"true"}}); code != http.StatusNotFound {
		t.Errorf("unknown plugin: %d", code)
	}
	if code, _, _ := l.post(t, "/securitysettings/copilot", url.Values{"plugin": {"defender"}, "connected": {"yes"}}); code != http.StatusBadRequest {
		t.Errorf("connected=yes: %d", code)
	}
	l.page(t, "/securitysettings/mtp_roles", "Global Administrator")
}

// TestUnifiedQueue: the queue holds the Defender incidents (the multi-stage one and the password
// spray) and a Sentinel incident that is not in
// Defender (made by hand through ARM), not the rules' incidents redirected into Defender's nor the
// Defender incident's Sentinel twin; the Sentinel incident's page opens, a foreign name is 404.
func TestUnifiedQueue(t *testing.T) {
	l := newPortalLab(t)
	ws := armtest.WorkspaceID(l.Tenant)
	name := "0b4b5c1e-6a43-4c55-9c0e-0d1f2a3b4c5d"
	armtest.Call(t, l.ARM.URL, l.Tenant.ID, "PUT", ws+"/providers/Microsoft.SecurityInsights/incidents/"+name+"?api-version="+armtest.PreviewAPI,
		`{"properties":{"title":"Suspicious mailbox rule (manual)","severity":"Low","status":"New"}}`)
	body := l.page(t, "/incidents", "Multi-stage incident involving Initial access", "Password spray", "Suspicious mailbox rule (manual)", "3 incidents")
	if n := strings.Count(body, `<tr>`) - 1; n != 3 {
		t.Errorf("%d rows in the queue, want 3 (the rules' redirected incidents and the twin are not rows of their own)", n)
	}
	l.page(t, "/incidents?provider=sentinel", "1 incidents", "Suspicious mailbox rule (manual)", "Microsoft Sentinel")
	l.page(t, "/incidents?provider=defender&severity=high&status=active&sort=name&order=asc", "2 incidents", "Multi-stage incident", "Password spray")
	l.page(t, "/incidents?status=resolved", "0 incidents")
	l.page(t, "/sentinel/incidents/"+name, "Suspicious mailbox rule (manual)", "Microsoft Sentinel incident", "Severity Low", "Status New")
	if code, _, _ := get(t, l.c, l.srv.URL+"/sentinel/incidents/0b4b5c1e-0000-0000-0000-000000000000"); code != http.StatusNotFound {
		t.Errorf("unknown Sentinel incident: %d", code)
	}

	// Managing it goes through Sentinel's own validation and store API, as the signed-in user.
	path := "/sentinel/incidents/" + name
	for _, b := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"status": {"Closed"}}, "Closing an incident requires a classification"},
		{url.Values{"status": {"Done"}}, "Done"},
		{url.Values{"status": {"Closed"}, "classification": {"TruePositive"}, "classificationReason": {"Because"}}, "Because"},
	} {
		code, body, _ := l.post(t, path, b.form)
		if code != http.StatusBadRequest || !strings.Contains(body, b.want) {
			t.Errorf("POST %v: %d, want 400 naming %q", b.form, code, b.want)
		}
	}
	if code, _, _ := l.post(t, "/sentinel/incidents/0b4b5c1e-0000-0000-0000-000000000000", url.Values{"status": {"Active"}}); code != http.StatusNotFound {
		t.Errorf("POST to an unknown Sentinel incident: %d", code)
	}
	code, _, loc := l.post(t, path, url.Values{"assignToMe": {"1"}, "status": {"Closed"}, "classification": {"TruePositive"}, "classificationReason": {"SuspiciousActivity"}, "classificationComment": {"Confirmed"}})
	if code != http.StatusSeeOther || loc != path+"?done=Incident+updated." {
		t.Fatalf("close: %d to %q", code, loc)
	}
	l.page(t, path, "Status Closed", "Owner analyst@contoso.com", "Classification TruePositive – SuspiciousActivity", "analyst@contoso.com changed status from New to Closed")
	l.World.View(l.Tenant.ID, func(tx *simulator.TenantTx) error {
		inc, ok, err := sentinelIncidentByName(tx, name)
		if err != nil || !ok {
			t.Fatalf("incident: %v %v", ok, err)
		}
		o := inc.Properties.Owner
		if o == nil || deref(o.ObjectID) != l.Tenant.Users[0].ObjectID || deref(o.OwnerType) != "User" || deref(inc.Properties.ClassificationComment) != "Confirmed" {
			t.Errorf("stored owner %+v, comment %q", o, deref(inc.Properties.ClassificationComment))
		}
		return nil
	})
}
