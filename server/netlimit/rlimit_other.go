//go:build !unix

package netlimit

// RaiseFDLimit reports no limit where there is no RLIMIT_NOFILE.
func RaiseFDLimit() (uint64, error) { return 0, nil }
