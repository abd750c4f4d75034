//go:build !js

package play

// networkBack: a native client has no online event; the backoff alone
// decides when to dial again.
func networkBack() (<-chan struct{}, func()) { return nil, func() {} }
