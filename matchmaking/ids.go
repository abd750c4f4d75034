package matchmaking

import (
	"encoding/hex"
	"fmt"
	"io"
)

// newID makes a random identifier: prefix and 24 hex digits.
func newID(r io.Reader, prefix string) (string, error) {
	var b [12]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("matchmaking: random ID: %w", err)
	}
	return prefix + hex.EncodeToString(b[:]), nil
}
