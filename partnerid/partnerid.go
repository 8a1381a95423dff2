// Package partnerid implements Big Interview's rules for a user's partner_id:
// the identifier a partner chooses for each of its users, which travels in
// the URL path of every users API call.
//
// The documented rules ("ID Format" in the Partner API's Getting Started
// page) allow only the bytes 0-9, a-z, A-Z, '-' and '_', and a length of 1
// to 64. Validate checks them byte by byte; Derive turns any other
// identifier, such as an e-mail address, into a stable id that obeys them.
package partnerid

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// MaxLen is the longest partner_id the API accepts, in bytes.
const MaxLen = 64

// ErrInvalid is matched, with errors.Is, by every error Validate returns.
var ErrInvalid = errors.New("invalid partner_id")

// Error describes why a partner_id breaks the rules.
type Error struct {
	ID     string // the id as given
	Reason string // what is wrong, in a few words
	Index  int    // the offending byte's index, or -1 when the length is wrong
}

// maxShown bounds how much of a rejected id an error message repeats, so that
// a megabyte of input does not become a megabyte of log line.
const maxShown = 80

// Error returns a one-line description naming the id and the rule it breaks.
func (e *Error) Error() string {
	id := e.ID
	if len(id) > maxShown {
		id = id[:maxShown] + "…"
	}
	return fmt.Sprintf("invalid partner_id %q: %s", id, e.Reason)
}

// Is reports whether target is ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Validate reports whether id obeys the documented partner_id rules. The
// error it returns is a *Error and matches ErrInvalid.
func Validate(id string) error {
	if id == "" {
		return &Error{ID: id, Reason: "empty; a partner_id has 1 to 64 characters", Index: -1}
	}
	if len(id) > MaxLen {
		return &Error{ID: id, Reason: fmt.Sprintf("%d bytes long; at most %d are allowed", len(id), MaxLen), Index: -1}
	}
	for i := 0; i < len(id); i++ {
		if !allowed(id[i]) {
			return &Error{
				ID:     id,
				Reason: fmt.Sprintf("byte %q at index %d is not allowed; only 0-9, a-z, A-Z, '-' and '_' are", id[i], i),
				Index:  i,
			}
		}
	}
	return nil
}

func allowed(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '-' || b == '_'
}

// hashLen is how many hex digits of SHA-256 a derived id keeps: 80 bits, so
// that two distinct inputs meeting on one id is not a practical concern.
const hashLen = 20

// Derive maps any identifier (an e-mail address, a long or non-ASCII id) to
// a valid partner_id. The result is stable — the same input always gives the
// same id — and keeps a readable prefix of the input followed by '_' and a
// hash of the whole input, so distinct inputs give distinct ids. Every input,
// valid or not, is transformed, so a roster never mixes the two forms.
func Derive(external string) string {
	sum := sha256.Sum256([]byte(external))
	hash := hex.EncodeToString(sum[:])[:hashLen]

	var b strings.Builder
	b.Grow(MaxLen)
	limit := MaxLen - hashLen - 1
	for i := 0; i < len(external) && b.Len() < limit; i++ {
		c := external[i]
		switch {
		case allowed(c):
			b.WriteByte(c)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-') // one dash stands for a run of disallowed bytes
		}
	}
	prefix := strings.TrimSuffix(b.String(), "-")
	if prefix == "" {
		return hash
	}
	return prefix + "_" + hash
}
