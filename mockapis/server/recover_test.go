package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/mockapis/controlauth"
	"github.com/soclab/soclab/mockapis/tlsca"
	"github.com/soclab/soclab/simulator"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// frontDoor is a server whose services panic on /panic and otherwise answer the length of
// the body they read, with its log captured.
type frontDoor struct {
	info   Info
	log    *syncBuffer
	client *http.Client
	token  string
}

func startFrontDoor(t *testing.T) *frontDoor {
	t.Helper()
	probe := func(w *simulator.World, v auth.Verifier) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/panic" {
				var m map[string]int
				m["boom"]++ // a nil map write: a bug in a handler
			}
			n, _ := io.Copy(io.Discard, r.Body)
			rw.Write([]byte(`{"read":` + itoa(n) + `}`))
		})
	}
	control := func(w *simulator.World) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/_soclab/panic" {
				panic("control bug")
			}
			n, _ := io.Copy(io.Discard, r.Body)
			rw.Write([]byte(`{"read":` + itoa(n) + `}`))
		})
	}
	state := filepath.Join(t.TempDir(), "state")
	logb := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan Info, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{StateDir: state, Addr: "127.0.0.1:0", Log: logb, Ready: func(i Info) { ready <- i },
			Services: Services{ARM: probe, LogAnalytics: probe, Graph: probe, Defender: probe, Control: control}})
	}()
	f := &frontDoor{log: logb}
	select {
	case f.info = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("Run: %v", err)
	case <-time.After(20 * time.Second):
		cancel()
		t.Fatal("not ready")
	}
	t.Cleanup(func() { cancel(); <-done })
	ca, _ := os.ReadFile(filepath.Join(state, tlsca.CertFile))
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	proxyURL, _ := url.Parse("http://" + f.info.Addr)
	f.client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL), TLSClientConfig: &tls.Config{RootCAs: pool}}}
	f.token, _ = controlauth.ReadToken(controlauth.InstructorPath(state))
	return f
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func (f *frontDoor) send(t *testing.T, method, u string, body io.Reader, contentLength int64) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, body)
	req.ContentLength = contentLength
	if strings.Contains(u, "/_soclab/") {
		req.Header.Set("Authorization", "Bearer "+f.token)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// TestPanicGuards: a panic in any service's handler answers 500 in that service's envelope,
// is logged with its stack in the server's log, and the server goes on serving.
func TestPanicGuards(t *testing.T) {
	f := startFrontDoor(t)
	cases := []struct{ name, url, want string }{
		{"ARM", "https://management.azure.com/panic", `{"error":{"code":"InternalServerError","message":"The server encountered an internal error. Please retry the request."}}`},
		{"Log Analytics", "https://api.loganalytics.io/panic", `"code":"InternalServerError","correlationId":"`},
		{"Log Analytics (new host)", "https://api.loganalytics.azure.com/panic", `"code":"InternalServerError","correlationId":"`},
		{"Graph", "https://graph.microsoft.com/panic", `{"error":{"code":"InternalServerError","innerError":{"client-request-id":"","date":"`},
		{"Defender", "https://api.security.microsoft.com/panic", `"code":"InternalServerError","message":"The server encountered an internal error. Please retry the request.","target":"`},
		{"control", "http://" + f.info.Addr + "/_soclab/panic", `{"error":{"code":"InternalServerError","message":"The server encountered an internal error. Please retry the request."}}`},
	}
	for _, tc := range cases {
		status, body := f.send(t, "GET", tc.url, nil, 0)
		if status != 500 || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s\nwant 500 containing %s", tc.name, status, body, tc.want)
		}
		// The same service still answers.
		if status, body := f.send(t, "POST", strings.TrimSuffix(tc.url, "panic")+"ok", strings.NewReader("abc"), 3); status != 200 || body != `{"read":3}` {
			t.Errorf("%s after the panic: %d %s", tc.name, status, body)
		}
	}
	logs := f.log.String()
	for _, want := range []string{"panic serving GET management.azure.com/panic: assignment to entry in nil map", "panic serving GET api.security.microsoft.com/panic", "control bug", "goroutine "} {
		if !strings.Contains(logs, want) {
			t.Errorf("server log lacks %q:\n%s", want, logs)
		}
	}
}

