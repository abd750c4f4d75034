//go:build js

package clientnet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"syscall/js"
	"time"

	"github.com/coder/websocket"
)

// workerSource is the Web Worker that runs a page's game socket. A page
// has one thread for its scripts and its frames: while a frame draws
// (tens of milliseconds on a slow machine, far more where the browser
// composites WebGL in software), a socket's messages wait, and a round
// trip measured on the page measures that wait. In a worker the socket
// is served at once: it stamps each message with the time it came in
// (performance.timeOrigin + performance.now(), a clock the page shares)
// and sends what the page posts at once. It sends only on an open socket,
// so the browser never logs a send on a closing one.
const workerSource = `"use strict";
let ws = null;
const now = () => performance.timeOrigin + performance.now();
const closed = (code, reason, clean) => { postMessage({ op: "close", code, reason, clean }); close(); };
onmessage = (e) => {
  const m = e.data;
  switch (m.op) {
  case "open":
    try { ws = new WebSocket(m.url); } catch (err) { closed(1006, String((err && err.message) || err), false); return; }
    ws.binaryType = "arraybuffer";
    ws.onopen = () => postMessage({ op: "open" });
    ws.onmessage = (ev) => {
      const at = now();
      if (typeof ev.data === "string") postMessage({ op: "text", data: ev.data, at });
      else postMessage({ op: "msg", data: ev.data, at }, [ev.data]);
    };
    ws.onclose = (ev) => closed(ev.code, ev.reason, ev.wasClean);
    break;
  case "send":
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(m.data);
    break;
  case "close":
    if (!ws) { closed(1005, "", true); return; }
    if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) {
      // A page may close with 1000 or 3000–4999 only.
      const code = m.code === 1000 || (m.code >= 3000 && m.code <= 4999) ? m.code : 1000;
      ws.close(code, m.reason);
    }
    break;
  }
};
`

// workerCloseWait bounds how long Close waits for the close handshake
// before it stops the worker, which drops the connection.
const workerCloseWait = 5 * time.Second

// workerSocket is a WebSocket run by a Web Worker (see workerSource),
// with the WebSocket library's semantics as the Conn uses them: a read
// after the close fails with net.ErrClosed (a page is not told the close
// frame's code; the server's Bye message says it), Close waits for the
// close handshake, CloseNow drops the connection.
type workerSocket struct {
	worker js.Value
	onMsg  js.Func
	perf   js.Value
	origin float64 // performance.timeOrigin, ms

	mu     sync.Mutex
	queue  []workerMessage
	signal chan struct{} // a message was queued; capacity 1
	opened chan struct{}
	closed chan struct{}
	once   sync.Once
	stop   sync.Once
	code   int // the close event's, once closed
	reason string

	limit atomic.Int64
	last  float64 // arrival of the message read last, ms since the epoch; reader-owned
}

type workerMessage struct {
	data []byte
	text bool
	at   float64
}

// errNoWorker: the page may not run the socket's worker (a Content
// Security Policy without blob: workers, say); the socket then runs on
// the page.
var errNoWorker = errors.New("clientnet: the socket's worker did not start")

// dialWorker opens url in a new worker and waits until it is open, the
// connection fails, or ctx is done. It fails with errNoWorker when the
// worker cannot start.
func dialWorker(ctx context.Context, url string) (_ *workerSocket, err error) {
	g := js.Global()
	s := &workerSocket{
		perf:   g.Get("performance"),
		signal: make(chan struct{}, 1),
		opened: make(chan struct{}),
		closed: make(chan struct{}),
	}
	s.origin = s.perf.Get("timeOrigin").Float()
	s.limit.Store(32768)
	failed := make(chan struct{})
	var onErr js.Func
	if err := startWorker(s, failed, &onErr); err != nil {
		return nil, fmt.Errorf("%w: %w", errNoWorker, err)
	}
	defer func() {
		s.worker.Set("onerror", js.Null()) // an error after the dial is the socket's close
		onErr.Release()
	}()
	s.post(map[string]any{"op": "open", "url": url})
	select {
	case <-s.opened:
		return s, nil
	case <-s.closed:
		s.terminate()
		return nil, fmt.Errorf("failed to WebSocket dial %q: %w", url, net.ErrClosed)
	case <-failed:
		s.terminate()
		return nil, errNoWorker
	case <-ctx.Done():
		s.terminate()
		return nil, ctx.Err()
	}
}

// startWorker starts s's worker from a blob: URL, closing failed if its
// script cannot run. A constructor that throws is an error.
func startWorker(s *workerSocket, failed chan struct{}, onErr *js.Func) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	g := js.Global()
	blob := g.Get("Blob").New([]any{workerSource}, map[string]any{"type": "text/javascript"})
	src := g.Get("URL").Call("createObjectURL", blob)
	s.onMsg = js.FuncOf(func(_ js.Value, args []js.Value) any {
		s.receive(args[0].Get("data"))
		return nil
	})
	var once sync.Once
	*onErr = js.FuncOf(func(js.Value, []js.Value) any {
		once.Do(func() { close(failed) })
		return nil
	})
	w := g.Get("Worker").New(src) // may throw: recovered above
	g.Get("URL").Call("revokeObjectURL", src)
	s.worker = w
	w.Set("onmessage", s.onMsg)
	w.Set("onerror", *onErr)
	return nil
}

