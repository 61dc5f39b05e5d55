package proxy

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/tlsca"
)

// TestTLSOnPort: with TLSOnPort the proxy port answers plain HTTP and HTTPS alike. Over
// HTTPS the control handler sees Request.TLS, the leaf names the IP the client dialled (or
// the public name), and the port also works as an HTTPS proxy for the served hosts; a client
// that never speaks holds up nobody.
func TestTLSOnPort(t *testing.T) {
	ca, err := tlsca.LoadOrCreate(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	echo := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "%s %s %s tls=%v", name, r.Method, r.URL.Path, r.TLS != nil)
		})
	}
	p := New(Config{Hosts: map[string]http.Handler{"management.azure.com": echo("arm")}, Control: echo("control"), CA: ca,
		TLSOnPort: true, PublicName: "classroom.example"})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go p.Serve(l)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		p.Shutdown(ctx)
	})
	addr := l.Addr().String()

	// A client that connects and says nothing does not block the others.
	silent, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()

	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.CertPEM())
	direct := func(serverName string) *http.Client {
		return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: nil, TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: serverName}}}
	}
	proxyURL, _ := url.Parse("https://" + addr)
	viaHTTPSProxy := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL), TLSClientConfig: &tls.Config{RootCAs: pool}}}
	cases := []struct {
		name   string
		client *http.Client
		url    string
		want   string
	}{
		{"plain control", direct(""), "http://" + addr + "/_soclab/health", "control GET /_soclab/health tls=false"},
		{"HTTPS control by IP", direct(""), "https://" + addr + "/_soclab/devicelogin", "control GET /_soclab/devicelogin tls=true"},
		{"HTTPS control by public name", direct("classroom.example"), "https://" + addr + "/_soclab/health", "control GET /_soclab/health tls=true"},
		{"HTTPS proxy to a served host", viaHTTPSProxy, "https://management.azure.com/subscriptions", "arm GET /subscriptions tls=true"},
	}
	for _, tc := range cases {
		resp, err := tc.client.Get(tc.url)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, b, tc.want)
		}
	}
	// Names the lab does not serve get the IP's leaf, which the client then refuses.
	if _, err := direct("evil.example").Get("https://" + addr + "/_soclab/health"); err == nil || !strings.Contains(err.Error(), "certificate is not valid for any names, but wanted to match evil.example") {
		t.Errorf("leaf for an unserved name: err = %v", err)
	}
}
