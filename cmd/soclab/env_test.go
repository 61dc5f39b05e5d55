package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/soclab/soclab/mockapis/server"
)

// TestAzureConfigDirPerTenant: each learner tenant gets its own az profile, the default tenant
// keeps the state's azure folder.
func TestAzureConfigDirPerTenant(t *testing.T) {
	for _, c := range []struct{ tenant, want string }{
		{"contoso", "/s/azure"},
		{"", "/s/azure"},
		{"fabrikam", "/s/azure-fabrikam"},
		{"learner-01", "/s/azure-learner-01"},
	} {
		if got := azureConfigDir("/s", c.tenant); got != c.want {
			t.Errorf("azureConfigDir(/s, %q) = %q, want %q", c.tenant, got, c.want)
		}
	}
}

func TestEnvWithoutServerSaysSo(t *testing.T) {
	state := t.TempDir()
	err := runEnv(envOptions{State: state}, &bytes.Buffer{}, io.Discard)
	if !errors.Is(err, server.ErrNotRunning) || !strings.Contains(err.Error(), "start one with `soclab serve --state "+state+"`") {
		t.Fatalf("err = %v", err)
	}
}

func TestStateDir(t *testing.T) {
	home := func() (string, error) { return "/home/learner", nil }
	noHome := func() (string, error) { return "", errors.New("no home") }
	tests := []struct {
		flag string
		home func() (string, error)
		want string
		err  bool
	}{
		{"", home, "/home/learner/.soclab", false},
		{"/srv/lab", home, "/srv/lab", false},
		{"/srv/lab/../lab2", noHome, "/srv/lab2", false},
		{"", noHome, "", true},
	}
	for _, tc := range tests {
		got, err := stateDir(tc.flag, tc.home)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("stateDir(%q) = %q, %v; want %q (error %v)", tc.flag, got, err, tc.want, tc.err)
		}
	}
}

func TestPositionalArgsAcceptsTrailingFlags(t *testing.T) {
	cmd := &cli.Command{Name: "approve", Flags: []cli.Flag{stateFlag(), &cli.StringFlag{Name: "user"}}}
	tests := []struct {
		args       []string
		pos        []string
		state, usr string
	}{
		{[]string{"CODE"}, []string{"CODE"}, "", ""},
		{[]string{"CODE", "--state", "/s", "--user", "u@x"}, []string{"CODE"}, "/s", "u@x"},
		{[]string{"A", "--state=/s", "B"}, []string{"A", "B"}, "/s", ""},
	}
	for _, tc := range tests {
		set := flag.NewFlagSet("approve", flag.ContinueOnError)
		for _, f := range cmd.Flags {
			f.Apply(set)
		}
		set.Parse(tc.args)
		c := cli.NewContext(cli.NewApp(), set, nil)
		c.Command = cmd
		pos, err := positionalArgs(c)
		if err != nil || strings.Join(pos, ",") != strings.Join(tc.pos, ",") || c.String("state") != tc.state || c.String("user") != tc.usr {
			t.Errorf("%v: pos %v state %q user %q err %v", tc.args, pos, c.String("state"), c.String("user"), err)
		}
	}
}
