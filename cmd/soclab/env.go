package main

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
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
	// Shell is the --shell value ("": detected from the environment).
	Shell string
	// Host describes this machine and its az (realAzHost outside tests).
	Host azHost
}

func envCommand() *cli.Command {
	return &cli.Command{
		Name:  "env",
		Usage: "print the variables that point the az CLI at the running lab, for your shell",
		Description: "sh, bash, zsh:  eval \"$(soclab env)\"\n" +
			"fish:           soclab env --shell fish | source\n" +
			"PowerShell:     soclab env --shell powershell | Out-String | Invoke-Expression\n" +
			"cmd:            soclab env --shell cmd > \"%TEMP%\\soclab-env.cmd\" && call \"%TEMP%\\soclab-env.cmd\"\n" +
			"The shell is detected from $SHELL (PSModulePath and ComSpec on Windows) unless --shell names it.",
		Flags: []cli.Flag{
			stateFlag(),
			&cli.StringFlag{Name: "tenant", EnvVars: []string{"SOCLAB_TENANT"}, Usage: "learner tenant whose credentials to export (default $SOCLAB_TENANT, else contoso)"},
			&cli.StringFlag{Name: "server", EnvVars: []string{serverEnvVar}, Usage: "a classroom server on another machine, https://HOST:PORT as `soclab serve --allow-remote` printed (needs --ca, --tenant and $SOCLAB_TOKEN)"},
			&cli.StringFlag{Name: "ca", Usage: "the lab CA certificate of --server (its /_soclab/ca.pem, fingerprint checked)"},
			&cli.StringFlag{Name: "shell", Usage: "the shell that reads the output: sh, bash, zsh, fish, powershell or cmd (default: detected)"},
		},
		Action: func(c *cli.Context) error {
			state, err := resolveState(c)
			if err != nil {
				return err
			}
			o := envOptions{State: state, Tenant: c.String("tenant"), Server: c.String("server"), CA: c.String("ca"),
				Shell: c.String("shell"), Host: realAzHost(runtime.GOOS)}
			if err := runEnv(o, c.App.Writer, c.App.ErrWriter); err != nil {
				return cli.Exit("soclab env: "+err.Error(), 1)
			}
			return nil
		},
	}
}

// runEnv asks the server on o.State (or o.Server) for the tenant's credentials and prints the
// variables for the shell on stdout, and notes about the learner's az on stderr.
func runEnv(o envOptions, stdout, stderr io.Writer) error {
	if o.Host.getenv == nil {
		o.Host = realAzHost(runtime.GOOS)
	}
	parent := ""
	if o.Host.parent != nil {
		parent = o.Host.parent()
	}
	sh := detectShell(o.Host.goos, o.Host.getenv, parent)
	if o.Shell != "" {
		var err error
		if sh, err = parseShell(o.Shell); err != nil {
			return err
		}
	}
	var (
		plan envPlan
		err  error
	)
	if o.Server != "" {
		plan, err = remoteEnvPlan(o)
	} else {
		plan, err = localEnvPlan(o)
	}
	if err != nil {
		return err
	}
	plan.shell = sh
	plan.extDir = o.Host.userExtensionDir(o.State)
	plan.preload = o.Host.azNeedsPreload()
	if _, err := io.WriteString(stdout, plan.script()); err != nil {
		return err
	}
	for _, n := range envNotes(o.Host, plan.extDir) {
		fmt.Fprintln(stderr, n)
	}
	return nil
}

// localEnvPlan reads the credentials from the server running on o.State.
func localEnvPlan(o envOptions) (envPlan, error) {
	if o.CA != "" {
		return envPlan{}, errRemoteEnv
	}
	info, err := runningLab(o.State)
	if err != nil {
		return envPlan{}, err
	}
	var cred server.Credentials
	if err := callLab(info, "GET", "credentials?tenant="+url.QueryEscape(o.Tenant), nil, &cred); err != nil {
		return envPlan{}, err
	}
	// az would create the profile folder world-readable; the state's folders are 0700.
	if err := os.MkdirAll(azureConfigDir(o.State, cred.TenantName), 0o700); err != nil {
		return envPlan{}, fmt.Errorf("create az profile folder: %w", err)
	}
	return envPlan{state: o.State, info: info.Info, cred: cred}, nil
}

// remoteEnvPlan is for a classroom server on another machine: o.State is then this
// machine's own folder for the CA bundle, the az profile and the import-race workaround.
func remoteEnvPlan(o envOptions) (envPlan, error) {
	if o.Tenant == "" {
		return envPlan{}, fmt.Errorf("name your tenant with --tenant (the one your control token belongs to)")
	}
	lab, err := remoteLab(o.Server, o.CA, os.Getenv)
	if err != nil {
		return envPlan{}, err
	}
	var cred server.Credentials
	if err := callLab(lab, "GET", "credentials?tenant="+url.QueryEscape(o.Tenant), nil, &cred); err != nil {
		return envPlan{}, err
	}
	if err := server.PrepareStateDir(o.State); err != nil {
		return envPlan{}, err
	}
	ca, err := os.ReadFile(o.CA)
	if err != nil {
		return envPlan{}, fmt.Errorf("read the lab CA: %w", err)
	}
	bundle := ca
	if roots, err := os.ReadFile(tlsca.SystemRoots); err == nil {
		bundle = append(append(append([]byte(nil), ca...), '\n'), roots...)
	}
	if err := os.WriteFile(filepath.Join(o.State, tlsca.BundleFile), bundle, 0o644); err != nil {
		return envPlan{}, fmt.Errorf("write the CA bundle: %w", err)
	}
	if err := os.MkdirAll(azureConfigDir(o.State, cred.TenantName), 0o700); err != nil {
		return envPlan{}, fmt.Errorf("create az profile folder: %w", err)
	}
	return envPlan{state: o.State, info: lab.Info, cred: cred, remote: lab.ControlURL()}, nil
}

