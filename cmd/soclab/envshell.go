package main

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// shellKind is a shell `soclab env` writes for.
type shellKind string

const (
	shellSh         shellKind = "sh"
	shellBash       shellKind = "bash"
	shellZsh        shellKind = "zsh"
	shellFish       shellKind = "fish"
	shellPowerShell shellKind = "powershell"
	shellCmd        shellKind = "cmd"
)

// shellKinds lists the accepted --shell values in the order the help shows them.
var shellKinds = []shellKind{shellSh, shellBash, shellZsh, shellFish, shellPowerShell, shellCmd}

// parseShell reads a --shell value; "pwsh" is PowerShell 7's name for itself.
func parseShell(s string) (shellKind, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	if v == "pwsh" {
		return shellPowerShell, nil
	}
	for _, k := range shellKinds {
		if string(k) == v {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown shell %q: use one of sh, bash, zsh, fish, powershell, cmd", s)
}

// detectShell guesses the shell that will read the output: the parent process when it is a
// shell (parent is its name, "" where unknown: `eval "$(soclab env)"` in bash runs soclab
// from bash even when the login shell is fish), else the environment: on Windows PowerShell
// puts the user's own module folder first in PSModulePath (cmd.exe inherits only the
// machine's), elsewhere $SHELL names the login shell.
func detectShell(goos string, getenv func(string) string, parent string) shellKind {
	switch p := strings.TrimSuffix(strings.ToLower(parent), ".exe"); strings.TrimPrefix(p, "-") { // "-bash": a login shell
	case "bash", "zsh", "fish", "sh", "dash", "ash", "ksh", "mksh":
		if k, err := parseShell(strings.TrimPrefix(p, "-")); err == nil {
			return k
		}
		return shellSh
	case "pwsh", "powershell":
		return shellPowerShell
	case "cmd":
		return shellCmd
	}
	if goos == "windows" {
		profile := strings.ToLower(getenv("USERPROFILE"))
		for _, p := range strings.Split(getenv("PSModulePath"), ";") {
			if profile != "" && strings.HasPrefix(strings.ToLower(p), profile) {
				return shellPowerShell
			}
		}
		if getenv("ComSpec") != "" || getenv("PROMPT") != "" {
			return shellCmd
		}
		return shellPowerShell
	}
	sh := getenv("SHELL")
	switch base := sh[strings.LastIndexAny(sh, `/\`)+1:]; base {
	case "bash", "zsh", "fish":
		return shellKind(base)
	case "pwsh", "powershell":
		return shellPowerShell
	case "":
		if getenv("PSModulePath") != "" { // pwsh on Linux or macOS without $SHELL
			return shellPowerShell
		}
	}
	return shellSh
}

// envLine is one statement of the environment script: a comment, the removal of
// variables, or a variable's value.
type envLine struct {
	comment string
	unset   []string
	name    string
	value   string
}

// renderEnv writes lines for a shell. Values are quoted so that the shell reads them back
// byte for byte (no expansion of $, `, %, !, quotes or backslashes).
func renderEnv(sh shellKind, lines []envLine) string {
	var b strings.Builder
	if sh == shellCmd {
		b.WriteString("@echo off\n")
	}
	seen := map[string]bool{} // cmd's variable names ignore case: set each once
	for _, l := range lines {
		switch {
		case l.comment != "":
			switch sh {
			case shellCmd:
				// A batch file expands %VAR% even in REM lines.
				fmt.Fprintf(&b, "REM %s\n", strings.ReplaceAll(l.comment, "%", "%%"))
			default:
				fmt.Fprintf(&b, "# %s\n", l.comment)
			}
		case len(l.unset) > 0:
			switch sh {
			case shellFish:
				fmt.Fprintf(&b, "set -e %s\n", strings.Join(l.unset, " "))
			case shellPowerShell:
				items := make([]string, len(l.unset))
				for i, n := range l.unset {
					items[i] = "Env:" + n
				}
				fmt.Fprintf(&b, "Remove-Item %s -ErrorAction SilentlyContinue\n", strings.Join(items, ", "))
			case shellCmd:
				for _, n := range l.unset {
					if !seen[strings.ToUpper(n)] {
						seen[strings.ToUpper(n)] = true
						fmt.Fprintf(&b, "set \"%s=\"\n", n)
					}
				}
			default:
				fmt.Fprintf(&b, "unset %s\n", strings.Join(l.unset, " "))
			}
		default:
			switch sh {
			case shellFish:
				fmt.Fprintf(&b, "set -gx %s %s\n", l.name, fishQuote(l.value))
			case shellPowerShell:
				fmt.Fprintf(&b, "$Env:%s = %s\n", l.name, psQuote(l.value))
			case shellCmd:
				if !seen[strings.ToUpper(l.name)] {
					seen[strings.ToUpper(l.name)] = true
					fmt.Fprintf(&b, "set \"%s=%s\"\n", l.name, strings.ReplaceAll(l.value, "%", "%%"))
				}
			default:
				fmt.Fprintf(&b, "export %s=%s\n", l.name, shellQuote(l.value))
			}
		}
	}
	if sh == shellCmd { // cmd.exe misreads batch files with bare LF line ends in places
		return strings.ReplaceAll(b.String(), "\n", "\r\n")
	}
	return b.String()
}

// shellQuote single-quotes s for sh, bash and zsh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// fishQuote single-quotes s for fish, where \\ and \' are the only escapes.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// psQuote single-quotes s for PowerShell, which also reads the typographic single quotes
// as quotes: each is doubled.
func psQuote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '\'', '\u2018', '\u2019', '\u201a', '\u201b':
			b.WriteString(s[i : i+n])
		}
		b.WriteString(s[i : i+n]) // the bytes as they are, even when not UTF-8
		i += n
	}
	b.WriteByte('\'')
	return b.String()
}

// envRef is how a shell names an environment variable inside a command line.
func envRef(sh shellKind, name string) string {
	switch sh {
	case shellPowerShell:
		return "$Env:" + name
	case shellCmd:
		return "%" + name + "%"
	default:
		return "$" + name
	}
}

// loadHint is how a learner applies the output in each shell.
func loadHint(sh shellKind) string {
	switch sh {
	case shellFish:
		return "soclab env --shell fish | source"
	case shellPowerShell:
		return "soclab env --shell powershell | Out-String | Invoke-Expression"
	case shellCmd:
		return `soclab env --shell cmd > "%TEMP%\soclab-env.cmd" && call "%TEMP%\soclab-env.cmd"`
	default:
		return `eval "$(soclab env --shell ` + string(sh) + `)"`
	}
}
