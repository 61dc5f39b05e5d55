package logs

import (
	"reflect"
	"testing"
	"time"
)

const kvRows = `AzureDiagnostics | where ResourceProvider == "MICROSOFT.KEYVAULT" | summarize n = count()`

func TestLabWorkspaceHoldsHistoryButNoAttackBeforeLaunch(t *testing.T) {
	f := newFixture(t)
	ws := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	got := f.query(ws, `SigninLogs | where TimeGenerated < datetime(2025-01-14) | summarize n = count() | extend some = n > 100 | project some`)
	if !reflect.DeepEqual(got, [][]string{{"true"}}) {
		t.Fatalf("history rows: %v", got)
	}
	got = f.query(ws, `SigninLogs | where IPAddress startswith "185.220.101." | count`)
	if !reflect.DeepEqual(got, [][]string{{"0"}}) {
		t.Fatalf("attack rows before launch: %v", got)
	}
	// Nothing after the clock (07:00) minus the delay.
	got = f.query(ws, `union SigninLogs, AzureActivity, AzureDiagnostics | where TimeGenerated > datetime(2025-01-15T07:00:00Z) | count`)
	if !reflect.DeepEqual(got, [][]string{{"0"}}) {
		t.Fatalf("rows from the future: %v", got)
	}
}

func TestOtherWorkspaceGetsNothingUnrouted(t *testing.T) {
	f := newFixture(t)
	ws := f.createWorkspace("rg-contoso-dev", "law-other")
	got := f.query(ws, `union SigninLogs, AzureDiagnostics, CloudAppEvents | count`)
	if !reflect.DeepEqual(got, [][]string{{"0"}}) {
		t.Fatalf("an unconnected workspace holds rows: %v", got)
	}
}

func TestInstantLaunchShowsTheAttack(t *testing.T) {
	f := newFixture(t)
	ws := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	st, err := f.engine.Launch(f.tenant.ID, Speed{})
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2025, 1, 15, 10, 5, 0, 0, time.UTC); !st.Now.Equal(want) || !st.State.Launched {
		t.Fatalf("after instant launch: now %v launched %v", st.Now, st.State.Launched)
	}
	got := f.query(ws, `SigninLogs | where UserPrincipalName == "alex.johnson@contoso.com" and IPAddress == "185.220.101.45" and ResultType == "0" | summarize n = count(), firstSeen = min(TimeGenerated)`)
	if !reflect.DeepEqual(got, [][]string{{"1", "2025-01-15T08:32:05Z"}}) {
		t.Fatalf("attack sign-ins: %v", got)
	}
	got = f.query(ws, `AzureDiagnostics | where OperationName == "SecretGet" and CallerIPAddress == "185.220.101.45" | count`)
	if !reflect.DeepEqual(got, [][]string{{"5"}}) {
		t.Fatalf("secret reads: %v", got)
	}
}

func TestRealtimeLaunchRevealsRowsAfterTheirDelay(t *testing.T) {
	f := newFixture(t)
	ws := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	if _, err := f.engine.Launch(f.tenant.ID, Speed{Factor: 1}); err != nil {
		t.Fatal(err)
	}
	const q = `SigninLogs | where IPAddress == "185.220.101.45" and ResultType == "0" and UserPrincipalName == "alex.johnson@contoso.com" | count`
	// The successful sign-in happens at 08:32:05; SigninLogs' delay is 2-5 minutes.
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{attackStart, "0"},
		{time.Date(2025, 1, 15, 8, 34, 0, 0, time.UTC), "0"},
		{time.Date(2025, 1, 15, 8, 37, 6, 0, time.UTC), "1"},
	} {
		f.setClock(c.at)
		if got := f.query(ws, q); !reflect.DeepEqual(got, [][]string{{c.want}}) {
			t.Errorf("at %s: %v, want %s", c.at.Format("15:04:05"), got, c.want)
		}
	}
}

func TestKeyVaultFaultAndFix(t *testing.T) {
	f := newFixture(t)
	ws := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	if _, err := f.engine.SetFault(f.tenant.ID, "kv-diagnostics-missing", true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.engine.Launch(f.tenant.ID, Speed{}); err != nil {
		t.Fatal(err)
	}
	if got := f.query(ws, kvRows); !reflect.DeepEqual(got, [][]string{{"0"}}) {
		t.Fatalf("Key Vault rows with the fault on: %v", got)
	}
	// Other tables still flow.
	if got := f.query(ws, `SigninLogs | where IPAddress == "185.220.101.45" | summarize n = count() > 0`); !reflect.DeepEqual(got, [][]string{{"true"}}) {
		t.Fatalf("sign-ins with the fault on: %v", got)
	}
	wsInfo, _ := f.engine.Workspace(f.tenant.ID, ws)
	f.createKVSetting(wsInfo.Info.ID) // at 10:05
	if got := f.query(ws, kvRows); !reflect.DeepEqual(got, [][]string{{"0"}}) {
		t.Fatalf("the new setting routed old rows: %v", got)
	}
	r, err := f.engine.Replay(f.tenant.ID, "credential-access")
	if err != nil {
		t.Fatal(err)
	}
	if !r.At.Equal(time.Date(2025, 1, 15, 10, 5, 0, 0, time.UTC)) {
		t.Fatalf("replay at %v", r.At)
	}
	f.setClock(time.Date(2025, 1, 15, 10, 15, 0, 0, time.UTC))
	got := f.query(ws, `AzureDiagnostics | where ResourceProvider == "MICROSOFT.KEYVAULT" | summarize n = count(), ops = array_sort_asc(make_set(OperationName)), ips = make_set(CallerIPAddress), firstSeen = min(TimeGenerated)`)
	want := [][]string{{"7", `["SecretGet","SecretList","VaultGet"]`, `["185.220.101.45"]`, "2025-01-15T10:05:00Z"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after fix and replay: %v, want %v", got, want)
	}
	// Background Key Vault reads by apps after the fix are routed too.
	f.setClock(time.Date(2025, 1, 15, 13, 0, 0, 0, time.UTC))
	if got := f.query(ws, `AzureDiagnostics | where CallerIPAddress != "185.220.101.45" | summarize n = count() > 0`); !reflect.DeepEqual(got, [][]string{{"true"}}) {
		t.Fatalf("later background rows: %v", got)
	}
}
