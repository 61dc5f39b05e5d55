package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"
)

// stateEnvVar names the environment variable that picks the state folder when --state is not given.
const stateEnvVar = "SOCLAB_STATE"

// stateFlag is the shared --state flag. Every command that reads or serves a lab's state
// (serve, env, login, tenant, clock, reset, ...) adds it and resolves it with resolveState,
// so all commands agree on the folder: --state, else $SOCLAB_STATE, else ~/.soclab.
func stateFlag() *cli.StringFlag {
	return &cli.StringFlag{
		Name:    "state",
		Usage:   "lab state folder (default $SOCLAB_STATE, else ~/.soclab)",
		EnvVars: []string{stateEnvVar},
	}
}

// resolveState returns the absolute state folder a command works on: the --state flag (which
// also reads $SOCLAB_STATE), else ~/.soclab. The folder may not exist yet.
func resolveState(c *cli.Context) (string, error) {
	return stateDir(c.String("state"), os.UserHomeDir)
}

// stateDir is resolveState without the CLI context, for tests.
func stateDir(flagValue string, home func() (string, error)) (string, error) {
	dir := flagValue
	if dir == "" {
		h, err := home()
		if err != nil || h == "" {
			return "", errors.New("cannot find the home folder for the default state ~/.soclab; pass --state DIR or set " + stateEnvVar)
		}
		dir = filepath.Join(h, ".soclab")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("state folder %q: %w", dir, err)
	}
	return abs, nil
}

// positionalArgs returns a command's positional arguments and also accepts the command's
// flags AFTER them, as the documented command lines put them ("soclab login approve CODE
// --state DIR", "soclab tenant add NAME --state DIR"): urfave/cli v2 stops parsing flags at
// the first positional argument, so the rest is parsed here and set on c.
func positionalArgs(c *cli.Context) ([]string, error) {
	fs := flag.NewFlagSet(c.Command.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	for _, f := range c.Command.Flags {
		if err := f.Apply(fs); err != nil {
			return nil, err
		}
	}
	var pos []string
	args := c.Args().Slice()
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("%s: %w", c.Command.FullName(), err)
		}
		args = fs.Args()
		if len(args) > 0 {
			pos = append(pos, args[0])
			args = args[1:]
		}
	}
	var err error
	fs.Visit(func(f *flag.Flag) {
		if serr := c.Set(f.Name, f.Value.String()); serr != nil && err == nil {
			err = serr
		}
	})
	return pos, err
}
