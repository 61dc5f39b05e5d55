package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/soclab/soclab/mockapis/server"
)

// trickySecret has every character some shell would expand or end a quote on.
const trickySecret = "a'b$c`d\"e%f!g\\h\u2019i\\\\j\\"

func testEnvPlan(sh shellKind) envPlan {
	return envPlan{
		state: "/home/it's me/.soclab", info: server.Info{Addr: "127.0.0.1:8443"},
		cred: server.Credentials{TenantName: "contoso", TenantID: "t-id", Domain: "contoso.com", SubscriptionID: "s-id",
			SPAppID: "app-id", SPSecret: trickySecret, User: "analyst@contoso.com", UserPassword: "pw", ControlToken: "soclab_0123"},
		shell: sh, preload: true, extDir: "/home/it's me/.azure/cliextensions",
	}
}

const wantSh = `# soclab lab at 127.0.0.1:8443 (state /home/it's me/.soclab), tenant contoso (contoso.com)
# load with: eval "$(soclab env --shell sh)"
unset NO_PROXY no_proxy
export HTTPS_PROXY='http://127.0.0.1:8443'
export https_proxy='http://127.0.0.1:8443'
export REQUESTS_CA_BUNDLE='/home/it'\''s me/.soclab/ca-bundle.pem'
export AZURE_CONFIG_DIR='/home/it'\''s me/.soclab/azure'
export AZURE_EXTENSION_DIR='/home/it'\''s me/.azure/cliextensions'
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
export SOCLAB_SP_SECRET='a'\''b$c` + "`" + `d"e%f!g\h’i\\j\'
export SOCLAB_USER='analyst@contoso.com'
export SOCLAB_USER_PASSWORD='pw'
export SOCLAB_TOKEN='soclab_0123'
# PYTHONPATH works around the Debian azure-cli 2.45 import race (Azure/azure-cli#25482).
# AZURE_EXTENSION_DIR is your own az extension folder: extensions installed before work here too.
# Sign in: az login --service-principal -u "$SOCLAB_SP_ID" --password="$SOCLAB_SP_SECRET" --tenant "$SOCLAB_TENANT_ID"
#      or: az login -u "$SOCLAB_USER" -p "$SOCLAB_USER_PASSWORD"   or: az login --use-device-code
# SOCLAB_TOKEN is this tenant's control token: soclab commands in this shell act on this tenant only.
`

const wantFish = `# soclab lab at 127.0.0.1:8443 (state /home/it's me/.soclab), tenant contoso (contoso.com)
# load with: soclab env --shell fish | source
set -e NO_PROXY no_proxy
set -gx HTTPS_PROXY 'http://127.0.0.1:8443'
set -gx https_proxy 'http://127.0.0.1:8443'
set -gx REQUESTS_CA_BUNDLE '/home/it\'s me/.soclab/ca-bundle.pem'
set -gx AZURE_CONFIG_DIR '/home/it\'s me/.soclab/azure'
set -gx AZURE_EXTENSION_DIR '/home/it\'s me/.azure/cliextensions'
set -gx AZURE_CORE_COLLECT_TELEMETRY 'false'
set -gx AZURE_CORE_ERROR_RECOMMENDATION 'off'
set -gx AZURE_CORE_ONLY_SHOW_ERRORS 'true'
set -gx AZURE_CORE_SURVEY_MESSAGE 'false'
set -gx AZURE_EXTENSION_USE_DYNAMIC_INSTALL 'no'
set -gx PYTHONPATH '/home/it\'s me/.soclab/pypreload'
set -gx SOCLAB_STATE '/home/it\'s me/.soclab'
set -gx SOCLAB_TENANT 'contoso'
set -gx SOCLAB_TENANT_ID 't-id'
set -gx SOCLAB_SUBSCRIPTION_ID 's-id'
set -gx SOCLAB_SP_ID 'app-id'
set -gx SOCLAB_SP_SECRET 'a\'b$c` + "`" + `d"e%f!g\\h’i\\\\j\\'
set -gx SOCLAB_USER 'analyst@contoso.com'
set -gx SOCLAB_USER_PASSWORD 'pw'
set -gx SOCLAB_TOKEN 'soclab_0123'
# PYTHONPATH works around the Debian azure-cli 2.45 import race (Azure/azure-cli#25482).
# AZURE_EXTENSION_DIR is your own az extension folder: extensions installed before work here too.
# Sign in: az login --service-principal -u "$SOCLAB_SP_ID" --password="$SOCLAB_SP_SECRET" --tenant "$SOCLAB_TENANT_ID"
#      or: az login -u "$SOCLAB_USER" -p "$SOCLAB_USER_PASSWORD"   or: az login --use-device-code
# SOCLAB_TOKEN is this tenant's control token: soclab commands in this shell act on this tenant only.
`

