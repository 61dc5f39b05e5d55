// Command soclab runs the Contoso SOC training lab: a mock Microsoft cloud on loopback,
// the alex.johnson attack scenario, a KQL engine and a grader.
package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
)

func main() {
	if err := newApp().Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "soclab:", err)
		os.Exit(exitCode(err))
	}
}

// newApp builds the command tree. Each command lives in its own file and is added here.
func newApp() *cli.App {
	return withVerbose(&cli.App{
		Name:                 "soclab",
		Usage:                "training lab simulator: a mock Microsoft cloud, the alex.johnson attack, KQL and a grader",
		EnableBashCompletion: true,
		Commands:             commands(),
	})
}

// exitCode maps an error to the process exit status: cli.ExitCoder errors carry their own.
func exitCode(err error) int {
	if ec, ok := err.(cli.ExitCoder); ok {
		return ec.ExitCode()
	}
	return 1
}
