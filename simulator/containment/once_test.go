package containment_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/containment"
)

// returnCounts counts the return's rows per table in the lab workspace.
const returnCounts = `union SigninLogs, AADNonInteractiveUserSignInLogs, AzureDiagnostics, StorageBlobLogs
	| where TimeGenerated > datetime(2025-01-15T13:00:00Z)
	| where IPAddress startswith '185.220.101.' or CallerIPAddress == '185.220.101.45' or CallerIpAddress startswith '185.220.101.45:'
	| summarize n = count() by Type | order by Type asc`

var allReturnRows = []string{"AADNonInteractiveUserSignInLogs\t1", "AzureDiagnostics\t2", "SigninLogs\t11", "StorageBlobLogs\t1"}

func TestExactlyOnce(t *testing.T) {
	f := newFixture(t)
	f.launch(f.tenant)
	// Step by step across the items, with repeats at every step.
	for _, hhmm := range []string{"13:39:59", "13:40", "13:40", "13:42:30", "13:46", "13:51", "13:53", "14:10", "14:10"} {
		f.advanceTo(f.tenant, hhmm)
		if err := f.engine.Advance(f.tenant.ID, clockAt(t, hhmm)); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.fake.count(); n != 12 {
		t.Errorf("evaluator asked %d times, want 12 (2 attempts + 10 sprays)", n)
	}
	if got := f.query(f.tenant, f.wsID, returnCounts); strings.Join(got, "|") != strings.Join(allReturnRows, "|") {
		t.Errorf("rows %q, want %q", got, allReturnRows)
	}
	// A restart (new engines on the same state file) does nothing again.
	f.restart()
	f.advanceTo(f.tenant, "15:00")
	if err := f.engine.AdvanceAll(); err != nil {
		t.Fatal(err)
	}
	if n := f.fake.count(); n != 12 {
		t.Errorf("after restart the evaluator was asked %d times, want 12", n)
	}
	if got := f.query(f.tenant, f.wsID, returnCounts); strings.Join(got, "|") != strings.Join(allReturnRows, "|") {
		t.Errorf("after restart rows %q, want %q", got, allReturnRows)
	}
}

func TestConcurrentAdvance(t *testing.T) {
	f := newFixture(t)
	f.launch(f.tenant)
	to := clockAt(t, "14:10")
	if _, err := f.world.SetTime(f.tenant.ID, to); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = f.engine.Advance(f.tenant.ID, to) }()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if got := f.query(f.tenant, f.wsID, returnCounts); strings.Join(got, "|") != strings.Join(allReturnRows, "|") {
		t.Errorf("rows %q, want %q", got, allReturnRows)
	}
	res, _ := f.engine.Results(f.tenant.ID)
	if len(res) != 13 {
		t.Errorf("%d results, want 13", len(res))
	}
}

func TestNotBeforeLaunch(t *testing.T) {
	f := newFixture(t)
	f.advanceTo(f.tenant, "14:10")
	if n := f.fake.count(); n != 0 {
		t.Fatalf("evaluator asked %d times before the launch", n)
	}
	if res, _ := f.engine.Results(f.tenant.ID); len(res) != 0 {
		t.Fatalf("results before the launch: %+v", res)
	}
	// Launched late (the clock stays at 14:10): the return is played at the next Advance.
	f.launch(f.tenant)
	f.advanceTo(f.tenant, "14:10")
	if got := f.query(f.tenant, f.wsID, returnCounts); strings.Join(got, "|") != strings.Join(allReturnRows, "|") {
		t.Errorf("rows %q, want %q", got, allReturnRows)
	}
}

func TestResetAndRelaunch(t *testing.T) {
	f := newFixture(t)
	f.launch(f.tenant)
	f.advanceTo(f.tenant, "14:10")
	if err := f.world.Reset(f.tenant.ID); err != nil {
		t.Fatal(err)
	}
	if res, _ := f.engine.Results(f.tenant.ID); len(res) != 0 {
		t.Fatalf("results after reset: %d", len(res))
	}
	f.wsID = f.createWorkspace(f.tenant)
	f.advanceTo(f.tenant, "14:10")
	if n := f.fake.count(); n != 12 {
		t.Fatalf("the reset tenant played the return before a launch (%d calls)", n)
	}
	// Relaunched and contained this time: the return is decided again, against today's directory.
	f.launch(f.tenant)
	if err := writeContainment(f.world, f.tenant.ID, containmentDone{DisabledAt: clockAt(t, "10:30")}); err != nil {
		t.Fatal(err)
	}
	f.advanceTo(f.tenant, "14:10")
	got := f.query(f.tenant, f.wsID, `SigninLogs | where TimeGenerated > datetime(2025-01-15T13:00:00Z) and IPAddress == '185.220.101.45' | project ResultType`)
	if strings.Join(got, ",") != "50057" {
		t.Errorf("after relaunch: %q, want the one 50057 of the disabled account", got)
	}
	// A second launch changes nothing.
	f.launch(f.tenant)
	f.advanceTo(f.tenant, "14:20")
	if n := f.fake.count(); n != 24 {
		t.Errorf("evaluator asked %d times, want 24", n)
	}
}

