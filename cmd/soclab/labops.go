package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"

	"github.com/soclab/soclab/mockapis/control"
	"github.com/soclab/soclab/mockapis/controlauth"
	"github.com/soclab/soclab/mockapis/server"
	"github.com/soclab/soclab/simulator"
)

// labOps performs control requests (tenants, clock, reset) on a lab: through the running
// server's /_soclab/ endpoints, or, when no server runs on the state folder, directly on its
// state file with the same handler in this process. Where says which happened.
type labOps struct {
	call func(method, path string, in, out any) error
	// token returns a tenant's control token (creating it for a tenant that has none yet).
	token func(tenant string) (string, error)
	where string
	close func() error
	// local: no server runs; the state file is used directly.
	local bool
	// slow is call with room for a long answer (engine/wait); nil: call.
	slow func(method, path string, in, out any) error
}

// openLab picks the running server when there is one, else opens the state file itself
// (bbolt allows one process at a time, so this only works while no server runs).
func openLab(state string) (*labOps, error) {
	info, err := runningLab(state)
	if err == nil {
		return &labOps{
			call: func(m, p string, in, out any) error { return callLab(info, m, p, in, out) },
			slow: func(m, p string, in, out any) error { return callLabClient(slowLabClient, info, m, p, in, out) },
			token: func(tenant string) (string, error) {
				var cred server.Credentials
				err := callLab(info, "GET", "credentials?tenant="+urlQueryEscape(tenant), nil, &cred)
				return cred.ControlToken, err
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
	h := control.NewHandler(w)
	return &labOps{
		// Whoever can open the state file may do anything to it: no control token is checked.
		call: func(m, p string, in, out any) error { return callLocal(h, m, p, in, out) },
		token: func(tenant string) (string, error) {
			path, err := controlauth.TenantPath(state, tenant)
			if err != nil {
				return "", err
			}
			return controlauth.LoadOrCreate(path)
		},
		where: "no soclab server runs on " + state + ": changed its state file directly",
		close: w.Close,
		local: true,
	}, nil
}

// callLocal runs one control request against an in-process handler, with the same JSON in,
// JSON out and error handling as callLab.
func callLocal(h http.Handler, method, path string, in, out any) error {
	body, err := labRequestBody(in)
	if err != nil {
		return err
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, "/_soclab/"+path, body))
	return decodeLabAnswer(method, path, rec.Code, strconv.Itoa(rec.Code), rec.Body.Bytes(), out)
}

// withLab opens the lab on state, runs fn, reports on stderr which way it went, and closes.
func withLab(state string, stderr io.Writer, fn func(*labOps) error) error {
	lab, err := openLab(state)
	if err != nil {
		return err
	}
	err = fn(lab)
	if cerr := lab.close(); err == nil && cerr != nil {
		err = fmt.Errorf("close state: %w", cerr)
	}
	if err == nil {
		printWhere(stderr, lab.where, !lab.local)
	}
	return err
}

// tenantFlagUsage documents --tenant for the clock and reset commands.
const tenantFlagUsage = "tenant name, id or domain (default $SOCLAB_TENANT, else contoso)"
