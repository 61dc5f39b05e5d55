package generate_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
)

const victim = "alex.johnson@contoso.com"

func mustUnmarshal(s string, v any) {
	if err := json.Unmarshal([]byte(s), v); err != nil {
		panic(err)
	}
}

func TestAttackRowsCarryTheLabValues(t *testing.T) {
	tel := defaultTelemetry(t)
	s := loadScenario(t)
	steps := map[string]int{}
	for _, tb := range tel.All() {
		for _, m := range tb.Meta {
			if m.Step != "" {
				steps[m.Step]++
			}
		}
	}
	for _, st := range s.Attack.Steps {
		if steps[st.ID] == 0 {
			t.Errorf("step %s has no rows", st.ID)
		}
	}

	sl := table(t, tel, "SigninLogs")
	risky := 0
	for _, row := range sl.Rows {
		if str(sl, row, "UserPrincipalName") == victim && str(sl, row, "IPAddress") == "185.220.101.45" &&
			str(sl, row, "ResultType") == "0" && str(sl, row, "RiskLevelDuringSignIn") == "high" {
			loc := cell(sl, row, "LocationDetails").(map[string]any)
			if loc["city"] != "Bucharest" || loc["countryOrRegion"] != "RO" {
				t.Errorf("risky sign-in located in %v", loc)
			}
			risky++
		}
	}
	if risky != 1 {
		t.Errorf("want 1 successful high-risk sign-in of %s from 185.220.101.45, got %d", victim, risky)
	}

	kv := table(t, tel, "AzureDiagnostics")
	gets := 0
	for r, row := range kv.Rows {
		if kv.Meta[r].Step != "" && str(kv, row, "OperationName") == "SecretGet" && str(kv, row, "identity_claim_upn_s") == victim {
			gets++
			if str(kv, row, "identity_claim_http_schemas_xmlsoap_org_ws_2005_05_identity_claims_upn_s") != victim ||
				str(kv, row, "Resource") != "KV-CONTOSO-PROD" || str(kv, row, "ResourceType") != "VAULTS" ||
				str(kv, row, "ResourceProvider") != "MICROSOFT.KEYVAULT" || !strings.HasPrefix(str(kv, row, "CallerIPAddress"), "185.") {
				t.Fatalf("attack SecretGet row lacks the lab's values: %v", row)
			}
		}
	}
	if gets < 5 {
		t.Errorf("want >= 5 SecretGet by %s, got %d", victim, gets)
	}

	aa := table(t, tel, "AzureActivity")
	listKeys := false
	for _, row := range aa.Rows {
		listKeys = listKeys || (str(aa, row, "Caller") == victim && str(aa, row, "Resource") == "stcontosoprod" &&
			str(aa, row, "OperationNameValue") == "MICROSOFT.STORAGE/STORAGEACCOUNTS/LISTKEYS/ACTION")
	}
	if !listKeys {
		t.Error("no listKeys on stcontosoprod by the victim")
	}

	blobs := table(t, tel, "StorageBlobLogs")
	downloads := 0
	for _, row := range blobs.Rows {
		if str(blobs, row, "OperationName") == "GetBlob" && str(blobs, row, "AuthenticationType") == "AccountKey" &&
			strings.HasPrefix(str(blobs, row, "CallerIpAddress"), "185.220.101.") {
			downloads++
		}
	}
	if downloads != 5 {
		t.Errorf("want 5 blob downloads with the account key from 185.220.101.x, got %d", downloads)
	}

	cae := table(t, tel, "CloudAppEvents")
	u, _ := cast(t).User(victim)
	actions := map[string]bool{}
	for _, row := range cae.Rows {
		if str(cae, row, "AccountObjectId") == u.ObjectID {
			actions[str(cae, row, "ActionType")] = true
		}
	}
	for _, a := range []string{"Add member to role.", "Add user.", "Change user password.", "Microsoft.Storage/storageAccounts/listKeys/action"} {
		if !actions[a] {
			t.Errorf("CloudAppEvents has no %q by the victim", a)
		}
	}
	audit := table(t, tel, "AuditLogs")
	want := map[string]bool{"Change password (self-service)": false, "Add user": false, "Add member to role": false}
	for _, row := range audit.Rows {
		by, _ := cell(audit, row, "InitiatedBy").(map[string]any)["user"].(map[string]any)
		if _, ok := want[str(audit, row, "OperationName")]; ok && by["userPrincipalName"] == victim {
			want[str(audit, row, "OperationName")] = true
		}
	}
	for op, ok := range want {
		if !ok {
			t.Errorf("AuditLogs has no %q initiated by the victim", op)
		}
	}
	// the victim's own try fails (User Administrator cannot assign Global Administrator); the
	// retry with the finance app's stolen secret succeeds
	var results []string
	for _, row := range audit.Rows {
		if str(audit, row, "OperationName") != "Add member to role" || !strings.Contains(fmt.Sprint(cell(audit, row, "TargetResources")), "svc-backup-admin") {
			continue
		}
		by := cell(audit, row, "InitiatedBy").(map[string]any)
		who := ""
		if u, ok := by["user"].(map[string]any); ok {
			who = u["userPrincipalName"].(string)
		} else if a, ok := by["app"].(map[string]any); ok {
			who = a["displayName"].(string)
		}
		results = append(results, who+":"+str(audit, row, "Result"))
	}
	if fmt.Sprint(results) != "[alex.johnson@contoso.com:failure app-finance-reporting:success]" {
		t.Errorf("the attacker's Global Administrator assignments: %v", results)
	}
}