func TestTenantIsolation(t *testing.T) {
	f := newFixture(t)
	other, err := f.world.AddTenant("fabrikam")
	if err != nil {
		t.Fatal(err)
	}
	otherWS := f.createWorkspace(other)
	f.launch(f.tenant)
	f.launch(other)
	if err := writeContainment(f.world, other.ID, containmentDone{DisabledAt: clockAt(t, "10:30")}); err != nil {
		t.Fatal(err)
	}
	// contoso: only the session attempt is played (Advance to 13:41), then its clock moves on
	// without the engine so the row is ingested; fabrikam plays everything.
	if err := f.engine.Advance(f.tenant.ID, clockAt(t, "13:41")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.world.SetTime(f.tenant.ID, clockAt(t, "14:10")); err != nil {
		t.Fatal(err)
	}
	f.advanceTo(other, "14:10")
	q := `union SigninLogs, AADNonInteractiveUserSignInLogs | where TimeGenerated > datetime(2025-01-15T13:00:00Z) and IPAddress == '185.220.101.45' | project Type, ResultType | order by Type asc`
	if got := f.query(f.tenant, f.wsID, q); strings.Join(got, "|") != "AADNonInteractiveUserSignInLogs\t0" {
		t.Errorf("contoso: %q", got)
	}
	if got := f.query(other, otherWS, q); strings.Join(got, "|") != "AADNonInteractiveUserSignInLogs\t50057|SigninLogs\t50057" {
		t.Errorf("fabrikam: %q", got)
	}
	r1, _ := f.engine.Results(f.tenant.ID)
	r2, _ := f.engine.Results(other.ID)
	if len(r1) != 1 || len(r2) != 13 {
		t.Errorf("results: contoso %d, fabrikam %d", len(r1), len(r2))
	}
	var inTx []containment.Result
	if err := f.world.View(other.ID, func(tx *simulator.TenantTx) error {
		var err error
		inTx, err = containment.ReadResults(tx)
		return err
	}); err != nil || len(inTx) != 13 || inTx[0].ErrorCode != 50057 || inTx[0].Key != "session-0" {
		t.Errorf("ReadResults: %+v %v", inTx, err)
	}
}

// failingEvaluator fails, or answers a verdict Entra never logs.
type failingEvaluator struct{ v containment.Verdict }

func (e failingEvaluator) Evaluate(*simulator.TenantTx, containment.Attempt) (containment.Verdict, error) {
	if e.v.ErrorCode == 0 && e.v.ConditionalAccessStatus == "" {
		return containment.Verdict{}, errors.New("directory unavailable")
	}
	return e.v, nil
}

// TestBadVerdicts: a failing evaluator or an impossible verdict stores nothing, and a later
// Advance with a working evaluator plays everything.
func TestBadVerdicts(t *testing.T) {
	cases := []struct {
		name string
		eval failingEvaluator
		want string
	}{
		{"evaluator error", failingEvaluator{}, "containment: evaluate session-0 of alex.johnson@contoso.com at 2025-01-15T13:40:00Z: directory unavailable"},
		{"negative code", failingEvaluator{containment.Verdict{ErrorCode: -1}}, "containment: evaluate session-0 of alex.johnson@contoso.com: verdict has a negative error code -1"},
		{"unknown CA status", failingEvaluator{containment.Verdict{ConditionalAccessStatus: "blocked"}}, "containment: evaluate session-0 of alex.johnson@contoso.com: verdict has an unknown conditional access status \"blocked\""},
		{"success with a failure reason", failingEvaluator{containment.Verdict{ConditionalAccessStatus: "success", FailureReason: "nope"}},
			"containment: evaluate session-0 of alex.johnson@contoso.com: verdict signs in (error code 0) with a failure reason \"nope\""},
		{"unknown code without a reason", failingEvaluator{containment.Verdict{ErrorCode: 4242}},
			"containment: evaluate session-0 of alex.johnson@contoso.com: verdict error code 4242 has no failure reason (and the catalog has none)"},
		{"policy without an id", failingEvaluator{containment.Verdict{ErrorCode: 53003, AppliedPolicies: []containment.AppliedPolicy{{DisplayName: "x", Result: "failure"}}}},
			"containment: evaluate session-0 of alex.johnson@contoso.com: verdict lists a Conditional Access policy without an id or result: {ID: DisplayName:x Result:failure EnforcedGrantControls:[]}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			f.launch(f.tenant)
			to := clockAt(t, "14:10")
			if _, err := f.world.SetTime(f.tenant.ID, to); err != nil {
				t.Fatal(err)
			}
			bad, err := containment.New(f.logs, c.eval)
			if err != nil {
				t.Fatal(err)
			}
			if err := bad.Advance(f.tenant.ID, to); err == nil || err.Error() != c.want {
				t.Fatalf("error %v, want %s", err, c.want)
			}
			if got := f.query(f.tenant, f.wsID, returnCounts); len(got) != 0 {
				t.Fatalf("rows after a failed Advance: %q", got)
			}
			if err := f.engine.Advance(f.tenant.ID, to); err != nil {
				t.Fatal(err)
			}
			if got := f.query(f.tenant, f.wsID, returnCounts); strings.Join(got, "|") != strings.Join(allReturnRows, "|") {
				t.Errorf("rows %q, want %q", got, allReturnRows)
			}
		})
	}
}

