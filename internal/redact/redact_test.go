package redact

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

const canary = "c0ffeec0ffeec0ffeec0ffeec0ffee01"

func TestScrub(t *testing.T) {
	r := New(canary, "tok/en+1")
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"nothing here", "nothing here"},
		{"key " + canary + " end", "key [REDACTED] end"},
		{"upper " + strings.ToUpper(canary), "upper [REDACTED]"},
		{"twice " + canary + canary, "twice [REDACTED]"},
		{`json "\u0063\u0030ffeec0ffeec0ffeec0ffeec0ffee01"`, `json "[REDACTED]"`},
		{"html &#99;0ffee&#x63;0ffeec0ffeec0ffeec0ffee01!", "html [REDACTED]!"},
		{"url %630ffeec0ffeec0ffeec0ffeec0ffee%30%31?", "url [REDACTED]?"},
		{`go \x630ffeec0ffeec0ffeec0ffeec0ffee01`, "go [REDACTED]"},
		{"path tok%2Fen%2B1/x", "path [REDACTED]/x"},
		{`json tok\/en+1`, "json [REDACTED]"},
		{"entity tok/en&#43;1", "entity [REDACTED]"},
		// The rest of the text keeps its escapes.
		{"a%20b \\u0041 &amp; " + canary, "a%20b \\u0041 &amp; [REDACTED]"},
		// Escapes of characters that are not printable ASCII are not read.
		{"%00 &#0; \\u0000", "%00 &#0; \\u0000"},
	} {
		if got := r.Scrub(tc.in); got != tc.want {
			t.Errorf("Scrub(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got, want := r.Shows(tc.in), tc.want != tc.in; got != want {
			t.Errorf("Shows(%q) = %v, want %v", tc.in, got, want)
		}
	}
}

// A piece of a long credential, however it was cut, is removed; a short
// credential only whole.
func TestScrubPieces(t *testing.T) {
	r := New(canary, "acme-org")
	for _, tc := range []struct{ in, want string }{
		{"tail " + canary[5:] + " end", "tail [REDACTED] end"},
		{"head " + canary[:PieceLen] + "!", "head [REDACTED]!"},
		{"middle x" + canary[9:9+PieceLen+3] + "x", "middle x[REDACTED]x"},
		{"too short to tell " + canary[:PieceLen-1], "too short to tell " + canary[:PieceLen-1]},
		{`escaped \u0030ffeec0ff`, `escaped [REDACTED]`},
		{"the short one whole acme-org, not in part acme-or", "the short one whole [REDACTED], not in part acme-or"},
	} {
		if got := r.Scrub(tc.in); got != tc.want {
			t.Errorf("Scrub(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestScrubCredentialInsideAnother(t *testing.T) {
	r := New("abc", "xxabcxx")
	if got, want := r.Scrub("1 xxabcxx 2 abc"), "1 [REDACTED] 2 [REDACTED]"; got != want {
		t.Errorf("Scrub = %q, want %q", got, want)
	}
}

func TestNilAndEmpty(t *testing.T) {
	var r *Redactor
	if r.Scrub(canary) != canary || r.Shows(canary) || r.PartAtEnd(canary) != 0 || !r.Empty() {
		t.Error("a nil Redactor must know no credential")
	}
	if !New("", "").Empty() {
		t.Error("empty credentials must be ignored")
	}
}

func TestPartAtEnd(t *testing.T) {
	r := New(canary)
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"no credential;", 0},
		{"a piece too short to remove yet: 0ffee01", 7},
		{"a piece: " + canary[3:3+PieceLen-1], PieceLen - 1},
		{"ends with c0ff", 4},
		{"ends with C0FF", 4},
		{`escaped \u0063\u00`, len(`\u0063\u00`)},
		{`escaped c0ffee5a1b2c3\u00`, len(`\u00`)}, // c0ffee5a… is not this credential, \u00 may begin anything
		{`escaped c0ffeec0\u00`, len(`c0ffeec0\u00`)},
		{`escaped c0ffeec0\u0066`, len(`c0ffeec0\u0066`)},
		{"html c0ffee&#x6", len("c0ffee&#x6")},
		{"url c0ffee%6", len("c0ffee%6")},
		{"a cut escape alone %6", 2},
		{"a cut escape alone &am", 3},
		{"an escape that ended %7A", 0},
		{"whole " + canary + ";", 0},
		{"whole at the end " + canary, len(canary)}, // more of it may follow
	} {
		if got := r.PartAtEnd(tc.in); got != tc.want {
			t.Errorf("PartAtEnd(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// spell writes s with each character in a spelling chosen at random.
func spell(rnd *rand.Rand, s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch rnd.IntN(7) {
		case 0:
			fmt.Fprintf(&b, `\u%04x`, c)
		case 1:
			fmt.Fprintf(&b, "&#%d;", c)
		case 2:
			fmt.Fprintf(&b, "&#x%X;", c)
		case 3:
			fmt.Fprintf(&b, "%%%02X", c)
		case 4:
			b.WriteString(strings.ToUpper(string(c)))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// TestAnySpellingAnyCut writes the credential in random mixed spellings
// inside random text, and cuts the text at every byte: the whole text is
// scrubbed, and a cut text with its PartAtEnd removed shows no beginning
// of the credential.
func TestAnySpellingAnyCut(t *testing.T) {
	r := New(canary)
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		text := "error: " + spell(rnd, canary) + " was refused"
		scrubbed := r.Scrub(text)
		if scrubbed != "error: [REDACTED] was refused" {
			t.Fatalf("Scrub(%q) = %q", text, scrubbed)
		}
		for cut := range len(text) {
			shown := r.Scrub(text[:cut])
			shown = shown[:len(shown)-r.PartAtEnd(shown)]
			d := strings.ToLower(decode(shown).text)
			for i := 0; i+PieceLen <= len(canary); i++ {
				if strings.Contains(d, canary[i:i+PieceLen]) {
					t.Fatalf("cut %q shows a piece of the credential: %q", text[:cut], shown)
				}
			}
			for n := 1; n < len(canary); n++ {
				if strings.HasSuffix(d, canary[:n]) {
					t.Fatalf("cut %q, after PartAtEnd %q, still ends with %q", text[:cut], shown, canary[:n])
				}
			}
		}
	}
}

func FuzzScrub(f *testing.F) {
	f.Add(canary, uint64(1))
	f.Add("tok/en+1", uint64(2))
	f.Fuzz(func(t *testing.T, credential string, seed uint64) {
		if len(credential) < 4 || strings.ContainsFunc(credential, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
			return
		}
		r := New(credential)
		text := "<" + spell(rand.New(rand.NewPCG(seed, seed)), credential) + ">"
		if got := r.Scrub(text); got != "<[REDACTED]>" && !strings.Contains(credential, "<") && !strings.Contains(credential, ">") {
			t.Errorf("Scrub(%q) = %q", text, got)
		}
	})
}
