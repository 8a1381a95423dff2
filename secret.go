package partnerapi

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
)

// redacted is what a Secret shows in place of its value.
const redacted = "[REDACTED]"

// Secret holds a credential — an API key or an SSO token — that must never
// be printed, logged or marshalled by accident. It shows as [REDACTED]
// through every fmt verb, log/slog and encoding/json; Reveal returns the
// value for the one place that needs it. An empty Secret shows as empty, so
// that a missing value is still visible.
type Secret string

// Reveal returns the secret value itself.
func (s Secret) Reveal() string { return string(s) }

func (s Secret) shown() string {
	if s == "" {
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

// MarshalText encodes the secret as [REDACTED], for encoders that use text.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.shown()), nil }

// UnmarshalText reads the secret; encoding/json calls it with a JSON
// string's unquoted contents, so a secret must be a string in the answer.
func (s *Secret) UnmarshalText(b []byte) error {
	*s = Secret(b)
	return nil
}
