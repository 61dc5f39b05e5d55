package main

import (
	"bytes"
	"errors"
	"os"
	"regexp"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestGradeWithoutServer grades a fresh state folder no server runs on: the report is the
// grader's (every check fails with its hint) and the exit status 1; bad arguments exit 2.
func TestGradeWithoutServer(t *testing.T) {
	state := t.TempDir()
	want, err := os.ReadFile("../../grader/testdata/fresh.txt")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		o        gradeOptions
		stdout   string
		stderr   string
		exitCode int
		message  string
	}{
		{"fresh tenant", gradeOptions{State: state, Format: "text", Tasks: "1,2"}, string(want),
			"(no soclab server runs on " + state + ": used its state file directly)\n", 1, ""},
		{"bad format", gradeOptions{State: state, Format: "xml"}, "", "", 2, `soclab grade: --format "xml": use text, json or junit`},
		{"bad task", gradeOptions{State: state, Format: "text", Tasks: "1,x"}, "", "", 2, `soclab grade: --task: task "x" is not a task number (e.g. 1,2)`},
		{"unknown task", gradeOptions{State: state, Format: "json", Tasks: "8"}, "", "", 2, "soclab grade: --task: unknown task 8: the scenario grades tasks 1, 2, 3, 4, 5, 6, 7"},
		{"unknown tenant", gradeOptions{State: state, Format: "json", Tenant: "nobody"}, "", "", 1, `soclab grade: tenant "nobody": tenant not found`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errw bytes.Buffer
			err := gradeExit(runGrade(c.o, &out, &errw))
			var ec cli.ExitCoder
			if !errors.As(err, &ec) || ec.ExitCode() != c.exitCode || ec.Error() != c.message {
				t.Fatalf("exit %v, want code %d message %q", err, c.exitCode, c.message)
			}
			// The fresh tenant's clock runs while the engines catch up before the grade (on a
			// loaded machine for more than a minute).
			runningClock := regexp.MustCompile(`clock 2025-01-15 07:0\d:\d\dZ`)
			if runningClock.ReplaceAllString(out.String(), "clock 2025-01-15 07:00:00Z") != c.stdout || errw.String() != c.stderr {
				t.Errorf("stdout:\n%s\nstderr: %q\nwant:\n%s\nstderr: %q", out.String(), errw.String(), c.stdout, c.stderr)
			}
		})
	}
}
