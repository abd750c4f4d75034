package protocol

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestAppendReadAll(t *testing.T) {
	errBoom := errors.New("boom")
	long := strings.Repeat("skirmish", 1000) // 8000 bytes: several growths
	tests := []struct {
		name    string
		buf     []byte
		r       io.Reader
		want    string
		wantErr error
		reuse   bool // the result must share buf's backing array
	}{
		{name: "empty reader, nil buf", r: strings.NewReader("")},
		{name: "empty reader keeps capacity", buf: make([]byte, 3, 16), r: strings.NewReader(""), reuse: true},
		{name: "nil buf grows", r: strings.NewReader("hello"), want: "hello"},
		{name: "old contents are dropped", buf: []byte("stale stale"), r: strings.NewReader("new"), want: "new", reuse: true},
		// Filling the buffer exactly grows it: only a further read sees EOF.
		{name: "fits exactly", buf: make([]byte, 0, 5), r: strings.NewReader("12345"), want: "12345"},
		{name: "one byte at a time", buf: make([]byte, 0, 2), r: iotest.OneByteReader(strings.NewReader("abcdef")), want: "abcdef"},
		{name: "data with EOF", buf: make([]byte, 0, 64), r: iotest.DataErrReader(strings.NewReader("xyz")), want: "xyz", reuse: true},
		{name: "long", r: strings.NewReader(long), want: long},
		{name: "long into a big buffer", buf: make([]byte, 0, 8192), r: iotest.HalfReader(strings.NewReader(long)), want: long, reuse: true},
		{name: "error after data", buf: make([]byte, 0, 64), r: io.MultiReader(strings.NewReader("part"), iotest.ErrReader(errBoom)), want: "part", wantErr: errBoom},
		{name: "wrapped EOF is the end", r: io.MultiReader(strings.NewReader("ok"), iotest.ErrReader(wrappedEOF{})), want: "ok"},
		{name: "unexpected EOF is an error", r: iotest.ErrReader(io.ErrUnexpectedEOF), wantErr: io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AppendReadAll(tt.buf, tt.r)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if string(got) != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if tt.reuse && (cap(got) != cap(tt.buf) || (cap(got) > 0 && &got[:1][0] != &tt.buf[:1][0])) {
				t.Fatalf("buffer not reused: cap %d, was %d", cap(got), cap(tt.buf))
			}
		})
	}
}

// wrappedEOF is an error that wraps io.EOF, as some readers return.
type wrappedEOF struct{}

func (wrappedEOF) Error() string { return "end: EOF" }
func (wrappedEOF) Unwrap() error { return io.EOF }

func BenchmarkAppendReadAll(b *testing.B) {
	msg := bytes.Repeat([]byte{0x97}, 1400) // about a full arena snapshot
	var r bytes.Reader
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		r.Reset(msg)
		var err error
		if buf, err = AppendReadAll(buf, &r); err != nil {
			b.Fatal(err)
		}
	}
}