func TestNewNeedsEngineAndEvaluator(t *testing.T) {
	if _, err := containment.New(nil, failingEvaluator{}); err == nil {
		t.Error("New without a log engine succeeded")
	}
	f := newFixture(t)
	if _, err := containment.New(f.logs, nil); err == nil {
		t.Error("New without an evaluator succeeded")
	}
}

// TestCodeOutsideTheCatalog: a verdict may carry a code the scenario's catalog lacks (53000, a
// compliant device required) with its text; the rows carry both.
func TestCodeOutsideTheCatalog(t *testing.T) {
	f := newFixture(t)
	const reason = "Device is not in required device state: compliant. Conditional Access policy requires a compliant device, and the device is not compliant. The user must enroll their device with an approved MDM provider like Intune."
	eng, err := containment.New(f.logs, containment.EvaluatorFunc(func(_ *simulator.TenantTx, a containment.Attempt) (containment.Verdict, error) {
		return containment.Verdict{ErrorCode: 53000, FailureReason: reason, ConditionalAccessStatus: "failure",
			AppliedPolicies: []containment.AppliedPolicy{{ID: "p1", DisplayName: "Require compliant device", Result: "failure", EnforcedGrantControls: []string{"RequireCompliantDevice"}}}}, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	f.engine = eng
	f.launch(f.tenant)
	f.advanceTo(f.tenant, "14:10")
	got := f.query(f.tenant, f.wsID, `SigninLogs | where TimeGenerated > datetime(2025-01-15T13:00:00Z) and IPAddress == '185.220.101.45'
		| project ResultType, ResultDescription, tostring(Status), ConditionalAccessStatus, tostring(ConditionalAccessPolicies)`)
	want := "53000\t" + reason + "\t" + `{"errorCode":53000,"failureReason":"` + reason + `"}` + "\tfailure\t" +
		`[{"displayName":"Require compliant device","enforcedGrantControls":["RequireCompliantDevice"],"enforcedSessionControls":[],"id":"p1","result":"failure"}]`
	if len(got) != 1 || got[0] != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestProgress: what the pipeline reads to cut a catch-up into slices.
func TestProgress(t *testing.T) {
	f := newFixture(t)
	to := clockAt(t, "14:10")
	check := func(what string, want time.Time) {
		t.Helper()
		if p, err := f.engine.Progress(f.tenant.ID, to); err != nil || !p.Equal(want) {
			t.Errorf("%s: %v %v, want %v", what, p, err, want)
		}
	}
	check("not launched", to)
	f.launch(f.tenant)
	check("launched", clockAt(t, "13:40").Add(-time.Nanosecond))
	if p, _ := f.engine.Progress(f.tenant.ID, clockAt(t, "13:00")); !p.Equal(clockAt(t, "13:00")) {
		t.Errorf("nothing due by 13:00: %v", p)
	}
	if err := f.engine.Advance(f.tenant.ID, clockAt(t, "13:41")); err != nil {
		t.Fatal(err)
	}
	check("session played", clockAt(t, "13:42:30").Add(-time.Nanosecond))
	f.advanceTo(f.tenant, "14:10")
	check("all played", to)
}
