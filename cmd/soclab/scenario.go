package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/soclab/soclab/scenarios"
	"github.com/soclab/soclab/scenarios/export"
	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/urfave/cli/v2"
)

// scenarioExportOptions are the inputs of `soclab scenario export`.
type scenarioExportOptions struct {
	Name   string
	Out    string
	Format string
	Params generate.Params
	// Progress receives a progress bar (nil: none, e.g. when stderr is not a terminal).
	Progress io.Writer
}

func scenarioCommand() *cli.Command {
	return &cli.Command{
		Name:  "scenario",
		Usage: "list, describe and export the built-in scenarios and their generated telemetry",
		Subcommands: []*cli.Command{
			{
				Name:  "list",
				Usage: "list the built-in scenarios",
				Action: func(c *cli.Context) error {
					return runScenarioList(c.App.Writer)
				},
			},
			{
				Name:      "show",
				Usage:     "describe a scenario: cast, attack steps, faults",
				ArgsUsage: "NAME",
				Action: func(c *cli.Context) error {
					if c.NArg() != 1 {
						return cli.Exit("usage: soclab scenario show NAME", 2)
					}
					return runScenarioShow(c.App.Writer, c.Args().First())
				},
			},
			{
				Name:      "export",
				Usage:     "generate a scenario's tables and write one file per table",
				ArgsUsage: "NAME",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "out", Usage: "output folder (created if missing; required)"},
					&cli.StringFlag{Name: "format", Value: "jsonl", Usage: "json, jsonl or csv"},
					&cli.Int64Flag{Name: "seed", Value: generate.DefaultSeed, Usage: "random seed"},
					&cli.IntFlag{Name: "users", Value: generate.DefaultUsers, Usage: "directory size"},
					&cli.IntFlag{Name: "days", Value: generate.DefaultDays, Usage: "days of background before the attack day"},
					&cli.StringFlag{Name: "tenant-id", Usage: "tenant id (default: the scenario's)"},
					&cli.StringFlag{Name: "subscription-id", Usage: "subscription id (default: the scenario's)"},
					&cli.StringFlag{Name: "tenant-domain", Usage: "domain of the users' UPNs (default: the scenario's)"},
					&cli.StringFlag{Name: "workspace-id", Usage: "Log Analytics workspace id for the TenantId column (default: the tenant id)"},
				},
				Action: func(c *cli.Context) error {
					args, err := positionalArgs(c)
					if err != nil {
						return cli.Exit(err.Error(), 2)
					}
					if len(args) != 1 || c.String("out") == "" {
						return cli.Exit("usage: soclab scenario export NAME --out DIR [--format csv|json|jsonl] [--seed N --users N --days N]", 2)
					}
					opts := scenarioExportOptions{
						Name: args[0], Out: c.String("out"), Format: c.String("format"),
						Params: generate.Params{Seed: c.Int64("seed"), Users: c.Int("users"), Days: c.Int("days"),
							TenantID: c.String("tenant-id"), SubscriptionID: c.String("subscription-id"),
							TenantDomain: c.String("tenant-domain"), WorkspaceID: c.String("workspace-id")},
					}
					if scenarioIsTerminal(os.Stderr) {
						opts.Progress = c.App.ErrWriter
					}
					return runScenarioExport(c.App.Writer, opts)
				},
			},
		},
	}
}

func runScenarioList(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTITLE")
	for _, n := range scenarios.Names() {
		s, err := scenario.LoadBuiltin(n)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\n", n, s.Title)
	}
	return tw.Flush()
}

