package main

import (
	"bytes"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestVerboseFlag: --verbose is accepted before and after any command, reaches the action as a
// noteWriter, and printWhere says the server note only then (the state-file note always).
func TestVerboseFlag(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		env     string
		verbose bool
	}{
		{"none", []string{"soclab", "probe", "leaf"}, "", false},
		{"global", []string{"soclab", "--verbose", "probe", "leaf"}, "", true},
		{"after the command", []string{"soclab", "probe", "leaf", "--verbose"}, "", true},
		{"environment", []string{"soclab", "probe", "leaf"}, "1", true},
		{"after a positional argument", []string{"soclab", "probe", "leaf", "x", "--verbose"}, "", true},
		{"explicitly off", []string{"soclab", "probe", "leaf", "--verbose=false"}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("SOCLAB_VERBOSE", tc.env)
			var got, errw bytes.Buffer
			app := withVerbose(&cli.App{Name: "soclab", Writer: &bytes.Buffer{}, ErrWriter: &errw, Commands: []*cli.Command{{
				Name: "probe",
				Subcommands: []*cli.Command{{Name: "leaf", Action: func(c *cli.Context) error {
					printWhere(c.App.ErrWriter, "via the soclab server at 127.0.0.1:1", true)
					printWhere(c.App.ErrWriter, "no soclab server runs on /s: used its state file directly", false)
					got.WriteString(c.App.ErrWriter.(noteWriter).Writer.(*bytes.Buffer).String())
					return nil
				}}},
			}}})
			if err := app.Run(tc.args); err != nil {
				t.Fatal(err)
			}
			want := "(no soclab server runs on /s: used its state file directly)\n"
			if tc.verbose {
				want = "(via the soclab server at 127.0.0.1:1)\n" + want
			}
			if got.String() != want {
				t.Errorf("stderr %q, want %q", got.String(), want)
			}
		})
	}
}
