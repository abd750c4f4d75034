package certreload_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/server/certreload"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// TestReload: a new pair is served after the check interval; a pair
// that does not load (a garbage key, a key of another certificate) keeps
// the old one in service; a later good pair is picked up.
func TestReload(t *testing.T) {
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	servertest.WriteSelfSigned(t, cert, key, 1)
	r, err := certreload.New(cert, key, certreload.Options{CheckEvery: time.Nanosecond, Logger: servertest.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	serial := func() int64 {
		c, err := r.GetCertificate(nil)
		if err != nil {
			t.Fatal(err)
		}
		return c.Leaf.SerialNumber.Int64()
	}
	otherDir := t.TempDir()
	otherKey := filepath.Join(otherDir, "key.pem")
	servertest.WriteSelfSigned(t, filepath.Join(otherDir, "cert.pem"), otherKey, 9)
	mismatched, _ := os.ReadFile(otherKey)

	for _, step := range []struct {
		name   string
		change func()
		want   int64
	}{
		{"unchanged", func() {}, 1},
		{"renewed", func() { servertest.WriteSelfSigned(t, cert, key, 2) }, 2},
		{"garbage key", func() { os.WriteFile(key, []byte("not a key"), 0o600) }, 2},
		{"key of another certificate", func() { os.WriteFile(key, mismatched, 0o600) }, 2},
		{"files gone", func() { os.Remove(cert) }, 2},
		{"renewed again", func() { servertest.WriteSelfSigned(t, cert, key, 3) }, 3},
	} {
		step.change()
		if got := serial(); got != step.want {
			t.Fatalf("%s: serial %d served, want %d", step.name, got, step.want)
		}
	}
}

func TestNewRefusesBadPair(t *testing.T) {
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	for _, tc := range []struct {
		name  string
		write func()
	}{
		{"missing", func() {}},
		{"garbage", func() { os.WriteFile(cert, []byte("x"), 0o644); os.WriteFile(key, []byte("y"), 0o600) }},
	} {
		tc.write()
		if _, err := certreload.New(cert, key, certreload.Options{}); err == nil {
			t.Errorf("%s: New accepted it", tc.name)
		}
	}
}