func runScenarioShow(w io.Writer, name string) error {
	s, err := scenario.LoadBuiltin(name)
	if err != nil {
		return err
	}
	c := s.Cast
	fmt.Fprintf(w, "%s: %s\n\n%s\n", s.Name, s.Title, strings.TrimSpace(s.Description))
	fmt.Fprintf(w, "\nTenant %s (%s); attack day %s, window %s-%s UTC, victim %s@%s\n", s.Tenant.DisplayName, s.Tenant.Domain,
		s.AttackDay, s.Attack.Start.Format("15:04"), s.Attack.End.Format("15:04"), s.Attack.Victim, s.Tenant.Domain)
	fmt.Fprintf(w, "Cast: %d named people, %d departments, %d groups, %d directory roles, %d apps, %d service principals\n",
		len(c.People), len(c.Departments), len(c.Groups), len(c.DirectoryRoles), len(c.Apps), len(c.ServicePrincipals))
	var rgs []string
	for _, rg := range c.ResourceGroups {
		rgs = append(rgs, rg.Name)
	}
	fmt.Fprintf(w, "Resource groups: %s\n", strings.Join(rgs, ", "))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nSTEP\tTECHNIQUE\tTACTIC\tSTART\tTITLE")
	for _, st := range s.Attack.Steps {
		start := st.Events[0].At
		for _, e := range st.Events {
			if e.At.Before(start) {
				start = e.At
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", st.ID, st.Technique, st.Tactic, start.Format("15:04:05"), st.Title)
	}
	if r := s.Attack.Return; r != nil {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s (outcome decided by the directory then)\n", r.ID, r.Technique, r.Tactic, r.First().Format("15:04:05"), r.Title)
	}
	fmt.Fprintln(tw, "\nFAULT\tCASE\tKIND\tTITLE")
	for _, f := range s.Faults {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", f.ID, f.Case, f.Kind, f.Title)
	}
	fmt.Fprintln(tw, "\nNOISE\tKIND\tUSER\tDESCRIPTION")
	for _, n := range s.Background.Noise {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", n.ID, n.Kind, n.User, scenarioFirstSentence(n.Description))
	}
	return tw.Flush()
}

func scenarioFirstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ": "); i > 0 && i < 80 {
		return s[:i]
	}
	if i := strings.Index(s, "; "); i > 0 && i < 80 {
		return s[:i]
	}
	return s
}

func runScenarioExport(w io.Writer, o scenarioExportOptions) error {
	if !slices.Contains(export.Formats, o.Format) {
		return cli.Exit(fmt.Sprintf("unknown format %q (json, jsonl, csv)", o.Format), 2)
	}
	s, err := scenario.LoadBuiltin(o.Name)
	if err != nil {
		return err
	}
	start := time.Now()
	tel, err := generate.Generate(s, o.Params)
	if err != nil {
		return cli.Exit(err.Error(), 2)
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return fmt.Errorf("scenario export: %w", err)
	}
	tables := tel.All()
	for i, t := range tables {
		if o.Progress != nil {
			scenarioProgressBar(o.Progress, i, len(tables), t.Name)
		}
		if err := writeScenarioTable(filepath.Join(o.Out, t.Name+"."+o.Format), t, o.Format); err != nil {
			return err
		}
	}
	if o.Progress != nil {
		scenarioProgressBar(o.Progress, len(tables), len(tables), "done")
		fmt.Fprintln(o.Progress)
	}
	fmt.Fprintf(w, "wrote %d tables, %d rows (%s .. %s) to %s in %s\n", len(tables), tel.Rows(),
		tel.Start.Format(time.RFC3339), tel.End.Format(time.RFC3339), o.Out, time.Since(start).Round(time.Millisecond))
	return nil
}

// writeScenarioTable writes through a temporary file and renames it, so a failed export leaves no
// half-written table behind.
func writeScenarioTable(path string, t *generate.Table, format string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".export-*")
	if err != nil {
		return fmt.Errorf("scenario export: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := export.Write(tmp, t, format); err != nil {
		tmp.Close()
		return err
	}
	if err := errors.Join(tmp.Chmod(0o644), tmp.Close()); err != nil {
		return fmt.Errorf("scenario export: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("scenario export: %w", err)
	}
	return nil
}

func scenarioProgressBar(w io.Writer, done, total int, label string) {
	const width = 30
	n := done * width / total
	fmt.Fprintf(w, "\r[%s%s] %2d/%d %-32s", strings.Repeat("#", n), strings.Repeat(".", width-n), done, total, label)
}

func scenarioIsTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
