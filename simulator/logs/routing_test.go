package logs

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/kql"
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
	want := [][]string{{"7", `["SecretGet","SecretList","VaultGet"]`, `["185.220.101.45"]`, "2025-01-15T10:09:30Z"}} // credential-access replays after its fresh sign-in (replayWith)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after fix and replay: %v, want %v", got, want)
	}
	// Background Key Vault reads by apps after the fix are routed too.
	f.setClock(time.Date(2025, 1, 15, 13, 0, 0, 0, time.UTC))
	if got := f.query(ws, `AzureDiagnostics | where CallerIPAddress != "185.220.101.45" | summarize n = count() > 0`); !reflect.DeepEqual(got, [][]string{{"true"}}) {
		t.Fatalf("later background rows: %v", got)
	}
}

func TestAppendedRowsJoinTheWorkspaceAfterTheirDelay(t *testing.T) {
	f := newFixture(t)
	ws := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	other := f.createWorkspace("rg-contoso-dev", "law-other")
	at := time.Date(2025, 1, 15, 7, 10, 0, 0, time.UTC)
	err := f.engine.Append(f.tenant.ID, "SecurityAlert",
		Row{Workspace: ws, Time: at, Values: map[string]any{"AlertName": "Suspicious Sign-in Followed by Azure Resource Access", "AlertSeverity": "High", "ProductName": "Azure Sentinel"}},
		Row{Workspace: other, Time: at, Values: map[string]any{"AlertName": "elsewhere"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.engine.Append(f.tenant.ID, "NoSuchTable", Row{Time: at}); err == nil {
		t.Fatal("append to an unknown table succeeded")
	}
	const q = `SecurityAlert | project AlertName, AlertSeverity, TimeGenerated, Type`
	f.setClock(at)
	if got := f.query(ws, q); len(got) != 0 {
		t.Fatalf("alert visible before its delay: %v", got)
	}
	f.setClock(at.Add(time.Minute))
	want := [][]string{{"Suspicious Sign-in Followed by Azure Resource Access", "High", "2025-01-15T07:10:00Z", "SecurityAlert"}}
	if got := f.query(ws, q); !reflect.DeepEqual(got, want) {
		t.Fatalf("alert rows: %v, want %v", got, want)
	}
	if got := f.query(other, `SecurityAlert | project AlertName`); !reflect.DeepEqual(got, [][]string{{"elsewhere"}}) {
		t.Fatalf("the other workspace: %v", got)
	}
	// A later append shows up in the same engine without a restart.
	if err := f.engine.Append(f.tenant.ID, "SecurityAlert", Row{Workspace: ws, Time: at.Add(30 * time.Second), Values: map[string]any{"AlertName": "second"}}); err != nil {
		t.Fatal(err)
	}
	f.setClock(at.Add(2 * time.Minute))
	if got := f.query(ws, `SecurityAlert | count`); !reflect.DeepEqual(got, [][]string{{"2"}}) {
		t.Fatalf("after a second append: %v", got)
	}
}

func TestLearnerARMWritesBecomeAzureActivity(t *testing.T) {
	f := newFixture(t)
	ws := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	info, _ := f.engine.Workspace(f.tenant.ID, ws)
	f.createKVSetting(info.Info.ID) // recorded in the action log at 07:00
	f.setClock(scenStart.Add(10 * time.Minute))
	got := f.query(ws, `AzureActivity | where Caller == "analyst@contoso.com" | project OperationNameValue, ActivityStatusValue, CategoryValue, ResourceProvider, TimeGenerated`)
	want := [][]string{{"MICROSOFT.INSIGHTS/DIAGNOSTICSETTINGS/WRITE", "Success", "Administrative", "MICROSOFT.INSIGHTS", "2025-01-15T07:00:00Z"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("activity rows: %v, want %v", got, want)
	}
}

func TestHuntingSeesDefenderTablesWithoutAWorkspace(t *testing.T) {
	f := newFixture(t)
	if _, err := f.engine.Launch(f.tenant.ID, Speed{}); err != nil {
		t.Fatal(err)
	}
	now, _ := f.world.Now(f.tenant.ID)
	db, err := f.engine.Hunting(f.tenant.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	got := f.run(db, f.engine.HuntingCatalog(), now, `AADSignInEventsBeta | where IPAddress == "185.220.101.45" and ErrorCode == 0 | summarize n = count() > 0, t = min(Timestamp)`)
	if !reflect.DeepEqual(got, [][]string{{"true", "2025-01-15T08:32:05Z"}}) {
		t.Fatalf("hunting sign-ins: %v", got)
	}
	if _, err := kql.Compile(`SigninLogs | count`, f.engine.HuntingCatalog(), kql.CompileOptions{}); err == nil {
		t.Fatal("SigninLogs is not an advanced hunting table")
	}
}

func TestFaultsAndStepsRefuseUnknownNames(t *testing.T) {
	f := newFixture(t)
	if _, err := f.engine.SetFault(f.tenant.ID, "no-such-fault", true); !errors.Is(err, ErrUnknownFault) {
		t.Fatalf("unknown fault: %v", err)
	}
	if _, err := f.engine.Replay(f.tenant.ID, "no-such-step"); !errors.Is(err, ErrUnknownStep) {
		t.Fatalf("unknown step: %v", err)
	}
	list, err := f.engine.Faults(f.tenant.ID)
	if err != nil || len(list) != len(f.engine.Scenario().Faults) || len(list) == 0 {
		t.Fatalf("faults: %v %v", list, err)
	}
	for _, fs := range list {
		if fs.On {
			t.Fatalf("fault %s is on after a refused change", fs.ID)
		}
	}
	for _, c := range []struct {
		in   string
		want int
		err  bool
	}{{"", 0, false}, {"instant", 0, false}, {"realtime", 1, false}, {"x60", 60, false}, {"x0", 0, true}, {"fast", 0, true}, {"60", 0, true}} {
		s, err := ParseSpeed(c.in)
		if (err != nil) != c.err || (!c.err && s.Factor != c.want) {
			t.Errorf("ParseSpeed(%q) = %v, %v", c.in, s, err)
		}
	}
}

func TestResetForgetsAppendedRowsAndTheAttack(t *testing.T) {
	f := newFixture(t)
	ws := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	if _, err := f.engine.Launch(f.tenant.ID, Speed{}); err != nil {
		t.Fatal(err)
	}
	if err := f.engine.Append(f.tenant.ID, "SentinelHealth", Row{Workspace: ws, Time: scenStart, Values: map[string]any{"SentinelResourceName": "before"}}); err != nil {
		t.Fatal(err)
	}
	if got := f.query(ws, `SentinelHealth | project SentinelResourceName`); !reflect.DeepEqual(got, [][]string{{"before"}}) {
		t.Fatalf("before reset: %v", got)
	}
	if err := f.world.Reset(f.tenant.ID); err != nil {
		t.Fatal(err)
	}
	ws = f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	if err := f.engine.Append(f.tenant.ID, "SentinelHealth", Row{Workspace: ws, Time: scenStart.Add(-time.Hour), Values: map[string]any{"SentinelResourceName": "after"}}); err != nil {
		t.Fatal(err)
	}
	if got := f.query(ws, `SentinelHealth | project SentinelResourceName`); !reflect.DeepEqual(got, [][]string{{"after"}}) {
		t.Fatalf("after reset: %v", got)
	}
	if got := f.query(ws, `SigninLogs | where IPAddress == "185.220.101.45" | count`); !reflect.DeepEqual(got, [][]string{{"0"}}) {
		t.Fatalf("attack rows after reset: %v", got)
	}
}

func TestPlayDrivesTheClockToTheAttackEnd(t *testing.T) {
	f := newFixture(t)
	if _, err := f.engine.Launch(f.tenant.ID, Speed{Factor: 100000}); err != nil {
		t.Fatal(err)
	}
	if now, _ := f.world.Now(f.tenant.ID); !now.Equal(attackStart) {
		t.Fatalf("xN launch puts the clock at %v, want the attack start", now)
	}
	if err := f.engine.Play(f.tenant.ID, Speed{Factor: 100000}, time.Millisecond, nil); err != nil {
		t.Fatal(err)
	}
	if now, _ := f.world.Now(f.tenant.ID); !now.Equal(f.engine.AttackEndClock()) {
		t.Fatalf("after play the clock is %v, want %v", now, f.engine.AttackEndClock())
	}
}

// TestConcurrentQueriesAndAppends runs queries while rows are appended and the clock moves
// (meaningful under -race).
func TestConcurrentQueriesAndAppends(t *testing.T) {
	f := newFixture(t)
	ws := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	if _, err := f.engine.Launch(f.tenant.ID, Speed{}); err != nil {
		t.Fatal(err)
	}
	w, err := f.engine.Workspace(f.tenant.ID, ws)
	if err != nil {
		t.Fatal(err)
	}
	q, err := kql.Compile(`union SigninLogs, SecurityAlert | summarize count() by Type`, f.engine.WorkspaceCatalog(), kql.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 5)
	for g := 0; g < 4; g++ {
		go func() {
			for i := 0; i < 5; i++ {
				at := attackStart.Add(time.Duration(i) * time.Minute)
				db, err := w.Database(at)
				if err == nil {
					_, err = q.Run(context.Background(), db, kql.RunOptions{Now: at})
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	go func() {
		for i := 0; i < 5; i++ {
			if err := f.engine.Append(f.tenant.ID, "SecurityAlert", Row{Workspace: ws, Time: attackStart, Values: map[string]any{"AlertName": "a"}}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for i := 0; i < 5; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if got := f.query(ws, `SecurityAlert | count`); !reflect.DeepEqual(got, [][]string{{"5"}}) {
		t.Fatalf("alerts after concurrent appends: %v", got)
	}
}
