package netlimit

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// serveCapped serves "ok" over a capped loopback listener.
func serveCapped(t *testing.T, opts Options) (*Listener, string) {
	t.Helper()
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := NewListener(raw, opts)
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return ln, raw.Addr().String()
}

func dialFrom(t *testing.T, ip, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// get sends a request on c and returns the status and body.
func get(t *testing.T, c net.Conn) (int, string) {
	t.Helper()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("response: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestListenerCaps(t *testing.T) {
	for _, tc := range []struct {
		name        string
		opts        Options
		held        map[string]int // connections held open, by source IP
		from        string
		wantStatus  int
		wantBody    string
		wantRefused string // the counter that moved
	}{
		{"under the caps", Options{MaxConns: 4, MaxConnsPerIP: 2}, map[string]int{"127.0.0.2": 1}, "127.0.0.2", 200, "ok", ""},
		{"per-IP cap", Options{MaxConns: 10, MaxConnsPerIP: 2}, map[string]int{"127.0.0.2": 2}, "127.0.0.2", 503, "too many connections from your address", ReasonPerIP},
		{"per-IP cap spares others", Options{MaxConns: 10, MaxConnsPerIP: 2}, map[string]int{"127.0.0.2": 2}, "127.0.0.3", 200, "ok", ""},
		{"global cap", Options{MaxConns: 3, MaxConnsPerIP: 2}, map[string]int{"127.0.0.2": 2, "127.0.0.3": 1}, "127.0.0.4", 503, "server full", ReasonServerFull},
		{"no caps", Options{}, map[string]int{"127.0.0.2": 50}, "127.0.0.2", 200, "ok", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			tc.opts.Registry = reg
			ln, addr := serveCapped(t, tc.opts)
			n := 0
			for ip, k := range tc.held {
				for range k {
					dialFrom(t, ip, addr)
					n++
				}
			}
			waitOpen(t, ln, n)
			code, body := get(t, dialFrom(t, tc.from, addr))
			if code != tc.wantStatus || !strings.Contains(body, tc.wantBody) {
				t.Fatalf("%d %q, want %d %q", code, body, tc.wantStatus, tc.wantBody)
			}
			for _, r := range []string{ReasonPerIP, ReasonServerFull} {
				want := 0.0
				if r == tc.wantRefused {
					want = 1
				}
				var m dto.Metric
				ln.metrics.refused.WithLabelValues(r).Write(&m)
				if got := m.GetCounter().GetValue(); got != want {
					t.Errorf("refused{%s} = %v, want %v", r, got, want)
				}
			}
		})
	}
}

// TestListenerReleases: a closed connection frees its place, once.
func TestListenerReleases(t *testing.T) {
	ln, addr := serveCapped(t, Options{MaxConns: 1})
	c := dialFrom(t, "127.0.0.2", addr)
	if code, _ := get(t, c); code != 200 {
		t.Fatalf("first: %d", code)
	}
	if code, _ := get(t, dialFrom(t, "127.0.0.3", addr)); code != 503 {
		t.Fatalf("second while the first is open: %d, want 503", code)
	}
	c.Close()
	waitOpen(t, ln, 0)
	if code, _ := get(t, dialFrom(t, "127.0.0.3", addr)); code != 200 {
		t.Fatalf("after the first closed: %d, want 200", code)
	}
}

func waitOpen(t *testing.T, ln *Listener, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for ln.Open() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections open, want %d", ln.Open(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestSourceIP(t *testing.T) {
	for _, tc := range []struct{ addr, want string }{
		{"127.0.0.2:5000", "127.0.0.2"},
		{"[::ffff:10.1.2.3]:5000", "10.1.2.3"},
		{"[2001:db8:1:2:aaaa::1]:5000", "2001:db8:1:2::"},
		{"[2001:db8:1:2:bbbb::9]:443", "2001:db8:1:2::"},
		{"[2001:db8:1:3::1]:443", "2001:db8:1:3::"},
	} {
		a, err := net.ResolveTCPAddr("tcp", tc.addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := sourceIP(a).String(); got != tc.want {
			t.Errorf("sourceIP(%s) = %s, want %s", tc.addr, got, tc.want)
		}
	}
}

func TestDefaultMaxConns(t *testing.T) {
	for _, tc := range []struct {
		limit uint64
		want  int
	}{
		{0, 0},
		{1024, 1024*8/10 - fdReserve},
		{65536, 65536*8/10 - fdReserve},
		{100, 1},
		{1 << 40, 0},
	} {
		if got := DefaultMaxConns(tc.limit); got != tc.want {
			t.Errorf("DefaultMaxConns(%d) = %d, want %d", tc.limit, got, tc.want)
		}
	}
}

// TestRefusalOverTLS: a TLS client past a cap reads its 503 over TLS.
func TestRefusalOverTLS(t *testing.T) {
	cert, err := tls.X509KeyPair(selfSigned())
	if err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := NewListener(raw, Options{MaxConnsPerIP: 1, TLS: cfg})
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })}
	go hs.Serve(tls.NewListener(ln, cfg))
	t.Cleanup(func() { hs.Close() })
	addr := raw.Addr().String()
	client := func() *http.Client {
		return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // the test's own certificate
		}}
	}
	first := client()
	if resp, err := first.Get("https://" + addr); err != nil || resp.StatusCode != 200 {
		t.Fatalf("first: %v %v", resp, err)
	}
	waitOpen(t, ln, 1) // first keeps its connection alive
	resp, err := client().Get("https://" + addr)
	if err != nil {
		t.Fatalf("second: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 503 || !strings.Contains(string(b), "too many connections from your address") {
		t.Fatalf("second: %d %q, want 503", resp.StatusCode, b)
	}
}

// selfSigned is a certificate and key for 127.0.0.1 (the test skips
// verification).
func selfSigned() ([]byte, []byte) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	kder, _ := x509.MarshalECPrivateKey(key)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}
