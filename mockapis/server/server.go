package server

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/soclab/soclab/internal/privatefile"
	"github.com/soclab/soclab/mockapis/aad"
	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/mockapis/controlauth"
	"github.com/soclab/soclab/mockapis/internal/atomicfile"
	"github.com/soclab/soclab/mockapis/proxy"
	"github.com/soclab/soclab/mockapis/tlsca"
	"github.com/soclab/soclab/simulator"
)

// DefaultAddr is the proxy port `soclab serve` listens on unless told otherwise.
const DefaultAddr = "127.0.0.1:8443"

// Files the server writes into the state folder besides the CA, key and state.db.
const (
	AccessLogFile  = "access.log"
	PyPreloadDir   = "pypreload"
	AzureConfigDir = "azure"
)

// shutdownGrace bounds how long in-flight requests may finish after SIGINT/SIGTERM.
const shutdownGrace = 10 * time.Second

// Config says where and how the server runs.
type Config struct {
	// StateDir holds state.db, the CA, the signing key and server.json.
	StateDir string
	// Addr is the proxy/control port ("127.0.0.1:0" picks a free port).
	Addr string
	// DirectAddr, when set, is an extra HTTPS listener for clients that cannot use a proxy.
	DirectAddr string
	// AllowRemote permits non-loopback addresses (a classroom server).
	AllowRemote bool
	// AccessLog appends one line per request to <state>/access.log.
	AccessLog bool
	// Version is reported by /_soclab/health.
	Version string
	// Services builds the mock APIs from the world; zero fields get a placeholder.
	Services Services
	// Ready, if set, is called once the server listens and server.json is written.
	Ready func(Info)
	// Log receives start/stop messages; nil discards them.
	Log io.Writer
}

// Services are the handlers built by other packages (arm, control), injected so that this
// package wires them without depending on their internals.
type Services struct {
	// ARM serves management.azure.com.
	ARM func(w *simulator.World, v auth.Verifier) http.Handler
	// Control serves the /_soclab/ endpoints this package does not own (tenants, clock, reset).
	Control func(w *simulator.World) http.Handler
	// LogAnalytics serves api.loganalytics.io and api.loganalytics.azure.com.
	LogAnalytics func(w *simulator.World, v auth.Verifier) http.Handler
	// Graph serves graph.microsoft.com.
	Graph func(w *simulator.World, v auth.Verifier) http.Handler
	// Defender serves api.security.microsoft.com.
	Defender func(w *simulator.World, v auth.Verifier) http.Handler
	// Portal serves the web portal: security.microsoft.com through the proxy and every
	// plain-HTTP path of the port outside /_soclab/ (one handler for both).
	Portal func(w *simulator.World) http.Handler
}

