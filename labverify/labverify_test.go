package labverify

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/grader"
	"github.com/soclab/soclab/labtext"
)

func TestJudge(t *testing.T) {
	for _, tc := range []struct {
		name   string
		notes  labtext.Notes
		out    string
		code   int
		err    error
		status Status
		reason string
	}{
		{"ok", labtext.Notes{}, "x", 0, nil, Passed, ""},
		{"exit", labtext.Notes{}, "x", 2, nil, Failed, "exit status 2"},
		{"timeout", labtext.Notes{}, "", -1, errors.New("timed out after 1s"), Failed, "timed out after 1s"},
		{"expect json loosely", labtext.Notes{Expect: []string{`[["185.220.101.45",false,true]]`}}, "[\n  [\n    \"185.220.101.45\",\n    false,\n    true\n  ]\n]\n", 0, nil, Passed, ""},
		{"expect missing", labtext.Notes{Expect: []string{"[]", "53003"}}, "[]", 0, nil, Failed, `the output does not contain "53003" (compared without whitespace)`},
		{"expect on failure", labtext.Notes{Expect: []string{"x"}}, "x", 1, nil, Failed, "exit status 1"},
		{"expected failure", labtext.Notes{ExpectFail: true, FailText: "AADSTS53003"}, "ERROR: AADSTS53003: blocked", 1, nil, Passed, ""},
		{"expected failure any text", labtext.Notes{ExpectFail: true}, "boom", 3, nil, Passed, ""},
		{"expected failure succeeded", labtext.Notes{ExpectFail: true}, "fine", 0, nil, Failed, "the block was expected to fail (break and fix) and succeeded"},
		{"expected failure says else", labtext.Notes{ExpectFail: true, FailText: "53003"}, "50126", 1, nil, Failed, `the block failed as expected (exit 1) but its output does not say "53003"`},
	} {
		status, reason := judge(tc.notes, tc.out, tc.code, tc.err)
		if status != tc.status || reason != tc.reason {
			t.Errorf("%s: %s %q, want %s %q", tc.name, status, reason, tc.status, tc.reason)
		}
	}
}

func TestTail(t *testing.T) {
	if got := tail("short\n"); got != "short\n" {
		t.Errorf("tail(short) = %q", got)
	}
	long := strings.Repeat("line of output\n", 5000)
	got := tail(long)
	if !strings.HasPrefix(got, "[… ") || len(got) > outputLimit+40 || !strings.HasSuffix(got, "line of output\n") {
		t.Errorf("tail(long) = %d bytes starting %q", len(got), got[:40])
	}
}

// sampleReport has one block of each outcome and a grade with one failed check.
func sampleReport() *Report {
	r := &Report{File: "lab.md"}
	r.add(BlockResult{Index: 1, Line: 3, Section: "Setup", Kind: labtext.Shell, Status: NotRun, Reason: "the learner's own shell", ExitCode: -1})
	r.add(BlockResult{Index: 2, Line: 9, Section: "Task 1", Kind: labtext.Shell, Status: Passed, Output: "ok\n", Duration: 1500 * time.Millisecond})
	r.add(BlockResult{Index: 3, Line: 20, Section: "Task 1 › Rule 1", Kind: labtext.KQL, Status: Failed, Reason: "exit status 1", ExitCode: 1, Output: "ERROR: (BadRequest) bad <query>\n"})
	r.add(BlockResult{Index: 4, Line: 30, Section: "Task 2", Kind: labtext.Shell, Status: Skipped, Missing: []string{"az-sentinel"}, Reason: "SKIPPED: needs az-sentinel: not installed", ExitCode: -1})
	r.Grade = &grader.Report{Scenario: "s", Tenant: "contoso", Tasks: []grader.Task{{Number: 1, Title: "Rules"}},
		Results: []grader.Result{{ID: "a", Task: 1, Title: "A", Passed: true, Points: 2, MaxPoints: 2}, {ID: "b", Task: 1, Title: "B", MaxPoints: 3, Detail: "no rule", Hint: "make one"}},
		Score:   2, MaxScore: 5, Passed: 1, Failed: 1}
	r.finish()
	return r
}

