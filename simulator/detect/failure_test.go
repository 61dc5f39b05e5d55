package detect

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/pipeline"
	"github.com/soclab/soclab/simulator/sentinel"
)

// hungryNRT is an NRT rule whose query builds more than the 1 MB the failure tests allow.
const hungryNRT = `{"kind":"NRT","properties":{"displayName":"Test rule","description":"Counts rows.","severity":"Low","enabled":true,
	"query":"range x from 1 to 200000 step 1 | extend s = strcat(\"row \", x) | summarize n = count()",
	"suppressionDuration":"PT1H","suppressionEnabled":false,"tactics":[],"techniques":[]}}`

// fixedNRT is the same rule, repaired and enabled again by the learner.
const fixedNRT = `{"kind":"NRT","properties":{"displayName":"Test rule","severity":"Low","enabled":true,
	"query":"print n = 1","suppressionDuration":"PT1H","suppressionEnabled":false,"tactics":[],"techniques":[]}}`

// healthByReason counts the health rows by status, reason and rule name.
const healthByReason = `SentinelHealth | summarize n = count() by Status, Reason, SentinelResourceName | order by Status asc, Reason asc`

// ruleView is what the failure tests read back of the stored rule through ARM.
func (f *fixture) ruleView(name string) sentinel.AlertRule {
	f.t.Helper()
	var r sentinel.AlertRule
	if err := json.Unmarshal([]byte(f.call("GET", f.rulePath(name), "")), &r); err != nil {
		f.t.Fatal(err)
	}
	return r
}

// TestFailingRules: runs that fail are Failure health rows with Sentinel's reason; a rule
// whose query uses too many resources is auto-disabled after AutoDisableAfter runs in a row,
// as Sentinel does it; a transient failure never disables; the learner's fix runs again.
func TestFailingRules(t *testing.T) {
	tests := []struct {
		name   string
		opts   Options
		steps  []step
		health []string
		check  func(t *testing.T, f *fixture)
	}{{
		name:  "a query over its memory limit: five failed runs, then AUTO DISABLED",
		opts:  Options{QueryMaxMemory: 1 << 20},
		steps: []step{onboard, at("08:00"), rule("test", hungryNRT), at("08:20")},
		health: []string{
			"Failure | The analytics rule is disabled and was not executed. | AUTO DISABLED Test rule | 1",
			"Failure | This query was found to use too many system resources and was prevented from running. | Test rule | 5",
		},
		check: func(t *testing.T, f *fixture) {
			r := f.ruleView("test")
			wantDesc := "Counts rows.\n\nAUTO DISABLED on 2025-01-15T08:05:00.0000000Z after 5 consecutive failed runs: " + ReasonResources
			if r.IsEnabled() || *r.Properties.DisplayName != "AUTO DISABLED Test rule" || *r.Properties.Description != wantDesc ||
				r.Properties.LastModifiedUtc != "2025-01-15T08:05:00.0000000Z" {
				t.Errorf("rule after auto-disable: enabled %v, name %q, description %q, modified %s", r.IsEnabled(),
					*r.Properties.DisplayName, *r.Properties.Description, r.Properties.LastModifiedUtc)
			}
			wantEqual(t, f.kql(`SentinelHealth | where Reason == "The analytics rule is disabled and was not executed." | project TimeGenerated, Issue = tostring(ExtendedProperties.Issues[0].Code)`),
				[]string{"2025-01-15T08:06:00Z | RuleAutoDisabled"})
		},
	}, {
		name:  "the learner fixes and enables the rule: it runs again",
		opts:  Options{QueryMaxMemory: 1 << 20},
		steps: []step{onboard, at("08:00"), rule("test", hungryNRT), at("08:20"), rule("test", fixedNRT), at("08:30")},
		health: []string{
			"Failure | The analytics rule is disabled and was not executed. | AUTO DISABLED Test rule | 1",
			"Failure | This query was found to use too many system resources and was prevented from running. | Test rule | 5",
			"Success |  | Test rule | 9",
		},
		check: func(t *testing.T, f *fixture) {
			if r := f.ruleView("test"); !r.IsEnabled() {
				t.Errorf("rule disabled again")
			}
		},
	}, {
		name:  "a run-time error is transient: every run fails, the rule stays enabled",
		steps: []step{onboard, at("08:00"), rule("test", scheduled(`print n = 1 | where assert(n < 0, "the rule is broken")`, "")), at("09:30")},
		health: []string{
			"Failure | An internal server error occurred while running the query. | Test rule | 18",
		},
		check: func(t *testing.T, f *fixture) {
			if r := f.ruleView("test"); !r.IsEnabled() || *r.Properties.DisplayName != "Test rule" {
				t.Errorf("transient failures changed the rule: %+v", r.Properties)
			}
		},
	}, {
		name:  "a query within its limits succeeds",
		steps: []step{onboard, at("08:00"), rule("test", hungryNRT), at("08:10")},
		health: []string{
			"Success |  | Test rule | 9",
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixtureWith(t, tc.opts)
			for _, s := range tc.steps {
				s(f)
			}
			wantEqual(t, f.kql(healthByReason), tc.health)
			if tc.check != nil {
				tc.check(t, f)
			}
		})
	}
}

