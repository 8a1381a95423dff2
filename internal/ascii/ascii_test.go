package ascii

import (
	"strings"
	"testing"
)

func TestLower(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "",
		"535FB19BDCA6A9D1638F2007": "535fb19bdca6a9d1638f2007",
		"CANARYcanary-0123":        "canarycanary-0123",
		"AZaz@[`{":                 "azaz@[`{",
		"ÀÉ Straße KEY":            "ÀÉ straße key", // only ASCII letters change
		"\xffK\x00EY":              "\xffk\x00ey",
	} {
		got := Lower(in)
		if got != want {
			t.Errorf("Lower(%q) = %q, want %q", in, got, want)
		}
		if len(got) != len(in) {
			t.Errorf("Lower(%q) is %d bytes long, want %d", in, len(got), len(in))
		}
	}
	// Nothing to lower: s itself, not a copy.
	s := strings.Repeat("already lower ", 4)
	if n := testing.AllocsPerRun(10, func() { _ = Lower(s) }); n != 0 {
		t.Errorf("Lower allocated %v times for a string with nothing to lower", n)
	}
}
