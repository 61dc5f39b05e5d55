package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestServeRefusesNonLoopback: `soclab serve` without --allow-remote refuses every address
// beyond loopback, for the proxy port and for --https-addr, before touching the state folder.
func TestServeRefusesNonLoopback(t *testing.T) {
	cases := []struct{ addr, direct string }{
		{"0.0.0.0:0", ""},
		{":0", ""},
		{"[::]:0", ""},
		{"192.0.2.1:8443", ""},
		{"example.com:8443", ""},
		{"127.0.0.1:0", "0.0.0.0:0"},
		{"127.0.0.1:0", ":0"},
	}
	for _, tc := range cases {
		state := filepath.Join(t.TempDir(), "state")
		var stderr bytes.Buffer
		err := runServe(context.Background(), serveOptions{State: state, Addr: tc.addr, DirectAddr: tc.direct}, &stderr)
		if err == nil || !strings.Contains(err.Error(), "is not a loopback address") || !strings.Contains(err.Error(), "--allow-remote") {
			t.Errorf("serve --addr %q --https-addr %q: err = %v, want a loopback refusal naming --allow-remote", tc.addr, tc.direct, err)
		}
		if _, err := os.Stat(state); !os.IsNotExist(err) {
			t.Errorf("serve --addr %q --https-addr %q created the state folder before refusing: %v", tc.addr, tc.direct, err)
		}
	}
}

// TestServeDefaultsToLoopback: without flags, serve listens on loopback only and opens no
// direct HTTPS port.
func TestServeDefaultsToLoopback(t *testing.T) {
	defaults := map[string]string{}
	for _, fl := range serveCommand().Flags {
		if sf, ok := fl.(*cli.StringFlag); ok {
			defaults[sf.Name] = sf.Value
		}
		if bf, ok := fl.(*cli.BoolFlag); ok && bf.Name == "allow-remote" && bf.Value {
			t.Errorf("--allow-remote defaults to true")
		}
	}
	host, _, err := net.SplitHostPort(defaults["addr"])
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		t.Errorf("--addr defaults to %q, want a loopback IP", defaults["addr"])
	}
	if defaults["https-addr"] != "" {
		t.Errorf("--https-addr defaults to %q, want none", defaults["https-addr"])
	}
}
