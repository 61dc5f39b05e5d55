package grader

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Report is the outcome of one Grade call; its JSON is what `soclab grade --format json` and
// `GET /_soclab/grade` answer.
type Report struct {
	Scenario  string    `json:"scenario"`
	Tenant    string    `json:"tenant"`
	Clock     time.Time `json:"clock"`
	Tasks     []Task    `json:"tasks"`
	Results   []Result  `json:"checks"`
	Score     int       `json:"score"`
	MaxScore  int       `json:"maxScore"`
	Passed    int       `json:"passed"`
	Failed    int       `json:"failed"`
	AllPassed bool      `json:"allPassed"`
	// NotGraded are the scenario's tasks left out of this grade (--task): allPassed says nothing
	// about them.
	NotGraded []int `json:"notGraded,omitempty"`
	// Notes are things the grader wants the learner to know about this grade (e.g. that the
	// rule engine had not caught up with the clock, so alert checks may be premature).
	Notes []string `json:"notes,omitempty"`
}

// Task is a graded task of the lab.
type Task struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
}

// Result is one check's outcome. Hint is set only when the check failed.
type Result struct {
	ID        string `json:"id"`
	Task      int    `json:"task"`
	Title     string `json:"title"`
	Passed    bool   `json:"passed"`
	Points    int    `json:"points"`
	MaxPoints int    `json:"maxPoints"`
	Detail    string `json:"detail,omitempty"`
	Hint      string `json:"hint,omitempty"`
}

func (r *Report) add(res Result) {
	r.Results = append(r.Results, res)
	r.Score += res.Points
	r.MaxScore += res.MaxPoints
	if res.Passed {
		r.Passed++
	} else {
		r.Failed++
	}
	r.AllPassed = r.Failed == 0
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteText writes the report for people: per task a table of checks with a mark, the id,
// the points and the title; under a failed check what was found and the hint; a score line.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "soclab grade: scenario %s, tenant %s, clock %s\n", r.Scenario, r.Tenant, r.Clock.UTC().Format("2006-01-02 15:04:05Z"))
	idWidth := 0
	for _, res := range r.Results {
		idWidth = max(idWidth, utf8.RuneCountInString(res.ID))
	}
	for _, t := range r.Tasks {
		fmt.Fprintf(&b, "\nTask %d: %s\n", t.Number, t.Title)
		for _, res := range r.Results {
			if res.Task != t.Number {
				continue
			}
			mark := "✗"
			if res.Passed {
				mark = "✓"
			}
			fmt.Fprintf(&b, "  %s %-*s %5s  %s\n", mark, idWidth, res.ID, fmt.Sprintf("%d/%d", res.Points, res.MaxPoints), res.Title)
			if !res.Passed {
				if res.Detail != "" {
					wrap(&b, "    ", "    ", res.Detail)
				}
				wrap(&b, "    hint: ", "          ", strings.TrimSpace(res.Hint))
			}
		}
	}
	fmt.Fprintf(&b, "\nScore: %d/%d points, %d of %d checks passed\n", r.Score, r.MaxScore, r.Passed, r.Passed+r.Failed)
	if len(r.NotGraded) > 0 {
		var ts []string
		for _, t := range r.NotGraded {
			ts = append(ts, strconv.Itoa(t))
		}
		fmt.Fprintf(&b, "Not graded: task %s (soclab grade without --task grades every task)\n", strings.Join(ts, ", "))
	}
	for _, n := range r.Notes {
		wrap(&b, "note: ", "      ", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// textWidth is where WriteText wraps details and hints.
const textWidth = 100

// wrap writes text after first, breaking lines at spaces before textWidth and starting the
// following lines with rest; the text's own line breaks are kept.
func wrap(b *strings.Builder, first, rest, text string) {
	prefix := first
	for _, para := range strings.Split(text, "\n") {
		line := prefix
		n := utf8.RuneCountInString(line)
		for i, word := range strings.Fields(para) {
			w := utf8.RuneCountInString(word)
			if i > 0 && n+1+w > textWidth {
				b.WriteString(line + "\n")
				line, n = rest, utf8.RuneCountInString(rest)
			} else if i > 0 {
				line += " "
				n++
			}
			line += word
			n += w
		}
		b.WriteString(line + "\n")
		prefix = rest
	}
}

// JUnit XML, as CI tools read it (testsuites > testsuite per task > testcase per check).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the report as JUnit XML: one testsuite per task, one testcase per check
// (name "id: title"), failures carrying what was found and the hint.
func (r *Report) WriteJUnit(w io.Writer) error {
	out := junitSuites{Name: "soclab grade " + r.Scenario + " (" + r.Tenant + ")", Tests: len(r.Results), Failures: r.Failed}
	for _, t := range r.Tasks {
		s := junitSuite{Name: fmt.Sprintf("Task %d: %s", t.Number, t.Title), Timestamp: r.Clock.UTC().Format("2006-01-02T15:04:05")}
		for _, res := range r.Results {
			if res.Task != t.Number {
				continue
			}
			c := junitCase{Name: res.ID + ": " + res.Title, Classname: fmt.Sprintf("soclab.%s.task%d", r.Scenario, t.Number), Time: "0"}
			if res.Passed {
				c.SystemOut = fmt.Sprintf("%d/%d points. %s", res.Points, res.MaxPoints, res.Detail)
			} else {
				msg := res.Detail
				if msg == "" {
					msg = "check failed"
				}
				c.Failure = &junitFailure{Message: msg, Type: "CheckFailed",
					Text: fmt.Sprintf("%s\nhint: %s\n0/%d points", msg, strings.TrimSpace(res.Hint), res.MaxPoints)}
				s.Failures++
			}
			s.Tests++
			s.Cases = append(s.Cases, c)
		}
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// Write writes the report in a format: text, json or junit.
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case "", "text":
		return r.WriteText(w)
	case "json":
		return r.WriteJSON(w)
	case "junit":
		return r.WriteJUnit(w)
	}
	return fmt.Errorf("unknown format %q (text, json or junit)", format)
}

// Formats returns the report formats Write knows.
func Formats() []string { return []string{"text", "json", "junit"} }
