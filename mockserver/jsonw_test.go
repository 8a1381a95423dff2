package mockserver

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// appendString must encode exactly as encoding/json does.
func checkAppendString(t *testing.T, s string) {
	want, _ := json.Marshal(s)
	if got := appendString(nil, s); string(got) != string(want) {
		t.Errorf("appendString(%q) = %s; encoding/json gives %s", s, got, want)
	}
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{
		"", "plain", `"quoted"`, `back\slash`, "tab\tnew\nline\rret", "\x00\x01\x1f\x7f", "<script>&amp;",
		"ünïcødé ☃ 😀", "\u2028\u2029", "bad \xff utf8 \xc3", "\xed\xa0\x80 surrogate",
	} {
		checkAppendString(t, s)
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("a\"b\\c\x00<>&\u2028\xff")
	f.Fuzz(func(t *testing.T, s string) {
		checkAppendString(t, s)
		if !utf8.Valid(appendString(nil, s)) {
			t.Fatalf("invalid UTF-8 out for %q", s)
		}
	})
}
