package server

import (
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"strings"
)

// remoteHosts lists the addresses learners on other machines can reach a listener on: its
// own IP, or every non-loopback address of this machine when it listens on all of them. A
// loopback listener has none.
func remoteHosts(listen net.Addr, interfaceAddrs func() ([]net.Addr, error)) []string {
	host, _, err := net.SplitHostPort(listen.String())
	if err != nil {
		return nil
	}
	ip := net.ParseIP(host)
	switch {
	case ip == nil:
		return []string{host}
	case ip.IsLoopback():
		return nil
	case !ip.IsUnspecified():
		return []string{ip.String()}
	}
	addrs, err := interfaceAddrs()
	if err != nil {
		return nil
	}
	var out []string
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.IsLoopback() || n.IP.IsLinkLocalUnicast() || n.IP.IsMulticast() {
			continue
		}
		if ip.To4() != nil && n.IP.To4() == nil { // 0.0.0.0 listens on IPv4 only
			continue
		}
		out = append(out, n.IP.String())
	}
	return out
}

// httpsURL is the base URL of the port over HTTPS at host, e.g. "https://192.0.2.5:8443".
func httpsURL(host, port string) string { return "https://" + net.JoinHostPort(host, port) }

// caFingerprint is the SHA-256 fingerprint of the CA certificate as openssl prints it
// (`openssl x509 -noout -fingerprint -sha256`).
func caFingerprint(ca *x509.Certificate) string {
	sum := sha256.Sum256(ca.Raw)
	hexes := make([]string, len(sum))
	for i, b := range sum {
		hexes[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(hexes, ":")
}

// printRemote tells the instructor what learners on other machines use.
func printRemote(w io.Writer, hosts []string, port, fingerprint string) {
	if len(hosts) == 0 {
		fmt.Fprintln(w, "soclab: --allow-remote, but the port listens on loopback only: learners on other machines cannot reach it")
		return
	}
	base := httpsURL(hosts[0], port)
	fmt.Fprintf(w, "soclab: learners on other machines use %s (also: %s)\n", base, strings.Join(hosts, ", "))
	fmt.Fprintf(w, "  lab CA:       curl -fsSo soclab-ca.pem http://%s/_soclab/ca.pem  (check: openssl x509 -in soclab-ca.pem -noout -fingerprint -sha256 = %s)\n", net.JoinHostPort(hosts[0], port), fingerprint)
	fmt.Fprintf(w, "  az:           export HTTPS_PROXY=http://%s REQUESTS_CA_BUNDLE=$PWD/soclab-ca.pem\n", net.JoinHostPort(hosts[0], port))
	fmt.Fprintf(w, "  sign-in page: %s/_soclab/devicelogin (user name and password)\n", base)
	fmt.Fprintf(w, "  control:      %s/_soclab/... with 'Authorization: Bearer <the tenant's token from soclab tenant add>'\n", base)
	fmt.Fprintf(w, "  soclab:       eval \"$(SOCLAB_TOKEN=<token> soclab env --server %s --ca soclab-ca.pem --tenant <tenant>)\"\n", base)
}
