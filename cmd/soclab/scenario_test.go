package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/simulator/kql/catalog"
)

func TestScenarioList(t *testing.T) {
	var out bytes.Buffer
	if err := runScenarioList(&out); err != nil {
		t.Fatal(err)
	}
	want := "NAME          TITLE\nalex-johnson  Contoso: alex.johnson phished, Key Vault secrets read, storage exfiltrated, persistence attempted\n"
	if out.String() != want {
		t.Errorf("got:\n%q\nwant:\n%q", out.String(), want)
	}
}

func TestScenarioShow(t *testing.T) {
	var out bytes.Buffer
	if err := runScenarioShow(&out, "alex-johnson"); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"initial-access     T1078      InitialAccess     08:31:40  Sign-in with the phished credentials from Bucharest",
		"attacker-return    T1550.001  DefenseEvasion    13:40:00  The attacker returns with the stolen session and the password it set (outcome decided by the directory then)",
		"kv-diagnostics-missing                3     remove-diagnostic-setting    NRT credential-access rule never fires",
		"Resource groups: rg-contoso-unified-soc, rg-contoso-finance, rg-contoso-prod-apps, rg-contoso-identity, rg-contoso-backup, rg-contoso-dev, rg-contoso-network",
	} {
		if !strings.Contains(out.String(), line+"\n") {
			t.Errorf("show output lacks line %q:\n%s", line, out.String())
		}
	}
	if err := runScenarioShow(&out, "nope"); err == nil || err.Error() != `scenario "nope" not found (built-in: alex-johnson)` {
		t.Errorf("unknown scenario: got %v", err)
	}
}

func TestScenarioExportCSV(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	err := runScenarioExport(&out, scenarioExportOptions{Name: "alex-johnson", Out: dir, Format: "csv",
		Params: generate.Params{Seed: 3, Users: 20, Days: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "wrote "+strconv.Itoa(len(generate.Tables))+" tables, ") {
		t.Errorf("summary: %q", out.String())
	}
	cat := catalog.MustLoad()
	for _, name := range generate.Tables {
		f, err := os.Open(filepath.Join(dir, name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		sc.Scan()
		tb, _ := cat.Table(name)
		var cols []string
		for _, c := range tb.Columns {
			cols = append(cols, c.Name)
		}
		if got := sc.Text(); got != strings.Join(cols, ",") {
			t.Errorf("%s header %q", name, got)
		}
		if !sc.Scan() {
			t.Errorf("%s has no rows", name)
		}
		f.Close()
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(generate.Tables) {
		t.Errorf("%d files in the output folder, want %d (no temporary files left)", len(entries), len(generate.Tables))
	}
}

func TestScenarioExportErrors(t *testing.T) {
	cases := []struct {
		opts scenarioExportOptions
		want string
	}{
		{scenarioExportOptions{Name: "alex-johnson", Out: t.TempDir(), Format: "xml"}, `unknown format "xml" (json, jsonl, csv)`},
		{scenarioExportOptions{Name: "alex-johnson", Out: t.TempDir(), Format: "csv", Params: generate.Params{Users: 3}},
			"generate: users 3 out of range [12, 100000] (the scenario names 12 people)"},
		{scenarioExportOptions{Name: "alex-johnson", Out: t.TempDir(), Format: "csv", Params: generate.Params{Days: 400}},
			"generate: days 400 out of range [1, 90]"},
		{scenarioExportOptions{Name: "alex-johnson", Out: t.TempDir(), Format: "csv", Params: generate.Params{TenantID: "contoso"}},
			`generate: tenant id "contoso" is not a lower-case GUID`},
	}
	for _, c := range cases {
		err := runScenarioExport(&bytes.Buffer{}, c.opts)
		if err == nil || err.Error() != c.want {
			t.Errorf("got %v, want %s", err, c.want)
		}
	}
}
