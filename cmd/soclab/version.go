package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// version is the soclab release, overridable at link time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the soclab version",
		Action: func(c *cli.Context) error {
			_, err := fmt.Fprintln(c.App.Writer, "soclab", version)
			return err
		},
	}
}
