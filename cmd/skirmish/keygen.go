package main

import (
	"crypto/rand"
	"flag"
	"fmt"
	"io"

	"github.com/skirmishgg/skirmish/server/setup"
)

// runKeygen writes a join token key pair: FILE (the matchmaker's
// -token-key) and FILE.pub (the hosts' -token-pubkey).
func runKeygen(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("skirmish keygen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "private key file to write; the public key goes to FILE.pub (neither may exist)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "skirmish keygen: usage: skirmish keygen -out FILE")
		return 2
	}
	if err := setup.WriteKeyPair(*out, rand.Reader); err != nil {
		fmt.Fprintf(stderr, "skirmish keygen: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s (matchmaker: -token-key) and %s.pub (hosts: -token-pubkey)\n", *out, *out)
	return 0
}