// The lab's three rules and the 30-day range query, evaluated here by hand over the rows: each
// finds the attack and nothing from the benign noise.

func TestRule1FindsOnlyTheVictim(t *testing.T) {
	tel := defaultTelemetry(t)
	sl, aa := table(t, tel, "SigninLogs"), table(t, tel, "AzureActivity")
	hits := map[string]bool{}
	for _, s := range sl.Rows {
		risk := str(sl, s, "RiskLevelDuringSignIn")
		if str(sl, s, "ResultType") != "0" || (risk != "high" && risk != "medium") {
			continue
		}
		st := cell(sl, s, "TimeGenerated").(time.Time)
		for _, a := range aa.Rows {
			op := strings.ToLower(str(aa, a, "OperationNameValue"))
			at := cell(aa, a, "TimeGenerated").(time.Time)
			if str(aa, a, "Caller") == str(sl, s, "UserPrincipalName") && str(aa, a, "CategoryValue") == "Administrative" &&
				(strings.Contains(op, "microsoft.keyvault") || strings.Contains(op, "microsoft.storage") || strings.Contains(op, "microsoft.sql")) &&
				at.After(st) && at.Sub(st) < time.Hour {
				hits[str(sl, s, "UserPrincipalName")] = true
			}
		}
	}
	if !reflect.DeepEqual(hits, map[string]bool{victim: true}) {
		t.Errorf("rule 1 matches %v, want only %s", hits, victim)
	}
}

func TestRule3FindsOnlyTheVictim(t *testing.T) {
	tel := defaultTelemetry(t)
	aa := table(t, tel, "AzureActivity")
	type key struct {
		caller string
		bin    time.Time
	}
	rgs, ops := map[key]map[string]bool{}, map[key]int{}
	for _, a := range aa.Rows {
		if str(aa, a, "CategoryValue") != "Administrative" || str(aa, a, "ActivityStatusValue") != "Success" {
			continue
		}
		k := key{str(aa, a, "Caller"), cell(aa, a, "TimeGenerated").(time.Time).Truncate(5 * time.Minute)}
		if rgs[k] == nil {
			rgs[k] = map[string]bool{}
		}
		rgs[k][str(aa, a, "ResourceGroup")] = true
		ops[k]++
	}
	var hits []key
	for k := range rgs {
		if len(rgs[k]) > 3 && ops[k] > 10 {
			hits = append(hits, k)
		}
	}
	want := []key{{victim, time.Date(2025, 1, 15, 9, 5, 0, 0, time.UTC)}}
	if !reflect.DeepEqual(hits, want) {
		t.Errorf("rule 3 matches %v, want %v", hits, want)
	}
	// The benign release burst is there: many operations, but in two groups.
	burst := 0
	for r, m := range aa.Meta {
		if m.Noise == "release-deployment" && str(aa, aa.Rows[r], "ActivityStatusValue") == "Success" {
			burst++
		}
	}
	if burst <= 10 {
		t.Errorf("release-deployment noise has %d successful operations, want > 10", burst)
	}
}

func TestRule2RiskyUsersAreOnlyTheVictim(t *testing.T) {
	tel := defaultTelemetry(t)
	sl := table(t, tel, "SigninLogs")
	high := map[string]bool{}
	medium := map[string]bool{}
	for _, s := range sl.Rows {
		if str(sl, s, "ResultType") != "0" {
			continue
		}
		switch str(sl, s, "RiskLevelDuringSignIn") {
		case "high":
			high[str(sl, s, "UserPrincipalName")] = true
		case "medium":
			medium[str(sl, s, "UserPrincipalName")] = true
		}
	}
	if !reflect.DeepEqual(high, map[string]bool{victim: true}) {
		t.Errorf("high-risk successful sign-ins by %v, want only %s", high, victim)
	}
	if !medium["emma.brown@contoso.com"] {
		t.Error("the travelling user's medium-risk sign-ins are missing (benign noise)")
	}
}

