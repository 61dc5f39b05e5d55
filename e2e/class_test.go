package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soclab/soclab/classreport"
)

// TestClassReport: learner01 creates Task 1's resource group and workspace with the real az;
// `soclab class report` (the instructor's token from the state folder) then shows learner01
// with those two operations on task 1 and learner02 with none, and writes a self-contained
// HTML file.
func TestClassReport(t *testing.T) {
	t.Parallel() // every test has its own server, state folder and az profile
	requireAz(t)
	l := newLab(t)
	l.start()
	for _, name := range []string{"learner01", "learner02"} {
		if out, err := l.soclab("tenant", "add", name); err != nil {
			t.Fatalf("tenant add %s: %v\n%s", name, err, out)
		}
	}
	// learner01's shell: the exports of `soclab env --tenant learner01`, as loadEnv reads them.
	env := exec.Command(l.bin, "env", "--state", l.state, "--tenant", "learner01", "--shell", "bash")
	env.Env = append(os.Environ(), "SOCLAB_TOKEN=")
	exports, err := env.Output()
	if err != nil {
		t.Fatalf("soclab env --tenant learner01: %v", err)
	}
	script := strings.Join([]string{"set -euo pipefail", string(exports),
		`az login --service-principal -u "$SOCLAB_SP_ID" --password="$SOCLAB_SP_SECRET" --tenant "$SOCLAB_TENANT_ID" -o none`,
		`az group create --name rg-contoso-unified-soc --location eastus -o none`,
		`az monitor log-analytics workspace create --workspace-name law-contoso-unified --resource-group rg-contoso-unified-soc --location eastus -o none`,
	}, "\n")
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = t.TempDir()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("learner01's az: %v\n%s", err, out)
	}

	out, err := l.soclab("class", "report", "--format", "json")
	if err != nil {
		t.Fatalf("class report: %v\n%s", err, out)
	}
	var rep classreport.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("class report JSON: %v\n%s", err, out)
	}
	if rep.Learners != 2 || rep.Rows[0].Tenant != "learner01" || rep.Rows[1].Tenant != "learner02" {
		t.Fatalf("class report learners: %s", out)
	}
	l1, l2 := rep.Rows[0], rep.Rows[1]
	if l1.Actions != 2 || l1.LastAction == nil || l2.Actions != 0 || l2.LastAction != nil {
		t.Errorf("actions: learner01 %d (last %v), learner02 %d", l1.Actions, l1.LastAction, l2.Actions)
	}
	if l1.Tasks[0].Task != 1 || l1.Tasks[0].TimeSeconds != l1.TimeSpentSeconds {
		t.Errorf("learner01's time is not all on task 1: %+v", l1)
	}
	html, err := l.soclab("class", "report", "--format", "html")
	if err != nil || !strings.HasPrefix(html, "<!DOCTYPE html>") || !strings.Contains(html, "<svg") || strings.Contains(html, "<script") || strings.Contains(html, "src=") || strings.Contains(html, "<link") {
		t.Fatalf("class report html (%v):\n%s", err, html)
	}
	if err := os.WriteFile(filepath.Join(t.TempDir(), "class.html"), []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
}
