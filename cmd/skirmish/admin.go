package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// adminServer serves operators on their own address: metrics and the
// profiler, which must never face players.
type adminServer struct {
	ln net.Listener
	hs *http.Server
}

func newAdminServer(addr string, app http.Handler, logger *slog.Logger) (*adminServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin address: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", app)
	mux.Handle("GET /healthz", app)
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	logger.Info("admin", "addr", ln.Addr().String())
	return &adminServer{ln: ln, hs: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}}, nil
}

func (a *adminServer) Serve() error {
	if err := a.hs.Serve(a.ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

func (a *adminServer) Close() error { return a.hs.Close() }
