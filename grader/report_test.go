package grader

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

// sampleReport is a report with one passed and one failed check in each of two tasks.
func sampleReport() *Report {
	r := &Report{Scenario: "alex-johnson", Tenant: "contoso", Clock: time.Date(2025, 1, 15, 10, 5, 0, 0, time.UTC),
		Tasks: []Task{{1, "Analytics rules"}, {2, "Connect <Sentinel> & XDR"}}}
	r.add(Result{ID: "workspace", Task: 1, Title: "Workspace exists", Passed: true, Points: 2, MaxPoints: 2})
	r.add(Result{ID: "rule1-query", Task: 1, Title: "Rule 1's query", MaxPoints: 4,
		Detail: `it also matches benign activity: User="emma.brown"`, Hint: "Join the sign-ins with\nthe operations."})
	r.add(Result{ID: "xdr-connector", Task: 2, Title: "Connector", Passed: true, Points: 3, MaxPoints: 3, Detail: "ok"})
	return r
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := `soclab grade: scenario alex-johnson, tenant contoso, clock 2025-01-15 10:05:00Z

Task 1: Analytics rules
  ✓ workspace       2/2  Workspace exists
  ✗ rule1-query     0/4  Rule 1's query
    it also matches benign activity: User="emma.brown"
    hint: Join the sign-ins with
          the operations.

Task 2: Connect <Sentinel> & XDR
  ✓ xdr-connector   3/3  Connector

Score: 5/9 points, 2 of 3 checks passed
`
	if got := b.String(); got != want {
		t.Errorf("text report:\n%s\nwant:\n%s", got, want)
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	want := `{
  "scenario": "alex-johnson",
  "tenant": "contoso",
  "clock": "2025-01-15T10:05:00Z",
  "tasks": [
    {
      "number": 1,
      "title": "Analytics rules"
    },
    {
      "number": 2,
      "title": "Connect <Sentinel> & XDR"
    }
  ],
  "checks": [
    {
      "id": "workspace",
      "task": 1,
      "title": "Workspace exists",
      "passed": true,
      "points": 2,
      "maxPoints": 2
    },
    {
      "id": "rule1-query",
      "task": 1,
      "title": "Rule 1's query",
      "passed": false,
      "points": 0,
      "maxPoints": 4,
      "detail": "it also matches benign activity: User=\"emma.brown\"",
      "hint": "Join the sign-ins with\nthe operations."
    },
    {
      "id": "xdr-connector",
      "task": 2,
      "title": "Connector",
      "passed": true,
      "points": 3,
      "maxPoints": 3,
      "detail": "ok"
    }
  ],
  "score": 5,
  "maxScore": 9,
  "passed": 2,
  "failed": 1,
  "allPassed": false
}
`
	if got := b.String(); got != want {
		t.Errorf("json report:\n%s\nwant:\n%s", got, want)
	}
}

func TestWriteJUnit(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="soclab grade alex-johnson (contoso)" tests="3" failures="1">
  <testsuite name="Task 1: Analytics rules" tests="2" failures="1" errors="0" skipped="0" timestamp="2025-01-15T10:05:00">
    <testcase name="workspace: Workspace exists" classname="soclab.alex-johnson.task1" time="0">
      <system-out>2/2 points. </system-out>
    </testcase>
    <testcase name="rule1-query: Rule 1&#39;s query" classname="soclab.alex-johnson.task1" time="0">
      <failure message="it also matches benign activity: User=&#34;emma.brown&#34;" type="CheckFailed">it also matches benign activity: User=&#34;emma.brown&#34;&#xA;hint: Join the sign-ins with&#xA;the operations.&#xA;0/4 points</failure>
    </testcase>
  </testsuite>
  <testsuite name="Task 2: Connect &lt;Sentinel&gt; &amp; XDR" tests="1" failures="0" errors="0" skipped="0" timestamp="2025-01-15T10:05:00">
    <testcase name="xdr-connector: Connector" classname="soclab.alex-johnson.task2" time="0">
      <system-out>3/3 points. ok</system-out>
    </testcase>
  </testsuite>
</testsuites>
`
	if got := b.String(); got != want {
		t.Errorf("junit report:\n%s\nwant:\n%s", got, want)
	}
	checkJUnit(t, b.Bytes(), 3, 1)
}

// checkJUnit validates JUnit XML the way CI tools read it: well-formed, a testsuites root whose
// counts match its testsuites, one testcase per check with a name and classname, and a failure
// (message and text) exactly for the failed ones.
func checkJUnit(t *testing.T, data []byte, tests, failures int) {
	t.Helper()
	var doc struct {
		XMLName  xml.Name `xml:"testsuites"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Cases    []struct {
				Name      string `xml:"name,attr"`
				Classname string `xml:"classname,attr"`
				Failure   *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("junit is not well-formed: %v", err)
	}
	if doc.Tests != tests || doc.Failures != failures {
		t.Errorf("testsuites tests=%d failures=%d, want %d and %d", doc.Tests, doc.Failures, tests, failures)
	}
	n, f := 0, 0
	for _, s := range doc.Suites {
		sf := 0
		if s.Name == "" || s.Tests != len(s.Cases) {
			t.Errorf("suite %q: tests=%d for %d testcases", s.Name, s.Tests, len(s.Cases))
		}
		for _, c := range s.Cases {
			if c.Name == "" || c.Classname == "" {
				t.Errorf("suite %q: testcase without name or classname", s.Name)
			}
			if c.Failure != nil {
				sf++
				if c.Failure.Message == "" || !strings.Contains(c.Failure.Text, "hint: ") {
					t.Errorf("testcase %q: failure without message or hint: %+v", c.Name, c.Failure)
				}
			}
		}
		if sf != s.Failures {
			t.Errorf("suite %q: failures=%d, counted %d", s.Name, s.Failures, sf)
		}
		n += len(s.Cases)
		f += sf
	}
	if n != tests || f != failures {
		t.Errorf("counted %d testcases and %d failures, want %d and %d", n, f, tests, failures)
	}
}
