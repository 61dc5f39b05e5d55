package main

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/soclab/soclab/classreport"
	"github.com/soclab/soclab/mockapis/control"
	"github.com/soclab/soclab/simulator"
)

// classOptions are the arguments of `soclab class report`.
type classOptions struct {
	State  string
	Format string
	// Tenants limits the report to these tenants (names); empty means every learner tenant.
	Tenants []string
	// Now stamps the report (time.Now in the command).
	Now func() time.Time
}

func classCommand() *cli.Command {
	return &cli.Command{
		Name:  "class",
		Usage: "the instructor's view of a class (needs the instructor's control token)",
		Subcommands: []*cli.Command{{
			Name:  "report",
			Usage: "per learner and task: points, time spent, and the checks the class fails most",
			Flags: []cli.Flag{
				stateFlag(),
				&cli.StringFlag{Name: "format", Value: "text", Usage: "text, csv, json or html (one self-contained file)"},
				&cli.StringFlag{Name: "tenants", Usage: "comma-separated tenant names (default: every tenant added for the class, else the default tenant)"},
			},
			Action: func(c *cli.Context) error {
				if args, err := positionalArgs(c); err != nil || len(args) != 0 {
					return cli.Exit("soclab class report: usage: soclab class report [--format text|csv|json|html] [--tenants a,b]", 2)
				}
				state, err := resolveState(c)
				if err != nil {
					return err
				}
				o := classOptions{State: state, Format: c.String("format"), Now: time.Now}
				for _, t := range strings.Split(c.String("tenants"), ",") {
					if t = strings.TrimSpace(t); t != "" {
						o.Tenants = append(o.Tenants, t)
					}
				}
				err = runClassReport(o, c.App.Writer, c.App.ErrWriter)
				var ue usageError
				if errors.As(err, &ue) {
					return cli.Exit("soclab class report: "+err.Error(), 2)
				}
				return exitOn("soclab class report", err)
			},
		}},
	}
}

// runClassReport grades every learner tenant and reads its action log through the lab's
// control endpoints (the running server, or the state file), then prints the class report.
func runClassReport(o classOptions, stdout, stderr io.Writer) error {
	if !slices.Contains(classreport.Formats(), o.Format) {
		return usageError{fmt.Sprintf("--format %q: use text, csv, json or html", o.Format)}
	}
	var rep classreport.Report
	err := withLogLab(o.State, stderr, func(lab *logLab) error {
		var list control.TenantList
		if err := lab.call("GET", "tenants", nil, &list); err != nil {
			return fmt.Errorf("list the tenants (the class report needs the instructor's control token): %w", err)
		}
		names, err := classTenants(list, o.Tenants)
		if err != nil {
			return err
		}
		var learners []classreport.Learner
		for i, name := range names {
			if isTerminal(stderr) {
				fmt.Fprintf(stderr, "\rgrading %d/%d: %-30s", i+1, len(names), name)
			}
			l := classreport.Learner{Tenant: name}
			if err := lab.call("GET", "grade?tenant="+url.QueryEscape(name), nil, &l.Grade); err != nil {
				return fmt.Errorf("grade %s: %w", name, err)
			}
			var log control.ActivityLog
			if err := lab.call("GET", "activity?tenant="+url.QueryEscape(name), nil, &log); err != nil {
				return fmt.Errorf("action log of %s: %w", name, err)
			}
			for _, a := range log.Value {
				l.Actions = append(l.Actions, classreport.Action{Time: a.Time, Operation: a.Operation, Group: a.CorrelationID})
			}
			learners = append(learners, l)
		}
		if isTerminal(stderr) && len(names) > 0 {
			fmt.Fprintln(stderr)
		}
		rep = classreport.Build(learners)
		return nil
	})
	if err != nil {
		return err
	}
	if o.Now != nil {
		rep.Generated = o.Now().UTC().Truncate(time.Second)
	}
	return rep.Write(stdout, o.Format)
}

// classTenants picks the tenants of the report: the named ones (each must exist), else every
// tenant but the default one, which a class server keeps for the instructor (a lab with no
// other tenant reports on the default one).
func classTenants(list control.TenantList, named []string) ([]string, error) {
	var all []string
	for _, t := range list.Value {
		all = append(all, t.Name)
	}
	if len(named) > 0 {
		for _, n := range named {
			if !slices.Contains(all, n) {
				return nil, usageError{fmt.Sprintf("--tenants: no tenant %q (the lab has %s)", n, strings.Join(all, ", "))}
			}
		}
		return named, nil
	}
	var out []string
	for _, n := range all {
		if n != simulator.DefaultTenantName {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return all, nil
	}
	return out, nil
}