// receive handles a message from the worker, on the page's thread.
func (s *workerSocket) receive(m js.Value) {
	switch m.Get("op").String() {
	case "open":
		close(s.opened)
	case "msg", "text":
		msg := workerMessage{at: m.Get("at").Float(), text: m.Get("op").String() == "text"}
		if msg.text {
			msg.data = []byte(m.Get("data").String())
		} else {
			u := js.Global().Get("Uint8Array").New(m.Get("data"))
			msg.data = make([]byte, u.Length())
			js.CopyBytesToGo(msg.data, u)
		}
		s.mu.Lock()
		s.queue = append(s.queue, msg)
		s.mu.Unlock()
		s.wake()
	case "close":
		s.mu.Lock()
		s.code, s.reason = m.Get("code").Int(), m.Get("reason").String()
		s.mu.Unlock()
		s.once.Do(func() { close(s.closed) })
		s.terminate()
	}
}

func (s *workerSocket) wake() {
	select {
	case s.signal <- struct{}{}:
	default:
	}
}

func (s *workerSocket) post(m map[string]any, transfer ...any) {
	s.worker.Call("postMessage", m, transfer)
}

// terminate stops the worker (dropping its connection if still open) and
// releases the callback.
func (s *workerSocket) terminate() {
	s.stop.Do(func() {
		s.once.Do(func() {
			s.mu.Lock()
			s.code = int(websocket.StatusAbnormalClosure)
			s.mu.Unlock()
			close(s.closed)
		})
		s.worker.Call("terminate")
		s.worker.Set("onmessage", js.Null())
		s.onMsg.Release()
	})
}

func (s *workerSocket) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

// Reader returns the next message, waiting for it until ctx is done.
// Messages that came before the close are still read; then it fails with
// net.ErrClosed.
func (s *workerSocket) Reader(ctx context.Context) (websocket.MessageType, io.Reader, error) {
	for {
		s.mu.Lock()
		if len(s.queue) > 0 {
			m := s.queue[0]
			s.queue[0] = workerMessage{}
			s.queue = s.queue[1:]
			s.mu.Unlock()
			s.last = m.at
			if n := s.limit.Load(); n >= 0 && int64(len(m.data)) > n {
				s.Close(websocket.StatusMessageTooBig, "message too big")
				return 0, nil, fmt.Errorf("failed to read: %w: read limited at %d bytes", websocket.ErrMessageTooBig, n)
			}
			typ := websocket.MessageBinary
			if m.text {
				typ = websocket.MessageText
			}
			return typ, bytes.NewReader(m.data), nil
		}
		s.mu.Unlock()
		if s.isClosed() {
			return 0, nil, fmt.Errorf("failed to read: %w", net.ErrClosed)
		}
		select {
		case <-ctx.Done():
			return 0, nil, ctx.Err()
		case <-s.signal:
		case <-s.closed:
		}
	}
}

// receivedAgo implements stampedSocket.
func (s *workerSocket) receivedAgo() time.Duration {
	ago := s.origin + s.perf.Call("now").Float() - s.last
	return max(time.Duration(ago*float64(time.Millisecond)), 0)
}

// Write hands p to the worker, which sends it at once. Never blocks.
func (s *workerSocket) Write(_ context.Context, typ websocket.MessageType, p []byte) error {
	if s.isClosed() {
		return net.ErrClosed
	}
	if typ != websocket.MessageBinary {
		return errors.New("failed to write: only binary messages are sent")
	}
	u := js.Global().Get("Uint8Array").New(len(p))
	js.CopyBytesToJS(u, p)
	s.post(map[string]any{"op": "send", "data": u}, u.Get("buffer"))
	return nil
}

// Close starts the close handshake and waits for it (workerCloseWait at
// most, then the connection is dropped).
func (s *workerSocket) Close(code websocket.StatusCode, reason string) error {
	if s.isClosed() {
		return net.ErrClosed
	}
	s.post(map[string]any{"op": "close", "code": int(code), "reason": reason})
	t := time.NewTimer(workerCloseWait)
	defer t.Stop()
	select {
	case <-s.closed:
	case <-t.C:
		s.terminate()
		return fmt.Errorf("failed to close WebSocket: no close handshake within %v", workerCloseWait)
	}
	return nil
}

// CloseNow drops the connection at once.
func (s *workerSocket) CloseNow() error {
	if s.isClosed() {
		return net.ErrClosed
	}
	s.terminate()
	return nil
}

// SetReadLimit sets the largest message Reader accepts (-1: no limit).
func (s *workerSocket) SetReadLimit(n int64) { s.limit.Store(n) }