const wantPowerShell = `# soclab lab at 127.0.0.1:8443 (state /home/it's me/.soclab), tenant contoso (contoso.com)
# load with: soclab env --shell powershell | Out-String | Invoke-Expression
Remove-Item Env:NO_PROXY, Env:no_proxy -ErrorAction SilentlyContinue
$Env:HTTPS_PROXY = 'http://127.0.0.1:8443'
$Env:https_proxy = 'http://127.0.0.1:8443'
$Env:REQUESTS_CA_BUNDLE = '/home/it''s me/.soclab/ca-bundle.pem'
$Env:AZURE_CONFIG_DIR = '/home/it''s me/.soclab/azure'
$Env:AZURE_EXTENSION_DIR = '/home/it''s me/.azure/cliextensions'
$Env:AZURE_CORE_COLLECT_TELEMETRY = 'false'
$Env:AZURE_CORE_ERROR_RECOMMENDATION = 'off'
$Env:AZURE_CORE_ONLY_SHOW_ERRORS = 'true'
$Env:AZURE_CORE_SURVEY_MESSAGE = 'false'
$Env:AZURE_EXTENSION_USE_DYNAMIC_INSTALL = 'no'
$Env:PYTHONPATH = '/home/it''s me/.soclab/pypreload'
$Env:SOCLAB_STATE = '/home/it''s me/.soclab'
$Env:SOCLAB_TENANT = 'contoso'
$Env:SOCLAB_TENANT_ID = 't-id'
$Env:SOCLAB_SUBSCRIPTION_ID = 's-id'
$Env:SOCLAB_SP_ID = 'app-id'
$Env:SOCLAB_SP_SECRET = 'a''b$c` + "`" + `d"e%f!g\h’’i\\j\'
$Env:SOCLAB_USER = 'analyst@contoso.com'
$Env:SOCLAB_USER_PASSWORD = 'pw'
$Env:SOCLAB_TOKEN = 'soclab_0123'
# PYTHONPATH works around the Debian azure-cli 2.45 import race (Azure/azure-cli#25482).
# AZURE_EXTENSION_DIR is your own az extension folder: extensions installed before work here too.
# Sign in: az login --service-principal -u "$Env:SOCLAB_SP_ID" --password="$Env:SOCLAB_SP_SECRET" --tenant "$Env:SOCLAB_TENANT_ID"
#      or: az login -u "$Env:SOCLAB_USER" -p "$Env:SOCLAB_USER_PASSWORD"   or: az login --use-device-code
# SOCLAB_TOKEN is this tenant's control token: soclab commands in this shell act on this tenant only.
`

// wantCmd is a batch file: CRLF line ends, % doubled (also in REM lines), https_proxy
// not repeated (cmd's names ignore case), no comment with a redirection in it.
var wantCmd = strings.ReplaceAll(`@echo off
REM soclab lab at 127.0.0.1:8443 (state /home/it's me/.soclab), tenant contoso (contoso.com)
set "NO_PROXY="
set "HTTPS_PROXY=http://127.0.0.1:8443"
set "REQUESTS_CA_BUNDLE=/home/it's me/.soclab/ca-bundle.pem"
set "AZURE_CONFIG_DIR=/home/it's me/.soclab/azure"
set "AZURE_EXTENSION_DIR=/home/it's me/.azure/cliextensions"
set "AZURE_CORE_COLLECT_TELEMETRY=false"
set "AZURE_CORE_ERROR_RECOMMENDATION=off"
set "AZURE_CORE_ONLY_SHOW_ERRORS=true"
set "AZURE_CORE_SURVEY_MESSAGE=false"
set "AZURE_EXTENSION_USE_DYNAMIC_INSTALL=no"
set "PYTHONPATH=/home/it's me/.soclab/pypreload"
set "SOCLAB_STATE=/home/it's me/.soclab"
set "SOCLAB_TENANT=contoso"
set "SOCLAB_TENANT_ID=t-id"
set "SOCLAB_SUBSCRIPTION_ID=s-id"
set "SOCLAB_SP_ID=app-id"
set "SOCLAB_SP_SECRET=a'b$c`+"`"+`d"e%%f!g\h’i\\j\"
set "SOCLAB_USER=analyst@contoso.com"
set "SOCLAB_USER_PASSWORD=pw"
set "SOCLAB_TOKEN=soclab_0123"
REM PYTHONPATH works around the Debian azure-cli 2.45 import race (Azure/azure-cli#25482).
REM AZURE_EXTENSION_DIR is your own az extension folder: extensions installed before work here too.
REM Sign in: az login --service-principal -u "%%SOCLAB_SP_ID%%" --password="%%SOCLAB_SP_SECRET%%" --tenant "%%SOCLAB_TENANT_ID%%"
REM      or: az login -u "%%SOCLAB_USER%%" -p "%%SOCLAB_USER_PASSWORD%%"   or: az login --use-device-code
REM SOCLAB_TOKEN is this tenant's control token: soclab commands in this shell act on this tenant only.
`, "\n", "\r\n")

