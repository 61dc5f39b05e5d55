package proxy

import (
	"bufio"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"sync"
	"time"
)

// tlsRecordHandshake is the first byte of every TLS connection (a handshake record).
const tlsRecordHandshake = 0x16

// sniffTimeout bounds how long a new connection may take to send its first byte.
const sniffTimeout = 10 * time.Second

// sniffListener serves plain HTTP and HTTPS on one port: it peeks at each connection's first
// byte and wraps TLS connections in tls.Server, so the outer http.Server sees *tls.Conn and
// sets Request.TLS. Peeking happens per connection, so a silent client holds up nobody.
type sniffListener struct {
	net.Listener
	config func(local net.Addr) *tls.Config
	conns  chan net.Conn
	errc   chan error
	done   chan struct{}
	once   sync.Once
}

func newSniffListener(l net.Listener, config func(local net.Addr) *tls.Config) *sniffListener {
	s := &sniffListener{Listener: l, config: config, conns: make(chan net.Conn), errc: make(chan error, 1), done: make(chan struct{})}
	go s.acceptLoop()
	return s
}

func (s *sniffListener) acceptLoop() {
	for {
		c, err := s.Listener.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			select {
			case s.errc <- err:
			case <-s.done:
			}
			return
		}
		go s.classify(c)
	}
}

// classify hands c on as plain or TLS after its first byte arrives.
func (s *sniffListener) classify(c net.Conn) {
	c.SetReadDeadline(time.Now().Add(sniffTimeout))
	// Tunnels through this port get TCP_QUICKACK as on the plain port (see quickAckConn).
	br := bufio.NewReader(withQuickAck(c))
	first, err := br.Peek(1)
	c.SetReadDeadline(time.Time{})
	if err != nil {
		c.Close()
		return
	}
	var out net.Conn = &prereadConn{Conn: c, r: br}
	if first[0] == tlsRecordHandshake {
		out = tls.Server(out, s.config(c.LocalAddr()))
	}
	select {
	case s.conns <- out:
	case <-s.done:
		c.Close()
	}
}

// Accept implements net.Listener.
func (s *sniffListener) Accept() (net.Conn, error) {
	select {
	case c := <-s.conns:
		return c, nil
	case err := <-s.errc:
		return nil, err
	case <-s.done:
		return nil, net.ErrClosed
	}
}

// Close implements net.Listener.
func (s *sniffListener) Close() error {
	s.once.Do(func() { close(s.done) })
	return s.Listener.Close()
}

// portTLSConfig answers TLS on the proxy port (the control endpoints and sign-in page for
// other machines, or an HTTPS proxy): with the leaf of a served host when the client names
// one, else with a leaf for the IP address the client connected to.
func (p *Proxy) portTLSConfig(local net.Addr) *tls.Config {
	ip := ""
	if host, _, err := net.SplitHostPort(local.String()); err == nil {
		ip = host
	}
	return &tls.Config{
		GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			name := strings.ToLower(strings.TrimSuffix(hello.ServerName, "."))
			if _, ok := p.hosts[name]; ok {
				return p.ca.Leaf(name)
			}
			if p.publicName != "" && name == p.publicName {
				return p.ca.Leaf(name)
			}
			return p.ca.Leaf(ip)
		},
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"},
	}
}
