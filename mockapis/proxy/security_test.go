package proxy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestProxyForwardsNowhere sends CONNECT to IP literals (v4, v6, mapped, numeric forms), to
// served hosts on other ports, and forward-proxy requests to served and loopback hosts whose
// port has a real listener: every one is refused with 403 and the listener sees nothing.
func TestProxyForwardsNowhere(t *testing.T) {
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
	_, tport, _ := net.SplitHostPort(target.Addr().String())
	connects := []string{
		"127.0.0.1:443", "127.0.0.1:" + tport, "[::1]:443", "[::ffff:127.0.0.1]:" + tport, "2130706433:443", "0x7f000001:443",
		"localhost:" + tport, "localhost:443", "20.190.151.68:443",
		"management.azure.com:" + tport, "management.azure.com:8443", "management.azure.com:0443",
		"login.microsoftonline.com:80", "management.azure.com.evil.com:443", "graph.microsoft.com:443",
	}
	for _, dest := range connects {
		status, body := rawRequest(t, f.addr, fmt.Sprintf("CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n", dest, dest))
		if status != http.StatusForbidden || !strings.Contains(body, "refusing CONNECT to "+dest) {
			t.Errorf("CONNECT %s = %d %q, want 403 refusing", dest, status, body)
		}
	}
	forwards := []string{
		"http://management.azure.com/subscriptions",
		"http://management.azure.com:" + tport + "/subscriptions",
		"http://example.com/_soclab/credentials",
		"https://login.microsoftonline.com/common/oauth2/v2.0/token",
	}
	for _, u := range forwards {
		status, body := rawRequest(t, f.addr, fmt.Sprintf("GET %s HTTP/1.1\r\nHost: x\r\n\r\n", u))
		if status != http.StatusForbidden || !strings.Contains(body, "refusing to forward GET") {
			t.Errorf("GET %s = %d %q, want 403 refusing to forward", u, status, body)
		}
	}
	// An absolute URL naming this machine is answered locally (the control endpoints), never
	// forwarded to the port it names.
	status, body := rawRequest(t, f.addr, "GET http://127.0.0.1:"+tport+"/_soclab/health HTTP/1.1\r\nHost: 127.0.0.1:"+tport+"\r\n\r\n")
	if status != http.StatusOK || body != "control GET /_soclab/health tls=false" {
		t.Errorf("absolute loopback URL = %d %q, want the local control handler", status, body)
	}
	time.Sleep(50 * time.Millisecond)
	if n := accepted.Load(); n != 0 {
		t.Fatalf("the proxy connected to the listener %d times", n)
	}
}

// rawRequest writes raw to a new connection to addr and returns the answer.
func rawRequest(t *testing.T, addr, raw string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
