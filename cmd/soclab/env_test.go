package main

import (
	"bytes"
	"errors"
	"flag"
	"os/exec"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/soclab/soclab/mockapis/server"
)

func TestEnvScriptIsExactAndSafeForSh(t *testing.T) {
	info := server.Info{Addr: "127.0.0.1:8443"}
	cred := server.Credentials{TenantName: "contoso", TenantID: "t-id", Domain: "contoso.com", SubscriptionID: "s-id", SPAppID: "app-id", SPSecret: "a'b$c`d\"e", User: "analyst@contoso.com", UserPassword: "pw", ControlToken: "soclab_0123"}
	got := envScript("/home/it's me/.soclab", info, cred, "")
	want := `# soclab lab at 127.0.0.1:8443 (state /home/it's me/.soclab), tenant contoso (contoso.com)
unset NO_PROXY no_proxy
export HTTPS_PROXY='http://127.0.0.1:8443'
export https_proxy='http://127.0.0.1:8443'
export REQUESTS_CA_BUNDLE='/home/it'\''s me/.soclab/ca-bundle.pem'
export AZURE_CONFIG_DIR='/home/it'\''s me/.soclab/azure'
export AZURE_CORE_COLLECT_TELEMETRY='false'
export AZURE_CORE_ERROR_RECOMMENDATION='off'
export AZURE_CORE_ONLY_SHOW_ERRORS='true'
export AZURE_CORE_SURVEY_MESSAGE='false'
export AZURE_EXTENSION_USE_DYNAMIC_INSTALL='no'
export PYTHONPATH='/home/it'\''s me/.soclab/pypreload'
export SOCLAB_STATE='/home/it'\''s me/.soclab'
export SOCLAB_TENANT='contoso'
export SOCLAB_TENANT_ID='t-id'
export SOCLAB_SUBSCRIPTION_ID='s-id'
export SOCLAB_SP_ID='app-id'
export SOCLAB_SP_SECRET='a'\''b$c` + "`" + `d"e'
export SOCLAB_USER='analyst@contoso.com'
export SOCLAB_USER_PASSWORD='pw'
export SOCLAB_TOKEN='soclab_0123'
# PYTHONPATH works around the Debian azure-cli 2.45 import race (Azure/azure-cli#25482).
# Sign in: az login --service-principal -u "$SOCLAB_SP_ID" --password="$SOCLAB_SP_SECRET" --tenant "$SOCLAB_TENANT_ID"
#      or: az login -u "$SOCLAB_USER" -p "$SOCLAB_USER_PASSWORD"   or: az login --use-device-code
# SOCLAB_TOKEN is this tenant's control token: soclab commands in this shell act on this tenant only.
`
	if got != want {
		t.Fatalf("envScript:\n%s\nwant:\n%s", got, want)
	}
	// sh must read the values back unchanged.
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	out, err := exec.Command(sh, "-c", got+`printf '%s|%s' "$SOCLAB_SP_SECRET" "$SOCLAB_STATE"`).Output()
	if err != nil || string(out) != "a'b$c`d\"e|/home/it's me/.soclab" {
		t.Fatalf("sh read back %q, %v", out, err)
	}
}

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
	err := runEnv(envOptions{State: state}, &bytes.Buffer{})
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
