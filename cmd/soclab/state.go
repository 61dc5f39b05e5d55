package main

import (
	"errors"
	"fmt"
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
