package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/soclab/soclab/mockapis/server"
)

// Environment of a learner's shell on another machine than the server (`soclab env --server`
// exports them): the server's HTTPS URL, and the CA bundle that verifies it.
const (
	serverEnvVar   = "SOCLAB_SERVER"
	caBundleEnvVar = "REQUESTS_CA_BUNDLE"
)

// remoteLab is the classroom server at base (https://HOST:PORT), verified with the CA
// certificates in caFile, with the token of $SOCLAB_TOKEN. It never falls back to a state
// file: the lab is on another machine.
func remoteLab(base, caFile string, getenv func(string) string) (labServer, error) {
	u, err := url.Parse(strings.TrimSuffix(base, "/"))
	if err != nil || u.Scheme != "https" || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return labServer{}, fmt.Errorf("%s %q: want the classroom server's https://HOST:PORT that `soclab serve --allow-remote` printed", serverEnvVar, base)
	}
	if caFile == "" {
		return labServer{}, fmt.Errorf("the lab CA is needed to verify %s: pass --ca FILE (download it as `soclab serve --allow-remote` says and check its fingerprint)", base)
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return labServer{}, fmt.Errorf("read the lab CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return labServer{}, fmt.Errorf("%s holds no PEM certificate", caFile)
	}
	host := u.Host
	if _, _, err := net.SplitHostPort(host); err != nil {
		host = net.JoinHostPort(host, "443")
	}
	lab := labServer{Info: server.Info{Addr: host}, Token: strings.TrimSpace(getenv(tokenEnvVar)), base: "https://" + host + "/_soclab/", rootCAs: pool}
	if lab.Token == "" {
		return labServer{}, fmt.Errorf("set %s to your tenant's control token (the instructor gives it to you; `soclab tenant add` printed it)", tokenEnvVar)
	}
	resp, err := lab.client(labClient.Timeout).Get(lab.ControlURL() + "health")
	if err != nil {
		return labServer{}, fmt.Errorf("the classroom server %s does not answer: %w", base, err)
	}
	resp.Body.Close()
	return lab, nil
}

// ControlURL is the base URL of the control endpoints: the remote server's HTTPS URL, or the
// local server's loopback address.
func (l labServer) ControlURL() string {
	if l.base != "" {
		return l.base
	}
	return l.Info.ControlURL()
}

// client is an HTTP client for the lab's control endpoints with the given timeout: never
// through a proxy (the learner's shell points HTTPS_PROXY at the lab), verifying a remote
// server with the lab CA.
func (l labServer) client(timeout time.Duration) *http.Client {
	tr := &http.Transport{Proxy: nil}
	if l.rootCAs != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: l.rootCAs, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Timeout: timeout, Transport: tr}
}

// errRemoteEnv is returned for env flags that only make sense together.
var errRemoteEnv = errors.New("--ca needs --server (or $" + serverEnvVar + ")")
