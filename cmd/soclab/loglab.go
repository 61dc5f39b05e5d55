package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/soclab/soclab/mockapis/control"
	"github.com/soclab/soclab/mockapis/logcontrol"
	"github.com/soclab/soclab/mockapis/server"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
)

// slowLabClient is labClient with room for a first query that generates a tenant's telemetry.
var slowLabClient = &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{Proxy: nil}}

// logLab is a lab opened for the attack, fault and kql commands: through the running server's
// control endpoints, or on the state file with the routing engine in this process. engine is
// set only in the second case (an xN launch then drives the clock in the foreground).
type logLab struct {
	call   func(method, path string, in, out any) error
	where  string
	engine *logs.Engine
	close  func() error
}

func openLogLab(state string) (*logLab, error) {
	info, err := runningLab(state)
	if err == nil {
		return &logLab{
			call: func(m, p string, in, out any) error {
				return callLabClient(slowLabClient, info, m, p, in, out)
			},
			where: "via the soclab server at " + info.Addr,
			close: func() error { return nil },
		}, nil
	}
	if !errors.Is(err, server.ErrNotRunning) {
		return nil, err
	}
	w, oerr := simulator.Open(state, simulator.Options{})
	if oerr != nil {
		return nil, fmt.Errorf("no soclab server answers on %s, and the state file cannot be opened directly: %w", state, oerr)
	}
	e, err := newLogEngine(w, 0)
	if err != nil {
		w.Close()
		return nil, err
	}
	h := withDetection(e, logcontrol.NewHandler(e, withGrader(e, control.NewHandler(w), nil), logcontrol.Options{}), false, nil)
	return &logLab{
		call:   func(m, p string, in, out any) error { return callLocal(h, m, p, in, out) },
		where:  "no soclab server runs on " + state + ": used its state file directly",
		engine: e,
		close:  w.Close,
	}, nil
}

// withLogLab opens the lab, runs fn, says on stderr which way it went, and closes.
func withLogLab(state string, stderr io.Writer, fn func(*logLab) error) error {
	lab, err := openLogLab(state)
	if err != nil {
		return err
	}
	err = fn(lab)
	if cerr := lab.close(); err == nil && cerr != nil {
		err = fmt.Errorf("close state: %w", cerr)
	}
	if err == nil {
		printWhere(stderr, lab.where, lab.engine == nil)
	}
	return err
}
