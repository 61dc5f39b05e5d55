package classreport

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Formats are the formats Write knows.
func Formats() []string { return []string{"text", "csv", "json", "html"} }

// Write writes the report in format text, csv, json or html.
func (r Report) Write(w io.Writer, format string) error {
	switch format {
	case "text":
		return r.WriteText(w)
	case "csv":
		return r.WriteCSV(w)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	case "html":
		return r.WriteHTML(w)
	}
	return fmt.Errorf("unknown format %q: use text, csv, json or html", format)
}

// Duration formats seconds as people read them: 0m, 45m, 1h05m.
func Duration(seconds int) string {
	d := time.Duration(seconds) * time.Second
	if d < time.Hour {
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// commonShown is how many of the most failed checks the text and HTML reports list.
const commonShown = 10

// WriteText writes a table of learners (points per task, score, time), the tasks across the
// class, and the most failed checks.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Class report: scenario %s, %d learners\n\n", r.Scenario, r.Learners)
	width := len("learner")
	for _, row := range r.Rows {
		width = max(width, len(row.Tenant))
	}
	fmt.Fprintf(&b, "%-*s", width, "learner")
	for _, t := range r.Tasks {
		fmt.Fprintf(&b, " %7s", fmt.Sprintf("task %d", t.Number))
	}
	fmt.Fprintf(&b, " %7s %7s %7s\n", "score", "checks", "time")
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "%-*s", width, row.Tenant)
		for _, t := range r.Tasks {
			cell := "-"
			for _, c := range row.Tasks {
				if c.Task == t.Number {
					cell = fmt.Sprintf("%d/%d", c.Points, c.MaxPoints)
					if c.Complete {
						cell += "✓"
					}
				}
			}
			fmt.Fprintf(&b, " %7s", cell)
		}
		fmt.Fprintf(&b, " %7s %7s %7s\n", fmt.Sprintf("%d/%d", row.Score, row.MaxScore), fmt.Sprintf("%d/%d", row.ChecksPassed, row.Checks), Duration(row.TimeSpentSeconds))
	}
	b.WriteString("\nTasks\n")
	titleW := 0
	for _, t := range r.Tasks {
		titleW = max(titleW, utf8.RuneCountInString(t.Title))
	}
	for _, t := range r.Tasks {
		fmt.Fprintf(&b, "  %d %-*s  completed %2d/%d, started %2d, average %4.1f/%d points, median time %s\n",
			t.Number, titleW, t.Title, t.Completed, r.Learners, t.Started, t.AveragePoints, t.MaxPoints, Duration(t.MedianTimeSeconds))
	}
	if len(r.CommonFailures) > 0 {
		b.WriteString("\nMost failed checks\n")
		for i, f := range r.CommonFailures {
			if i == commonShown {
				fmt.Fprintf(&b, "  … and %d more\n", len(r.CommonFailures)-commonShown)
				break
			}
			fmt.Fprintf(&b, "  %2d/%d (%3.0f%%)  task %d  %-22s %s\n", f.Failed, r.Learners, f.Share*100, f.Task, f.ID, f.Title)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteCSV writes one row per learner and task.
func (r Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"learner", "task", "title", "points", "max_points", "checks_passed", "checks", "complete", "time_spent_seconds"})
	titles := map[int]string{}
	for _, t := range r.Tasks {
		titles[t.Number] = t.Title
	}
	for _, row := range r.Rows {
		for _, c := range row.Tasks {
			cw.Write([]string{row.Tenant, strconv.Itoa(c.Task), titles[c.Task], strconv.Itoa(c.Points), strconv.Itoa(c.MaxPoints),
				strconv.Itoa(c.ChecksPassed), strconv.Itoa(c.Checks), strconv.FormatBool(c.Complete), strconv.Itoa(c.TimeSeconds)})
		}
	}
	cw.Flush()
	return cw.Error()
}
