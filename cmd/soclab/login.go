package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/soclab/soclab/mockapis/server"
)

// loginApproveOptions are the arguments of `soclab login approve`.
type loginApproveOptions struct {
	State  string
	Code   string
	User   string
	Tenant string
}

func loginCommand() *cli.Command {
	return &cli.Command{
		Name:  "login",
		Usage: "help with az sign-ins to the lab",
		Subcommands: []*cli.Command{{
			Name:      "approve",
			Usage:     "approve the code `az login --use-device-code` printed (signs in as the tenant's SOC analyst unless --user)",
			ArgsUsage: "CODE",
			Flags: []cli.Flag{
				stateFlag(),
				&cli.StringFlag{Name: "user", Usage: "user principal name to sign in as"},
				&cli.StringFlag{Name: "tenant", EnvVars: []string{"SOCLAB_TENANT"}, Usage: "tenant (name, id or domain) for sign-ins that name none (default $SOCLAB_TENANT, else contoso)"},
			},
			Action: func(c *cli.Context) error {
				args, err := positionalArgs(c)
				if err != nil {
					return cli.Exit("soclab login approve: "+err.Error(), 2)
				}
				if len(args) != 1 {
					return cli.Exit("soclab login approve: give exactly one CODE (the code az printed)", 2)
				}
				state, err := resolveState(c)
				if err != nil {
					return err
				}
				o := loginApproveOptions{State: state, Code: args[0], User: c.String("user"), Tenant: c.String("tenant")}
				if err := runLoginApprove(o, c.App.Writer); err != nil {
					return cli.Exit("soclab login approve: "+err.Error(), 1)
				}
				return nil
			},
		}},
	}
}

// runLoginApprove approves a pending device sign-in on the running server.
func runLoginApprove(o loginApproveOptions, stdout io.Writer) error {
	if o.Code == "" {
		return errors.New("the code is empty")
	}
	info, err := runningLab(o.State)
	if err != nil {
		return err
	}
	var resp server.ApproveResponse
	if err := callLab(info, "POST", "login/approve", server.ApproveRequest{Code: o.Code, User: o.User, Tenant: o.Tenant}, &resp); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "approved: az signs in as %s (tenant %s) at its next poll\n", resp.User, resp.TenantID)
	return err
}
