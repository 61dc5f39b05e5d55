package server

import (
	"context"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/soclab/soclab/internal/privatefile"
	"github.com/soclab/soclab/mockapis/aad"
	"github.com/soclab/soclab/mockapis/tlsca"
	"github.com/soclab/soclab/simulator"
)

// publicFiles may be read by anyone: certificates and the Python preload; every other file
// in the state folder holds a secret or the state and must be 0600.
var publicFiles = map[string]bool{tlsca.CertFile: true, tlsca.BundleFile: true, filepath.Join(PyPreloadDir, "sitecustomize.py"): true}

// runForModes starts the server on state with the access log on, sends one request, and
// returns a stop function.
func runForModes(t *testing.T, state string) func() {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan Info, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{StateDir: state, Addr: "127.0.0.1:0", AccessLog: true, Ready: func(i Info) { ready <- i }})
	}()
	select {
	case info := <-ready:
		resp, err := http.Get(info.ControlURL() + "health")
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		resp.Body.Close()
	case err := <-done:
		cancel()
		t.Fatalf("Run: %v", err)
	case <-time.After(20 * time.Second):
		cancel()
		t.Fatal("server not ready within 20s")
	}
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("stop: %v", err)
		}
	}
}

// checkModes walks state: folders 0700, public files 0644 at most, everything else 0600;
// on every platform the folders and secrets are private to the current user (privatefile).
// It returns the files seen.
func checkModes(t *testing.T, state string) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(state, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		st, err := os.Lstat(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(state, path)
		mode := st.Mode().Perm()
		unix := runtime.GOOS != "windows" // Windows has access lists, not modes
		if private, err := privatefile.IsPrivate(path); (st.IsDir() || !publicFiles[rel]) && (err != nil || !private) {
			t.Errorf("%s is not private to the current user (%v)", rel, err)
		}
		switch {
		case st.IsDir():
			if unix && mode != 0o700 {
				t.Errorf("folder %s has mode %v, want 0700", rel, mode)
			}
		case !st.Mode().IsRegular():
			t.Errorf("%s is not a regular file: %v", rel, st.Mode())
		case publicFiles[rel]:
			if unix && mode&0o022 != 0 {
				t.Errorf("%s has mode %v: writable by others", rel, mode)
			}
		default:
			if unix && mode != 0o600 {
				t.Errorf("%s has mode %v, want 0600", rel, mode)
			}
		}
		seen[rel] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return seen
}

// TestStateFolderModes: after serve, the keys, state, server.json and access log are 0600
// and the folders 0700; after shutdown nothing looser appears.
func TestStateFolderModes(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state")
	stop := runForModes(t, state)
	seen := checkModes(t, state)
	for _, want := range []string{tlsca.KeyFile, aad.KeyFile, simulator.StateFileName, InfoFile, AccessLogFile, tlsca.CertFile, tlsca.BundleFile, filepath.Join(PyPreloadDir, "sitecustomize.py")} {
		if !seen[want] {
			t.Errorf("%s missing from the state folder after serve", want)
		}
	}
	stop()
	checkModes(t, state)
}

// TestStateFolderModesTightened: a state folder whose secret files were loosened (copied
// with 0644, an older version) is tightened to 0600 when the server starts again.
func TestStateFolderModesTightened(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state")
	runForModes(t, state)()
	for _, name := range []string{tlsca.KeyFile, aad.KeyFile, simulator.StateFileName, AccessLogFile} {
		if err := os.Chmod(filepath.Join(state, name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stop := runForModes(t, state)
	defer stop()
	checkModes(t, state)
}
