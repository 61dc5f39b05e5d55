package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/control"
	"github.com/soclab/soclab/mockapis/controlauth"
	"github.com/soclab/soclab/mockapis/server"
	"github.com/soclab/soclab/mockapis/tlsca"
	"github.com/soclab/soclab/simulator"
)

// TestRemoteLearner plays a learner on another machine against a classroom server started
// with --allow-remote (on loopback, as tests must): `soclab env --server` fetches the
// tenant's credentials over HTTPS verified by the lab CA and writes this machine's files; the
// commands in that shell then act on the learner's tenant on the server, and only on it.
func TestRemoteLearner(t *testing.T) {
	served := filepath.Join(t.TempDir(), "served")
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan server.Info, 1)
	done := make(chan error, 1)
	go func() {
		done <- server.Run(ctx, server.Config{StateDir: served, Addr: "127.0.0.1:0", AllowRemote: true, Ready: func(i server.Info) { ready <- i },
			Services: server.Services{Control: func(w *simulator.World) http.Handler { return control.NewHandler(w) }}})
	}()
	var info server.Info
	select {
	case info = <-ready:
	case err := <-done:
		cancel()
		t.Fatal(err)
	case <-time.After(20 * time.Second):
		cancel()
		t.Fatal("not ready")
	}
	defer func() { cancel(); <-done }()
	// The instructor adds the learner's tenant and hands out its token and the CA file.
	var out, errw bytes.Buffer
	t.Setenv(tokenEnvVar, "")
	if err := runTenantAdd(tenantOptions{State: served, Name: "learner01", JSON: true}, &out, &errw); err != nil {
		t.Fatal(err)
	}
	tokPath, _ := controlauth.TenantPath(served, "learner01")
	token, err := controlauth.ReadToken(tokPath)
	if err != nil || !strings.Contains(out.String(), token) {
		t.Fatalf("tenant add printed %s; token file %v", out.String(), err)
	}
	caFile := filepath.Join(t.TempDir(), "soclab-ca.pem")
	ca, _ := os.ReadFile(filepath.Join(served, tlsca.CertFile))
	os.WriteFile(caFile, ca, 0o644)
	otherCA := filepath.Join(t.TempDir(), "other-ca.pem")
	if _, err := tlsca.LoadOrCreate(filepath.Dir(otherCA)); err != nil {
		t.Fatal(err)
	}
	otherCA = filepath.Join(filepath.Dir(otherCA), tlsca.CertFile)

	mine := filepath.Join(t.TempDir(), "mine") // the learner's own machine's folder
	base := "https://" + info.Addr
	refused := []struct {
		name  string
		o     envOptions
		token string
		want  string
	}{
		{"no tenant", envOptions{State: mine, Server: base, CA: caFile}, token, "name your tenant with --tenant"},
		{"no token", envOptions{State: mine, Server: base, CA: caFile, Tenant: "learner01"}, "", "set SOCLAB_TOKEN to your tenant's control token"},
		{"no CA", envOptions{State: mine, Server: base, Tenant: "learner01"}, token, "the lab CA is needed to verify"},
		{"plain HTTP", envOptions{State: mine, Server: "http://" + info.Addr, CA: caFile, Tenant: "learner01"}, token, "want the classroom server's https://HOST:PORT"},
		{"another CA", envOptions{State: mine, Server: base, CA: otherCA, Tenant: "learner01"}, token, "certificate signed by unknown authority"},
		{"another tenant", envOptions{State: mine, Server: base, CA: caFile, Tenant: "contoso"}, token, `the control token of tenant learner01 cannot act on tenant "contoso"`},
		{"a wrong token", envOptions{State: mine, Server: base, CA: caFile, Tenant: "learner01"}, token + "0", "the control token is not valid for this soclab server"},
		{"--ca alone", envOptions{State: mine, CA: caFile, Tenant: "learner01"}, token, "--ca needs --server"},
	}
	for _, tc := range refused {
		t.Setenv(tokenEnvVar, tc.token)
		var b bytes.Buffer
		if err := runEnv(tc.o, &b, io.Discard); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
	t.Setenv(tokenEnvVar, token)
	var script bytes.Buffer
	if err := runEnv(envOptions{State: mine, Server: base, CA: caFile, Tenant: "learner01", Shell: "sh"}, &script, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"export HTTPS_PROXY='http://" + info.Addr + "'\n",
		"export REQUESTS_CA_BUNDLE='" + filepath.Join(mine, tlsca.BundleFile) + "'\n",
		"export AZURE_CONFIG_DIR='" + filepath.Join(mine, "azure-learner01") + "'\n",
		"export SOCLAB_TENANT='learner01'\n",
		"export SOCLAB_TOKEN='" + token + "'\n",
		"export SOCLAB_SERVER='" + base + "'\n",
	} {
		if !strings.Contains(script.String(), want) {
			t.Errorf("remote env lacks %q:\n%s", want, script.String())
		}
	}
	if b, err := os.ReadFile(filepath.Join(mine, tlsca.BundleFile)); err != nil || !bytes.HasPrefix(b, ca) {
		t.Errorf("CA bundle on the learner's machine: %v", err)
	}
	// The learner's shell: commands reach the server over HTTPS, for the learner's tenant only,
	// and never open a state file on this machine.
	t.Setenv(serverEnvVar, base)
	t.Setenv(caBundleEnvVar, filepath.Join(mine, tlsca.BundleFile))
	out.Reset()
	errw.Reset()
	if err := runClock(clockOptions{State: mine, Tenant: "learner01", Action: "freeze"}, &out, &errw); err != nil || !strings.Contains(out.String(), "frozen  (learner01)") {
		t.Errorf("clock freeze from the learner's machine: %v %q", err, out.String())
	}
	if err := runClock(clockOptions{State: mine, Tenant: "contoso", Action: "freeze"}, &out, &errw); err == nil || !strings.Contains(err.Error(), "cannot act on tenant") {
		t.Errorf("clock freeze of contoso from the learner's machine: %v", err)
	}
	if err := runReset(resetOptions{State: mine}, &out, &errw); err == nil || !strings.Contains(err.Error(), `cannot act on tenant "contoso"`) {
		t.Errorf("reset of the default tenant from the learner's machine: %v", err)
	}
	if _, err := os.Stat(filepath.Join(mine, simulator.StateFileName)); err == nil {
		t.Error("a command opened a state file on the learner's machine")
	}
	// With the server gone, the commands say so instead of falling back to a local state.
	cancel()
	<-done
	done <- nil
	if err := runClock(clockOptions{State: mine, Tenant: "learner01", Action: "show"}, &out, &errw); err == nil || !strings.Contains(err.Error(), "does not answer") {
		t.Errorf("clock show with the server gone: %v", err)
	}
	if _, err := os.Stat(filepath.Join(mine, simulator.StateFileName)); err == nil {
		t.Error("a command opened a state file on the learner's machine")
	}
}
