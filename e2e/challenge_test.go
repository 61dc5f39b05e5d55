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

// TestChallengeTasks12 runs challenge.md as a learner would, with Break and fix 3's fault on: the
// lab's own bash blocks, unchanged, in one bash shell with the real az and the sentinel
// extension. Tasks 1-2, then the grade (only the "fired" checks fail), `soclab attack launch`
// (Task 3) and the grade (the NRT rule never fired: Key Vault sends no logs), then Break and fix
// 3's repair and replay, the clock advanced past the replay, and the grade (all pass). Rule 3
// over the whole history must match nothing before the attack.
func TestChallengeTasks12(t *testing.T) {
	t.Parallel() // every test has its own server, state folder and az profile
	requireAz(t)
	ext := os.Getenv(extensionDirVar)
	if ext == "" {
		t.Skipf("%s is not set: the az sentinel 0.2.0 extension is not part of the project; point %s at a private extension folder to run challenge.md's Tasks 1-2 with the real az", extensionDirVar, extensionDirVar)
	}
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("jq is not installed: challenge.md's KQL helper needs it")
	}
	blocks := challengeBash(t, "Task 1", "Task 3")
	if len(blocks) != 7 {
		t.Fatalf("challenge.md Tasks 1-2: %d bash blocks, want 7 (variables, three rules, KQL helpers, connector, Defender settings)", len(blocks))
	}
	launch, fix := challengeBash(t, "Task 3", "Task 4"), challengeBash(t, "Break and fix", "Check your work")
	if len(launch) == 0 || !strings.Contains(launch[0], "soclab attack launch") || len(fix) != 2 {
		t.Fatalf("challenge.md: Task 3 opens with %q, Break and fix has %d bash blocks; want the attack launch and two", launch, len(fix))
	}
	l := newLab(t)
	l.start()
	if out, err := l.soclab("fault", "on", "kv-diagnostics-missing"); err != nil {
		t.Fatalf("soclab fault on: %v\n%s", err, out)
	}
	grade := func(file string) string { return "soclab grade --task 1,2 --format json > " + file + " || true" }
	script := []string{"set -euo pipefail",
		`az login --service-principal -u "$SOCLAB_SP_ID" --password="$SOCLAB_SP_SECRET" --tenant "$SOCLAB_TENANT_ID" -o none`}
	for _, b := range blocks {
		script = append(script, "echo "+blockMarker, b)
	}
	script = append(script, "echo "+blockMarker, grade("before.json"), launch[0], grade("attacked.json"), fix[1], "soclab clock advance 15m", grade("fixed.json"))
	dir := t.TempDir()
	cmd := exec.Command("bash", "-c", strings.Join(script, "\n"))
	cmd.Dir = dir
	cmd.Env = append(l.env, "AZURE_EXTENSION_DIR="+ext, "PATH="+filepath.Dir(l.bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	if err := cmd.Run(); err != nil {
		t.Fatalf("challenge.md failed: %v\nstdout:\n%s\nstderr:\n%s\nserver log:\n%s", err, so.String(), se.String(), l.srvLog)
	}
	outs := strings.Split(so.String(), blockMarker+"\n")[1:] // the last one is the rest's
	if len(outs) != len(blocks)+1 {
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

	for _, c := range []struct{ file, failed string }{
		{"before.json", "[rule1-fired rule2-fired rule3-fired]"},
		{"attacked.json", "[rule2-fired]"},
		{"fixed.json", "[]"},
	} {
		data, err := os.ReadFile(filepath.Join(dir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		var rep struct {
			Checks []struct {
				ID     string
				Passed bool
			}
		}
		if err := json.Unmarshal(data, &rep); err != nil || len(rep.Checks) != 12 {
			t.Fatalf("%s: %d checks, %v\n%s", c.file, len(rep.Checks), err, data)
		}
		failed := []string{}
		for _, ch := range rep.Checks {
			if !ch.Passed {
				failed = append(failed, ch.ID)
			}
		}
		if got := fmt.Sprint(failed); got != c.failed {
			t.Errorf("%s: failed checks %s, want %s", c.file, got, c.failed)
		}
	}
}
