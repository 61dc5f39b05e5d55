package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/soclab/soclab"
	"github.com/soclab/soclab/labtext"
	"github.com/soclab/soclab/labverify"
)

// verifyOptions are the arguments of `soclab verify`.
type verifyOptions struct {
	// File is the lab text ("" = the built-in challenge.md).
	File   string
	Format string
	// ExtensionDir is exported as AZURE_EXTENSION_DIR for az (the sentinel extension).
	ExtensionDir string
	// Keep keeps the private lab's folder (state, the learner's files) and prints where.
	Keep bool
}

// errVerifyFailed is runVerify's answer when the report was printed and it is not all passed.
var errVerifyFailed = errors.New("some blocks or checks did not pass")

func verifyCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "run a lab text's blocks (default: the built-in challenge.md) on a private lab, then grade it (exit 0 only when every block and check passes)",
		ArgsUsage: "[FILE]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text, json or junit"},
			&cli.StringFlag{Name: "az-extension-dir", EnvVars: []string{"AZURE_EXTENSION_DIR"}, Usage: "a folder with az extensions (the sentinel extension) for the blocks' az"},
			&cli.BoolFlag{Name: "keep", Usage: "keep the private lab's folder and say where it is"},
		},
		Action: func(c *cli.Context) error {
			args, err := positionalArgs(c)
			if err != nil || len(args) > 1 {
				return cli.Exit("soclab verify: usage: soclab verify [FILE] [--format text|json|junit]", 2)
			}
			o := verifyOptions{Format: c.String("format"), ExtensionDir: c.String("az-extension-dir"), Keep: c.Bool("keep")}
			if len(args) == 1 {
				o.File = args[0]
			}
			ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
			defer stop()
			switch err := runVerify(ctx, o, c.App.Writer, c.App.ErrWriter); {
			case err == nil:
				return nil
			case errors.Is(err, errVerifyFailed):
				return cli.Exit("", 1)
			default:
				var ue usageError
				if errors.As(err, &ue) {
					return cli.Exit("soclab verify: "+err.Error(), 2)
				}
				return cli.Exit("soclab verify: "+err.Error(), 1)
			}
		},
	}
}

// runVerify reads the lab text, runs it on a private lab with this binary and prints the report.
func runVerify(ctx context.Context, o verifyOptions, stdout, stderr io.Writer) error {
	if !slices.Contains(labverify.Formats(), o.Format) {
		return usageError{fmt.Sprintf("--format %q: use text, json or junit", o.Format)}
	}
	name, text := soclab.ChallengeFile+" (built in)", soclab.Challenge()
	if o.File != "" {
		data, err := os.ReadFile(o.File)
		if err != nil {
			return usageError{err.Error()}
		}
		name, text = o.File, string(data)
	}
	blocks, err := labtext.Parse(text)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find this binary: %w", err)
	}
	dir, err := os.MkdirTemp("", "soclab-verify-")
	if err != nil {
		return err
	}
	if o.Keep {
		fmt.Fprintf(stderr, "soclab verify: the private lab's folder is %s (kept)\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	opts := labverify.Options{Soclab: self, Dir: dir, Env: os.Environ(), ExtensionDir: o.ExtensionDir, File: name}
	if isTerminal(stderr) {
		opts.Progress = stderr
	}
	rep, err := labverify.Run(ctx, blocks, opts)
	if err != nil {
		return err
	}
	if err := rep.Write(stdout, o.Format); err != nil {
		return err
	}
	if !rep.OK {
		return errVerifyFailed
	}
	return nil
}

// isTerminal reports whether w is a terminal (progress lines are for people watching).
func isTerminal(w io.Writer) bool {
	if nw, ok := w.(noteWriter); ok {
		w = nw.Writer
	}
	f, ok := w.(*os.File)
	return ok && scenarioIsTerminal(f)
}
