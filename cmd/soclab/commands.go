package main

import "github.com/urfave/cli/v2"

// commands lists every top-level command. Keep one line per command; each is defined in its own file.
func commands() []*cli.Command {
	return []*cli.Command{
		versionCommand(),
		kqlCommand(),
		serveCommand(),
		envCommand(),
		loginCommand(),
		tenantCommand(),
		clockCommand(),
		resetCommand(),
		scenarioCommand(),
		attackCommand(),
		faultCommand(),
		xdrCommand(),
		copilotCommand(),
		portalCommand(),
		gradeCommand(),
		answerCommand(),
		engineCommand(),
		verifyCommand(),
		classCommand(),
	}
}
