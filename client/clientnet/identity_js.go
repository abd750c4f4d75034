//go:build js

package clientnet

import (
	"encoding/json"
	"syscall/js"
)

// LocalStorageIdentities keeps identities in the browser's localStorage,
// one key per server ("skirmish.identity.host:port"), so that a player
// keeps their guest identity across page loads.
type LocalStorageIdentities struct{}

// DefaultIdentityStore is where the browser client keeps its guest
// identities: localStorage, or memory when the page may not use it.
func DefaultIdentityStore() IdentityStore {
	if ls := js.Global().Get("localStorage"); ls.IsUndefined() || ls.IsNull() {
		return &MemoryIdentities{}
	}
	return LocalStorageIdentities{}
}

func storageKey(server string) string { return "skirmish.identity." + server }

// Load implements IdentityStore.
func (LocalStorageIdentities) Load(server string) (id Identity, ok bool) {
	defer func() {
		if recover() != nil { // storage disabled by the user
			ok = false
		}
	}()
	v := js.Global().Get("localStorage").Call("getItem", storageKey(server))
	if v.IsNull() || v.IsUndefined() {
		return Identity{}, false
	}
	if json.Unmarshal([]byte(v.String()), &id) != nil {
		return Identity{}, false
	}
	return id, true
}

// Save implements IdentityStore.
func (LocalStorageIdentities) Save(server string, id Identity) (err error) {
	b, err := json.Marshal(id)
	if err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil { // quota, or storage disabled
			err = js.Error{Value: js.ValueOf("localStorage refused the identity")}
		}
	}()
	js.Global().Get("localStorage").Call("setItem", storageKey(server), string(b))
	return nil
}

// Forget implements IdentityStore.
func (LocalStorageIdentities) Forget(server string) (err error) {
	defer func() {
		if recover() != nil {
			err = nil
		}
	}()
	js.Global().Get("localStorage").Call("removeItem", storageKey(server))
	return nil
}
