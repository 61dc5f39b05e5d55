package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/soclab/soclab/mockapis/logcontrol"
)

// faultOptions are the arguments of `soclab fault on|off|list`.
type faultOptions struct {
	State  string
	Tenant string
	// Action is on, off or list; Name the fault (on/off).
	Action string
	Name   string
}

func faultCommand() *cli.Command {
	sub := func(name, usage, argsUsage string, nargs int) *cli.Command {
		return &cli.Command{
			Name: name, Usage: usage, ArgsUsage: argsUsage,
			Flags: []cli.Flag{stateFlag(), &cli.StringFlag{Name: "tenant", Usage: tenantFlagUsage, EnvVars: []string{"SOCLAB_TENANT"}}},
			Action: func(c *cli.Context) error {
				args, err := positionalArgs(c)
				if err != nil || len(args) != nargs {
					return cli.Exit(fmt.Sprintf("soclab fault %s: usage: soclab fault %s %s", name, name, argsUsage), 2)
				}
				state, err := resolveState(c)
				if err != nil {
					return err
				}
				o := faultOptions{State: state, Tenant: c.String("tenant"), Action: name}
				if nargs == 1 {
					o.Name = args[0]
				}
				return exitOn("soclab fault "+name, runFault(o, c.App.Writer, c.App.ErrWriter))
			},
		}
	}
	return &cli.Command{
		Name:  "fault",
		Usage: "the scenario's break-and-fix switches for a tenant",
		Subcommands: []*cli.Command{
			sub("list", "list the faults and whether each is on", "", 0),
			sub("on", "switch a fault on (e.g. kv-diagnostics-missing)", "NAME", 1),
			sub("off", "switch a fault off", "NAME", 1),
		},
	}
}

// runFault lists or switches faults and prints the list.
func runFault(o faultOptions, stdout, stderr io.Writer) error {
	return withLogLab(o.State, stderr, func(lab *logLab) error {
		var list logcontrol.FaultList
		var err error
		if o.Action == "list" {
			err = lab.call("GET", "faults"+tenantQuery(o.Tenant), nil, &list)
		} else {
			err = lab.call("POST", "faults/"+o.Name, logcontrol.FaultRequest{Tenant: o.Tenant, On: o.Action == "on"}, &list)
		}
		if err != nil {
			return err
		}
		for _, f := range list.Value {
			state := "off"
			if f.On {
				state = "on"
			}
			if _, err := fmt.Fprintf(stdout, "%-36s %-3s case %d: %s\n", f.ID, state, f.Case, f.Title); err != nil {
				return err
			}
		}
		return nil
	})
}
