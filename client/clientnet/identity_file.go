//go:build !js

package clientnet

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// FileIdentities keeps identities in a JSON file, readable by its owner
// only (0600): {"servers": {"host:port": {player, token, expires}}}.
type FileIdentities struct {
	Path string
	mu   sync.Mutex
}

// DefaultIdentityStore is where the native client keeps its guest
// identities: os.UserConfigDir()/skirmish/identity.json. Without a
// configuration directory it keeps them in memory.
func DefaultIdentityStore() IdentityStore {
	dir, err := os.UserConfigDir()
	if err != nil {
		return &MemoryIdentities{}
	}
	return &FileIdentities{Path: filepath.Join(dir, "skirmish", "identity.json")}
}

type identityFile struct {
	Servers map[string]Identity `json:"servers"`
}

func (f *FileIdentities) read() identityFile {
	var file identityFile
	if b, err := os.ReadFile(f.Path); err == nil {
		json.Unmarshal(b, &file) // a damaged file is started afresh
	}
	if file.Servers == nil {
		file.Servers = map[string]Identity{}
	}
	return file
}

func (f *FileIdentities) write(file identityFile) error {
	b, err := json.MarshalIndent(file, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o700); err != nil {
		return fmt.Errorf("clientnet: identity store: %w", err)
	}
	// Written aside and renamed: a crash never leaves half a file.
	tmp := f.Path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("clientnet: identity store: %w", err)
	}
	if err := os.Rename(tmp, f.Path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("clientnet: identity store: %w", err)
	}
	return nil
}

// Load implements IdentityStore.
func (f *FileIdentities) Load(server string) (Identity, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, ok := f.read().Servers[server]
	return id, ok
}

// Save implements IdentityStore.
func (f *FileIdentities) Save(server string, id Identity) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	file := f.read()
	file.Servers[server] = id
	return f.write(file)
}

// Forget implements IdentityStore.
func (f *FileIdentities) Forget(server string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	file := f.read()
	if _, ok := file.Servers[server]; !ok {
		return nil
	}
	delete(file.Servers, server)
	return f.write(file)
}
