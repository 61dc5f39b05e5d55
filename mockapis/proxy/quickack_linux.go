package proxy

import (
	"net"
	"syscall"
)

// quickAckConn re-arms TCP_QUICKACK after every read. Python's http.client sends a request's
// headers and body in two writes; when the client socket has Nagle's algorithm on, the body
// waits for the ACK of the headers, and Linux delays that ACK by ~40 ms. Acknowledging at once
// removes that delay from every POST/PUT az makes through a tunnel.
type quickAckConn struct {
	*net.TCPConn
	raw syscall.RawConn
}

func withQuickAck(c net.Conn) net.Conn {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return c
	}
	q := &quickAckConn{TCPConn: tc, raw: raw}
	q.arm()
	return q
}

func (c *quickAckConn) arm() {
	c.raw.Control(func(fd uintptr) {
		syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
	})
}

func (c *quickAckConn) Read(b []byte) (int, error) {
	n, err := c.TCPConn.Read(b)
	c.arm()
	return n, err
}
