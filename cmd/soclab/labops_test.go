package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/soclab/soclab/mockapis/control"
	"github.com/soclab/soclab/mockapis/controlauth"
	"github.com/soclab/soclab/simulator"
)

var guidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// TestLabCommandsWithoutServer drives tenant, clock and reset on a state folder no server
// runs on: they change the state file directly and say so.
func TestLabCommandsWithoutServer(t *testing.T) {
	state := t.TempDir()
	note := "(no soclab server runs on " + state + ": changed its state file directly)\n"
	steps := []struct {
		name    string
		run     func(out, errw *bytes.Buffer) error
		want    string // stdout with GUIDs as {guid}; "" skips the check
		wantErr string
	}{
		{"list", func(o, e *bytes.Buffer) error { return runTenantList(tenantOptions{State: state}, o, e) },
			"NAME     TENANT ID                             DOMAIN       SUBSCRIPTION ID                       SERVICE PRINCIPAL                     USERS\n" +
				"contoso  {guid}  contoso.com  {guid}  {guid}  analyst@contoso.com\n", ""},
		{"freeze", func(o, e *bytes.Buffer) error {
			return runClock(clockOptions{State: state, Action: "freeze"}, o, e)
		}, "", ""},
		{"set", func(o, e *bytes.Buffer) error {
			return runClock(clockOptions{State: state, Action: "set", Arg: "2025-01-15T08:29:00Z"}, o, e)
		}, "2025-01-15T08:29:00Z  frozen  (contoso)\n", ""},
		{"advance", func(o, e *bytes.Buffer) error {
			return runClock(clockOptions{State: state, Tenant: "contoso.com", Action: "advance", Arg: "PT2M"}, o, e)
		}, "2025-01-15T08:31:00Z  frozen  (contoso)\n", ""},
		{"bad duration", func(o, e *bytes.Buffer) error {
			return runClock(clockOptions{State: state, Action: "advance", Arg: "later"}, o, e)
		}, "", `invalid duration "later": use e.g. 90m, 1h30m, 2d or PT1H`},
		{"unknown tenant", func(o, e *bytes.Buffer) error {
			return runClock(clockOptions{State: state, Tenant: "nobody", Action: "show"}, o, e)
		}, "", `tenant "nobody": tenant not found`},
		{"reset", func(o, e *bytes.Buffer) error { return runReset(resetOptions{State: state}, o, e) },
			"tenant contoso reset to the scenario's start; clock 2025-01-15T07:00:00Z\n", ""},
		{"add", func(o, e *bytes.Buffer) error {
			return runTenantAdd(tenantOptions{State: state, Name: "learner01", JSON: true}, o, e)
		}, "", ""},
		{"duplicate", func(o, e *bytes.Buffer) error {
			return runTenantAdd(tenantOptions{State: state, Name: "learner01"}, o, e)
		}, "", `add tenant "learner01": tenant already exists`},
	}
	for _, s := range steps {
		var out, errw bytes.Buffer
		err := s.run(&out, &errw)
		if s.wantErr != "" {
			if err == nil || err.Error() != s.wantErr {
				t.Errorf("%s: error %v, want %q", s.name, err, s.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", s.name, err)
			continue
		}
		if s.want != "" && guidRE.ReplaceAllString(out.String(), "{guid}") != s.want {
			t.Errorf("%s: stdout\n%s\nwant\n%s", s.name, out.String(), s.want)
		}
		if errw.String() != note {
			t.Errorf("%s: stderr %q, want %q", s.name, errw.String(), note)
		}
	}
	// The tenant added above is in the state file with the credentials printed.
	w, err := simulator.Open(state, simulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.TenantByName("learner01"); err != nil {
		t.Fatal(err)
	}
	// ... and its control token is a private file of the state folder.
	path, _ := controlauth.TenantPath(state, "learner01")
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("learner01's token file: %v %v", st, err)
	}
}

// TestLabCommandsThroughServer runs the commands against a server named by server.json:
// they use its control endpoints and never open the state file.
func TestLabCommandsThroughServer(t *testing.T) {
	served := t.TempDir()
	w, err := simulator.Open(served, simulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctl := control.NewHandler(w)
	state := t.TempDir() // holds only server.json and the token: the commands must not need the state file
	instructor, err := controlauth.LoadOrCreate(controlauth.InstructorPath(state))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/_soclab/health":
			rw.Write([]byte(`{"status":"ok"}`))
		case r.Header.Get("Authorization") != "Bearer "+instructor:
			rw.WriteHeader(http.StatusUnauthorized)
			rw.Write([]byte(`{"error":{"code":"Unauthorized","message":"no instructor token"}}`))
		case r.URL.Path == "/_soclab/credentials":
			rw.Write([]byte(`{"tenantName":"` + r.URL.Query().Get("tenant") + `","controlToken":"soclab_learner02"}`))
		default:
			ctl.ServeHTTP(rw, r)
		}
	}))
	defer srv.Close()
	info, _ := json.Marshal(map[string]any{"addr": strings.TrimPrefix(srv.URL, "http://"), "pid": os.Getpid(), "started": "2026-03-01T12:00:00Z"})
	if err := os.WriteFile(filepath.Join(state, "server.json"), info, 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errw bytes.Buffer
	if err := runTenantAdd(tenantOptions{State: state, Name: "learner02"}, &out, &errw); err != nil {
		t.Fatal(err)
	}
	if errw.String() != "" { // the server is the normal way: said only with --verbose
		t.Fatalf("stderr %q, want nothing without --verbose", errw.String())
	}
	var verbose bytes.Buffer
	if err := runTenantList(tenantOptions{State: state}, io.Discard, noteWriter{Writer: &verbose, verbose: true}); err != nil {
		t.Fatal(err)
	}
	if want := "(via the soclab server at " + strings.TrimPrefix(srv.URL, "http://") + ")\n"; verbose.String() != want {
		t.Fatalf("stderr with --verbose %q, want %q", verbose.String(), want)
	}
	if !strings.Contains(out.String(), "control token      soclab_learner02\n") {
		t.Fatalf("tenant add does not print the control token:\n%s", out.String())
	}
	if _, err := w.TenantByName("learner02"); err != nil {
		t.Fatalf("the server's world has no learner02: %v", err)
	}
	out.Reset()
	if err := runClock(clockOptions{State: state, Tenant: "learner02", Action: "show"}, &out, &errw); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out.String(), "  running  (learner02)\n") {
		t.Fatalf("clock show: %q", out.String())
	}
	if _, err := os.Stat(filepath.Join(state, simulator.StateFileName)); err == nil {
		t.Fatal("a command opened the state file although a server runs")
	}
}

// TestStaleServerFileFallsBack: a server.json left by a killed server does not block the
// commands; they work on the state file.
func TestStaleServerFileFallsBack(t *testing.T) {
	state := t.TempDir()
	os.WriteFile(filepath.Join(state, "server.json"), []byte(`{"addr":"127.0.0.1:1","pid":1,"started":"2026-03-01T12:00:00Z"}`), 0o600)
	var out, errw bytes.Buffer
	if err := runReset(resetOptions{State: state}, &out, &errw); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errw.String(), "changed its state file directly") {
		t.Fatalf("stderr %q", errw.String())
	}
}