// TestCountFailure: only consecutive failures of one reason on one rule version count, and
// only permanent ones (and timeouts) disable.
func TestCountFailure(t *testing.T) {
	type run struct{ etag, reason string }
	five := func(etag, reason string) []run {
		return []run{{etag, reason}, {etag, reason}, {etag, reason}, {etag, reason}, {etag, reason}}
	}
	for _, tc := range []struct {
		name    string
		runs    []run
		disable int // index of the run that disables (-1: none)
	}{
		{"five resource failures", five("a", ReasonResources), 4},
		{"five missing tables", five("a", ReasonTableNotFound), 4},
		{"five timeouts", five("a", ReasonTimeout), 4},
		{"internal errors never", append(five("a", ReasonInternal), five("a", ReasonInternal)...), -1},
		{"semantic errors never", five("a", ReasonSemantic), -1},
		{"another reason starts again", append([]run{{"a", ReasonResources}, {"a", ReasonResources}, {"a", ReasonTimeout}}, five("a", ReasonResources)...), 7},
		{"a new version starts again", append([]run{{"a", ReasonResources}, {"a", ReasonResources}, {"a", ReasonResources}, {"a", ReasonResources}}, five("b", ReasonResources)...), 8},
	} {
		st := &ruleState{}
		got := -1
		for i, r := range tc.runs {
			if countFailure(st, r.etag, r.reason) && got < 0 {
				got = i
			}
		}
		if got != tc.disable {
			t.Errorf("%s: disabled at run %d, want %d", tc.name, got, tc.disable)
		}
	}
	st := &ruleState{Failures: 4, FailReason: ReasonResources, FailedEtag: "a"}
	recordSuccess(st)
	if countFailure(st, "a", ReasonResources) || st.Failures != 1 {
		t.Errorf("a success did not reset the count: %+v", st)
	}
}

// TestRunPanicIsAFailure: a panic inside a run (here: cutting its window) is a Failure row
// with the internal-error reason, not a crash nor an error of the batch.
func TestRunPanicIsAFailure(t *testing.T) {
	f := newFixture(t)
	onboard(f)
	at("08:00")(f)
	rule("test", scheduled(attackSignins, ""))(f)
	wss, states, err := f.engine.load(f.tenant.ID)
	if err != nil || len(wss) != 1 || len(wss[0].rules) != 1 {
		t.Fatalf("load: %v %v", wss, err)
	}
	w := wss[0]
	if w.logs, err = f.logs.Workspace(f.tenant.ID, w.id); err != nil {
		t.Fatal(err)
	}
	w.cut = func(logs.Cut) kql.Database { panic("window out of range") }
	r := ruleRun{at: clockAt(t, "08:05"), ws: w, rule: &w.rules[0], st: states[strings.ToLower(w.rules[0].ID)]}
	out := &output{}
	sum, err := f.engine.run(f.tenant.ID, r, map[windowKey]kql.Database{}, out)
	if err != nil || sum != (Summary{Runs: 1, Failures: 1}) || len(out.health.Recs) != 1 {
		t.Fatalf("run: %+v %v %+v", sum, err, out.health)
	}
	rec := out.health.Recs[0]
	if rec.Reason != ReasonInternal || rec.Error != "the rule run failed unexpectedly: window out of range" || !rec.At.Equal(clockAt(t, "08:05")) || r.st.Failures != 1 {
		t.Errorf("health record %+v, state %+v", rec, r.st)
	}
}

// TestProgress: the engine reports how far its rules have run, which the pipeline slices from.
func TestProgress(t *testing.T) {
	f := newFixture(t)
	onboard(f)
	at("08:00")(f)
	to := clockAt(t, "10:00")
	if p, err := f.engine.Progress(f.tenant.ID, to); err != nil || !p.Equal(to) {
		t.Errorf("no rules: %v %v, want %v", p, err, to)
	}
	rule("test", scheduled(attackSignins, ""))(f) // created 08:00: runs at once, then every 5 minutes
	if p, err := f.engine.Progress(f.tenant.ID, to); err != nil || !p.Equal(clockAt(t, "08:00").Add(-time.Nanosecond)) {
		t.Errorf("never run: %v %v", p, err)
	}
	at("09:02")(f)
	if p, err := f.engine.Progress(f.tenant.ID, to); err != nil || !p.Equal(clockAt(t, "09:05").Add(-time.Nanosecond)) {
		t.Errorf("ran to 09:00: %v %v", p, err)
	}
	if p, err := f.engine.Progress(f.tenant.ID, clockAt(t, "09:03")); err != nil || !p.Equal(clockAt(t, "09:03")) {
		t.Errorf("nothing due before 09:03: %v %v", p, err)
	}
}

// TestAdvanceYields: with a tiny budget the stage runs one rule run per call and yields;
// called until it does not, it has made exactly the runs, rows and alerts of one AdvanceTo.
func TestAdvanceYields(t *testing.T) {
	var want []string
	for _, budget := range []time.Duration{0, time.Nanosecond} {
		f := newFixtureWith(t, Options{Budget: budget})
		for _, s := range []step{onboard, at("08:00"), rule("test", scheduled(attackSignins, ""))} {
			s(f)
		}
		to := clockAt(t, "10:00")
		if _, err := f.world.SetTime(f.tenant.ID, to); err != nil {
			t.Fatal(err)
		}
		calls := 0
		if budget == 0 {
			if _, err := f.engine.AdvanceTo(f.tenant.ID, to); err != nil {
				t.Fatal(err)
			}
		} else {
			for err := pipeline.ErrYield; errors.Is(err, pipeline.ErrYield); calls++ {
				if err = f.engine.Advance(f.tenant.ID, to); err != nil && !errors.Is(err, pipeline.ErrYield) {
					t.Fatal(err)
				}
			}
			if p, err := f.engine.Progress(f.tenant.ID, to); err != nil || !p.Equal(to) {
				t.Errorf("progress after the yields: %v %v", p, err)
			}
		}
		got := f.kql(summary)
		if budget == 0 {
			want = got
			continue
		}
		wantEqual(t, got, want)
		if calls != 25 { // 25 runs (08:00 ... 10:00), one per call; the last call does not yield
			t.Errorf("a 1 ns budget made %d calls, want 25", calls)
		}
	}
}
