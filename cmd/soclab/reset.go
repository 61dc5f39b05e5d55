package main

import (
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/soclab/soclab/mockapis/control"
)

// resetOptions are the arguments of `soclab reset`.
type resetOptions struct {
	State  string
	Tenant string
}

func resetCommand() *cli.Command {
	return &cli.Command{
		Name:  "reset",
		Usage: "return a tenant to the scenario's start (resources, action log, clock); its credentials stay",
		Flags: []cli.Flag{stateFlag(),
			&cli.StringFlag{Name: "tenant", Usage: tenantFlagUsage, EnvVars: []string{"SOCLAB_TENANT"}}},
		Action: func(c *cli.Context) error {
			args, err := positionalArgs(c)
			if err != nil || len(args) != 0 {
				return cli.Exit("soclab reset: takes no arguments (use --tenant T)", 2)
			}
			state, err := resolveState(c)
			if err != nil {
				return err
			}
			return exitOn("soclab reset", runReset(resetOptions{State: state, Tenant: c.String("tenant")}, c.App.Writer, c.App.ErrWriter))
		},
	}
}

// runReset resets a tenant and prints where its clock stands.
func runReset(o resetOptions, stdout, stderr io.Writer) error {
	return withLab(o.State, stderr, func(lab *labOps) error {
		var res control.ResetResult
		if err := lab.call("POST", "reset", control.ClockRequest{Tenant: o.Tenant}, &res); err != nil {
			return err
		}
		_, err := fmt.Fprintf(stdout, "tenant %s reset to the scenario's start; clock %s\n", res.TenantName, res.Clock.Now.UTC().Format(time.RFC3339))
		return err
	})
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
