package proxy

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/tlsca"
)

type fixture struct {
	addr   string
	direct string
	pool   *x509.CertPool
}

func start(t *testing.T) *fixture {
	t.Helper()
	ca, err := tlsca.LoadOrCreate(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	echo := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "%s %s %s tls=%v", name, r.Method, r.URL.Path, r.TLS != nil)
		})
	}
	p := New(Config{
		Hosts:   map[string]http.Handler{"management.azure.com": echo("arm"), "login.microsoftonline.com": echo("aad")},
		Control: echo("control"),
		CA:      ca,
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go p.Serve(l)
	go p.ServeDirectTLS(dl)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := p.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.CertPEM())
	return &fixture{addr: l.Addr().String(), direct: dl.Addr().String(), pool: pool}
}

func (f *fixture) client() *http.Client {
	proxyURL, _ := url.Parse("http://" + f.addr)
	return &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL), TLSClientConfig: &tls.Config{RootCAs: f.pool}}}
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestTunnelServesHostWithLabCertificate(t *testing.T) {
	f := start(t)
	c := f.client()
	for u, want := range map[string]string{
		"https://management.azure.com/subscriptions?api-version=2019-11-01": "arm GET /subscriptions tls=true",
		"https://login.microsoftonline.com/common/discovery/instance":       "aad GET /common/discovery/instance tls=true",
	} {
		if code, body := get(t, c, u); code != 200 || body != want {
			t.Errorf("GET %s = %d %q, want 200 %q", u, code, body, want)
		}
	}
	// Without the lab CA the client must refuse the certificate.
	proxyURL, _ := url.Parse("http://" + f.addr)
	strict := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL), TLSClientConfig: &tls.Config{RootCAs: x509.NewCertPool()}}}
	if _, err := strict.Get("https://management.azure.com/"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("client without the lab CA: err = %v, want a certificate error", err)
	}
}

// TestConnectRefusedAndNothingDialled points CONNECT at a real local listener: the proxy must
// refuse and the listener must see no connection.
func TestConnectRefusedAndNothingDialled(t *testing.T) {
	f := start(t)
	target, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	var accepted atomic.Int32
	go func() {
		for {
			c, err := target.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	for _, dest := range []string{target.Addr().String(), "example.com:443", "management.azure.com:80", "evil.management.azure.com:443"} {
		conn, err := net.Dial("tcp", f.addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n", dest, dest)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		conn.Close()
		want := "soclab: refusing CONNECT to " + dest + ": the lab serves only login.microsoftonline.com, management.azure.com on port 443, and it is not an open proxy\n"
		if resp.StatusCode != http.StatusForbidden || string(body) != want {
			t.Errorf("CONNECT %s = %d %q\nwant 403 %q", dest, resp.StatusCode, body, want)
		}
	}
	time.Sleep(50 * time.Millisecond)
	if n := accepted.Load(); n != 0 {
		t.Fatalf("the proxy dialled the refused target %d times", n)
	}
}

func TestPlainRequestsOnProxyPort(t *testing.T) {
	f := start(t)
	tests := []struct {
		name, raw string
		status    int
		body      string
	}{
		{"control", "GET /_soclab/health HTTP/1.1\r\nHost: " + f.addr + "\r\n\r\n", 200, "control GET /_soclab/health tls=false"},
		{"forward proxy refused", "GET http://example.com/x HTTP/1.1\r\nHost: example.com\r\n\r\n", 403, "soclab: refusing to forward GET http://example.com/x: the lab answers HTTPS (CONNECT) for its own host names only and is not an open proxy\n"},
		{"other path", "GET / HTTP/1.1\r\nHost: " + f.addr + "\r\n\r\n", 404, "soclab: this is the lab's proxy port. Point HTTPS_PROXY here (see `soclab env`); control requests live under /_soclab/\n"},
	}
	for _, tc := range tests {
		conn, err := net.Dial("tcp", f.addr)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(conn, tc.raw)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		conn.Close()
		if resp.StatusCode != tc.status || string(body) != tc.body {
			t.Errorf("%s: %d %q\nwant %d %q", tc.name, resp.StatusCode, body, tc.status, tc.body)
		}
	}
}

func TestDirectTLSListener(t *testing.T) {
	f := start(t)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: f.pool, ServerName: "login.microsoftonline.com"}}}
	if code, body := get(t, c, "https://"+f.direct+"/organizations/v2.0/.well-known/openid-configuration"); code != 200 || body != "aad GET /organizations/v2.0/.well-known/openid-configuration tls=true" {
		t.Errorf("direct = %d %q", code, body)
	}
}

func TestDirectTLSNeverMintsForUnservedNames(t *testing.T) {
	f := start(t)
	conn, err := tls.Dial("tcp", f.direct, &tls.Config{RootCAs: f.pool, ServerName: "evil.example.com"})
	if err == nil {
		conn.Close()
		t.Fatal("TLS to an unserved name verified; the lab minted a leaf for it")
	}
	conn, err = tls.Dial("tcp", f.direct, &tls.Config{RootCAs: f.pool, ServerName: "management.azure.com"})
	if err != nil {
		t.Fatalf("TLS to a served name: %v", err)
	}
	conn.Close()
}

// TestPortalOnPlainPaths: with a portal, every plain path outside /_soclab/ goes to it; control
// requests and forward-proxy refusals are unchanged.
func TestPortalOnPlainPaths(t *testing.T) {
	ca, err := tlsca.LoadOrCreate(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	echo := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "%s %s %s", name, r.Method, r.URL.Path) })
	}
	p := New(Config{Hosts: map[string]http.Handler{"security.microsoft.com": echo("portal-host")}, Control: echo("control"), Portal: echo("portal"), CA: ca})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go p.Serve(l)
	t.Cleanup(func() { p.Shutdown(context.Background()) })
	for raw, want := range map[string]string{
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n":                                  "200 portal GET /",
		"POST /incidents/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n": "200 portal POST /incidents/1",
		"GET /_soclab/health HTTP/1.1\r\nHost: x\r\n\r\n":                    "200 control GET /_soclab/health",
		"GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n":      "403 soclab: refusing to forward GET http://example.com/: the lab answers HTTPS (CONNECT) for its own host names only and is not an open proxy\n",
	} {
		conn, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(conn, raw)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		conn.Close()
		if got := fmt.Sprintf("%d %s", resp.StatusCode, body); got != want {
			t.Errorf("%q: %q, want %q", raw, got, want)
		}
	}
}
