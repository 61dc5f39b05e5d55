package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/soclab/soclab/mockapis/server"
)

// serveOptions are the flags of `soclab serve`.
type serveOptions struct {
	State       string
	Addr        string
	DirectAddr  string
	AllowRemote bool
	AccessLog   bool
	Memory      memoryOptions
}

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "run the lab: a mock Microsoft cloud behind one loopback proxy port",
		Description: "Serves login.microsoftonline.com, management.azure.com and the other lab hosts through an HTTPS\n" +
			"proxy on --addr (default " + server.DefaultAddr + "). In another shell run `eval \"$(soclab env)\"` and use az.\n" +
			"The /_soclab/ control endpoints need a control token: the instructor's is <state>/instructor.token (created\n" +
			"here, used by the soclab commands of whoever owns the state folder); each tenant's is printed by `soclab tenant add`.\n" +
			"Stops gracefully on Ctrl-C (SIGINT) or SIGTERM.",
		Flags: append([]cli.Flag{
			stateFlag(),
			&cli.StringFlag{Name: "addr", Value: server.DefaultAddr, Usage: "proxy and control port (HOST:PORT; port 0 picks a free one)"},
			&cli.StringFlag{Name: "https-addr", Usage: "also serve HTTPS directly on HOST:PORT, for clients that cannot use a proxy"},
			&cli.BoolFlag{Name: "allow-remote", Usage: "allow non-loopback addresses (a classroom server): the port also answers HTTPS with the lab CA, and the sign-in page and control endpoints answer other machines only over HTTPS"},
			&cli.BoolFlag{Name: "access-log", Usage: "append one line per request to <state>/access.log"},
		}, append(memoryFlags(), profileFlag())...),
		Action: func(c *cli.Context) error {
			state, err := resolveState(c)
			if err != nil {
				return err
			}
			mem, err := memoryOptionsFrom(c)
			if err != nil {
				return err
			}
			debug.SetMemoryLimit(limitOrNone(mem.Limit))
			fmt.Fprintf(c.App.ErrWriter, "soclab: %s\n", mem)
			ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
			defer stop()
			if err := startProfiler(ctx, c.String("pprof"), c.App.ErrWriter); err != nil {
				return err
			}
			go func() { // after the first signal, a second Ctrl-C stops at once instead of waiting
				<-ctx.Done()
				stop()
			}()
			return runServe(ctx, serveOptions{State: state, Addr: c.String("addr"), DirectAddr: c.String("https-addr"),
				AllowRemote: c.Bool("allow-remote"), AccessLog: c.Bool("access-log"), Memory: mem}, c.App.ErrWriter)
		},
	}
}

// runServe serves until ctx is cancelled.
func runServe(ctx context.Context, o serveOptions, stderr io.Writer) error {
	if o.Memory.TelemetryCache == "" && o.State != "" {
		o.Memory.TelemetryCache = filepath.Join(o.State, "cache")
	}
	return server.Run(ctx, server.Config{
		StateDir:    o.State,
		Addr:        o.Addr,
		DirectAddr:  o.DirectAddr,
		AllowRemote: o.AllowRemote,
		AccessLog:   o.AccessLog,
		Version:     version,
		Services:    services(o.Memory),
		Log:         stderr,
	})
}
