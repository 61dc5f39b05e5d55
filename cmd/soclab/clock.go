package main

import (
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/soclab/soclab/mockapis/control"
)

// clockOptions are the arguments of `soclab clock show|freeze|resume|advance|set`.
type clockOptions struct {
	State  string
	Tenant string
	// Action is show, freeze, resume, advance or set.
	Action string
	// Arg is the DURATION of advance or the TIME of set.
	Arg string
	// Wait waits until the engines (analytics rules...) have run up to the new time.
	Wait bool
}

func clockCommand() *cli.Command {
	sub := func(name, usage, argsUsage string, nargs int) *cli.Command {
		return &cli.Command{
			Name:      name,
			Usage:     usage,
			ArgsUsage: argsUsage,
			Flags: []cli.Flag{stateFlag(),
				&cli.StringFlag{Name: "tenant", Usage: tenantFlagUsage, EnvVars: []string{"SOCLAB_TENANT"}},
				&cli.BoolFlag{Name: "wait", Usage: "wait until the analytics rules have run up to the new time"}},
			Action: func(c *cli.Context) error {
				args, err := positionalArgs(c)
				if err != nil || len(args) != nargs {
					return cli.Exit(fmt.Sprintf("soclab clock %s: usage: soclab clock %s %s", name, name, argsUsage), 2)
				}
				state, err := resolveState(c)
				if err != nil {
					return err
				}
				o := clockOptions{State: state, Tenant: c.String("tenant"), Action: name, Wait: c.Bool("wait")}
				if nargs == 1 {
					o.Arg = args[0]
				}
				return exitOn("soclab clock "+name, runClock(o, c.App.Writer, c.App.ErrWriter))
			},
		}
	}
	return &cli.Command{
		Name:  "clock",
		Usage: "a tenant's virtual clock (the scenario starts 2025-01-15T07:00:00Z; the attack at 08:30)",
		Subcommands: []*cli.Command{
			sub("show", "print the tenant's time", "", 0),
			sub("freeze", "stop the tenant's clock", "", 0),
			sub("resume", "let a frozen clock run with real time again", "", 0),
			sub("advance", "move the clock forward (90m, 1h30m, 2d, PT1H)", "DURATION", 1),
			sub("set", "set the clock (RFC 3339, e.g. 2025-01-15T08:30:00Z)", "TIME", 1),
		},
	}
}

// runClock shows or changes a tenant's clock and prints it.
func runClock(o clockOptions, stdout, stderr io.Writer) error {
	// Bad input is refused before anything is opened.
	switch o.Action {
	case "advance":
		if _, err := control.ParseDuration(o.Arg); err != nil {
			return err
		}
	case "set":
		if _, err := control.ParseTime(o.Arg); err != nil {
			return err
		}
	}
	return withLab(o.State, stderr, func(lab *labOps) error {
		var clk control.Clock
		var err error
		if o.Action == "show" {
			path := "clock"
			if o.Tenant != "" {
				path += "?tenant=" + urlQueryEscape(o.Tenant)
			}
			err = lab.call("GET", path, nil, &clk)
		} else {
			err = lab.call("POST", "clock/"+o.Action, control.ClockRequest{Tenant: o.Tenant, Duration: o.Arg, Time: o.Arg}, &clk)
		}
		if err != nil {
			return err
		}
		state := "running"
		if clk.Frozen {
			state = "frozen"
		}
		if _, err = fmt.Fprintf(stdout, "%s  %s  (%s)\n", clk.Now.UTC().Format(time.RFC3339), state, clk.TenantName); err != nil || o.Action == "show" {
			return err
		}
		call := lab.call
		if lab.slow != nil {
			call = lab.slow
		}
		return engineNote(call, true, !lab.local, stderr, clk.Tenant, o.Wait)
	})
}