// envPlan is everything one `soclab env` prints.
type envPlan struct {
	state  string
	info   server.Info
	cred   server.Credentials
	remote string // the classroom server's control URL when the lab runs on another machine
	shell  shellKind
	// preload applies the Debian azure-cli import-race workaround (see azNeedsPreload).
	preload bool
	// extDir is the learner's own az extension folder ("": az's default in the profile).
	extDir string
}

// script is the text for p.shell; every value is quoted for it.
func (p envPlan) script() string { return renderEnv(p.shell, p.lines()) }

func (p envPlan) lines() []envLine {
	proxy := "http://" + p.info.Addr
	vars := [][2]string{
		{"HTTPS_PROXY", proxy},
		{"https_proxy", proxy}, // Python reads the lower-case name first
		{"REQUESTS_CA_BUNDLE", filepath.Join(p.state, tlsca.BundleFile)},
		{"AZURE_CONFIG_DIR", azureConfigDir(p.state, p.cred.TenantName)},
	}
	if p.extDir != "" {
		vars = append(vars, [2]string{"AZURE_EXTENSION_DIR", p.extDir})
	}
	vars = append(vars, [][2]string{
		{"AZURE_CORE_COLLECT_TELEMETRY", "false"},
		{"AZURE_CORE_ERROR_RECOMMENDATION", "off"},
		{"AZURE_CORE_ONLY_SHOW_ERRORS", "true"},
		{"AZURE_CORE_SURVEY_MESSAGE", "false"},
		{"AZURE_EXTENSION_USE_DYNAMIC_INSTALL", "no"},
	}...)
	if p.preload {
		vars = append(vars, [2]string{"PYTHONPATH", filepath.Join(p.state, server.PyPreloadDir)})
	}
	vars = append(vars, [][2]string{
		{"SOCLAB_STATE", p.state},
		{"SOCLAB_TENANT", p.cred.TenantName},
		{"SOCLAB_TENANT_ID", p.cred.TenantID},
		{"SOCLAB_SUBSCRIPTION_ID", p.cred.SubscriptionID},
		{"SOCLAB_SP_ID", p.cred.SPAppID},
		{"SOCLAB_SP_SECRET", p.cred.SPSecret},
		{"SOCLAB_USER", p.cred.User},
		{"SOCLAB_USER_PASSWORD", p.cred.UserPassword},
		{tokenEnvVar, p.cred.ControlToken},
	}...)
	if p.remote != "" {
		vars = append(vars, [2]string{serverEnvVar, strings.TrimSuffix(p.remote, "/_soclab/")})
	}
	comment := func(s string) envLine { return envLine{comment: s} }
	out := []envLine{comment(fmt.Sprintf("soclab lab at %s (state %s), tenant %s (%s)", p.info.Addr, p.state, p.cred.TenantName, p.cred.Domain))}
	if p.shell != shellCmd { // a REM line must not hold a redirection
		out = append(out, comment("load with: "+loadHint(p.shell)))
	}
	out = append(out, envLine{unset: []string{"NO_PROXY", "no_proxy"}}) // a bypass would send az past the lab
	for _, v := range vars {
		out = append(out, envLine{name: v[0], value: v[1]})
	}
	if p.preload {
		out = append(out, comment("PYTHONPATH works around the Debian azure-cli 2.45 import race (Azure/azure-cli#25482)."))
	}
	if p.extDir != "" {
		out = append(out, comment("AZURE_EXTENSION_DIR is your own az extension folder: extensions installed before work here too."))
	}
	ref := func(n string) string { return envRef(p.shell, n) }
	out = append(out,
		comment(fmt.Sprintf(`Sign in: az login --service-principal -u "%s" --password="%s" --tenant "%s"`, ref("SOCLAB_SP_ID"), ref("SOCLAB_SP_SECRET"), ref("SOCLAB_TENANT_ID"))),
		comment(fmt.Sprintf(`     or: az login -u "%s" -p "%s"   or: az login --use-device-code`, ref("SOCLAB_USER"), ref("SOCLAB_USER_PASSWORD"))),
		comment("SOCLAB_TOKEN is this tenant's control token: soclab commands in this shell act on this tenant only."),
	)
	return out
}

// envNotes are the lines `soclab env` writes on stderr about the learner's az: a missing
// az, or a missing sentinel extension, with what to do.
func envNotes(h azHost, extDir string) []string {
	if _, err := h.lookPath("az"); err != nil {
		return []string{"soclab env: no `az` on PATH: install the Azure CLI first (README: \"Windows and macOS notes\"), then open a new shell."}
	}
	if h.sentinelInstalled(extDir) {
		return nil
	}
	where := "az's extension folder"
	if extDir != "" {
		where = extDir
	}
	return []string{
		"soclab env: the az `sentinel` extension is not installed (looked in " + where + "); challenge.md's `az sentinel` commands need it.",
		"soclab env: install it once from a shell WITHOUT the lab's variables (a new terminal): az extension add --name sentinel",
		"soclab env: it lands in " + where + ", which the lab uses too; offline, use az extension add --source FILE.whl with a copy of the wheel.",
	}
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
