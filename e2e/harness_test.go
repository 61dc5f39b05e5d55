package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// lab is one soclab binary and state folder, with at most one server running.
type lab struct {
	t      *testing.T
	bin    string
	state  string
	srv    *exec.Cmd
	srvLog *bytes.Buffer
	env    []string // the process environment az runs with
	vars   map[string]string
}

// requireAz skips the test when the real az CLI is missing, and says so loudly.
func requireAz(t *testing.T) string {
	t.Helper()
	az, err := exec.LookPath("az")
	if err != nil {
		msg := "\n" + strings.Repeat("!", 78) + "\n!!! SKIPPED: the real az CLI is not installed, so the end-to-end test did NOT run.\n" +
			"!!! Install it with `apt-get install azure-cli` (scripts/install-deps.sh does) and rerun.\n" + strings.Repeat("!", 78)
		fmt.Fprintln(os.Stderr, msg)
		t.Skip(msg)
	}
	return az
}

// buildSoclab compiles the binary under test once per test, as released: pure Go
// (CGO_ENABLED=0), so the end-to-end tests run the static binary learners download.
func buildSoclab(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "soclab")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/soclab")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/soclab: %v\n%s", err, out)
	}
	return bin
}

func newLab(t *testing.T) *lab {
	return &lab{t: t, bin: buildSoclab(t), state: filepath.Join(t.TempDir(), "state")}
}

// start runs `soclab serve` on a free port and waits for server.json.
func (l *lab) start() {
	l.t.Helper()
	os.Remove(filepath.Join(l.state, "server.json"))
	l.srvLog = &bytes.Buffer{}
	l.srv = exec.Command(l.bin, "serve", "--state", l.state, "--addr", "127.0.0.1:0")
	l.srv.Stdout, l.srv.Stderr = l.srvLog, l.srvLog
	if err := l.srv.Start(); err != nil {
		l.t.Fatalf("start soclab serve: %v", err)
	}
	l.t.Cleanup(func() { l.stop() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(l.state, "server.json")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			l.t.Fatalf("soclab serve did not write server.json within 20s; its output:\n%s", l.srvLog)
		}
		time.Sleep(50 * time.Millisecond)
	}
	l.loadEnv()
}

// stop sends SIGTERM and waits for a graceful exit.
func (l *lab) stop() {
	if l.srv == nil || l.srv.Process == nil {
		return
	}
	l.srv.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- l.srv.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			l.t.Errorf("soclab serve exited with %v after SIGTERM; output:\n%s", err, l.srvLog)
		}
	case <-time.After(15 * time.Second):
		l.srv.Process.Kill()
		l.t.Errorf("soclab serve did not stop within 15s of SIGTERM")
	}
	l.srv = nil
}

// loadEnv evaluates `soclab env` the way sh would: export K='v' and unset lines.
func (l *lab) loadEnv() {
	l.t.Helper()
	cmd := exec.Command(l.bin, "env", "--state", l.state, "--shell", "sh")
	cmd.Env = append(os.Environ(), "SOCLAB_TOKEN=", "SOCLAB_TENANT=") // the instructor, on the default tenant
	out, err := cmd.Output()
	if err != nil {
		l.t.Fatalf("soclab env: %v", err)
	}
	l.vars = map[string]string{}
	unset := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "export "):
			k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
			if !ok || len(v) < 2 || v[0] != '\'' || v[len(v)-1] != '\'' {
				l.t.Fatalf("soclab env line is not export K='v': %q", line)
			}
			l.vars[k] = strings.ReplaceAll(v[1:len(v)-1], `'\''`, "'")
		case strings.HasPrefix(line, "unset "):
			for _, k := range strings.Fields(strings.TrimPrefix(line, "unset ")) {
				unset[k] = true
			}
		case line == "" || strings.HasPrefix(line, "#"):
		default:
			l.t.Fatalf("unexpected line in soclab env output: %q", line)
		}
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, ours := l.vars[k]; ours || unset[k] || strings.HasPrefix(k, "AZURE_") || strings.EqualFold(k, "http_proxy") || strings.EqualFold(k, "all_proxy") {
			continue
		}
		env = append(env, kv)
	}
	for k, v := range l.vars {
		env = append(env, k+"="+v)
	}
	l.env = env
}

// result is one finished az run.
type result struct {
	code           int
	stdout, stderr string
}

// az runs the real CLI with the lab's environment.
func (l *lab) az(args ...string) result {
	l.t.Helper()
	cmd := exec.Command("az", args...)
	cmd.Env = l.env
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	r := result{stdout: so.String(), stderr: se.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		l.t.Fatalf("run az %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// azJSON runs az, requires exit 0 and decodes its JSON output.
func (l *lab) azJSON(out any, args ...string) {
	l.t.Helper()
	r := l.az(append(args, "-o", "json")...)
	if r.code != 0 {
		l.t.Fatalf("az %s: exit %d\nstderr: %s\nserver log:\n%s", strings.Join(args, " "), r.code, r.stderr, l.srvLog)
	}
	if err := json.Unmarshal([]byte(r.stdout), out); err != nil {
		l.t.Fatalf("az %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, r.stdout)
	}
}

// soclab runs a soclab subcommand on the lab's state.
func (l *lab) soclab(args ...string) (string, error) {
	cmd := exec.Command(l.bin, append(args, "--state", l.state)...)
	// The instructor's commands: the token file of the state, not a token from the caller's shell.
	cmd.Env = append(os.Environ(), "SOCLAB_TOKEN=")
	out, err := cmd.CombinedOutput()
	return string(out), err
}
