package partnerapi

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/partnerapi/go-partnerapi/internal/redact"
)

// redacted is what a [Secret] shows in place of its value.
const redacted = redact.Mark

// Secret holds a credential — an API key or an SSO token — that must never
// be printed, logged or marshalled by accident. It shows as [REDACTED]
// through every fmt verb, log/slog (text and JSON handlers), encoding/json
// and any encoder that uses encoding.TextMarshaler, and as a map key too
// (a map[Secret]T marshals each key as "[REDACTED]"); [Secret.Reveal]
// returns the value for the one place that needs it. An empty Secret shows
// as empty, so that a missing value is still visible.
//
// The value is held in an unexported field, so that encoding/json treats a
// Secret map key through its MarshalText rather than as a plain string.
// Make one with [NewSecret]; Secrets compare equal (== and [Secret.Equal])
// when their values are equal.
type Secret struct{ value string }

// NewSecret returns a [Secret] holding value.
func NewSecret(value string) Secret { return Secret{value: value} }

// Equal reports whether s and other hold the same value, comparing them in
// constant time. Comparison libraries such as go-cmp use it.
func (s Secret) Equal(other Secret) bool {
	return subtle.ConstantTimeCompare([]byte(s.value), []byte(other.value)) == 1
}

// Reveal returns the secret value itself.
func (s Secret) Reveal() string { return s.value }

func (s Secret) shown() string {
	if s.value == "" {
		return ""
	}
	return redacted
}

// String returns [REDACTED].
func (s Secret) String() string { return s.shown() }

// GoString returns [REDACTED], for %#v.
func (s Secret) GoString() string { return s.shown() }

// Format prints [REDACTED] for every verb; %q quotes it.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprint(f, strconv.Quote(s.shown()))
		return
	}
	fmt.Fprint(f, s.shown())
}

// LogValue makes log/slog record [REDACTED] in text and JSON handlers alike.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.shown()) }

// MarshalJSON encodes the secret as the string "[REDACTED]".
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.shown()) }

// MarshalText encodes the secret as [REDACTED], for encoders that use text
// and for map keys.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.shown()), nil }

// UnmarshalText reads the secret; encoding/json calls it with a JSON
// string's unquoted contents, so a secret must be a string in the answer.
func (s *Secret) UnmarshalText(b []byte) error {
	s.value = string(b)
	return nil
}
