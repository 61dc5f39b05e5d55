package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	xdrapi "github.com/soclab/soclab/mockapis/xdr"
)

// xdrOptions are the arguments of `soclab xdr settings show|set`.
type xdrOptions struct {
	State  string
	Tenant string
	// Action is show or set.
	Action string
	// Sync is "", on or off; Severities "" (unchanged), "all" or a comma list (High,Medium).
	Sync, Severities string
}

func xdrCommand() *cli.Command {
	flags := func(set bool) []cli.Flag {
		f := []cli.Flag{stateFlag(), &cli.StringFlag{Name: "tenant", Usage: tenantFlagUsage, EnvVars: []string{"SOCLAB_TENANT"}}}
		if set {
			f = append(f, &cli.StringFlag{Name: "sync", Usage: "on or off: carry incidents between Sentinel and Defender XDR"},
				&cli.StringFlag{Name: "severities", Usage: "the Sentinel alert severities that join Defender XDR: all, or a list such as High,Medium"})
		}
		return f
	}
	sub := func(name, usage string) *cli.Command {
		return &cli.Command{
			Name: name, Usage: usage, Flags: flags(name == "set"),
			Action: func(c *cli.Context) error {
				if args, err := positionalArgs(c); err != nil || len(args) != 0 {
					return cli.Exit("soclab xdr settings "+name+": takes no arguments", 2)
				}
				state, err := resolveState(c)
				if err != nil {
					return err
				}
				o := xdrOptions{State: state, Tenant: c.String("tenant"), Action: name}
				if name == "set" {
					o.Sync, o.Severities = c.String("sync"), c.String("severities")
				}
				return exitOn("soclab xdr settings "+name, runXDRSettings(o, c.App.Writer, c.App.ErrWriter))
			},
		}
	}
	return &cli.Command{
		Name:  "xdr",
		Usage: "the Defender XDR side of a tenant",
		Subcommands: []*cli.Command{{
			Name:        "settings",
			Usage:       "the Microsoft Sentinel settings of the Defender portal (incident sync, severities)",
			Subcommands: []*cli.Command{sub("show", "show the sync settings and the connected workspace"), sub("set", "change the sync settings")},
		}},
	}
}

// xdrRequest turns the set flags into the control request.
func xdrRequest(o xdrOptions) (xdrapi.SettingsRequest, error) {
	req := xdrapi.SettingsRequest{Tenant: o.Tenant}
	switch strings.ToLower(o.Sync) {
	case "":
	case "on":
		req.SyncEnabled = ptrTo(true)
	case "off":
		req.SyncEnabled = ptrTo(false)
	default:
		return req, fmt.Errorf("--sync %q: use on or off", o.Sync)
	}
	switch {
	case o.Severities == "":
	case strings.EqualFold(o.Severities, "all"):
		req.Severities = []string{"High", "Medium", "Low", "Informational"}
	default:
		for _, s := range strings.Split(o.Severities, ",") {
			req.Severities = append(req.Severities, strings.TrimSpace(s))
		}
	}
	if req.SyncEnabled == nil && req.Severities == nil {
		return req, fmt.Errorf("nothing to set: give --sync and/or --severities")
	}
	return req, nil
}

func ptrTo[T any](v T) *T { return &v }

// runXDRSettings shows or changes the settings and prints them.
func runXDRSettings(o xdrOptions, stdout, stderr io.Writer) error {
	var req xdrapi.SettingsRequest
	if o.Action == "set" {
		var err error
		if req, err = xdrRequest(o); err != nil {
			return err
		}
	}
	return withLogLab(o.State, stderr, func(lab *logLab) error {
		var ans xdrapi.SettingsAnswer
		var err error
		if o.Action == "set" {
			err = lab.call("POST", xdrapi.SettingsPath, req, &ans)
		} else {
			err = lab.call("GET", xdrapi.SettingsPath+tenantQuery(o.Tenant), nil, &ans)
		}
		if err != nil {
			return err
		}
		sync := "off"
		if ans.SyncEnabled {
			sync = "on"
		}
		ws := ans.Workspace
		if ws == "" {
			ws = "none (no onboarded workspace has the MicrosoftThreatProtection connector with incidents enabled)"
		}
		_, err = fmt.Fprintf(stdout, "tenant %s\nincident sync       %s\nsynced severities   %s\nconnected workspace %s\n",
			ans.Tenant, sync, strings.Join(ans.Severities, ", "), ws)
		return err
	})
}