// Run serves until ctx is cancelled, then shuts down gracefully and removes server.json.
func Run(ctx context.Context, cfg Config) error {
	logw := cfg.Log
	if logw == nil {
		logw = io.Discard
	}
	if err := checkAddr(cfg.Addr, cfg.AllowRemote); err != nil {
		return err
	}
	if cfg.DirectAddr != "" {
		if err := checkAddr(cfg.DirectAddr, cfg.AllowRemote); err != nil {
			return err
		}
	}
	if err := checkNotRunning(cfg.StateDir); err != nil {
		return err
	}
	if err := PrepareStateDir(cfg.StateDir); err != nil {
		return err
	}
	ca, err := tlsca.LoadOrCreate(cfg.StateDir)
	if err != nil {
		return err
	}
	if err := ca.WriteBundle(filepath.Join(cfg.StateDir, tlsca.BundleFile), tlsca.SystemRoots); err != nil {
		return err
	}
	keys, err := aad.LoadOrCreateKeys(cfg.StateDir)
	if err != nil {
		return err
	}
	world, err := simulator.Open(cfg.StateDir, simulator.Options{})
	if err != nil {
		return err
	}
	defer world.Close()

	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	var dl net.Listener
	if cfg.DirectAddr != "" {
		if dl, err = net.Listen("tcp", cfg.DirectAddr); err != nil {
			l.Close()
			return fmt.Errorf("listen on %s (direct HTTPS): %w", cfg.DirectAddr, err)
		}
	}
	started := time.Now()
	info := newInfo(l.Addr().String(), "", started)
	if dl != nil {
		info.DirectAddr = dl.Addr().String()
	}
	var remote []string
	if cfg.AllowRemote {
		remote = remoteHosts(l.Addr(), net.InterfaceAddrs)
		if len(remote) > 0 {
			_, port, _ := net.SplitHostPort(l.Addr().String())
			info.RemoteURL = httpsURL(remote[0], port)
		}
	}
	tokens, err := openTokens(cfg.StateDir, world)
	if err != nil {
		l.Close()
		return err
	}

	var alog *accessLog
	if cfg.AccessLog {
		if alog, err = openAccessLog(filepath.Join(cfg.StateDir, AccessLogFile)); err != nil {
			l.Close()
			return err
		}
		defer alog.Close()
	}
	deviceLogin := info.ControlURL() + "devicelogin"
	if info.RemoteURL != "" {
		deviceLogin = info.RemoteURL + "/_soclab/devicelogin"
	}
	login := aad.NewHandler(aad.Config{Directory: worldDirectory{world}, Keys: keys, DeviceLoginURL: deviceLogin})
	verifier := aad.NewVerifier(keys, nil)
	var extra http.Handler
	if cfg.Services.Control != nil {
		extra = cfg.Services.Control(world)
	}
	errorLog := log.New(logw, "soclab: ", log.LstdFlags)
	hosts := guardAll(buildHosts(world, login, verifier, cfg.Services), errorLog)
	var portal http.Handler // nil without a portal: the port then answers with its hint
	if h, ok := hosts[HostPortal]; ok {
		portal = alog.wrap(h)
	}
	p := proxy.New(proxy.Config{
		Hosts:     alog.wrapAll(hosts),
		Control:   alog.wrap(guard(limitBody(newControl(world, login, info, cfg.Version, extra, tokens, ca.CertPEM()), serviceBodyLimit, controlErrorWriter), controlErrorWriter, errorLog)),
		Portal:    portal,
		CA:        ca,
		ErrorLog:  errorLog,
		TLSOnPort: cfg.AllowRemote,
	})
	errc := make(chan error, 2)
	go func() { errc <- p.Serve(l) }()
	if dl != nil {
		go func() { errc <- p.ServeDirectTLS(dl) }()
	}
	if err = writeInfo(cfg.StateDir, info); err == nil {
		defer removeInfo(cfg.StateDir, info.PID)
		fmt.Fprintf(logw, "soclab: serving the lab on %s (state %s); run `eval \"$(soclab env --state %s)\"` in your shell\n", info.Addr, cfg.StateDir, cfg.StateDir)
		fmt.Fprintf(logw, "soclab: the instructor's control token (acts on every tenant) is in %s\n", controlauth.InstructorPath(cfg.StateDir))
		if cfg.AllowRemote {
			_, port, _ := net.SplitHostPort(l.Addr().String())
			printRemote(logw, remote, port, caFingerprint(ca.Certificate()))
		}
		if cfg.Ready != nil {
			cfg.Ready(info)
		}
		select {
		case <-ctx.Done():
		case err = <-errc:
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if serr := p.Shutdown(sctx); err == nil && serr != nil {
		err = fmt.Errorf("shutdown: %w", serr)
	}
	fmt.Fprintln(logw, "soclab: stopped")
	return err
}

// openTokens loads the control tokens: the instructor's and every tenant's (created when missing).
func openTokens(stateDir string, world *simulator.World) (*controlauth.Tokens, error) {
	ts, err := world.Tenants()
	if err != nil {
		return nil, fmt.Errorf("list tenants for their control tokens: %w", err)
	}
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name
	}
	return controlauth.Open(stateDir, names)
}

// checkAddr refuses listening beyond loopback unless allowed.
func checkAddr(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q: %w (want HOST:PORT, e.g. %s)", addr, err, DefaultAddr)
	}
	if allowRemote {
		return nil
	}
	ip := net.ParseIP(host)
	if host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("address %q is not a loopback address: the lab serves only this machine unless you pass --allow-remote", addr)
}

// checkNotRunning refuses to start a second server on the same state.
func checkNotRunning(stateDir string) error {
	info, err := ReadInfo(stateDir)
	if err != nil {
		return nil // none, or unreadable: the state.db lock is the real guard
	}
	c := &http.Client{Timeout: time.Second}
	resp, err := c.Get(info.ControlURL() + "health")
	if err != nil {
		return nil // a stale file left by a killed server
	}
	resp.Body.Close()
	return fmt.Errorf("a soclab server already runs on %s (pid %d at %s)", stateDir, info.PID, info.Addr)
}

// sitecustomize works around Debian azure-cli 2.45's import race (Azure/azure-cli#25482):
// importing requests before az starts threads means the poller thread of
// `az monitor log-analytics workspace create` never sees a half-imported module.
const sitecustomize = `# Written by soclab (see docs/az-cli.md): Debian's azure-cli 2.45 crashes in long-running
# commands with "cannot import name '_basic_auth_str' from partially initialized module
# 'requests.auth'" (Azure/azure-cli#25482). Importing requests fully at start-up avoids it.
try:
    import requests  # noqa: F401
except Exception:
    pass
`

// PrepareStateDir creates the folders (0700) and helper files `soclab env` points at (also on
// a learner's machine, for a classroom server elsewhere). An existing folder keeps its mode
// (it may be one the user shares on purpose); every secret in it is a 0600 file.
func PrepareStateDir(stateDir string) error {
	for _, d := range []string{stateDir, filepath.Join(stateDir, AzureConfigDir), filepath.Join(stateDir, PyPreloadDir)} {
		if err := privatefile.MkdirAll(d); err != nil {
			return err
		}
	}
	return atomicfile.Write(filepath.Join(stateDir, PyPreloadDir, "sitecustomize.py"), []byte(sitecustomize), 0o644)
}