// TestBodyLimits: a body over a service's limit is answered 413 in its envelope (Content-Length
// or chunked), not "invalid JSON"; a body at the limit reaches the service whole.
func TestBodyLimits(t *testing.T) {
	f := startFrontDoor(t)
	const mib = 1 << 20
	control := "http://" + f.info.Addr + "/_soclab/kql"
	cases := []struct {
		name, url string
		size      int
		chunked   bool
		status    int
		want      string
	}{
		{"Log Analytics at the limit", "https://api.loganalytics.io/v1/workspaces/w/query", mib, false, 200, `{"read":1048576}`},
		{"Log Analytics over", "https://api.loganalytics.io/v1/workspaces/w/query", mib + 1, false, 413, `{"error":{"code":"RequestEntityTooLarge","correlationId":"`},
		{"Log Analytics over, chunked", "https://api.loganalytics.azure.com/v1/workspaces/w/query", mib + 1, true, 413, `"code":"RequestEntityTooLarge"`},
		{"Log Analytics at the limit, chunked", "https://api.loganalytics.azure.com/v1/workspaces/w/query", mib, true, 200, `{"read":1048576}`},
		{"Graph over", "https://graph.microsoft.com/v1.0/security/runHuntingQuery", 2 * mib, false, 413, `"message":"The request content size exceeds the maximum allowed size of 1048576 bytes."}}`},
		{"Defender over", "https://api.security.microsoft.com/api/advancedhunting/run", mib + 1, true, 413, `"code":"RequestEntityTooLarge"`},
		{"sign-in over", "https://login.microsoftonline.com/organizations/oauth2/v2.0/token", mib + 1, false, 413, `{"correlation_id":"`},
		{"control over", control, mib + 1, false, 413, `{"error":{"code":"RequestEntityTooLarge","message":"The request content size exceeds the maximum allowed size of 1048576 bytes."}}`},
		{"control at the limit", control, mib, false, 200, `{"read":1048576}`},
		{"ARM takes 4 MB", "https://management.azure.com/subscriptions/x", 4 << 20, false, 200, `{"read":4194304}`},
		{"ARM over 4 MB", "https://management.azure.com/subscriptions/x", 4<<20 + 1, false, 413, `{"error":{"code":"RequestEntityTooLarge","message":"The request content size exceeds the maximum allowed size of 4194304 bytes."}}`},
	}
	for _, tc := range cases {
		var body io.Reader = bytes.NewReader(bytes.Repeat([]byte(" "), tc.size))
		cl := int64(tc.size)
		if tc.chunked {
			body, cl = io.MultiReader(body), -1 // hides the length: sent chunked
		}
		status, got := f.send(t, "POST", tc.url, body, cl)
		if status != tc.status || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %d %.300s\nwant %d containing %s", tc.name, status, got, tc.status, tc.want)
		}
	}
}

// TestProxyErrorsReachTheServerLog: connection-level errors of the proxy (here a tunnel whose
// client speaks no TLS) are written to the server's log instead of being discarded.
func TestProxyErrorsReachTheServerLog(t *testing.T) {
	f := startFrontDoor(t)
	c, err := net.Dial("tcp", f.info.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "CONNECT management.azure.com:443 HTTP/1.1\r\nHost: management.azure.com:443\r\n\r\n")
	br := bufio.NewReader(c)
	line, _ := br.ReadString('\n')
	if !strings.Contains(line, "200") {
		t.Fatalf("CONNECT: %q", line)
	}
	io.WriteString(c, "this is not a TLS hello\r\n\r\n")
	c.(*net.TCPConn).CloseWrite()
	io.Copy(io.Discard, br)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(f.log.String(), "TLS handshake error") {
		if time.Now().After(deadline) {
			t.Fatalf("the TLS handshake error is not in the server's log:\n%s", f.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
