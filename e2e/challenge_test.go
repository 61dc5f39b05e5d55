package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soclab/soclab/labtext"
	"github.com/soclab/soclab/labverify"
)

// challengeBlocks returns challenge.md's fenced blocks, read by package labtext as `soclab
// verify` reads them.
func challengeBlocks(t *testing.T) []labtext.Block {
	t.Helper()
	data, err := os.ReadFile("../challenge.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := labtext.Parse(string(data))
	if err != nil {
		t.Fatalf("challenge.md: %v", err)
	}
	return blocks
}

// labFile returns the body of a file challenge.md writes with `cat > name <<'EOF'` (the rule
// files), so the tests run the lab's own files.
func labFile(t *testing.T, name string) string {
	t.Helper()
	body, ok := labtext.Heredoc(challengeBlocks(t), name)
	if !ok {
		t.Fatalf("challenge.md has no heredoc for %s", name)
	}
	return body
}

// challengeBash returns the ```bash blocks of challenge.md (read by package labtext, as `soclab
// verify` reads it) from the first block under a heading starting with from up to the first
// later block under a heading starting with to (excluded). Headings are matched at any level
// ("Task 3", "Contain", "Break and fix").
func challengeBash(t *testing.T, from, to string) []string {
	t.Helper()
	blocks := challengeBlocks(t)
	under := func(b labtext.Block, heading string) bool {
		for _, part := range strings.Split(b.Section, " › ") {
			if strings.HasPrefix(part, heading) {
				return true
			}
		}
		return false
	}
	var out []string
	started := false
	for _, b := range blocks {
		if !started && under(b, from) {
			started = true
		} else if started && under(b, to) {
			break
		}
		if started && b.Kind == labtext.Shell {
			out = append(out, b.Text)
		}
	}
	if !started {
		t.Fatalf("challenge.md has no block under a heading %q", from)
	}
	return out
}

// TestChallengeVerify runs `soclab verify --format json` (the built-in challenge.md: every block
// in order on a private lab, with the real az, then the grade) and compares what each block did
// with the record of this environment (testdata/challenge-verify-<env>.txt: "sentinel" when
// SOCLAB_AZ_EXTENSION_DIR holds the az sentinel extension, else "core-az", where the blocks that
// need it are skipped and counted). A block that changes behaviour fails the test;
// SOCLAB_UPDATE_GOLDEN=1 records the new behaviour (review the diff).
func TestChallengeVerify(t *testing.T) {
	t.Parallel() // every test has its own server, state folder and az profile
	requireAz(t)
	ext, env := os.Getenv(extensionDirVar), "core-az"
	if ext != "" {
		env = "sentinel"
	}
	cmd := exec.Command(buildSoclab(t), "verify", "--format", "json")
	cmd.Env = append(os.Environ(), "AZURE_EXTENSION_DIR="+ext, "TMPDIR="+t.TempDir())
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	var rep labverify.Report
	if jerr := json.Unmarshal(so.Bytes(), &rep); jerr != nil {
		t.Fatalf("soclab verify (%v) printed no JSON report: %v\nstdout:\n%s\nstderr:\n%s", err, jerr, so.String(), se.String())
	}
	if ee, ok := err.(*exec.ExitError); (rep.OK && err != nil) || (!rep.OK && (!ok || ee.ExitCode() != 1)) {
		t.Errorf("soclab verify: ok %v but exit %v", rep.OK, err)
	}
	if rep.File != "challenge.md (built in)" || len(rep.Blocks) < 30 {
		t.Errorf("soclab verify ran %q: %d blocks", rep.File, len(rep.Blocks))
	}
	got := verifyRecord(&rep)
	golden := filepath.Join("testdata", "challenge-verify-"+env+".txt")
	if os.Getenv("SOCLAB_UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("no record of challenge.md's blocks for this environment (%v); run with SOCLAB_UPDATE_GOLDEN=1 to make one, and review it", err)
	}
	if got != string(want) {
		var text strings.Builder
		rep.WriteText(&text)
		t.Errorf("challenge.md's blocks behave differently than %s records:\n--- got\n%s--- want\n%s\nreport:\n%s", golden, got, want, text.String())
	}
}

// verifyRecord is the stable part of a verify report: each block by its heading and position
// under it (lines move as the text is edited), its kind and outcome (the reason for skips and
// expectations), and whether the grade's report was read.
func verifyRecord(rep *labverify.Report) string {
	var b strings.Builder
	seen := map[string]int{}
	for _, res := range rep.Blocks {
		seen[res.Section]++
		reason := ""
		switch {
		case res.Status == labverify.Skipped:
			reason = " (needs " + strings.Join(res.Missing, ", ") + ")"
		case res.Status == labverify.Failed && strings.HasPrefix(res.Reason, "the output does not contain"):
			reason = " (" + res.Reason + ")"
		}
		fmt.Fprintf(&b, "%s #%d %s: %s%s\n", res.Section, seen[res.Section], res.Kind, res.Status, reason)
	}
	// The checks change as the grader grows; what the blocks do is what this test guards.
	if rep.Grade == nil {
		fmt.Fprintf(&b, "grade: none (%s)\n", rep.GradeError)
	} else {
		fmt.Fprintf(&b, "grade: read\n")
	}
	return b.String()
}
