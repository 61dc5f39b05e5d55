package e2e

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// junitCounts reads the totals of a JUnit XML report and checks each suite's testcases.
func junitCounts(t *testing.T, out string) (tests, failures int) {
	t.Helper()
	var doc struct {
		XMLName  xml.Name `xml:"testsuites"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("soclab grade --format junit is not JUnit XML: %v\n%s", err, out)
	}
	n, f := 0, 0
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			n++
			if c.Failure != nil {
				f++
			}
		}
	}
	if n != doc.Tests || f != doc.Failures {
		t.Fatalf("junit totals tests=%d failures=%d, testcases %d with %d failures", doc.Tests, doc.Failures, n, f)
	}
	return n, f
}

// grade runs the real binary's `soclab grade` and returns its stdout and exit status.
func (l *lab) grade(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(l.bin, append([]string{"grade", "--state", l.state}, args...)...)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("soclab grade: %v", err)
	}
	return string(out), 0
}

// TestGradeThroughServer grades Tasks 1-2 through a running server: a fresh tenant fails every
// check (exit 1, JUnit failures with hints); after the real az CLI sends Task 1-2's requests
// (az rest with the sentinel extension's recorded bodies) and the attack is launched, every
// check passes (exit 0).
func TestGradeThroughServer(t *testing.T) {
	t.Parallel() // every test has its own server, state folder and az profile
	requireAz(t)
	l := newLab(t)
	l.start()
	sub, tenant := l.vars["SOCLAB_SUBSCRIPTION_ID"], l.vars["SOCLAB_TENANT_ID"]
	var subs []account
	l.azJSON(&subs, "login", "--service-principal", "-u", l.vars["SOCLAB_SP_ID"], "--password="+l.vars["SOCLAB_SP_SECRET"], "--tenant", tenant)

	out, code := l.grade(t, "--format", "junit")
	if code != 1 {
		t.Fatalf("fresh tenant: exit %d, want 1\n%s", code, out)
	}
	if n, f := junitCounts(t, out); n != 29 || f != 29 || !strings.Contains(out, "hint: ") {
		t.Fatalf("fresh tenant: %d testcases, %d failures, want 29 and 29 with hints\n%s", n, f, out)
	}
	if _, code := l.grade(t, "--task", "9"); code != 2 {
		t.Fatalf("--task 9: exit %d, want 2 (usage)", code)
	}

	// The knowledge check through the server: one answer, then a file of answers.
	if out, err := l.soclab("answer", "3", "Near-real-time (NRT)"); err != nil ||
		!strings.Contains(out, "3. Which kind of analytics rule detects fastest?\n   Near-real-time (NRT)\n") {
		t.Fatalf("soclab answer 3: %v\n%s", err, out)
	}
	answers := filepath.Join(t.TempDir(), "answers.txt")
	if err := os.WriteFile(answers, []byte("# mine\n1. Microsoft Defender XDR\n2: Sentinel\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := l.soclab("answer", "--file", answers); err != nil || !strings.Contains(out, "1. Which platform") {
		t.Fatalf("soclab answer --file: %v\n%s", err, out)
	}
	if out, err := l.soclab("answer", "9", "x"); err == nil || !strings.Contains(out, "question \"9\" is not one of the knowledge check's (1-5)") {
		t.Fatalf("soclab answer 9: %v\n%s", err, out)
	}
	out, code = l.grade(t, "--task", "7", "--format", "json")
	var rep struct {
		Checks []struct {
			ID     string
			Passed bool
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 {
		t.Fatalf("soclab grade --task 7: exit %d, %v\n%s", code, err, out)
	}
	var passed []string
	for _, c := range rep.Checks {
		if c.Passed {
			passed = append(passed, c.ID)
		}
	}
	if strings.Join(passed, " ") != "knowledge-1 knowledge-3" {
		t.Fatalf("knowledge checks passed: %v, want knowledge-1 knowledge-3\n%s", passed, out)
	}

	// Tasks 1-2 with the requests the az sentinel extension sends (recorded), through az rest.
	f, err := os.Open("../grader/testdata/az-traffic-tasks12.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	dir := t.TempDir()
	for i := 0; sc.Scan(); i++ {
		var r struct {
			Method, Path, Query string
			Body                *string
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		fix := strings.NewReplacer("22222222-2222-2222-2222-222222222222", sub, "11111111-1111-1111-1111-111111111111", tenant)
		args := []string{"rest", "--method", r.Method, "--url", "https://management.azure.com" + fix.Replace(r.Path) + "?" + r.Query}
		if r.Body != nil {
			p := filepath.Join(dir, "body.json")
			if err := os.WriteFile(p, []byte(fix.Replace(*r.Body)), 0o600); err != nil {
				t.Fatal(err)
			}
			args = append(args, "--body", "@"+p)
		}
		if res := l.az(args...); res.code != 0 {
			t.Fatalf("az %s: exit %d\n%s\nserver log:\n%s", strings.Join(args[:5], " "), res.code, res.stderr, l.srvLog)
		}
	}
	if out, err := l.soclab("attack", "launch"); err != nil {
		t.Fatalf("soclab attack launch: %v\n%s", err, out)
	}

	out, code = l.grade(t, "--format", "junit", "--task", "1,2")
	if n, f := junitCounts(t, out); code != 0 || n != 12 || f != 0 {
		t.Fatalf("after Tasks 1-2 and the attack: exit %d, %d testcases, %d failures\n%s", code, n, f, out)
	}
	out, code = l.grade(t, "--task", "1,2")
	if code != 0 || !strings.Contains(out, "Score: 34/34 points, 12 of 12 checks passed") {
		t.Fatalf("text report: exit %d\n%s", code, out)
	}
	t.Logf("soclab grade:\n%s", out)
}