func TestWriteText(t *testing.T) {
	var b strings.Builder
	if err := sampleReport().Write(&b, "text"); err != nil {
		t.Fatal(err)
	}
	want := `soclab verify lab.md: 4 blocks

- not-run block  1, line 3    Setup (bash)
      the learner's own shell
✓ passed  block  2, line 9    Task 1 (bash)
✗ failed  block  3, line 20   Task 1 › Rule 1 (kql)
      exit status 1
      | ERROR: (BadRequest) bad <query>
! skipped block  4, line 30   Task 2 (bash)
      SKIPPED: needs az-sentinel: not installed

Blocks: 1 passed, 1 failed, 1 skipped, 1 not run (marked in the text)
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
!!! 1 BLOCKS WERE SKIPPED because a tool is missing, so they were NOT verified:
!!!   az-sentinel: 1 blocks
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!

soclab grade: scenario s, tenant contoso, clock 0001-01-01 00:00:00Z

Task 1: Rules
  ✓ a   2/2  A
  ✗ b   0/3  B
    no rule
    hint: make one

Score: 2/5 points, 1 of 2 checks passed

soclab verify: FAILED
`
	if b.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestWriteJUnitAndJSON(t *testing.T) {
	var b strings.Builder
	if err := sampleReport().Write(&b, "junit"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<testsuites name="soclab verify lab.md" tests="6" failures="2" skipped="2">`,
		`<testsuite name="blocks of lab.md" tests="4" failures="1" skipped="2">`,
		`<testcase name="block 2 (line 9): Task 1" classname="soclab.verify.blocks" time="1.500">`,
		`<failure message="exit status 1" type="BlockFailed">exit status 1&#xA;ERROR: (BadRequest) bad &lt;query&gt;&#xA;</failure>`,
		`<skipped message="SKIPPED: needs az-sentinel: not installed"></skipped>`,
		`<testsuite name="grade" tests="2" failures="1" skipped="0">`,
		`<failure message="no rule" type="CheckFailed">no rule&#xA;hint: make one</failure>`,
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("JUnit lacks %s:\n%s", want, b.String())
		}
	}
	b.Reset()
	if err := sampleReport().Write(&b, "json"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"passed": 1,`, `"failed": 1,`, `"skipped": 1,`, `"notRun": 1,`, `"skippedFor": {
    "az-sentinel": 1
  },`, `"ok": false`, `"durationMs": 1500`, `"missing": [
        "az-sentinel"
      ],`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b.String())
		}
	}
	if err := sampleReport().Write(&b, "yaml"); err == nil || err.Error() != `unknown format "yaml": use text, json or junit` {
		t.Errorf("yaml: %v", err)
	}
}

func TestOK(t *testing.T) {
	r := &Report{}
	r.add(BlockResult{Status: Passed})
	r.add(BlockResult{Status: NotRun})
	r.Grade = &grader.Report{AllPassed: true}
	if r.finish(); !r.OK {
		t.Error("passed and not-run blocks with a passing grade: not OK")
	}
	r.add(BlockResult{Status: Skipped, Missing: []string{"jq"}})
	if r.finish(); r.OK {
		t.Error("a block skipped for a missing tool: OK")
	}
	r = &Report{GradeError: "x"}
	if r.finish(); r.OK {
		t.Error("no grade: OK")
	}
}

// TestRunRefusesBadOptions: Run needs the binary and a folder, and says so.
func TestRunRefusesBadOptions(t *testing.T) {
	if _, err := Run(t.Context(), nil, Options{}); err == nil || err.Error() != "labverify: Options.Soclab and Options.Dir are required" {
		t.Errorf("Run without options: %v", err)
	}
}