func TestRangeQueryFindsTheSprayNotTheVPN(t *testing.T) {
	tel := defaultTelemetry(t)
	sl := table(t, tel, "SigninLogs")
	type agg struct {
		users    map[string]bool
		failures int
	}
	byIP := map[string]*agg{}
	vpnRows := 0
	for r, s := range sl.Rows {
		ip := str(sl, s, "IPAddress")
		if !strings.HasPrefix(ip, "185.") {
			continue
		}
		if sl.Meta[r].Noise == "vpn-egress" {
			vpnRows++
		}
		a := byIP[ip]
		if a == nil {
			a = &agg{users: map[string]bool{}}
			byIP[ip] = a
		}
		a.users[str(sl, s, "UserPrincipalName")] = true
		if str(sl, s, "ResultType") != "0" {
			a.failures++
		}
	}
	matched := map[string]int{}
	for ip, a := range byIP {
		if len(a.users) > 1 || a.failures > 5 {
			matched[ip] = len(a.users)
		}
	}
	want := map[string]int{"185.220.101.23": 18, "185.220.101.89": 18, "185.220.101.112": 18}
	if !reflect.DeepEqual(matched, want) {
		t.Errorf("range query matches %v, want %v", matched, want)
	}
	if vpnRows == 0 {
		t.Error("the VPN egress noise (185.156.46.0/24) is missing")
	}
}

