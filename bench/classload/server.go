package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/soclab/soclab/mockapis/controlauth"
	"github.com/soclab/soclab/mockapis/server"
	"github.com/soclab/soclab/mockapis/tlsca"
)

// labServer is one `soclab serve` process this program started, on its own state folder.
type labServer struct {
	bin, state string
	args       []string
	cmd        *exec.Cmd
	log        *lockedBuffer
	info       server.Info
	exited     chan error

	peakMu  sync.Mutex
	peakRSS int64
	stopRSS chan struct{}
}

// lockedBuffer is the server's output, written by the process and read by the report.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// start runs the server and waits until it wrote server.json (at most wait).
func (s *labServer) start(wait time.Duration) (time.Duration, error) {
	os.Remove(filepath.Join(s.state, server.InfoFile))
	s.log = &lockedBuffer{}
	args := append([]string{"serve", "--state", s.state, "--addr", "127.0.0.1:0"}, s.args...)
	s.cmd = exec.Command(s.bin, args...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	began := time.Now()
	if err := s.cmd.Start(); err != nil {
		return 0, fmt.Errorf("start %s: %w", s.bin, err)
	}
	s.exited = make(chan error, 1)
	go func() { s.exited <- s.cmd.Wait() }()
	for {
		info, err := server.ReadInfo(s.state)
		if err == nil && info.PID == s.cmd.Process.Pid {
			s.info = info
			break
		}
		select {
		case err := <-s.exited:
			s.exited <- err
			return 0, fmt.Errorf("soclab serve exited (%v) before it wrote server.json:\n%s", err, s.log)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Since(began) > wait {
			return 0, fmt.Errorf("soclab serve wrote no server.json within %s", wait)
		}
	}
	s.stopRSS = make(chan struct{})
	go s.sampleRSS(s.cmd.Process.Pid, s.stopRSS)
	return time.Since(began), nil
}

// alive reports whether the server process is still running (a process that just died
// is reaped within the half second it waits).
func (s *labServer) alive() bool {
	select {
	case err := <-s.exited:
		s.exited <- err
		return false
	case <-time.After(500 * time.Millisecond):
		return true
	}
}

// stop sends SIGTERM and waits (then kills) the process; it returns the exit error.
func (s *labServer) stop() error {
	if s.cmd == nil {
		return nil
	}
	close(s.stopRSS)
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.exited:
		s.cmd = nil
		return err
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		err := <-s.exited
		s.cmd = nil
		return fmt.Errorf("did not stop within 30 s of SIGTERM (killed): %v", err)
	}
}

// sampleRSS follows the process's resident set (VmRSS, and the kernel's high-water mark
// VmHWM) every 200 ms until stop is closed.
func (s *labServer) sampleRSS(pid int, stop chan struct{}) {
	path := fmt.Sprintf("/proc/%d/status", pid)
	for {
		if b, err := os.ReadFile(path); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				k, v, ok := strings.Cut(line, ":")
				if !ok || (k != "VmRSS" && k != "VmHWM") {
					continue
				}
				f := strings.Fields(v)
				if n, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					s.peakMu.Lock()
					s.peakRSS = max(s.peakRSS, n<<10)
					s.peakMu.Unlock()
				}
			}
		}
		select {
		case <-stop:
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// peak is the highest resident set seen so far, in bytes; resetPeak starts over.
func (s *labServer) peak() int64 {
	s.peakMu.Lock()
	defer s.peakMu.Unlock()
	return s.peakRSS
}

func (s *labServer) resetPeak() {
	s.peakMu.Lock()
	s.peakRSS = 0
	s.peakMu.Unlock()
}

// rss is the process's current resident set in bytes.
func (s *labServer) rss() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.info.PID))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return n << 10
		}
	}
	return 0
}

// cloudClient talks to the lab's cloud hosts through its proxy, trusting the lab CA, as az
// does with HTTPS_PROXY and REQUESTS_CA_BUNDLE.
func (s *labServer) cloudClient(timeout time.Duration, conns int) (*http.Client, error) {
	pem, err := os.ReadFile(filepath.Join(s.state, tlsca.BundleFile))
	if err != nil {
		return nil, fmt.Errorf("read the lab CA bundle: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("the lab CA bundle holds no certificate")
	}
	proxy, _ := url.Parse("http://" + s.info.Addr)
	tr := &http.Transport{Proxy: http.ProxyURL(proxy), TLSClientConfig: &tls.Config{RootCAs: pool},
		MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, IdleConnTimeout: time.Minute}
	return &http.Client{Transport: tr, Timeout: timeout}, nil
}

// control calls a control endpoint with a control token (JSON in and out; non-200 is an
// error with the body).
func (s *labServer) control(c *http.Client, token, method, path string, in, out any) (int, error) {
	var body io.Reader = http.NoBody
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.info.ControlURL()+path, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, fmt.Errorf("%s %s: %s: %.300s", method, path, resp.Status, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return resp.StatusCode, nil
}

// instructorToken is the token the instructor's commands use (created by the first serve).
func (s *labServer) instructorToken() (string, error) {
	return controlauth.ReadToken(controlauth.InstructorPath(s.state))
}

// cpuSeconds is the CPU time (user + system) the server process used so far.
func (s *labServer) cpuSeconds() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.info.PID))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces) start after the last ')'.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // USER_HZ
}

// loadAverage is the machine's one-minute load average (other work shares the CPUs).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}
