package partnerapi

// Secret as a map key. That no Secret is printed, logged or marshalled is
// tested with every other credential in redact_test.go.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
)

// A Secret used as a map key marshals redacted, like a Secret value.
func TestSecretAsMapKeyIsRedacted(t *testing.T) {
	m := map[Secret]string{NewSecret(canaryKey): "first", NewSecret(canaryToken): "second"}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	checkNoLeak(t, "a map[Secret]T as JSON", string(b))
	if !strings.Contains(string(b), `"[REDACTED]":`) {
		t.Errorf("a map[Secret]T as JSON: %s; want [REDACTED] keys", b)
	}
	type holder struct{ Keys map[Secret]int }
	for name, newHandler := range map[string]func(io.Writer) slog.Handler{
		"text": func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
		"json": func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
	} {
		var buf bytes.Buffer
		slog.New(newHandler(&buf)).Info("m", "map", m, "holder", holder{Keys: map[Secret]int{NewSecret(canaryKeysKey): 1}})
		checkNoLeak(t, name+" handler with a map[Secret]T", buf.String())
		if !strings.Contains(buf.String(), "[REDACTED]") {
			t.Errorf("%s handler: %s; want [REDACTED]", name, buf.String())
		}
	}
	for _, verb := range verbs {
		checkNoLeak(t, "a map[Secret]T printed with "+verb, fmt.Sprintf(verb, m))
	}
	// Secrets still compare by value.
	a1, a2, other := NewSecret("a"), NewSecret("a"), NewSecret("b")
	if a1 != a2 || !a1.Equal(a2) || a1.Equal(other) || a1 == other {
		t.Error("Secrets do not compare by value")
	}
}
