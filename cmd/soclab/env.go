package main

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/soclab/soclab/mockapis/server"
	"github.com/soclab/soclab/mockapis/tlsca"
	"github.com/soclab/soclab/simulator"
)

// envOptions are the flags of `soclab env`.
type envOptions struct {
	State  string
	Tenant string
	// Server is a classroom server on another machine (https://HOST:PORT); empty means the
	// server running on State.
	Server string
	// CA is the lab CA certificate file that verifies Server.
	CA string
}

func envCommand() *cli.Command {
	return &cli.Command{
		Name:  "env",
		Usage: "print shell exports that point the az CLI at the running lab (use: eval \"$(soclab env)\")",
		Flags: []cli.Flag{
			stateFlag(),
			&cli.StringFlag{Name: "tenant", EnvVars: []string{"SOCLAB_TENANT"}, Usage: "learner tenant whose credentials to export (default $SOCLAB_TENANT, else contoso)"},
			&cli.StringFlag{Name: "server", EnvVars: []string{serverEnvVar}, Usage: "a classroom server on another machine, https://HOST:PORT as `soclab serve --allow-remote` printed (needs --ca, --tenant and $SOCLAB_TOKEN)"},
			&cli.StringFlag{Name: "ca", Usage: "the lab CA certificate of --server (its /_soclab/ca.pem, fingerprint checked)"},
		},
		Action: func(c *cli.Context) error {
			state, err := resolveState(c)
			if err != nil {
				return err
			}
			o := envOptions{State: state, Tenant: c.String("tenant"), Server: c.String("server"), CA: c.String("ca")}
			if err := runEnv(o, c.App.Writer); err != nil {
				return cli.Exit("soclab env: "+err.Error(), 1)
			}
			return nil
		},
	}
}

// runEnv asks the server on o.State (or o.Server) for the tenant's credentials and prints the
// exports.
func runEnv(o envOptions, stdout io.Writer) error {
	if o.Server != "" {
		return runRemoteEnv(o, stdout)
	}
	if o.CA != "" {
		return errRemoteEnv
	}
	info, err := runningLab(o.State)
	if err != nil {
		return err
	}
	var cred server.Credentials
	if err := callLab(info, "GET", "credentials?tenant="+url.QueryEscape(o.Tenant), nil, &cred); err != nil {
		return err
	}
	// az would create the profile folder world-readable; the state's folders are 0700.
	if err := os.MkdirAll(azureConfigDir(o.State, cred.TenantName), 0o700); err != nil {
		return fmt.Errorf("create az profile folder: %w", err)
	}
	_, err = io.WriteString(stdout, envScript(o.State, info.Info, cred, ""))
	return err
}

// runRemoteEnv prints the exports for a classroom server on another machine: o.State is then
// this machine's own folder for the CA bundle, the az profile and the import-race workaround.
func runRemoteEnv(o envOptions, stdout io.Writer) error {
	if o.Tenant == "" {
		return fmt.Errorf("name your tenant with --tenant (the one your control token belongs to)")
	}
	lab, err := remoteLab(o.Server, o.CA, os.Getenv)
	if err != nil {
		return err
	}
	var cred server.Credentials
	if err := callLab(lab, "GET", "credentials?tenant="+url.QueryEscape(o.Tenant), nil, &cred); err != nil {
		return err
	}
	if err := server.PrepareStateDir(o.State); err != nil {
		return err
	}
	ca, err := os.ReadFile(o.CA)
	if err != nil {
		return fmt.Errorf("read the lab CA: %w", err)
	}
	bundle := ca
	if roots, err := os.ReadFile(tlsca.SystemRoots); err == nil {
		bundle = append(append(append([]byte(nil), ca...), '\n'), roots...)
	}
	if err := os.WriteFile(filepath.Join(o.State, tlsca.BundleFile), bundle, 0o644); err != nil {
		return fmt.Errorf("write the CA bundle: %w", err)
	}
	if err := os.MkdirAll(azureConfigDir(o.State, cred.TenantName), 0o700); err != nil {
		return fmt.Errorf("create az profile folder: %w", err)
	}
	_, err = io.WriteString(stdout, envScript(o.State, lab.Info, cred, lab.ControlURL()))
	return err
}

// envScript is the sh text runEnv prints; every value is single-quoted. remote is the
// classroom server's control URL when the lab runs on another machine.
func envScript(state string, info server.Info, cred server.Credentials, remote string) string {
	proxy := "http://" + info.Addr
	vars := [][2]string{
		{"HTTPS_PROXY", proxy},
		{"https_proxy", proxy}, // Python reads the lower-case name first
		{"REQUESTS_CA_BUNDLE", filepath.Join(state, tlsca.BundleFile)},
		{"AZURE_CONFIG_DIR", azureConfigDir(state, cred.TenantName)},
		{"AZURE_CORE_COLLECT_TELEMETRY", "false"},
		{"AZURE_CORE_ERROR_RECOMMENDATION", "off"},
		{"AZURE_CORE_ONLY_SHOW_ERRORS", "true"},
		{"AZURE_CORE_SURVEY_MESSAGE", "false"},
		{"AZURE_EXTENSION_USE_DYNAMIC_INSTALL", "no"},
		{"PYTHONPATH", filepath.Join(state, server.PyPreloadDir)},
		{"SOCLAB_STATE", state},
		{"SOCLAB_TENANT", cred.TenantName},
		{"SOCLAB_TENANT_ID", cred.TenantID},
		{"SOCLAB_SUBSCRIPTION_ID", cred.SubscriptionID},
		{"SOCLAB_SP_ID", cred.SPAppID},
		{"SOCLAB_SP_SECRET", cred.SPSecret},
		{"SOCLAB_USER", cred.User},
		{"SOCLAB_USER_PASSWORD", cred.UserPassword},
		{tokenEnvVar, cred.ControlToken},
	}
	if remote != "" {
		vars = append(vars, [2]string{serverEnvVar, strings.TrimSuffix(remote, "/_soclab/")})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# soclab lab at %s (state %s), tenant %s (%s)\n", info.Addr, state, cred.TenantName, cred.Domain)
	b.WriteString("unset NO_PROXY no_proxy\n") // a bypass would send az past the lab
	for _, v := range vars {
		fmt.Fprintf(&b, "export %s=%s\n", v[0], shellQuote(v[1]))
	}
	b.WriteString("# PYTHONPATH works around the Debian azure-cli 2.45 import race (Azure/azure-cli#25482).\n")
	b.WriteString("# Sign in: az login --service-principal -u \"$SOCLAB_SP_ID\" --password=\"$SOCLAB_SP_SECRET\" --tenant \"$SOCLAB_TENANT_ID\"\n")
	b.WriteString("#      or: az login -u \"$SOCLAB_USER\" -p \"$SOCLAB_USER_PASSWORD\"   or: az login --use-device-code\n")
	b.WriteString("# SOCLAB_TOKEN is this tenant's control token: soclab commands in this shell act on this tenant only.\n")
	return b.String()
}

// azureConfigDir is az's private profile for a tenant: the default tenant's is the state's azure
// folder, every other tenant has its own, so signing in to one tenant does not switch the
// subscription of a shell that works on another.
func azureConfigDir(state, tenant string) string {
	if tenant == "" || tenant == simulator.DefaultTenantName {
		return filepath.Join(state, server.AzureConfigDir)
	}
	return filepath.Join(state, server.AzureConfigDir+"-"+tenant)
}

// shellQuote single-quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
