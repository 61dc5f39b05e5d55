package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// blockMarker separates the output of challenge.md's bash blocks when they run as one script.
const blockMarker = "::soclab-block::"

// challengeBash returns the ```bash blocks of challenge.md between the headings that start with
// from and to (to excluded).
func challengeBash(t *testing.T, from, to string) []string {
	t.Helper()
	data, err := os.ReadFile("../challenge.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i, j := strings.Index(text, "\n## "+from), strings.Index(text, "\n## "+to)
	if i < 0 || j < i {
		t.Fatalf("challenge.md has no section %q before %q", from, to)
	}
	var blocks []string
	for _, m := range regexp.MustCompile("(?s)```bash\n(.*?)```").FindAllStringSubmatch(text[i:j], -1) {
		blocks = append(blocks, m[1])
	}
	return blocks
}

// TestChallengeTasks12 runs challenge.md's Tasks 1 and 2 as a learner would: the lab's own bash
// blocks, unchanged, in one bash shell with the real az and the sentinel extension. Before the
// attack the rules' checks pass but the "fired" ones do not, and rule 3 over the whole history
// matches nothing; after `soclab attack launch` every check of Tasks 1-2 passes.
func TestChallengeTasks12(t *testing.T) {
	requireAz(t)
	ext := os.Getenv(extensionDirVar)
	if ext == "" {
		t.Skipf("%s is not set: the az sentinel 0.2.0 extension is not part of the project; point %s at a private extension folder to run challenge.md's Tasks 1-2 with the real az", extensionDirVar, extensionDirVar)
	}
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("jq is not installed: challenge.md's KQL helper needs it")
	}
	blocks := challengeBash(t, "Task 1", "Task 3")
	if len(blocks) != 6 {
		t.Fatalf("challenge.md Tasks 1-2: %d bash blocks, want 6 (variables, three rules, KQL helpers, connector)", len(blocks))
	}
	l := newLab(t)
	l.start()
	script := []string{"set -euo pipefail",
		`az login --service-principal -u "$SOCLAB_SP_ID" -p "$SOCLAB_SP_SECRET" --tenant "$SOCLAB_TENANT_ID" -o none`}
	for _, b := range blocks {
		script = append(script, "echo "+blockMarker, b)
	}
	dir := t.TempDir()
	cmd := exec.Command("bash", "-c", strings.Join(script, "\n"))
	cmd.Dir = dir
	cmd.Env = append(l.env, "AZURE_EXTENSION_DIR="+ext, "PATH="+filepath.Dir(l.bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	if err := cmd.Run(); err != nil {
		t.Fatalf("challenge.md Tasks 1-2 failed: %v\nstdout:\n%s\nstderr:\n%s\nserver log:\n%s", err, so.String(), se.String(), l.srvLog)
	}
	outs := strings.Split(so.String(), blockMarker+"\n")[1:]
	if len(outs) != len(blocks) {
		t.Fatalf("%d block outputs for %d blocks:\n%s", len(outs), len(blocks), so.String())
	}
	if got := strings.TrimSpace(outs[4]); got != "[]" {
		t.Errorf("rule 3 over the history before the attack printed %q, want []", got)
	}
	var connector struct {
		Kind      string
		DataTypes struct{ Incidents struct{ State string } }
	}
	show := outs[5][strings.LastIndex(outs[5], "\n{")+1:]
	if err := json.Unmarshal([]byte(show), &connector); err != nil || connector.Kind != "MicrosoftThreatProtection" || connector.DataTypes.Incidents.State != "Enabled" {
		t.Errorf("data-connector show printed %q (%v), want the enabled MicrosoftThreatProtection connector", show, err)
	}

	failed := func(out string) []string {
		var rep struct {
			Checks []struct {
				ID     string
				Passed bool
			}
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("grade --format json: %v\n%s", err, out)
		}
		var ids []string
		for _, c := range rep.Checks {
			if !c.Passed {
				ids = append(ids, c.ID)
			}
		}
		return ids
	}
	out, code := l.grade(t, "--task", "1,2", "--format", "json")
	if got := fmt.Sprint(failed(out)); code != 1 || got != "[rule1-fired rule2-fired rule3-fired]" {
		t.Errorf("before the attack: exit %d, failed %s, want exit 1 and only the fired checks", code, got)
	}
	if out, err := l.soclab("attack", "launch"); err != nil {
		t.Fatalf("soclab attack launch: %v\n%s", err, out)
	}
	out, code = l.grade(t, "--task", "1,2", "--format", "json")
	if got := failed(out); code != 0 || len(got) != 0 {
		t.Errorf("after the attack: exit %d, failed %v, want exit 0 and none", code, got)
	}
}
