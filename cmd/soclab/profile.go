package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/urfave/cli/v2"
)

// profileFlag is `soclab serve --pprof HOST:PORT`: the Go profiler's endpoints
// (/debug/pprof/...) on a separate loopback port, for measuring the server under load
// (bench/classload -pprof). Off by default.
func profileFlag() cli.Flag {
	return &cli.StringFlag{Name: "pprof", Usage: "serve Go's profiler (/debug/pprof/) on this loopback HOST:PORT (for load tests); off by default"}
}

// startProfiler serves the profiler on addr until ctx ends. addr must be a loopback
// address: profiles show request data.
func startProfiler(ctx context.Context, addr string, log io.Writer) error {
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--pprof %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("--pprof %q: only a loopback address is allowed", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/gc", serveGCMetrics)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	go srv.Serve(ln)
	fmt.Fprintf(log, "soclab: profiler on http://%s/debug/pprof/\n", ln.Addr())
	return nil
}
