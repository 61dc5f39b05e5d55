package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// azHost is what `soclab env` needs to know about the learner's machine and az install;
// a struct of functions so that tests can describe any machine.
type azHost struct {
	goos     string
	getenv   func(string) string
	home     func() (string, error)
	lookPath func(string) (string, error)
	readFile func(string) ([]byte, error)
	isDir    func(string) bool
	// parent is the name of the process that started soclab ("" where unknown).
	parent func() string
}

// debianExtensionSysDir is where Debian's azure-cli looks for extensions installed system-wide.
const debianExtensionSysDir = "/usr/lib/python3/dist-packages/azure-cli-extensions"

// azNeedsPreload reports whether the az on PATH is Debian's own azure-cli package: a Python
// script run by the system python3 (Microsoft's packages and installers run a python of
// their own under /opt/az, Homebrew's libexec, or Program Files). Only that one has the
// start-up import race (Azure/azure-cli#25482) that the state's sitecustomize works around.
func (h azHost) azNeedsPreload() bool {
	if h.goos == "windows" {
		return false
	}
	path, err := h.lookPath("az")
	if err != nil {
		return false
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	data, err := h.readFile(path)
	if err != nil {
		return false
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	shebang := strings.TrimSpace(string(first))
	return (shebang == "#!/usr/bin/python3" || strings.HasPrefix(shebang, "#!/usr/bin/python3.")) &&
		bytes.Contains(data, []byte("runpy.run_module('azure.cli')"))
}

// userExtensionDir is the folder az uses for the learner's own extensions outside the lab:
// $AZURE_EXTENSION_DIR, else the `[extension] dir` of their az config, else the
// cliextensions folder of their az config folder ($AZURE_CONFIG_DIR unless it is one of the
// lab's own profiles, else ~/.azure). The lab's private profile would otherwise hide an
// extension the learner installed before.
func (h azHost) userExtensionDir(state string) string {
	if d := h.getenv("AZURE_EXTENSION_DIR"); d != "" {
		return d
	}
	cfg := h.getenv("AZURE_CONFIG_DIR")
	if cfg == "" || within(cfg, state) {
		home, err := h.home()
		if err != nil || home == "" {
			return ""
		}
		cfg = filepath.Join(home, ".azure")
	}
	if data, err := h.readFile(filepath.Join(cfg, "config")); err == nil {
		if d := iniValue(data, "extension", "dir"); d != "" {
			return expandHome(d, h.home)
		}
	}
	return filepath.Join(cfg, "cliextensions")
}

// sentinelInstalled reports whether az would find its `sentinel` extension in extDir or in
// a system-wide extension folder.
func (h azHost) sentinelInstalled(extDir string) bool {
	dirs := []string{extDir, h.getenv("AZURE_EXTENSION_SYS_DIR")}
	if h.goos != "windows" {
		dirs = append(dirs, debianExtensionSysDir)
	}
	for _, d := range dirs {
		if d != "" && h.isDir(filepath.Join(d, "sentinel")) {
			return true
		}
	}
	return false
}

// within reports whether path is dir or inside it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(filepath.Clean(dir), filepath.Clean(path))
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// iniValue reads key in [section] of an az config file (INI: "key = value").
func iniValue(data []byte, section, key string) string {
	in := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[':
			in = strings.EqualFold(strings.Trim(line, "[] \t"), section)
		case in:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				k, v, ok = strings.Cut(line, ":")
			}
			if ok && strings.EqualFold(strings.TrimSpace(k), key) {
				return strings.TrimSpace(v)
			}
		}
	}
	return ""
}

// expandHome replaces a leading ~ as Python's os.path.expanduser does.
func expandHome(p string, home func() (string, error)) string {
	if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, `~\`) {
		return p
	}
	h, err := home()
	if err != nil || h == "" {
		return p
	}
	return filepath.Join(h, p[1:])
}

// realAzHost is this machine.
func realAzHost(goos string) azHost {
	return azHost{
		goos:     goos,
		getenv:   os.Getenv,
		home:     os.UserHomeDir,
		lookPath: exec.LookPath,
		readFile: os.ReadFile,
		isDir: func(p string) bool {
			fi, err := os.Stat(p)
			return err == nil && fi.IsDir()
		},
		parent: func() string { return parentName(goos, os.Getppid(), os.ReadFile) },
	}
}

// parentName is a process's parent's command name from /proc on Linux; "" elsewhere (macOS
// and Windows rely on the environment).
func parentName(goos string, ppid int, readFile func(string) ([]byte, error)) string {
	if goos != "linux" || ppid <= 1 {
		return ""
	}
	b, err := readFile("/proc/" + strconv.Itoa(ppid) + "/comm")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
