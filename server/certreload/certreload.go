// Package certreload serves a TLS certificate from a pair of PEM files and
// picks up a new pair when the files change (a renewal by certbot or
// cert-manager), without a restart: the files' modification times and
// sizes are checked at most every few seconds, on a handshake. A new pair
// that does not load (half written, mismatched) leaves the old one in
// service and is logged.
package certreload

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Options configures a Reloader. Zero fields take the defaults.
type Options struct {
	// CheckEvery is the most often the files are looked at. Default 2s.
	CheckEvery time.Duration
	// Logger receives reloads and failed loads. Default slog.Default().
	Logger *slog.Logger
}

// Reloader holds the certificate of a pair of files.
type Reloader struct {
	certFile, keyFile string
	opts              Options

	mu      sync.Mutex
	cert    *tls.Certificate
	stamp   [2]fileStamp // of the pair in service
	checked time.Time
}

// fileStamp is what tells that a file changed.
type fileStamp struct {
	mod  time.Time
	size int64
}

// New loads the pair, failing when it does not load.
func New(certFile, keyFile string, opts Options) (*Reloader, error) {
	if opts.CheckEvery <= 0 {
		opts.CheckEvery = 2 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	r := &Reloader{certFile: certFile, keyFile: keyFile, opts: opts}
	stamp, err := r.stamps()
	if err != nil {
		return nil, err
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("certreload: %w", err)
	}
	r.cert, r.stamp, r.checked = &cert, stamp, time.Now()
	return r, nil
}

// TLSConfig is a server configuration that serves the pair: HTTP/1.1
// only, since WebSocket upgrades need it.
func (r *Reloader) TLSConfig() *tls.Config {
	return &tls.Config{GetCertificate: r.GetCertificate, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
}

// GetCertificate is tls.Config.GetCertificate: the pair in service,
// reloaded first if the files changed.
func (r *Reloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if now := time.Now(); now.Sub(r.checked) >= r.opts.CheckEvery {
		r.checked = now
		r.reload()
	}
	return r.cert, nil
}

// reload loads the pair if the files changed since the one in service.
func (r *Reloader) reload() {
	stamp, err := r.stamps()
	if err != nil {
		r.opts.Logger.Error("TLS certificate: keeping the one in service", "err", err)
		return
	}
	if stamp == r.stamp {
		return
	}
	cert, err := tls.LoadX509KeyPair(r.certFile, r.keyFile)
	if err != nil {
		// Retried on the next check: the files may be half written.
		r.opts.Logger.Error("TLS certificate changed but does not load: keeping the one in service", "cert", r.certFile, "key", r.keyFile, "err", err)
		return
	}
	r.cert, r.stamp = &cert, stamp
	r.opts.Logger.Info("TLS certificate reloaded", "cert", r.certFile)
}

func (r *Reloader) stamps() ([2]fileStamp, error) {
	var s [2]fileStamp
	for i, f := range []string{r.certFile, r.keyFile} {
		fi, err := os.Stat(f)
		if err != nil {
			return s, fmt.Errorf("certreload: %w", err)
		}
		s[i] = fileStamp{mod: fi.ModTime(), size: fi.Size()}
	}
	return s, nil
}
