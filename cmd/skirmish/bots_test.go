package main

import (
	"bytes"
	"encoding/json"
	"net"
	"strings"
	"testing"
)

func TestBotsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-nope"},
		{"-n", "0"},
		{"-rate", "0"},
		{"-duration", "-1s"},
		{"-url", "ftp://x"},
		{"extra"},
		{"-log-level", "loud"},
	} {
		var stdout, stderr bytes.Buffer
		if code := runBots(t.Context(), args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if stderr.Len() == 0 {
			t.Errorf("%v: nothing on stderr", args)
		}
	}
}

func TestBotsUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now

	var stdout, stderr bytes.Buffer
	code := runBots(t.Context(), []string{"-url", "http://" + addr, "-n", "2", "-duration", "200ms", "-log-level", "error"}, &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "failed connection attempts") {
		t.Errorf("stderr does not say what failed:\n%s", stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var s struct {
		Bots            int `json:"bots"`
		ConnectFailures int `json:"connect_failures"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &s); err != nil {
		t.Fatalf("last line of stdout is not JSON: %v\n%s", err, stdout.String())
	}
	if s.Bots != 2 || s.ConnectFailures < 2 {
		t.Errorf("summary %+v", s)
	}
}
