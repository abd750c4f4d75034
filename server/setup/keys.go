package setup

import (
	"io"
	"os"

	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/skirmishgg/skirmish/matchmaking"
)

// Join token keys travel as PEM: the matchmaker's private key as a PKCS #8
// "PRIVATE KEY" block, hosts' public keys as PKIX "PUBLIC KEY" blocks. A
// public key file may hold several blocks: during a rotation hosts accept
// the new key and the previous one.

// ErrKeyFile means a key file holds no usable Ed25519 key.
var ErrKeyFile = errors.New("bad key file")

// MarshalKeyPair encodes key as a private key PEM block and its public key
// as a public key PEM block.
func MarshalKeyPair(key ed25519.PrivateKey) (private, public []byte, err error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encode private key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return nil, nil, fmt.Errorf("encode public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), nil
}

// ParsePrivateKey reads the Ed25519 private key of a PEM file.
func ParsePrivateKey(b []byte) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("%w: no PRIVATE KEY block", ErrKeyFile)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeyFile, err)
	}
	ek, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%w: a %T, not an Ed25519 key", ErrKeyFile, k)
	}
	return ek, nil
}

// ParsePublicKeys reads every Ed25519 public key of a PEM file, in order.
func ParsePublicKeys(b []byte) ([]ed25519.PublicKey, error) {
	var keys []ed25519.PublicKey
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			break
		}
		if block.Type != "PUBLIC KEY" {
			return nil, fmt.Errorf("%w: a %s block where PUBLIC KEY blocks belong", ErrKeyFile, block.Type)
		}
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrKeyFile, err)
		}
		ek, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%w: a %T, not an Ed25519 key", ErrKeyFile, k)
		}
		keys = append(keys, ek)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: no PUBLIC KEY block", ErrKeyFile)
	}
	return keys, nil
}

// WriteKeyPair makes a fresh Ed25519 key pair for join tokens and writes
// the private key to path (mode 0600) and the public key to path+".pub".
// It refuses to overwrite either.
func WriteKeyPair(path string, random io.Reader) error {
	_, key, err := ed25519.GenerateKey(random)
	if err != nil {
		return fmt.Errorf("generate key: %w", err)
	}
	private, public, err := MarshalKeyPair(key)
	if err != nil {
		return err
	}
	if err := writeNew(path, private, 0o600); err != nil {
		return err
	}
	if err := writeNew(path+".pub", public, 0o644); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

func writeNew(path string, b []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("write key: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("write key %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write key %s: %w", path, err)
	}
	return nil
}

// LoadTokenSigner reads the matchmaker's private key file (-token-key).
func LoadTokenSigner(path string) (*matchmaking.TokenSigner, error) {
	key, err := LoadTokenKey(path)
	if err != nil {
		return nil, err
	}
	return matchmaking.NewTokenSigner(key, nil)
}

// LoadTokenKey reads a private key file (skirmish keygen).
func LoadTokenKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("token key: %w", err)
	}
	key, err := ParsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("token key %s: %w", path, err)
	}
	return key, nil
}

// LoadTokenVerifier reads the public key files hosts check join tokens
// with (-token-pubkey): every key of every file is accepted, so a rotation
// lists the new key and the previous one.
func LoadTokenVerifier(paths ...string) (*matchmaking.TokenVerifier, error) {
	keys, err := loadPublicKeys(paths)
	if err != nil {
		return nil, err
	}
	return matchmaking.NewTokenVerifier(keys...)
}

// loadPublicKeys reads every key of the public key files (-token-pubkey).
func loadPublicKeys(paths []string) ([]ed25519.PublicKey, error) {
	var keys []ed25519.PublicKey
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("token public key: %w", err)
		}
		k, err := ParsePublicKeys(b)
		if err != nil {
			return nil, fmt.Errorf("token public key %s: %w", p, err)
		}
		keys = append(keys, k...)
	}
	return keys, nil
}
