package proxy

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/soclab/soclab/mockapis/tlsca"
)

// ControlPrefix is the path prefix of control requests on the proxy port.
const ControlPrefix = "/_soclab/"

// Config is what the proxy serves.
type Config struct {
	// Hosts maps each served host name (lower-case, without port) to its handler.
	Hosts map[string]http.Handler
	// Control serves plain-HTTP requests under ControlPrefix.
	Control http.Handler
	// Portal, when set, serves every other plain-HTTP request on the port (the web portal at
	// http://127.0.0.1:PORT/); without it those get a hint to use the port as a proxy.
	Portal http.Handler
	// CA mints the leaf certificates for the served host names.
	CA *tlsca.CA
	// DirectHost is the host a direct HTTPS connection without SNI (or with an IP) is routed to
	// when its Host header names no served host; empty means management.azure.com.
	DirectHost string
	// ErrorLog receives connection-level errors; nil discards them.
	ErrorLog *log.Logger
	// TLSOnPort also answers TLS on the proxy port (a classroom server): control requests and
	// the sign-in page from other machines arrive over HTTPS, with a lab leaf for the address
	// the client connected to (or PublicName).
	TLSOnPort bool
	// PublicName is a DNS name of this server that TLS on the port also mints a leaf for.
	PublicName string
}

// Proxy is the front door. Create it with New, then call Serve (and optionally ServeDirectTLS)
// and finally Shutdown.
type Proxy struct {
	hosts      map[string]http.Handler
	control    http.Handler
	portal     http.Handler
	ca         *tlsca.CA
	directHost string
	errorLog   *log.Logger
	tlsOnPort  bool
	publicName string

	outer   *http.Server // the proxy port: CONNECT and control requests
	inner   *http.Server // decrypted requests from every tunnel and the direct listener
	tunnels *connListener

	mu        sync.Mutex
	listeners []net.Listener // direct HTTPS listeners, closed on Shutdown
}

// New builds a proxy and starts its inner server.
func New(cfg Config) *Proxy {
	errorLog := cfg.ErrorLog
	if errorLog == nil {
		errorLog = log.New(io.Discard, "", 0)
	}
	p := &Proxy{hosts: map[string]http.Handler{}, control: cfg.Control, portal: cfg.Portal, ca: cfg.CA, directHost: cfg.DirectHost, errorLog: errorLog,
		tlsOnPort: cfg.TLSOnPort, publicName: strings.ToLower(cfg.PublicName)}
	for h, handler := range cfg.Hosts {
		p.hosts[strings.ToLower(h)] = handler
	}
	if p.directHost == "" {
		p.directHost = "management.azure.com"
	}
	if p.control == nil {
		p.control = http.NotFoundHandler()
	}
	p.tunnels = newConnListener()
	p.outer = &http.Server{Handler: http.HandlerFunc(p.serveProxyPort), ReadHeaderTimeout: 10 * time.Second, ErrorLog: errorLog}
	p.inner = &http.Server{Handler: http.HandlerFunc(p.serveDecrypted), ReadHeaderTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute, ErrorLog: errorLog}
	go p.inner.Serve(p.tunnels)
	return p
}

