package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"
)

// healthBody is what /health answers: small, fast, and it says which release runs.
type healthBody struct {
	Status  string `json:"status"`
	Version string `json:"version"`
}

func newMux(cfg Config) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, healthBody{Status: "ok", Version: cfg.Version})
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"service": "webservice", "version": cfg.Version})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// serve runs HTTPS on cfg.Port until ctx ends (SIGTERM), then shuts down
// gracefully: the listener closes at once, in-flight requests get up to
// cfg.ShutdownTimeout to finish.
func serve(ctx context.Context, cfg Config, logger *slog.Logger, handler http.Handler) error {
	ln, err := net.Listen("tcp", listenAddr(cfg))
	if err != nil {
		return fmt.Errorf("listen on %s: %w", listenAddr(cfg), err)
	}
	return serveOn(ctx, ln, cfg, logger, handler)
}

// listenAddr is host:port; an empty LISTEN_HOST listens on every interface.
func listenAddr(cfg Config) string {
	return net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
}

func serveOn(ctx context.Context, ln net.Listener, cfg Config, logger *slog.Logger, handler http.Handler) error {
	cert, err := loadCertificate(cfg)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second, // longer than the ALB's 60 s, as AWS advises
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()
	logger.Info("serving", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down: draining in-flight requests", "timeout", cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	logger.Info("stopped cleanly")
	return nil
}
