package main

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"

	"github.com/soclab/soclab/mockapis/server"
)

// TestPortalNeedsARunningServer: a sign-in link only makes sense while a server serves the
// portal, so without one the command says how to start it and prints no link.
func TestPortalNeedsARunningServer(t *testing.T) {
	t.Setenv(serverEnvVar, "")
	var out bytes.Buffer
	err := runPortal(portalOptions{State: filepath.Join(t.TempDir(), "state"), Tenant: "contoso"}, &out)
	if !errors.Is(err, server.ErrNotRunning) || out.Len() != 0 {
		t.Fatalf("runPortal without a server: %v, printed %q", err, out.String())
	}
}
