package main

import (
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/soclab/soclab/mockapis/logcontrol"
	"github.com/soclab/soclab/simulator/logs"
)

// attackOptions are the arguments of `soclab attack launch|replay|status`.
type attackOptions struct {
	State  string
	Tenant string
	// Action is launch, replay or status.
	Action string
	// Speed is instant, realtime or xN (launch).
	Speed string
	// Step is the attack step to replay.
	Step string
	// Wait waits until the engines (analytics rules...) have run up to the tenant's clock.
	Wait bool
}

func attackCommand() *cli.Command {
	tenant := &cli.StringFlag{Name: "tenant", Usage: tenantFlagUsage, EnvVars: []string{"SOCLAB_TENANT"}}
	wait := &cli.BoolFlag{Name: "wait", Usage: "wait until the analytics rules have run up to the tenant's clock"}
	action := func(name string, nargs int) cli.ActionFunc {
		return func(c *cli.Context) error {
			args, err := positionalArgs(c)
			if err != nil || len(args) != nargs {
				return cli.Exit(fmt.Sprintf("soclab attack %s: usage: soclab attack %s %s", name, name, c.Command.ArgsUsage), 2)
			}
			state, err := resolveState(c)
			if err != nil {
				return err
			}
			o := attackOptions{State: state, Tenant: c.String("tenant"), Action: name, Speed: c.String("speed"), Wait: c.Bool("wait")}
			if nargs == 1 {
				o.Step = args[0]
			}
			return exitOn("soclab attack "+name, runAttack(o, c.App.Writer, c.App.ErrWriter))
		}
	}
	return &cli.Command{
		Name:  "attack",
		Usage: "play the scenario's attack on a tenant's clock, replay a step, show its state",
		Subcommands: []*cli.Command{
			{Name: "launch", Usage: "play the attack (08:30-10:00): instant jumps the clock to 10:05; realtime/xN let it unfold",
				Flags:  []cli.Flag{stateFlag(), tenant, wait, &cli.StringFlag{Name: "speed", Value: "instant", Usage: "instant, realtime or xN (e.g. x60)"}},
				Action: action("launch", 0)},
			{Name: "replay", Usage: "re-emit one step's events now (new ids, same actor and address), routed under today's settings",
				ArgsUsage: "STEP", Flags: []cli.Flag{stateFlag(), tenant, wait}, Action: action("replay", 1)},
			{Name: "status", Usage: "show whether the attack was launched and which steps have happened",
				Flags: []cli.Flag{stateFlag(), tenant}, Action: action("status", 0)},
		},
	}
}

// runAttack performs one attack action and prints the result.
func runAttack(o attackOptions, stdout, stderr io.Writer) error {
	if o.Action == "launch" {
		if _, err := logs.ParseSpeed(o.Speed); err != nil {
			return err
		}
	}
	return withLogLab(o.State, stderr, func(lab *logLab) error {
		switch o.Action {
		case "replay":
			var r logs.Replay
			if err := lab.call("POST", "attack/replay", logcontrol.ReplayRequest{Tenant: o.Tenant, Step: o.Step}, &r); err != nil {
				return err
			}
			if _, err := fmt.Fprintf(stdout, "replayed %s at %s\n", r.Step, r.At.UTC().Format(time.RFC3339)); err != nil {
				return err
			}
			return engineNote(lab.call, lab.engine == nil, true, stderr, o.Tenant, o.Wait)
		case "launch":
			var st logs.AttackStatus
			if err := lab.call("POST", "attack/launch", logcontrol.LaunchRequest{Tenant: o.Tenant, Speed: o.Speed}, &st); err != nil {
				return err
			}
			speed, _ := logs.ParseSpeed(o.Speed)
			if lab.engine != nil && speed.Factor > 1 {
				// No server drives the clock: play in the foreground until the attack is over.
				fmt.Fprintf(stderr, "playing the attack at %s until %s...\n", speed, lab.engine.AttackEndClock().Format(time.RFC3339))
				if err := lab.engine.Play(tenantIDOf(lab, o.Tenant), speed, time.Second, nil); err != nil {
					return err
				}
				if err := lab.call("GET", "attack"+tenantQuery(o.Tenant), nil, &st); err != nil {
					return err
				}
			}
			if err := printAttack(stdout, st); err != nil {
				return err
			}
			return engineNote(lab.call, lab.engine == nil, true, stderr, o.Tenant, o.Wait)
		}
		var st logs.AttackStatus
		if err := lab.call("GET", "attack"+tenantQuery(o.Tenant), nil, &st); err != nil {
			return err
		}
		return printAttack(stdout, st)
	})
}

func tenantQuery(t string) string {
	if t == "" {
		return ""
	}
	return "?tenant=" + urlQueryEscape(t)
}

// tenantIDOf resolves a tenant name on a locally opened lab ("" if unknown: Play then fails).
func tenantIDOf(lab *logLab, name string) string {
	if name == "" {
		name = "contoso"
	}
	t, err := lab.engine.World().LookupTenant(name)
	if err != nil {
		return name
	}
	return t.ID
}

func printAttack(w io.Writer, st logs.AttackStatus) error {
	state := "not launched"
	if st.State.Launched {
		state = fmt.Sprintf("launched at %s (%s)", st.State.LaunchedAt.UTC().Format(time.RFC3339), st.State.Speed)
	}
	fmt.Fprintf(w, "tenant %s  clock %s  attack %s-%s  %s\n", st.Tenant, st.Now.UTC().Format(time.RFC3339),
		st.Start.UTC().Format("15:04"), st.End.UTC().Format("15:04"), state)
	// In time order: the scenario lists steps by kill-chain stage, not always by time.
	steps := slices.Clone(st.Steps)
	slices.SortStableFunc(steps, func(a, b logs.StepInfo) int { return a.First.Compare(b.First) })
	for _, s := range steps {
		mark := "pending"
		if s.Played {
			mark = "played"
		}
		title := s.Title
		if s.Conditional {
			title += " (outcome decided by the directory then)"
		}
		fmt.Fprintf(w, "  %-20s %-9s %s  %-8s %s\n", s.ID, s.Technique, s.First.UTC().Format("15:04:05"), mark, title)
	}
	for _, r := range st.State.Replays {
		fmt.Fprintf(w, "  replay %-13s at %s\n", r.Step, r.At.UTC().Format(time.RFC3339))
	}
	return nil
}
