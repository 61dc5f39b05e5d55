package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/soclab/soclab/mockapis/portal"
)

// portalOptions are the flags of `soclab portal`.
type portalOptions struct {
	State, Tenant string
}

func portalCommand() *cli.Command {
	return &cli.Command{
		Name:  "portal",
		Usage: "print a one-time sign-in link to the lab's web portal (Microsoft Defender and Sentinel pages)",
		Description: "The running server serves the portal at http://ADDR/ (and as https://security.microsoft.com through its\n" +
			"proxy). The link signs the tenant's analyst in once, within 10 minutes, and lands on the incident queue;\n" +
			"nothing is opened for you. The sign-in page also takes the analyst's user name and password.",
		Flags: []cli.Flag{stateFlag(), &cli.StringFlag{Name: "tenant", Usage: tenantFlagUsage, EnvVars: []string{"SOCLAB_TENANT"}}},
		Action: func(c *cli.Context) error {
			if args, err := positionalArgs(c); err != nil || len(args) != 0 {
				return cli.Exit("soclab portal: takes no arguments", 2)
			}
			state, err := resolveState(c)
			if err != nil {
				return err
			}
			return exitOn("soclab portal", runPortal(portalOptions{State: state, Tenant: c.String("tenant")}, c.App.Writer))
		},
	}
}

// runPortal asks the running server for a link (a link only makes sense while it serves).
func runPortal(o portalOptions, stdout io.Writer) error {
	lab, err := runningLab(o.State)
	if err != nil {
		return err
	}
	var ans portal.LinkAnswer
	if err := callLab(lab, "POST", portal.LinkPath, portal.LinkRequest{Tenant: o.Tenant}, &ans); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "Open this link in a browser on this machine (it signs in %s of tenant %s once, until %s):\n\n  %s\n\n"+
		"Or sign in at the same address with the user name and password `soclab env` prints.\n",
		ans.User, ans.Tenant, ans.Expires.Format("15:04:05 MST"), ans.URL)
	return err
}
