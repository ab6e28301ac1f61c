package tracking

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"slices"
	"strconv"
)

// Fingerprint computes a dataset's fingerprint: SHA-256 of the source
// bytes, then of the import settings (mapping and options) that turned
// them into journeys. Write the source through it (it is an io.Writer,
// e.g. behind an io.TeeReader), then call Sum.
type Fingerprint struct {
	h hash.Hash
	n int64
}

// NewFingerprint returns an empty fingerprint.
func NewFingerprint() *Fingerprint { return &Fingerprint{h: sha256.New()} }

// Write adds source bytes.
func (f *Fingerprint) Write(p []byte) (int, error) {
	f.n += int64(len(p))
	return f.h.Write(p)
}

// Sum returns the fingerprint as 64 lowercase hex digits. settings are
// hashed in key order, each key and value prefixed by its length so that
// no two different settings hash alike.
func (f *Fingerprint) Sum(settings map[string]string) string {
	h := sha256.New()
	h.Write(f.h.Sum(nil))
	h.Write([]byte("\x00settings"))
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, s := range []string{k, settings[k]} {
			h.Write([]byte(strconv.Itoa(len(s)) + ":" + s))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// FingerprintReader reads r to the end and returns its fingerprint with
// settings.
func FingerprintReader(r io.Reader, settings map[string]string) (string, error) {
	f := NewFingerprint()
	if _, err := io.Copy(f, r); err != nil {
		return "", err
	}
	return f.Sum(settings), nil
}
