package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/soclab/soclab/grader"
	"github.com/soclab/soclab/mockapis/enginecontrol"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/pipeline"
)

// gradeWait bounds how long a grade waits for the tenant's engines to catch up.
const gradeWait = 2 * time.Minute

// defaultEngineWait is how long `soclab engine wait` and the --wait flags wait.
const defaultEngineWait = 2 * time.Minute

// engineOptions are the arguments of `soclab engine status|wait`.
type engineOptions struct {
	State  string
	Tenant string
	// Action is status or wait.
	Action string
	// Timeout bounds wait.
	Timeout time.Duration
}

func engineCommand() *cli.Command {
	sub := func(name, usage string, flags ...cli.Flag) *cli.Command {
		return &cli.Command{
			Name: name, Usage: usage,
			Flags: append([]cli.Flag{stateFlag(), &cli.StringFlag{Name: "tenant", Usage: tenantFlagUsage, EnvVars: []string{"SOCLAB_TENANT"}}}, flags...),
			Action: func(c *cli.Context) error {
				if args, err := positionalArgs(c); err != nil || len(args) != 0 {
					return cli.Exit("soclab engine "+name+": usage: soclab engine "+name+" [--tenant T]", 2)
				}
				state, err := resolveState(c)
				if err != nil {
					return err
				}
				o := engineOptions{State: state, Tenant: c.String("tenant"), Action: name, Timeout: c.Duration("timeout")}
				return exitOn("soclab engine "+name, runEngine(o, c.App.Writer, c.App.ErrWriter))
			},
		}
	}
	return &cli.Command{
		Name:  "engine",
		Usage: "the clock-driven engines (analytics rules...) that catch a tenant up in the background",
		Subcommands: []*cli.Command{
			sub("status", "show how far the engines have caught the tenant up to its clock"),
			sub("wait", "wait until the engines have run up to the tenant's clock",
				&cli.DurationFlag{Name: "timeout", Value: defaultEngineWait, Usage: "give up after this long (exit 1)"}),
		},
	}
}

// runEngine shows or waits for a tenant's catch-up and prints it.
func runEngine(o engineOptions, stdout, stderr io.Writer) error {
	return withLogLab(o.State, stderr, func(lab *logLab) error {
		var st enginecontrol.Status
		var err error
		if o.Action == "wait" {
			st, err = waitEngines(lab.call, o.Tenant, o.Timeout)
		} else {
			err = lab.call("GET", "engine"+tenantQuery(o.Tenant), nil, &st)
		}
		if err != nil {
			return err
		}
		return printEngine(stdout, st)
	})
}

// labCall is a control request through a running server or on the state file.
type labCall func(method, path string, in, out any) error

// waitEngines asks the lab to wait for the tenant's catch-up.
func waitEngines(call labCall, tenant string, timeout time.Duration) (enginecontrol.Status, error) {
	if timeout <= 0 {
		timeout = defaultEngineWait
	}
	// The tenant goes in the body: a tenant's control token is refused for a POST whose body
	// names none (some handlers read only the body, see controlauth).
	var st enginecontrol.Status
	err := call("POST", "engine/wait", enginecontrol.WaitRequest{Tenant: tenant, Timeout: timeout.String()}, &st)
	return st, err
}

// printEngine writes a tenant's catch-up: one line, then one per stage.
func printEngine(w io.Writer, st enginecontrol.Status) error {
	state := "caught up"
	if !st.CaughtUp {
		state = "catching up (" + st.State + ")"
	}
	fmt.Fprintf(w, "tenant %s  clock %s  engines %s\n", st.TenantName, st.Now.UTC().Format(time.RFC3339), state)
	for _, s := range st.Stages {
		at := "not run yet"
		if !s.Reached.IsZero() {
			at = "ran up to " + s.Reached.UTC().Format(time.RFC3339)
		}
		line := fmt.Sprintf("  %-12s %s", s.Name, at)
		if s.Error != "" {
			line += "  error: " + s.Error
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}

// engineNote follows a command that moved a tenant's clock. Through a running server
// (background) the engines catch up in the background: it says so on stderr, or with wait
// waits for them. On the state file nothing else is blocked, so the command runs the engines
// itself before it ends (as it always did), quietly unless wait asks for the report; the
// clock commands there (engines false) have none to run.
func engineNote(call labCall, background, engines bool, stderr io.Writer, tenant string, wait bool) error {
	switch {
	case !engines:
		if wait {
			fmt.Fprintln(stderr, "(no soclab server runs: the rules catch up at the next `soclab serve`, `soclab engine wait` or `soclab grade`)")
		}
		return nil
	case wait || !background:
		began := time.Now()
		st, err := waitEngines(call, tenant, defaultEngineWait)
		switch {
		case err != nil && !wait:
			fmt.Fprintf(stderr, "(the rules have not caught up yet: %v; `soclab engine wait` goes on)\n", err)
			return nil
		case err != nil:
			return err
		case wait:
			fmt.Fprintf(stderr, "(engines caught up to %s in %.1fs)\n", st.Now.UTC().Format(time.RFC3339), time.Since(began).Seconds())
		}
		return nil
	}
	var st enginecontrol.Status
	if err := call("GET", "engine"+tenantQuery(tenant), nil, &st); err != nil || st.CaughtUp {
		return nil
	}
	fmt.Fprintf(stderr, "(the rule engine catches up to %s in the background; `soclab engine wait` waits for it)\n", st.Now.UTC().Format(time.RFC3339))
	return nil
}

// withGradeWait waits, before a grade, until the tenant's engines have run up to its clock
// (at most limit); when they have not, the report says so in a note. The wait is reported in
// a Server-Timing header (engine), next to the grader's own (grade).
func withGradeWait(world *simulator.World, p *pipeline.Pipeline, next http.Handler, limit time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Trim(strings.TrimPrefix(r.URL.Path, "/_soclab"), "/") != "grade" || r.Method != http.MethodGet {
			next.ServeHTTP(w, r)
			return
		}
		name := r.URL.Query().Get("tenant")
		if name == "" {
			name = simulator.DefaultTenantName
		}
		t, err := world.LookupTenant(name)
		if err != nil {
			next.ServeHTTP(w, r) // the grader answers an unknown tenant in its own words
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), limit)
		began := time.Now()
		st, werr := p.Wait(ctx, t.ID)
		cancel()
		w.Header().Add("Server-Timing", grader.ServerTiming("engine", "rule engine catch-up", time.Since(began)))
		if werr != nil {
			why := st.Error
			if !errors.Is(werr, pipeline.ErrFailed) {
				now, _ := world.Now(t.ID)
				why = enginecontrol.Progress(enginecontrol.Status{Now: now, Status: st})
			}
			note := fmt.Sprintf("The rule engine had not caught tenant %s up to its clock when this grade was taken (%s): "+
				"checks of alerts and incidents may miss runs still due. Grade again in a moment, or run `soclab engine wait` first.", t.Name, why)
			r = r.WithContext(grader.WithNotes(r.Context(), note))
		}
		next.ServeHTTP(w, r)
	})
}
