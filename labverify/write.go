package labverify

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Formats are the report formats Write knows.
func Formats() []string { return []string{"text", "json", "junit"} }

// Write writes the report in format text, json or junit.
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case "text":
		return r.WriteText(w)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	case "junit":
		return r.WriteJUnit(w)
	}
	return fmt.Errorf("unknown format %q: use text, json or junit", format)
}

// marks are the text report's signs per status.
var marks = map[Status]string{Passed: "✓", Failed: "✗", Skipped: "!", NotRun: "-"}

// WriteText writes one line per block (failures with their output, skips loudly), the totals,
// and the grader's report.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "soclab verify %s: %d blocks\n\n", r.File, len(r.Blocks))
	for _, res := range r.Blocks {
		fmt.Fprintf(&b, "%s %-7s block %2d, line %-4d %s (%s)\n", marks[res.Status], res.Status, res.Index, res.Line, res.Section, res.Kind)
		if res.Reason != "" {
			fmt.Fprintf(&b, "      %s\n", res.Reason)
		}
		if res.Status == Failed && strings.TrimSpace(res.Output) != "" {
			for _, l := range strings.Split(strings.TrimRight(res.Output, "\n"), "\n") {
				fmt.Fprintf(&b, "      | %s\n", l)
			}
		}
	}
	fmt.Fprintf(&b, "\nBlocks: %d passed, %d failed, %d skipped, %d not run (marked in the text)\n", r.Passed, r.Failed, r.Skipped, r.NotRun)
	if r.Skipped > 0 {
		bar := strings.Repeat("!", 78)
		fmt.Fprintf(&b, "%s\n!!! %d BLOCKS WERE SKIPPED because a tool is missing, so they were NOT verified:\n", bar, r.Skipped)
		tools := make([]string, 0, len(r.SkippedFor))
		for t := range r.SkippedFor {
			tools = append(tools, t)
		}
		sort.Strings(tools)
		for _, t := range tools {
			fmt.Fprintf(&b, "!!!   %s: %d blocks\n", t, r.SkippedFor[t])
		}
		fmt.Fprintf(&b, "%s\n", bar)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if r.Grade == nil {
		_, err := fmt.Fprintf(w, "\nThe lab could not be graded: %s\n", r.GradeError)
		return err
	}
	io.WriteString(w, "\n")
	if err := r.Grade.WriteText(w); err != nil {
		return err
	}
	verdict := "FAILED"
	if r.OK {
		verdict = "OK"
	}
	_, err := fmt.Fprintf(w, "\nsoclab verify: %s\n", verdict)
	return err
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes one testsuite of the blocks (a testcase each; skipped and not-run blocks
// as <skipped>) and one of the grader's checks.
func (r *Report) WriteJUnit(w io.Writer) error {
	blocks := junitSuite{Name: "blocks of " + r.File}
	for _, res := range r.Blocks {
		c := junitCase{Name: fmt.Sprintf("block %d (line %d): %s", res.Index, res.Line, res.Section), Classname: "soclab.verify.blocks",
			Time: fmt.Sprintf("%.3f", res.Duration.Seconds())}
		switch res.Status {
		case Failed:
			c.Failure = &junitFailure{Message: res.Reason, Type: "BlockFailed", Text: res.Reason + "\n" + res.Output}
			blocks.Failures++
		case Skipped, NotRun:
			c.Skipped = &junitSkipped{Message: res.Reason}
			blocks.Skipped++
		default:
			c.SystemOut = res.Output
		}
		blocks.Tests++
		blocks.Cases = append(blocks.Cases, c)
	}
	checks := junitSuite{Name: "grade"}
	if r.Grade == nil {
		checks.Cases = []junitCase{{Name: "grade", Classname: "soclab.verify.grade", Time: "0",
			Failure: &junitFailure{Message: r.GradeError, Type: "GradeFailed", Text: r.GradeError}}}
		checks.Tests, checks.Failures = 1, 1
	} else {
		for _, res := range r.Grade.Results {
			c := junitCase{Name: res.ID + ": " + res.Title, Classname: fmt.Sprintf("soclab.verify.grade.task%d", res.Task), Time: "0"}
			if !res.Passed {
				c.Failure = &junitFailure{Message: res.Detail, Type: "CheckFailed", Text: res.Detail + "\nhint: " + strings.TrimSpace(res.Hint)}
				checks.Failures++
			}
			checks.Tests++
			checks.Cases = append(checks.Cases, c)
		}
	}
	out := junitSuites{Name: "soclab verify " + r.File, Tests: blocks.Tests + checks.Tests, Failures: blocks.Failures + checks.Failures,
		Skipped: blocks.Skipped, Suites: []junitSuite{blocks, checks}}
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
