package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	copilotapi "github.com/soclab/soclab/mockapis/copilot"
)

// copilotOptions are the arguments of `soclab copilot ask|sessions`.
type copilotOptions struct {
	State  string
	Tenant string
	// Prompt and Session are ask's question and the session to continue ("" = a new one).
	Prompt, Session string
	// Format is text or json.
	Format string
	// Action (connect, disconnect or "" to list) and Plugin are plugins' arguments.
	Action, Plugin string
	// Inputs are promptbook's --input name=value pairs.
	Inputs map[string]string
}

func copilotCommand() *cli.Command {
	common := func() []cli.Flag {
		return []cli.Flag{stateFlag(), &cli.StringFlag{Name: "tenant", Usage: tenantFlagUsage, EnvVars: []string{"SOCLAB_TENANT"}},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text or json"}}
	}
	return &cli.Command{
		Name:  "copilot",
		Usage: "ask the lab's Security Copilot (the same sessions as the Graph beta API)",
		Subcommands: []*cli.Command{{
			Name:      "ask",
			Usage:     "ask a prompt and print the answer",
			ArgsUsage: `"PROMPT"`,
			Flags:     append(common(), &cli.StringFlag{Name: "session", Usage: "continue this session (default: a new one)"}),
			Action: func(c *cli.Context) error {
				args, err := positionalArgs(c)
				if err != nil || len(args) != 1 {
					return cli.Exit(`soclab copilot ask: give one prompt in quotes: soclab copilot ask "Summarize incident N"`, 2)
				}
				o, err := copilotOpts(c)
				if err != nil {
					return err
				}
				o.Prompt, o.Session = args[0], c.String("session")
				return exitOn("soclab copilot ask", runCopilotAsk(o, c.App.Writer, c.App.ErrWriter))
			},
		}, {
			Name:  "sessions",
			Usage: "list the tenant's Security Copilot sessions",
			Flags: common(),
			Action: func(c *cli.Context) error {
				if args, err := positionalArgs(c); err != nil || len(args) != 0 {
					return cli.Exit("soclab copilot sessions: takes no arguments", 2)
				}
				o, err := copilotOpts(c)
				if err != nil {
					return err
				}
				return exitOn("soclab copilot sessions", runCopilotSessions(o, c.App.Writer, c.App.ErrWriter))
			},
		}, {
			Name:      "promptbook",
			Usage:     "run the lab's promptbook (Task 4's six prompts) in one session and print each answer",
			ArgsUsage: "[PROMPTBOOK]",
			Flags: append(common(), &cli.StringFlag{Name: "session", Usage: "run in this session (default: a new one)"},
				&cli.StringSliceFlag{Name: "input", Usage: "an input as name=value (incident, user, ip, range); repeatable"}),
			Action: func(c *cli.Context) error {
				args, err := positionalArgs(c)
				if err != nil || len(args) > 1 {
					return cli.Exit("soclab copilot promptbook: give at most one promptbook id (default: "+copilotPromptbookDefault+")", 2)
				}
				o, err := copilotOpts(c)
				if err != nil {
					return err
				}
				o.Session, o.Inputs = c.String("session"), map[string]string{}
				for _, kv := range c.StringSlice("input") {
					k, v, ok := strings.Cut(kv, "=")
					if !ok || strings.TrimSpace(k) == "" {
						return cli.Exit(fmt.Sprintf("soclab copilot promptbook: --input %q: use name=value", kv), 2)
					}
					o.Inputs[strings.TrimSpace(k)] = v
				}
				if len(args) == 1 {
					o.Prompt = args[0]
				}
				return exitOn("soclab copilot promptbook", runCopilotPromptbook(o, c.App.Writer, c.App.ErrWriter))
			},
		}, {
			Name:      "plugins",
			Usage:     "list the plugins, or connect|disconnect one (defender, sentinel)",
			ArgsUsage: "[connect|disconnect PLUGIN]",
			Flags:     common(),
			Action: func(c *cli.Context) error {
				args, err := positionalArgs(c)
				if err != nil || (len(args) != 0 && (len(args) != 2 || (args[0] != "connect" && args[0] != "disconnect"))) {
					return cli.Exit("soclab copilot plugins: use no arguments, or connect|disconnect PLUGIN", 2)
				}
				o, err := copilotOpts(c)
				if err != nil {
					return err
				}
				if len(args) == 2 {
					o.Action, o.Plugin = args[0], args[1]
				}
				return exitOn("soclab copilot plugins", runCopilotPlugins(o, c.App.Writer, c.App.ErrWriter))
			},
		}},
	}
}

// copilotPromptbookDefault is the promptbook `soclab copilot promptbook` runs.
const copilotPromptbookDefault = "soclab-task4-investigation"

// runCopilotPromptbook runs a promptbook (o.Prompt names it) and prints each prompt's answer.
func runCopilotPromptbook(o copilotOptions, stdout, stderr io.Writer) error {
	return withLogLab(o.State, stderr, func(lab *logLab) error {
		var ans copilotapi.PromptbookAnswer
		req := copilotapi.PromptbookRequest{Tenant: o.Tenant, Promptbook: o.Prompt, Inputs: o.Inputs, Session: o.Session}
		if err := lab.call("POST", copilotapi.PromptbookPath, req, &ans); err != nil {
			return err
		}
		if o.Format == "json" {
			return printJSON(stdout, ans)
		}
		for i, r := range ans.Results {
			fmt.Fprintf(stdout, "## %d. %s\n\n%s\n\n", i+1, r.Prompt, strings.TrimRight(r.Content, "\n"))
		}
		_, err := fmt.Fprintf(stdout, "(promptbook %s in session %s: %d prompts answered)\n", ans.PromptbookID, ans.SessionID, len(ans.Results))
		return err
	})
}

// runCopilotPlugins lists, connects or disconnects plugins.
func runCopilotPlugins(o copilotOptions, stdout, stderr io.Writer) error {
	return withLogLab(o.State, stderr, func(lab *logLab) error {
		var ans copilotapi.PluginsAnswer
		var err error
		if o.Action == "" {
			err = lab.call("GET", copilotapi.PluginsPath+tenantQuery(o.Tenant), nil, &ans)
		} else {
			on := o.Action == "connect"
			err = lab.call("POST", copilotapi.PluginsPath, copilotapi.PluginsRequest{Tenant: o.Tenant, Plugin: o.Plugin, Connected: &on}, &ans)
		}
		if err != nil {
			return err
		}
		if o.Format == "json" {
			return printJSON(stdout, ans)
		}
		for _, p := range ans.Plugins {
			state := "connected"
			if !p.Connected {
				state = "disconnected"
			}
			fmt.Fprintf(stdout, "%-10s %-24s %s\n", p.ID, p.Name, state)
		}
		return nil
	})
}

func copilotOpts(c *cli.Context) (copilotOptions, error) {
	state, err := resolveState(c)
	if err != nil {
		return copilotOptions{}, err
	}
	o := copilotOptions{State: state, Tenant: c.String("tenant"), Format: strings.ToLower(c.String("format"))}
	if o.Format != "text" && o.Format != "json" {
		return o, cli.Exit("--format: use text or json", 2)
	}
	return o, nil
}

// runCopilotAsk asks the prompt through the control endpoint (running server or state file).
func runCopilotAsk(o copilotOptions, stdout, stderr io.Writer) error {
	return withLogLab(o.State, stderr, func(lab *logLab) error {
		var ans copilotapi.AskAnswer
		if err := lab.call("POST", copilotapi.AskPath, copilotapi.AskRequest{Tenant: o.Tenant, Prompt: o.Prompt, Session: o.Session}, &ans); err != nil {
			return err
		}
		if o.Format == "json" {
			return printJSON(stdout, ans)
		}
		_, err := fmt.Fprintf(stdout, "%s\n(session %s, prompt %s, evaluation %s: %s, %s)\n", strings.TrimRight(ans.Content, "\n"), ans.SessionID, ans.PromptID, ans.EvaluationID, ans.State, ans.ResultType)
		return err
	})
}

// runCopilotSessions lists the tenant's sessions.
func runCopilotSessions(o copilotOptions, stdout, stderr io.Writer) error {
	return withLogLab(o.State, stderr, func(lab *logLab) error {
		var ans copilotapi.SessionsAnswer
		if err := lab.call("GET", copilotapi.SessionsPath+tenantQuery(o.Tenant), nil, &ans); err != nil {
			return err
		}
		if o.Format == "json" {
			return printJSON(stdout, ans)
		}
		if len(ans.Sessions) == 0 {
			_, err := fmt.Fprintf(stdout, "tenant %s has no Security Copilot sessions\n", ans.Tenant)
			return err
		}
		fmt.Fprintf(stdout, "%-36s  %-20s  %7s  %s\n", "SESSION", "CREATED", "PROMPTS", "NAME")
		for _, s := range ans.Sessions {
			fmt.Fprintf(stdout, "%-36s  %-20s  %7d  %s\n", s.ID, s.Created.UTC().Format("2006-01-02T15:04:05Z"), s.Prompts, s.DisplayName)
		}
		return nil
	})
}