// Hosts returns the served host names, sorted.
func (p *Proxy) Hosts() []string {
	out := make([]string, 0, len(p.hosts))
	for h := range p.hosts {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

// Serve answers proxy and control requests on l until Shutdown.
func (p *Proxy) Serve(l net.Listener) error {
	if p.tlsOnPort {
		l = newSniffListener(l, p.portTLSConfig)
	}
	err := p.outer.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// ServeDirectTLS accepts TLS connections on l (no proxy in between) and serves them like
// tunnels; the SNI name picks the leaf certificate. It returns when l is closed.
func (p *Proxy) ServeDirectTLS(l net.Listener) error {
	p.mu.Lock()
	p.listeners = append(p.listeners, l)
	p.mu.Unlock()
	for {
		c, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return fmt.Errorf("direct HTTPS listener: %w", err)
		}
		if !p.tunnels.push(tls.Server(withQuickAck(c), p.tlsConfig(p.directHost))) {
			c.Close()
			return nil
		}
	}
}

// Shutdown stops accepting, waits for in-flight requests (until ctx ends) and closes every
// connection.
func (p *Proxy) Shutdown(ctx context.Context) error {
	p.mu.Lock()
	for _, l := range p.listeners {
		l.Close()
	}
	p.mu.Unlock()
	err := p.outer.Shutdown(ctx)
	p.tunnels.Close()
	if ierr := p.inner.Shutdown(ctx); err == nil {
		err = ierr
	}
	return err
}

// tlsConfig answers every TLS hello with the leaf of a served host: the SNI name when it is
// one, else fallbackHost. Leaves are never minted for names the lab does not serve.
func (p *Proxy) tlsConfig(fallbackHost string) *tls.Config {
	return &tls.Config{
		GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			name := strings.ToLower(strings.TrimSuffix(hello.ServerName, "."))
			if _, ok := p.hosts[name]; !ok {
				name = fallbackHost
			}
			return p.ca.Leaf(name)
		},
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"},
	}
}

// serveProxyPort handles what arrives on the proxy port in plain HTTP.
func (p *Proxy) serveProxyPort(w http.ResponseWriter, r *http.Request) {
	defer p.recoverPanic(w, r)
	switch {
	case r.Method == http.MethodConnect:
		p.connect(w, r)
	case r.URL.IsAbs() && !isLoopbackHost(r.URL.Hostname()):
		// An absolute URL is a forward-proxy request; the lab forwards nothing.
		refuse(w, fmt.Sprintf("soclab: refusing to forward %s %s: the lab answers HTTPS (CONNECT) for its own host names only and is not an open proxy\n", r.Method, r.URL.Redacted()))
	case strings.HasPrefix(r.URL.Path, ControlPrefix):
		p.control.ServeHTTP(w, r)
	case p.portal != nil:
		p.portal.ServeHTTP(w, r)
	default:
		http.Error(w, "soclab: this is the lab's proxy port. Point HTTPS_PROXY here (see `soclab env`); control requests live under "+ControlPrefix, http.StatusNotFound)
	}
}

// connect opens a TLS-terminating tunnel for a served host name, or refuses.
func (p *Proxy) connect(w http.ResponseWriter, r *http.Request) {
	host, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		host, port = r.Host, "443"
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if _, ok := p.hosts[host]; !ok || port != "443" {
		refuse(w, fmt.Sprintf("soclab: refusing CONNECT to %s: the lab serves only %s on port 443, and it is not an open proxy\n", r.Host, strings.Join(p.Hosts(), ", ")))
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "soclab: connection cannot be hijacked", http.StatusInternalServerError)
		return
	}
	conn, brw, err := hj.Hijack()
	if err != nil {
		p.errorLog.Printf("soclab proxy: hijack CONNECT %s: %v", r.Host, err)
		return
	}
	if _, err := io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		conn.Close()
		return
	}
	c := withQuickAck(conn)
	if brw.Reader.Buffered() > 0 { // the client sent its TLS hello without waiting for our 200
		c = &prereadConn{Conn: c, r: brw.Reader}
	}
	if !p.tunnels.push(tls.Server(c, p.tlsConfig(host))) {
		conn.Close()
	}
}

// serveDecrypted routes a request from inside a tunnel (or the direct listener) by Host.
func (p *Proxy) serveDecrypted(w http.ResponseWriter, r *http.Request) {
	defer p.recoverPanic(w, r)
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	handler, ok := p.hosts[host]
	if !ok && r.TLS != nil && r.TLS.ServerName != "" {
		handler, ok = p.hosts[strings.ToLower(r.TLS.ServerName)]
	}
	if !ok && isLoopbackHost(host) {
		handler, ok = p.hosts[p.directHost]
	}
	if !ok {
		http.Error(w, fmt.Sprintf("soclab: no mock service for host %q; the lab serves %s", r.Host, strings.Join(p.Hosts(), ", ")), http.StatusMisdirectedRequest)
		return
	}
	handler.ServeHTTP(w, r)
}

// recoverPanic is the proxy's own panic guard (the services have theirs, which answer in
// their envelopes): it logs the panic with its stack to the error log and answers 500 in
// plain text, so a bug costs one request and shows in the server's log.
func (p *Proxy) recoverPanic(w http.ResponseWriter, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
		panic(v)
	}
	p.errorLog.Printf("soclab proxy: panic serving %s %s%s: %v\n%s", r.Method, r.Host, r.URL.RequestURI(), v, debug.Stack())
	http.Error(w, "soclab proxy: internal error (see the server's log)", http.StatusInternalServerError)
}

func refuse(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Connection", "close")
	w.WriteHeader(http.StatusForbidden)
	io.WriteString(w, msg)
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// prereadConn replays bytes the HTTP server had already buffered before the hijack.
type prereadConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *prereadConn) Read(b []byte) (int, error) { return c.r.Read(b) }
