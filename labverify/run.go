package labverify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/soclab/soclab/grader"
	"github.com/soclab/soclab/labtext"
)

// Options configure a Run.
type Options struct {
	// Soclab is the soclab binary: it serves the private lab and is `soclab` in the blocks.
	Soclab string
	// Dir is an empty folder for the lab's state and the learner's files.
	Dir string
	// Env is the environment the shell starts from (os.Environ() without the caller's lab
	// settings; Run removes SOCLAB_* and proxy variables itself).
	Env []string
	// ExtensionDir, when set, is exported as AZURE_EXTENSION_DIR after `soclab env` (a
	// folder holding the az sentinel extension).
	ExtensionDir string
	// BlockTimeout bounds one block (default 10 minutes).
	BlockTimeout time.Duration
	// Progress, when set, gets a line per block as it starts and ends.
	Progress io.Writer
	// File names the lab text in the report.
	File string
}

// outputLimit is how much of a block's output the report keeps (its end).
const outputLimit = 32 << 10

// Run starts a private lab in o.Dir, runs the blocks in the order a learner runs them, grades
// the lab where the text says (else after the last block), stops the lab and reports.
func Run(ctx context.Context, blocks []labtext.Block, o Options) (*Report, error) {
	if o.BlockTimeout == 0 {
		o.BlockTimeout = 10 * time.Minute
	}
	s, err := newSession(o)
	if err != nil {
		return nil, err
	}
	if err := s.start(ctx); err != nil {
		s.stop()
		return nil, err
	}
	rep := &Report{File: o.File}
	graded := false
	order := labtext.RunOrder(blocks)
	for i, b := range order {
		if ctx.Err() != nil {
			s.stop()
			return nil, fmt.Errorf("interrupted before block %d (line %d): %w", b.Index, b.Line, ctx.Err())
		}
		s.progress("[%2d/%d] line %-4d %s (%s) …", i+1, len(order), b.Line, b.Section, b.Lang)
		res := s.runBlock(ctx, b)
		if b.Notes.Grade && res.Status == Passed {
			graded = true
			rep.Grade, err = s.grade(ctx)
			if err != nil {
				rep.GradeError = err.Error()
				res.Status, res.Reason = Failed, "grading failed: "+err.Error()
			}
		}
		rep.add(res)
		s.progress(" %s%s\n", res.Status, progressDetail(res))
	}
	if !graded {
		if rep.Grade, err = s.grade(ctx); err != nil {
			rep.GradeError = err.Error()
		}
	}
	if err := s.stop(); err != nil && rep.GradeError == "" {
		rep.GradeError = "the private lab did not stop cleanly: " + err.Error()
	}
	rep.finish()
	return rep, nil
}

func progressDetail(r BlockResult) string {
	switch {
	case r.Status == Skipped || r.Status == NotRun:
		return ": " + r.Reason
	case r.Graded:
		return " (graded here)"
	}
	return fmt.Sprintf(" in %.1fs", r.Duration.Seconds())
}

// session is the private lab and the learner's shell state.
type session struct {
	o       Options
	state   string // the lab's state folder
	work    string // the learner's working folder
	shell   string // the file carrying the shell's variables and functions between blocks
	env     []string
	srv     *exec.Cmd
	srvLog  *bytes.Buffer
	tools   map[string]bool
	missing map[string]string // why each absent tool is absent
}

func newSession(o Options) (*session, error) {
	if o.Soclab == "" || o.Dir == "" {
		return nil, errors.New("labverify: Options.Soclab and Options.Dir are required")
	}
	s := &session{o: o, state: filepath.Join(o.Dir, "state"), work: filepath.Join(o.Dir, "work"), shell: filepath.Join(o.Dir, "shell-state.sh")}
	bin := filepath.Join(o.Dir, "bin")
	for _, d := range []string{s.work, bin} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("labverify: %w", err)
		}
	}
	// The blocks call `soclab`: this binary, whatever its file is called.
	if err := os.Symlink(o.Soclab, filepath.Join(bin, "soclab")); err != nil {
		return nil, fmt.Errorf("labverify: %w", err)
	}
	for _, kv := range o.Env {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "SOCLAB_") || strings.HasPrefix(k, "AZURE_") || strings.EqualFold(k, "https_proxy") ||
			strings.EqualFold(k, "http_proxy") || strings.EqualFold(k, "all_proxy") || k == "PATH" || k == "REQUESTS_CA_BUNDLE" {
			continue
		}
		s.env = append(s.env, kv)
	}
	s.env = append(s.env, "PATH="+bin+string(os.PathListSeparator)+getenv(o.Env, "PATH"), "SOCLAB_STATE="+s.state)
	return s, nil
}

