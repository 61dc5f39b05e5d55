package corpus

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/arm"
	"github.com/soclab/soclab/mockapis/armtest"
	mocksentinel "github.com/soclab/soclab/mockapis/sentinel"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/logs"
)

const (
	corpusFile   = "../kql/parser/testdata/sentinel/cases.json"
	baselineFile = "testdata/baseline.json"
)

// labSources opens the lab at its default size (the server's: every user, every day of
// background), creates and onboards the workspace through ARM as a learner does, sets the
// attack (instantly, as `soclab attack launch` does) and sets the tenant clock an hour after
// the attack window, and returns the workspace and advanced
// hunting at that time.
func labSources(t *testing.T) ([]Source, time.Time, *scenario.Scenario) {
	t.Helper()
	s, err := scenario.LoadBuiltin("alex-johnson")
	if err != nil {
		t.Fatal(err)
	}
	real := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return real }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	le, err := logs.New(w, s, logs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ten, err := w.TenantByName(simulator.DefaultTenantName)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(arm.NewHandler(w, armtest.Verifier{World: w}, mocksentinel.LabTypes()...))
	t.Cleanup(srv.Close)
	wsID := armtest.WorkspaceID(ten)
	armtest.Call(t, srv.URL, ten.ID, "PUT", wsID+"?api-version=2021-12-01-preview", `{"location":"eastus","properties":{"sku":{"name":"PerGB2018"}}}`)
	armtest.Call(t, srv.URL, ten.ID, "PUT", wsID+"/providers/Microsoft.SecurityInsights/onboardingStates/default?api-version="+armtest.PreviewAPI, "")
	if _, err := le.Launch(ten.ID, logs.Speed{}); err != nil {
		t.Fatal(err)
	}
	now := s.Attack.End.Add(time.Hour)
	if _, err := w.SetTime(ten.ID, now); err != nil {
		t.Fatal(err)
	}
	ws, err := le.Workspace(ten.ID, wsID)
	if err != nil {
		t.Fatal(err)
	}
	wdb, err := ws.Database(now)
	if err != nil {
		t.Fatal(err)
	}
	hdb, err := le.Hunting(ten.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	return []Source{
		{Name: "workspace", Catalog: le.WorkspaceCatalog(), Database: wdb, At: ws.Database},
		{Name: "hunting", Catalog: le.HuntingCatalog(), Database: hdb, At: func(at time.Time) (kql.Database, error) { return le.Hunting(ten.ID, at) }},
	}, now, s
}

// attackMarkers are texts only the attack's rows carry: the attacker's network (the Tor exit
// range of its place) and the account it creates.
func attackMarkers() []string { return []string{"185.220.101.", "svc-backup-admin"} }

func loadCorpus(t *testing.T) []Case {
	t.Helper()
	b, err := os.ReadFile(corpusFile)
	if err != nil {
		t.Fatal(err)
	}
	var cases []Case
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestCorpusOverTheLab runs every corpus query whose tables the lab has over a tenant after
// the attack and compares each outcome with testdata/baseline.json: a query that ran (with
// rows or empty) and now fails is a regression, and so is a detection that returned attack
// rows and now returns none. New lab queries (a new table makes more of
// the corpus runnable) are reported; rewrite the baseline with CORPUS_UPDATE=1.
func TestCorpusOverTheLab(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the corpus over a full-size tenant")
	}
	sources, now, scen := labSources(t)
	sel := Select(loadCorpus(t), sources...)
	// Scheduled rules run hourly over the last hour or day: a detection that returns no attack
	// rows at the end is also run at each hour of the attack window.
	var earlier []time.Time
	for t := scen.Attack.Start.Truncate(time.Hour).Add(time.Hour); t.Before(now); t = t.Add(time.Hour) {
		earlier = append(earlier, t)
	}
	got := Run(context.Background(), sel, Options{Now: now, Markers: attackMarkers(), Earlier: earlier})
	summary := Summarize(got)
	t.Log(summary.String())
	if os.Getenv("CORPUS_UPDATE") == "1" {
		writeBaseline(t, got)
		return
	}
	base := readBaseline(t)
	seen := map[string]bool{}
	var added []string
	for _, o := range got {
		seen[o.File] = true
		b, ok := base[o.File]
		if !ok {
			added = append(added, fmt.Sprintf("%s (%s)", o.File, o.Status))
			continue
		}
		if b.Status != Error && o.Status == Error {
			t.Errorf("%s ran (%s) in the baseline and now fails: %s", o.File, b.Status, o.Error)
		}
		if b.Attack > 0 && o.Attack == 0 && o.Status != Error {
			t.Errorf("%s returned %d attack rows in the baseline and now none: the detection no longer fires", o.File, b.Attack)
		}
	}
	if len(added) > 0 {
		shown := added
		if len(shown) > 20 {
			shown = append(shown[:20:20], "…")
		}
		t.Logf("%d lab queries are not in the baseline yet (CORPUS_UPDATE=1 to add them): %s", len(added), strings.Join(shown, ", "))
	}
	for f, b := range base {
		if !seen[f] && b.Status != Error {
			t.Errorf("%s ran in the baseline but is no longer selected (a table left the lab?)", f)
		}
	}
}

func readBaseline(t *testing.T) map[string]Outcome {
	t.Helper()
	b, err := os.ReadFile(baselineFile)
	if err != nil {
		t.Fatalf("%v (create it with CORPUS_UPDATE=1)", err)
	}
	var list []Outcome
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatal(err)
	}
	m := map[string]Outcome{}
	for _, o := range list {
		m[o.File] = o
	}
	return m
}

func writeBaseline(t *testing.T, got []Outcome) {
	t.Helper()
	sort.Slice(got, func(i, j int) bool { return got[i].File < got[j].File })
	b, err := json.MarshalIndent(got, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(baselineFile, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