func TestEnvScriptExact(t *testing.T) {
	for _, tc := range []struct {
		sh   shellKind
		want string
	}{
		{shellSh, wantSh},
		{shellBash, strings.Replace(wantSh, "--shell sh)", "--shell bash)", 1)},
		{shellZsh, strings.Replace(wantSh, "--shell sh)", "--shell zsh)", 1)},
		{shellFish, wantFish},
		{shellPowerShell, wantPowerShell},
		{shellCmd, wantCmd},
	} {
		if got := testEnvPlan(tc.sh).script(); got != tc.want {
			t.Errorf("--shell %s:\n%s\nwant:\n%s", tc.sh, got, tc.want)
		}
	}
}

// TestEnvScriptWithoutPreloadOrExtensionDir: the Debian workaround and the extension folder
// appear only when they apply.
func TestEnvScriptWithoutPreloadOrExtensionDir(t *testing.T) {
	p := testEnvPlan(shellSh)
	p.preload, p.extDir = false, ""
	got := p.script()
	for _, absent := range []string{"PYTHONPATH", "AZURE_EXTENSION_DIR=", "import race", "extension folder"} {
		if strings.Contains(got, absent) {
			t.Errorf("script has %q:\n%s", absent, got)
		}
	}
	want := strings.NewReplacer(
		"export AZURE_EXTENSION_DIR='/home/it'\\''s me/.azure/cliextensions'\n", "",
		"export PYTHONPATH='/home/it'\\''s me/.soclab/pypreload'\n", "",
		"# PYTHONPATH works around the Debian azure-cli 2.45 import race (Azure/azure-cli#25482).\n", "",
		"# AZURE_EXTENSION_DIR is your own az extension folder: extensions installed before work here too.\n", "",
	).Replace(wantSh)
	if got != want {
		t.Errorf("script:\n%s\nwant:\n%s", got, want)
	}
}

// TestEnvScriptEvaluatedInShells runs each POSIX-family and fish form in that shell, the way
// the load hint says, and reads the environment back with env -0: every value arrives byte
// for byte and the proxy bypass is gone. A shell that is not installed is skipped loudly
// (scripts/install-deps.sh installs zsh and fish).
func TestEnvScriptEvaluatedInShells(t *testing.T) {
	for _, tc := range []struct {
		sh   shellKind
		run  string // how the shell loads the script file $1 (as eval/source of the output)
		args func(script string) []string
	}{
		{shellSh, "sh", func(f string) []string { return []string{"-c", `eval "$(cat "$1")" && exec env -0`, "sh", f} }},
		{shellBash, "bash", func(f string) []string {
			return []string{"--norc", "-c", `eval "$(cat "$1")" && exec env -0`, "bash", f}
		}},
		{shellZsh, "zsh", func(f string) []string { return []string{"-f", "-c", `eval "$(cat "$1")" && exec env -0`, "zsh", f} }},
		{shellFish, "fish", func(f string) []string {
			return []string{"--no-config", "-c", fmt.Sprintf("cat %s | source; and exec env -0", fishQuote(f))}
		}},
	} {
		t.Run(string(tc.sh), func(t *testing.T) {
			bin, err := exec.LookPath(tc.run)
			if err != nil {
				msg := fmt.Sprintf("!!! SKIPPED: %s is not installed, so `soclab env --shell %s` was NOT evaluated in it (scripts/install-deps.sh installs it)", tc.run, tc.sh)
				fmt.Fprintln(os.Stderr, msg)
				t.Skip(msg)
			}
			p := testEnvPlan(tc.sh)
			file := filepath.Join(t.TempDir(), "env.out")
			if err := os.WriteFile(file, []byte(p.script()), 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, tc.args(file)...)
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "NO_PROXY=localhost", "no_proxy=localhost"}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil || stderr.Len() > 0 {
				t.Fatalf("%s: %v\nstderr: %s", tc.run, err, stderr.String())
			}
			got := map[string]string{}
			for _, kv := range strings.Split(string(out), "\x00") {
				if k, v, ok := strings.Cut(kv, "="); ok {
					got[k] = v
				}
			}
			for _, l := range p.lines() {
				if l.name != "" && got[l.name] != l.value {
					t.Errorf("%s: %s = %q, want %q", tc.run, l.name, got[l.name], l.value)
				}
			}
			for _, k := range []string{"NO_PROXY", "no_proxy"} {
				if v, ok := got[k]; ok {
					t.Errorf("%s: %s is still set (%q)", tc.run, k, v)
				}
			}
		})
	}
}

