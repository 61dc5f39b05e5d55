package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/soclab/soclab/grader"
	"github.com/soclab/soclab/simulator/kql/sched"
	"github.com/soclab/soclab/simulator/logs"
)

// gradeOptions are the arguments of `soclab grade`.
type gradeOptions struct {
	State  string
	Tenant string
	// Tasks is a comma-separated task list ("" grades every task).
	Tasks string
	// Format is text, json or junit.
	Format string
}

// errChecksFailed is runGrade's answer when the report was printed and some check failed.
var errChecksFailed = errors.New("some checks failed")

func gradeCommand() *cli.Command {
	return &cli.Command{
		Name:  "grade",
		Usage: "check the lab's tasks on a tenant: a table of checks with points and hints (exit 0 only when all pass)",
		Flags: []cli.Flag{
			stateFlag(),
			&cli.StringFlag{Name: "tenant", Usage: tenantFlagUsage, EnvVars: []string{"SOCLAB_TENANT"}},
			&cli.StringFlag{Name: "task", Usage: "tasks to grade, e.g. 1,2 (default: every graded task)"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text, json or junit"},
		},
		Action: func(c *cli.Context) error {
			if args, err := positionalArgs(c); err != nil || len(args) != 0 {
				return cli.Exit("soclab grade: usage: soclab grade [--tenant T] [--task 1,2] [--format text|json|junit]", 2)
			}
			state, err := resolveState(c)
			if err != nil {
				return err
			}
			o := gradeOptions{State: state, Tenant: c.String("tenant"), Tasks: c.String("task"), Format: c.String("format")}
			return gradeExit(runGrade(o, c.App.Writer, c.App.ErrWriter))
		},
	}
}

// usageError is a bad argument of soclab grade (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// gradeExit maps runGrade's outcome to the exit status: 0 all checks passed, 1 some failed or
// the lab could not be graded, 2 a usage error.
func gradeExit(err error) error {
	switch {
	case err == nil:
		return nil
	case err == errChecksFailed:
		return cli.Exit("", 1)
	}
	if _, ok := err.(usageError); ok {
		return cli.Exit("soclab grade: "+err.Error(), 2)
	}
	return exitOn("soclab grade", err)
}

// runGrade grades the tenant through the running server (or on the state file) and prints the
// report; errChecksFailed when it was printed and some check failed.
func runGrade(o gradeOptions, stdout, stderr io.Writer) error {
	if !slices.Contains(grader.Formats(), o.Format) {
		return usageError{fmt.Sprintf("--format %q: use text, json or junit", o.Format)}
	}
	tasks, err := grader.ParseTasks(o.Tasks)
	if err != nil {
		return usageError{"--task: " + err.Error()}
	}
	q := url.Values{}
	if o.Tenant != "" {
		q.Set("tenant", o.Tenant)
	}
	if len(tasks) > 0 {
		var s []string
		for _, t := range tasks {
			s = append(s, fmt.Sprint(t))
		}
		q.Set("task", strings.Join(s, ","))
	}
	var rep grader.Report
	err = withLogLab(o.State, stderr, func(lab *logLab) error {
		return lab.call("GET", "grade?"+q.Encode(), nil, &rep)
	})
	if err != nil {
		if strings.HasPrefix(err.Error(), grader.ErrUnknownTask.Error()) {
			return usageError{"--task: " + err.Error()}
		}
		return err
	}
	if err := rep.Write(stdout, o.Format); err != nil {
		return err
	}
	if !rep.AllPassed {
		return errChecksFailed
	}
	return nil
}

// withGrader serves the grader's control endpoints (/_soclab/grade, /_soclab/snapshot) over
// the engine's world in front of next. Grades compute on cpu (grader.Options): as
// interactive work while their rule queries' verdicts are known, judging new ones as batch
// work, at most GOMAXPROCS-1 judgings at once. With cpu (the server) the judging data is
// built and every tenant's saved rules are judged in the background (grader.RunBackground).
func withGrader(e *logs.Engine, next http.Handler, cpu *sched.CPU) http.Handler {
	g, err := grader.NewWith(e, grader.Options{CPU: cpu})
	if err != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p := strings.Trim(strings.TrimPrefix(r.URL.Path, "/_soclab"), "/")
			if p == "grade" || p == "snapshot" {
				http.Error(w, "soclab: the grader is unavailable: "+err.Error(), http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	if cpu != nil { // the server: prepare grades in the background while it runs
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-e.World().Closed()
			cancel()
		}()
		go g.RunBackground(ctx, tenantIDs(e.World()))
	}
	return grader.NewHandler(g, next)
}