func cast(t *testing.T) *generate.Cast {
	t.Helper()
	c, err := generate.ResolveCast(loadScenario(t), generate.Params{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBetweenFindsTheAttackWindow(t *testing.T) {
	tel := defaultTelemetry(t)
	s := loadScenario(t)
	sl := table(t, tel, "SigninLogs")
	lo, hi := sl.Between(s.Attack.Start, s.Attack.End)
	victimRows := 0
	for i := lo; i < hi; i++ {
		if tm := sl.Meta[i].Time; tm.Before(s.Attack.Start) || !tm.Before(s.Attack.End) {
			t.Fatalf("row %d at %v is outside the window", i, tm)
		}
		if str(sl, sl.Rows[i], "UserPrincipalName") == victim {
			victimRows++
		}
	}
	if lo > 0 && !sl.Meta[lo-1].Time.Before(s.Attack.Start) || hi < len(sl.Rows) && sl.Meta[hi].Time.Before(s.Attack.End) {
		t.Fatalf("Between(%v, %v) = [%d, %d) misses rows", s.Attack.Start, s.Attack.End, lo, hi)
	}
	if victimRows != 2 {
		t.Errorf("victim has %d interactive sign-ins in the window, want 2 (50074 then success)", victimRows)
	}
	if lo, hi := sl.Between(s.Attack.End, s.Attack.Start); lo != hi {
		t.Errorf("an empty range gave [%d, %d)", lo, hi)
	}
}

func TestDefenderAlertsAndEvidence(t *testing.T) {
	tel := defaultTelemetry(t)
	info, ev := table(t, tel, "AlertInfo"), table(t, tel, "AlertEvidence")
	titles := map[string]string{}
	for _, row := range info.Rows {
		titles[str(info, row, "Title")] = str(info, row, "AlertId")
	}
	for title, prefix := range map[string]string{"Activity from infrequent country": "ca", "Unfamiliar sign-in properties": "ad", "Password spray": "ad"} {
		id, ok := titles[title]
		if !ok || !strings.HasPrefix(id, prefix) || len(id) != 34 {
			t.Errorf("alert %q: id %q", title, id)
		}
	}
	u, _ := cast(t).User(victim)
	linked := map[string]bool{}
	for _, row := range ev.Rows {
		if str(ev, row, "AlertId") == titles["Activity from infrequent country"] {
			linked[str(ev, row, "EntityType")+":"+str(ev, row, "AccountObjectId")+str(ev, row, "RemoteIP")] = true
		}
	}
	want := map[string]bool{"User:" + u.ObjectID: true, "Ip:185.220.101.45": true}
	if !reflect.DeepEqual(linked, want) {
		t.Errorf("evidence of the infrequent-country alert: %v, want %v", linked, want)
	}
	if got := str(info, info.Rows[0], "AttackTechniques"); got != `["Valid Accounts (T1078)"]` {
		t.Errorf("AttackTechniques %q", got)
	}
}

func TestReplayStepShiftsTheStep(t *testing.T) {
	s := loadScenario(t)
	c := cast(t)
	// A replay of credential-access plays initial-access first (replayWith), so it starts at
	// the first event of initial-access.
	st, _ := s.Step("initial-access")
	orig, err := generate.ReplayStep(s, c, "credential-access", st.Events[0].At, "a")
	if err != nil {
		t.Fatal(err)
	}
	replay, err := generate.ReplayStep(s, c, "credential-access", st.Events[0].At.Add(26*time.Hour), "b")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := generate.ReplayStep(s, c, "credential-access", st.Events[0].At.Add(26*time.Hour), "b")
	if !replay.Start.Equal(st.Events[0].At.Add(26*time.Hour)) || !replay.End.After(replay.Start) {
		t.Errorf("replay range %v..%v", replay.Start, replay.End)
	}
	a, b := table(t, orig, "AzureDiagnostics"), table(t, replay, "AzureDiagnostics")
	if len(a.Rows) != 7 || len(b.Rows) != 7 {
		t.Fatalf("want 7 Key Vault rows (VaultGet, SecretList, 5 SecretGet), got %d and %d", len(a.Rows), len(b.Rows))
	}
	for i := range a.Rows {
		if !b.Meta[i].Time.Equal(a.Meta[i].Time.Add(26*time.Hour)) || b.Meta[i].Step != "credential-access" {
			t.Errorf("row %d: replay at %v (step %q), original at %v", i, b.Meta[i].Time, b.Meta[i].Step, a.Meta[i].Time)
		}
		if str(a, a.Rows[i], "OperationName") != str(b, b.Rows[i], "OperationName") ||
			str(a, a.Rows[i], "CorrelationId") == str(b, b.Rows[i], "CorrelationId") {
			t.Errorf("row %d: replay should repeat the operation with a fresh correlation id", i)
		}
		if c, _ := again.Table("AzureDiagnostics"); !reflect.DeepEqual(c.Rows[i], b.Rows[i]) {
			t.Errorf("row %d: the same nonce should give the same row", i)
		}
	}
	for _, tb := range orig.All() {
		for i := range tb.Rows {
			kvAlert := (tb.Name == "AlertInfo" || tb.Name == "AlertEvidence") && str(tb, tb.Rows[i], "Title") == "Suspicious secret listing and query in a key vault"
			if want := map[bool]string{true: "credential-access", false: "initial-access"}[tb.Name == "AzureDiagnostics" || kvAlert]; tb.Meta[i].Step != want {
				t.Errorf("%s row %d belongs to step %q, want %q", tb.Name, i, tb.Meta[i].Step, want)
			}
		}
	}
	// The fresh session comes before the secret reads, as a detection joining the two needs.
	if si := table(t, orig, "SigninLogs"); len(si.Rows) == 0 || !si.Meta[0].Time.Before(a.Meta[0].Time) {
		t.Errorf("replayed credential-access should start with the attacker's interactive sign-in (%d sign-ins)", len(si.Rows))
	}
	if _, err := generate.ReplayStep(s, c, "nope", st.Events[0].At, "a"); err == nil || err.Error() != `generate: scenario alex-johnson has no attack step "nope"` {
		t.Errorf("unknown step: %v", err)
	}
}

func TestBehaviorAnalyticsRanksTheAttackFirst(t *testing.T) {
	tel := defaultTelemetry(t)
	ba := table(t, tel, "BehaviorAnalytics")
	top := map[string]int64{}
	for _, row := range ba.Rows {
		upn := str(ba, row, "UserPrincipalName")
		if p := cell(ba, row, "InvestigationPriority").(int64); p > top[upn] {
			top[upn] = p
		}
	}
	if top[victim] < 8 {
		t.Errorf("the attack sign-in has priority %d, want >= 8", top[victim])
	}
	if p := top["emma.brown@contoso.com"]; p == 0 || p >= top[victim] {
		t.Errorf("the travelling user's priority %d should be > 0 and below the victim's %d", p, top[victim])
	}
	for upn, p := range top {
		if upn != victim && p >= top[victim] {
			t.Errorf("%s has priority %d, as high as the victim's %d", upn, p, top[victim])
		}
	}
	signins := 0
	for _, row := range ba.Rows {
		if str(ba, row, "NativeTableName") == "SigninLogs" {
			signins++
		}
	}
	if s := len(table(t, tel, "SigninLogs").Rows); signins != s {
		t.Errorf("BehaviorAnalytics has %d sign-in rows for %d interactive sign-ins", signins, s)
	}
}
