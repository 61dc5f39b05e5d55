package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/soclab/soclab/mockapis/control"
)

// tenantOptions are the arguments of `soclab tenant add|list`.
type tenantOptions struct {
	State string
	// Name is the tenant to add (add only).
	Name string
	// JSON prints the answer as JSON instead of text.
	JSON bool
}

func tenantCommand() *cli.Command {
	flags := func() []cli.Flag {
		return []cli.Flag{stateFlag(), &cli.BoolFlag{Name: "json", Usage: "print JSON instead of text"}}
	}
	return &cli.Command{
		Name:  "tenant",
		Usage: "learner tenants: each has its own tenant id, subscription, service principal and state",
		Subcommands: []*cli.Command{
			{
				Name:      "add",
				Usage:     "add a learner tenant and print its credentials",
				ArgsUsage: "NAME",
				Flags:     flags(),
				Action: func(c *cli.Context) error {
					args, err := positionalArgs(c)
					if err != nil || len(args) != 1 {
						return cli.Exit("soclab tenant add: give exactly one NAME (3-32 lower-case letters, digits, hyphens)", 2)
					}
					o, err := tenantOpts(c)
					if err != nil {
						return err
					}
					o.Name = args[0]
					return exitOn("soclab tenant add", runTenantAdd(o, c.App.Writer, c.App.ErrWriter))
				},
			},
			{
				Name:  "list",
				Usage: "list the tenants",
				Flags: flags(),
				Action: func(c *cli.Context) error {
					args, err := positionalArgs(c)
					if err != nil || len(args) != 0 {
						return cli.Exit("soclab tenant list: takes no arguments", 2)
					}
					o, err := tenantOpts(c)
					if err != nil {
						return err
					}
					return exitOn("soclab tenant list", runTenantList(o, c.App.Writer, c.App.ErrWriter))
				},
			},
		},
	}
}

func tenantOpts(c *cli.Context) (tenantOptions, error) {
	state, err := resolveState(c)
	return tenantOptions{State: state, JSON: c.Bool("json")}, err
}

// exitOn turns a run error into the command's exit status 1 with its name in front.
func exitOn(cmd string, err error) error {
	if err != nil {
		return cli.Exit(cmd+": "+err.Error(), 1)
	}
	return nil
}

// runTenantAdd adds a tenant and prints its identity and credentials.
func runTenantAdd(o tenantOptions, stdout, stderr io.Writer) error {
	return withLab(o.State, stderr, func(lab *labOps) error {
		var nt control.NewTenant
		if err := lab.call("POST", "tenants", control.AddTenantRequest{Name: o.Name}, &nt); err != nil {
			return err
		}
		tok, err := lab.token(nt.Name)
		if err != nil {
			return fmt.Errorf("tenant %s added, but its control token: %w", nt.Name, err)
		}
		if o.JSON {
			return printJSON(stdout, tenantWithToken{NewTenant: nt, ControlToken: tok})
		}
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "tenant\t%s\n", nt.Name)
		fmt.Fprintf(tw, "tenant id\t%s\n", nt.ID)
		fmt.Fprintf(tw, "domains\t%s\n", strings.Join(nt.Domains, ", "))
		fmt.Fprintf(tw, "subscription\t%s (%s)\n", nt.SubscriptionID, nt.SubscriptionName)
		fmt.Fprintf(tw, "service principal\t%s\n", nt.SPAppID)
		fmt.Fprintf(tw, "secret\t%s\n", nt.SPSecret)
		for _, u := range nt.Logins {
			fmt.Fprintf(tw, "user\t%s\n", u.UserPrincipalName)
			fmt.Fprintf(tw, "password\t%s\n", u.Password)
		}
		fmt.Fprintf(tw, "control token\t%s\n", tok)
		fmt.Fprintf(tw, "sign in\taz login --service-principal -u %s -p '%s' --tenant %s\n", nt.SPAppID, nt.SPSecret, nt.ID)
		fmt.Fprintf(tw, "learner's shell\teval \"$(SOCLAB_TOKEN=%s soclab env --tenant %s)\"\n", tok, nt.Name)
		return tw.Flush()
	})
}

// runTenantList prints the tenants as a table (or JSON).
func runTenantList(o tenantOptions, stdout, stderr io.Writer) error {
	return withLab(o.State, stderr, func(lab *labOps) error {
		var list control.TenantList
		if err := lab.call("GET", "tenants", nil, &list); err != nil {
			return err
		}
		if o.JSON {
			return printJSON(stdout, list.Value)
		}
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tTENANT ID\tDOMAIN\tSUBSCRIPTION ID\tSERVICE PRINCIPAL\tUSERS")
		for _, t := range list.Value {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.Name, t.ID, t.Domains[0], t.SubscriptionID, t.SPAppID, strings.Join(t.Users, ","))
		}
		return tw.Flush()
	})
}

// tenantWithToken is what `soclab tenant add --json` prints: the tenant and its control token.
type tenantWithToken struct {
	control.NewTenant
	ControlToken string `json:"controlToken"`
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
