package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"
)

// verboseFlagName is the flag (before or after the command: `soclab --verbose grade` or
// `soclab grade --verbose`) that prints how a command reached the lab.
const verboseFlagName = "verbose"

// noteWriter is the stderr of a command run from the command line: it remembers whether
// --verbose was given, so the lab helpers print "(via the soclab server …)" only then.
type noteWriter struct {
	io.Writer
	verbose bool
}

// verboseNotes reports whether stderr asked for the notes of --verbose.
func verboseNotes(stderr io.Writer) bool {
	nw, ok := stderr.(noteWriter)
	return ok && nw.verbose
}

// printWhere tells the user how a command reached the lab. Going through the running server is
// the normal way and is said only with --verbose; opening the state file directly (no server
// runs) is always said, because the user may have expected a server.
func printWhere(stderr io.Writer, where string, viaServer bool) {
	if viaServer && !verboseNotes(stderr) {
		return
	}
	fmt.Fprintf(stderr, "(%s)\n", where)
}

// withVerbose adds --verbose to the app and to every command and subcommand, and makes each
// action's c.App.ErrWriter a noteWriter that knows whether it was given.
func withVerbose(app *cli.App) *cli.App {
	flag := func() cli.Flag {
		return &cli.BoolFlag{Name: verboseFlagName, EnvVars: []string{"SOCLAB_VERBOSE"}, Usage: "say how the command reached the lab (the running server or the state file)"}
	}
	app.Flags = append(app.Flags, flag())
	var walk func([]*cli.Command)
	walk = func(cmds []*cli.Command) {
		for _, cmd := range cmds {
			if !hasFlag(cmd.Flags, verboseFlagName) { // a command may define its own
				cmd.Flags = append(cmd.Flags, flag())
			}
			if action := cmd.Action; action != nil {
				cmd.Action = func(c *cli.Context) error {
					base := c.App.ErrWriter
					if nw, ok := base.(noteWriter); ok {
						base = nw.Writer
					}
					c.App.ErrWriter = noteWriter{Writer: base, verbose: verboseGiven(c)}
					return action(c)
				}
			}
			walk(cmd.Subcommands)
		}
	}
	walk(app.Commands)
	return app
}

// verboseGiven reports whether --verbose was given at any level of the command line (each
// level has its own flag, so the nearest one's default must not hide the app's).
func verboseGiven(c *cli.Context) bool {
	for _, ctx := range c.Lineage() {
		if ctx.Bool(verboseFlagName) {
			return true
		}
	}
	// After a positional argument the cli stops parsing flags (positionalArgs reads the rest).
	for _, a := range c.Args().Slice() {
		if a == "--verbose" || a == "-verbose" || a == "--verbose=true" {
			return true
		}
	}
	return false
}

// hasFlag reports whether flags has one called name.
func hasFlag(flags []cli.Flag, name string) bool {
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}
