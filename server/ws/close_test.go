package ws

import (
	"io"
	"log/slog"
	"testing"

	"github.com/skirmishgg/skirmish/protocol"
)

// A close after the queue, on a session whose reliable queue is exactly
// full, is still carried out: its marker always fits.
func TestCloseAfterAFullQueueIsNotLost(t *testing.T) {
	h := New(nil, &Options{ReliableQueue: 4})
	s := newSession(h)
	for range 4 {
		s.Queue([]byte{1}) // 4 of 4: no overflow yet
	}
	s.Close(protocol.CloseReplaced, "replaced")
	msgs := s.reliable.drain(nil)
	marker := false
	for _, m := range msgs {
		if m == nil {
			marker = true
		}
	}
	t.Logf("queued %d, close marker queued: %v, stopWriting: %v, closing: %+v", len(msgs), marker, s.stopWriting(), *s.closing.Load())
	if !marker && !s.stopWriting() {
		t.Fatal("close order recorded but never carried out: no marker in the queue, no handshake started")
	}
}

// A close that ends the connection now overrides a pending close after the
// queue, and only closes the server decides on its own count.
func TestCloseNowOverridesAPlannedClose(t *testing.T) {
	h := New(nil, &Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	s := newSession(h)
	s.Close(protocol.CloseNormal, "match over")
	if s.stopWriting() {
		t.Fatal("a planned close stopped writing before the queue was out")
	}
	s.close(protocol.CloseInvalidPayload, "bad input", noFrame)
	if o := s.closing.Load(); o.code != protocol.CloseInvalidPayload || !s.stopWriting() || !s.ended() {
		t.Fatalf("after the immediate close: order %+v, stopWriting %v, ended %v", o, s.stopWriting(), s.ended())
	}
}