func TestParseShell(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want shellKind
		err  bool
	}{
		{"sh", shellSh, false}, {"bash", shellBash, false}, {"ZSH", shellZsh, false}, {"fish", shellFish, false},
		{"powershell", shellPowerShell, false}, {"pwsh", shellPowerShell, false}, {" cmd ", shellCmd, false},
		{"", "", true}, {"tcsh", "", true}, {"bash;rm", "", true},
	} {
		got, err := parseShell(tc.in)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("parseShell(%q) = %q, %v; want %q (error %v)", tc.in, got, err, tc.want, tc.err)
		}
	}
	if _, err := parseShell("tcsh"); err == nil || err.Error() != `unknown shell "tcsh": use one of sh, bash, zsh, fish, powershell, cmd` {
		t.Errorf("error text: %v", err)
	}
}

func TestDetectShell(t *testing.T) {
	const machinePS = `C:\Program Files\WindowsPowerShell\Modules;C:\Windows\system32\WindowsPowerShell\v1.0\Modules`
	for _, tc := range []struct {
		name   string
		goos   string
		env    map[string]string
		want   shellKind
		parent string
	}{
		{"bash run from a fish login shell", "linux", map[string]string{"SHELL": "/usr/bin/fish"}, shellBash, "bash"},
		{"a login bash", "linux", map[string]string{"SHELL": "/usr/bin/fish"}, shellBash, "-bash"},
		{"fish parent", "linux", map[string]string{"SHELL": "/bin/bash"}, shellFish, "fish"},
		{"dash parent", "linux", map[string]string{"SHELL": "/bin/zsh"}, shellSh, "dash"},
		{"pwsh parent", "linux", map[string]string{"SHELL": "/bin/bash"}, shellPowerShell, "pwsh"},
		{"go run is no shell: SHELL decides", "linux", map[string]string{"SHELL": "/usr/bin/zsh"}, shellZsh, "go"},
		{"cmd.exe parent", "windows", map[string]string{"PSModulePath": `C:\Users\Ann\Documents\WindowsPowerShell\Modules`, "USERPROFILE": `C:\Users\Ann`}, shellCmd, "cmd.exe"},
		{"bash", "linux", map[string]string{"SHELL": "/bin/bash"}, shellBash, ""},
		{"zsh on macOS", "darwin", map[string]string{"SHELL": "/bin/zsh"}, shellZsh, ""},
		{"fish from Homebrew", "darwin", map[string]string{"SHELL": "/opt/homebrew/bin/fish"}, shellFish, ""},
		{"dash", "linux", map[string]string{"SHELL": "/bin/dash"}, shellSh, ""},
		{"tcsh falls back to sh", "linux", map[string]string{"SHELL": "/bin/tcsh"}, shellSh, ""},
		{"pwsh as login shell", "linux", map[string]string{"SHELL": "/usr/bin/pwsh"}, shellPowerShell, ""},
		{"pwsh without SHELL", "linux", map[string]string{"PSModulePath": "/opt/microsoft/powershell/7/Modules"}, shellPowerShell, ""},
		{"nothing", "linux", map[string]string{}, shellSh, ""},
		{"Windows PowerShell", "windows", map[string]string{"USERPROFILE": `C:\Users\Ann`, "ComSpec": `C:\Windows\system32\cmd.exe`,
			"PSModulePath": `C:\Users\Ann\Documents\WindowsPowerShell\Modules;` + machinePS}, shellPowerShell, ""},
		{"cmd.exe", "windows", map[string]string{"USERPROFILE": `C:\Users\Ann`, "ComSpec": `C:\Windows\system32\cmd.exe`, "PSModulePath": machinePS}, shellCmd, ""},
		{"Git Bash's SHELL is ignored on Windows", "windows", map[string]string{"USERPROFILE": `C:\Users\Ann`, "SHELL": "/usr/bin/bash", "ComSpec": `C:\Windows\system32\cmd.exe`}, shellCmd, ""},
		{"Windows without ComSpec", "windows", map[string]string{}, shellPowerShell, ""},
	} {
		got := detectShell(tc.goos, func(k string) string { return tc.env[k] }, tc.parent)
		if got != tc.want {
			t.Errorf("%s: detectShell = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestQuotingFunctions(t *testing.T) {
	for _, tc := range []struct{ in, sh, fish, ps string }{
		{"", "''", "''", "''"},
		{"plain", "'plain'", "'plain'", "'plain'"},
		{"it's", `'it'\''s'`, `'it\'s'`, `'it''s'`},
		{`C:\Users\x`, `'C:\Users\x'`, `'C:\\Users\\x'`, `'C:\Users\x'`},
		{"\u2018q\u201b", "'\u2018q\u201b'", "'\u2018q\u201b'", "'\u2018\u2018q\u201b\u201b'"},
	} {
		if got := shellQuote(tc.in); got != tc.sh {
			t.Errorf("shellQuote(%q) = %s, want %s", tc.in, got, tc.sh)
		}
		if got := fishQuote(tc.in); got != tc.fish {
			t.Errorf("fishQuote(%q) = %s, want %s", tc.in, got, tc.fish)
		}
		if got := psQuote(tc.in); got != tc.ps {
			t.Errorf("psQuote(%q) = %s, want %s", tc.in, got, tc.ps)
		}
	}
}

// unquote reads back one single-quoted word of each dialect; ok is false for text the
// dialect would not read as exactly one quoted word.
func unquote(sh shellKind, q string) (string, bool) {
	var b strings.Builder
	switch sh {
	case shellFish:
		if len(q) < 2 || q[0] != '\'' || q[len(q)-1] != '\'' {
			return "", false
		}
		in := q[1 : len(q)-1]
		for i := 0; i < len(in); i++ {
			switch {
			case in[i] == '\\' && i+1 < len(in) && (in[i+1] == '\\' || in[i+1] == '\''):
				b.WriteByte(in[i+1])
				i++
			case in[i] == '\'':
				return "", false // an unescaped quote ends the word early
			default:
				b.WriteByte(in[i])
			}
		}
	case shellPowerShell:
		isQ := func(r rune) bool {
			return r == '\'' || r == '\u2018' || r == '\u2019' || r == '\u201a' || r == '\u201b'
		}
		if len(q) < 2 || q[0] != '\'' || q[len(q)-1] != '\'' {
			return "", false
		}
		in := q[1 : len(q)-1]
		for i := 0; i < len(in); {
			r, n := utf8.DecodeRuneInString(in[i:])
			if isQ(r) {
				r2, n2 := utf8.DecodeRuneInString(in[i+n:])
				if i+n >= len(in) || !isQ(r2) {
					return "", false
				}
				b.WriteString(in[i : i+n])
				i += n + n2
				continue
			}
			b.WriteString(in[i : i+n])
			i += n
		}
	default: // sh: '...' segments joined by \'
		for len(q) > 0 {
			switch {
			case strings.HasPrefix(q, `\'`):
				b.WriteByte('\'')
				q = q[2:]
			case q[0] == '\'':
				end := strings.IndexByte(q[1:], '\'')
				if end < 0 {
					return "", false
				}
				b.WriteString(q[1 : 1+end])
				q = q[end+2:]
			default:
				return "", false
			}
		}
	}
	return b.String(), true
}

// FuzzQuote: every value reads back unchanged in sh, fish and PowerShell syntax.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"", "plain", trickySecret, `'`, `\`, `\'`, "''", "\u2019\u2019", `C:\Users\x\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for sh, q := range map[shellKind]string{shellSh: shellQuote(s), shellFish: fishQuote(s), shellPowerShell: psQuote(s)} {
			if got, ok := unquote(sh, q); !ok || got != s {
				t.Errorf("%s: %q quoted as %s reads back as %q (%v)", sh, s, q, got, ok)
			}
		}
	})
}