func getenv(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

func (s *session) progress(format string, args ...any) {
	if s.o.Progress != nil {
		fmt.Fprintf(s.o.Progress, format, args...)
	}
}

// start runs `soclab serve` on a free loopback port, applies `soclab env` and signs az in.
func (s *session) start(ctx context.Context) error {
	s.srvLog = &bytes.Buffer{}
	s.srv = exec.Command(s.o.Soclab, "serve", "--state", s.state, "--addr", "127.0.0.1:0")
	s.srv.Env, s.srv.Stdout, s.srv.Stderr = s.env, s.srvLog, s.srvLog
	if err := s.srv.Start(); err != nil {
		return fmt.Errorf("start the private lab: %w", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(s.state, "server.json")); err == nil {
			break
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("the private lab did not start within 30s: %s", s.srvLog)
		}
		time.Sleep(50 * time.Millisecond)
	}
	setup := "eval \"$(soclab env --shell bash)\"\n" // the blocks run in bash, whatever the login shell
	if s.o.ExtensionDir != "" {
		setup += "export AZURE_EXTENSION_DIR=" + shellQuote(s.o.ExtensionDir) + "\n"
	}
	s.tools = map[string]bool{"soclab": true}
	s.missing = map[string]string{}
	for _, t := range []string{"az", "jq"} {
		if _, err := exec.LookPath(t); err == nil {
			s.tools[t] = true
		} else {
			s.missing[t] = t + " is not installed (Debian: apt-get install " + map[string]string{"az": "azure-cli", "jq": "jq"}[t] + ")"
		}
	}
	if s.tools["az"] {
		setup += `az login --service-principal -u "$SOCLAB_SP_ID" --password="$SOCLAB_SP_SECRET" --tenant "$SOCLAB_TENANT_ID" -o none` + "\n"
	}
	if out, code, err := s.shellRun(ctx, setup, s.o.BlockTimeout); err != nil || code != 0 {
		return fmt.Errorf("apply soclab env and sign in (exit %d, %v):\n%s", code, err, out)
	}
	s.missing["az-sentinel"] = "az is not installed"
	if s.tools["az"] {
		_, code, err := s.shellRun(ctx, "az extension show --name sentinel -o none\n", s.o.BlockTimeout)
		if err != nil {
			return err
		}
		if code == 0 {
			s.tools["az-sentinel"] = true
			delete(s.missing, "az-sentinel")
		} else {
			s.missing["az-sentinel"] = "the az extension `sentinel` is not installed for this az (az extension add --name sentinel --version 0.2.0, or point AZURE_EXTENSION_DIR at a folder that has it)"
		}
	}
	return nil
}

// stop ends the private lab gracefully.
func (s *session) stop() error {
	if s.srv == nil || s.srv.Process == nil {
		return nil
	}
	s.srv.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.srv.Wait() }()
	select {
	case err := <-done:
		s.srv = nil
		return err
	case <-time.After(20 * time.Second):
		s.srv.Process.Kill()
		<-done
		s.srv = nil
		return errors.New("it did not stop within 20s of SIGTERM and was killed")
	}
}

// shellPrelude restores the previous blocks' shell; shellSave is the EXIT trap that keeps this
// block's variables (not bash's own nor read-only ones), functions and folder for the next.
const shellPrelude = `[ -f "$__SOCLAB_SHELL" ] && source "$__SOCLAB_SHELL"
__soclab_save() {
  set +eu
  {
    declare -p | grep -Ev '^declare -[a-zA-Z]*r' | grep -Ev '^declare -[-a-zA-Z]* (BASH[A-Z_]*|FUNCNAME|PIPESTATUS|GROUPS|DIRSTACK|COMP_WORDBREAKS|HIST[A-Z]*|LINENO|RANDOM|SECONDS|SRANDOM|EPOCH[A-Z]*|SHLVL|PWD|OLDPWD|_|__SOCLAB_SHELL)='
    declare -f
    printf 'cd %q\n' "$PWD"
  } > "$__SOCLAB_SHELL.tmp" && mv "$__SOCLAB_SHELL.tmp" "$__SOCLAB_SHELL"
}
trap __soclab_save EXIT
exec 2>&1
set -euo pipefail
`

// shellRun runs script in bash after the previous blocks' shell state, output combined.
func (s *session) shellRun(ctx context.Context, script string, timeout time.Duration) (string, int, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-c", shellPrelude+script)
	cmd.Dir = s.work
	cmd.Env = append(append([]string(nil), s.env...), "__SOCLAB_SHELL="+s.shell)
	killGroupOnCancel(cmd)
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout = &out
	err := cmd.Run()
	text := out.String()
	if ctx.Err() == context.DeadlineExceeded {
		return text, -1, fmt.Errorf("timed out after %s", timeout)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return text, ee.ExitCode(), nil
	}
	if err != nil {
		return text, -1, err
	}
	return text, 0, nil
}

// grade runs `soclab grade --format json` in the learner's shell and reads its report.
func (s *session) grade(ctx context.Context) (*grader.Report, error) {
	file := filepath.Join(s.o.Dir, "grade.json")
	out, code, err := s.shellRun(ctx, "soclab grade --format json > "+shellQuote(file)+" || true\n", s.o.BlockTimeout)
	if err != nil || code != 0 {
		return nil, fmt.Errorf("soclab grade: exit %d %v: %s", code, err, out)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var rep grader.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, fmt.Errorf("soclab grade printed no JSON report (%v): %s %s", err, data, out)
	}
	return &rep, nil
}

// shellQuote single-quotes s for bash.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
