package servertest

import (
	"bytes"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"
)

// TestDelayProxy: bytes pass through unchanged and in order, each
// direction at least the delay late, so a round trip takes at least twice
// it; a side that ends is passed on; Close cuts what is open.
func TestDelayProxy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }() // echo until the client ends
		}
	}()
	const oneWay = 40 * time.Millisecond
	p := StartDelayProxy(t, ln.Addr().String(), oneWay)
	c, err := net.Dial("tcp", p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, msg := range [][]byte{[]byte("hello"), bytes.Repeat([]byte("0123456789"), 10000)} {
		began := time.Now()
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(c, got); err != nil {
			t.Fatal(err)
		}
		if rtt := time.Since(began); rtt < 2*oneWay {
			t.Errorf("round trip %v through a proxy of %v each way", rtt, oneWay)
		}
		if !bytes.Equal(got, msg) {
			t.Fatalf("%d bytes came back changed", len(msg))
		}
	}
	c.(*net.TCPConn).CloseWrite()
	if n, err := c.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Fatalf("after the client's end: %d, %v; want EOF passed back", n, err)
	}

	c2, err := net.Dial("tcp", p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	c2.Write([]byte("x"))
	time.Sleep(oneWay / 2) // the proxy has taken it
	p.Close()
	c2.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(c2); err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("after Close: %v, want the connection ended", err)
	}
}
