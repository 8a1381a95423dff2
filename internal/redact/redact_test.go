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
		// A mark in the text is left alone (TestScrubLeavesMarksAlone).
		if len(credential) < 4 || strings.Contains(strings.ToUpper(credential), Mark) ||
			strings.ContainsFunc(credential, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
			return
		}
		r := New(credential)
		text := "<" + spell(rand.New(rand.NewPCG(seed, seed)), credential) + ">"
		if got := r.Scrub(text); got != "<[REDACTED]>" && !strings.Contains(credential, "<") && !strings.Contains(credential, ">") {
			t.Errorf("Scrub(%q) = %q", text, got)
		}
	})
}

// A mark a pass wrote can end a character reference written without its
// semicolon ("&#50" then "["): the text it makes readable is scrubbed too.
func TestScrubReadsWhatAMarkMadeReadable(t *testing.T) {
	r := New("c0ffee0123456789abcdefc0ffee0123")
	out := r.Scrub("0ffee01&#503456789abc")
	if r.Shows(out) {
		t.Errorf("Scrub left %q, which shows a piece once decoded", out)
	}
}

// A key that holds an escape's opening is found in a text that escapes
// other characters of it with another kind of escape.
func TestScrubKeyHoldingEscapes(t *testing.T) {
	r := New("%41%42%43%44%45%46")
	if out := r.Scrub("key %41%4&#50;%43%4&#52;%45%4&#54;!"); out != "key [REDACTED]!" {
		t.Errorf("Scrub = %q", out)
	}
}

// A credential holding an escape's opening, written with its characters
// spelled in different ways, can read as another text once decoded; it is
// found however the text is read, and so are the pieces of a long one.
func TestScrubAmbiguousSpellings(t *testing.T) {
	for _, tc := range []struct{ credential, in string }{
		{`0000\0`, `0000\\u0030`},        // a raw backslash, then an escaped "0"
		{`%41x`, `%41%78`},               // a raw "%41", then an escaped "x"
		{`&#48;x`, `&#48;&#120;`},        // a raw reference, then an escaped "x"
		{`a\b`, `a\\b`},                  // the backslash escaped
		{`ab\\\\cd`, `ab\\\\\u005c\\cd`}, // backslashes in a row, some escaped
		{`%%%%41`, `%%%25%%34%31`},       // openers in a row, mixed
		{`key\u0030key\u0030key\u0030`, `key\u0030key\\u0030key\u005cu0030`}, // an escape-shaped credential
	} {
		r := New(tc.credential)
		if got := r.Scrub("<" + tc.in + ">"); got != "<[REDACTED]>" {
			t.Errorf("credential %q: Scrub(%q) = %q", tc.credential, tc.in, got)
		}
	}
	long := `c0ffee%41c0ffee\\c0ffee&amp;c0ffee`
	r := New(long)
	piece := `ee%41c0f` // raw "%41", and it reads "A"
	if got := r.Scrub("x " + piece + "&#102;e y"); got != "x [REDACTED] y" {
		t.Errorf("a piece of a long credential: Scrub = %q", got)
	}
}

// Marks are left alone: a short credential found in "[REDACTED]" would
// nest marks, and text scrubbed twice must read as text scrubbed once.
func TestScrubLeavesMarksAlone(t *testing.T) {
	r := New("e")
	once := r.Scrub("GET https://demo.example/e")
	if want := "G[REDACTED]T https://d[REDACTED]mo.[REDACTED]xampl[REDACTED]/[REDACTED]"; once != want {
		t.Errorf("Scrub = %q, want %q", once, want)
	}
	if twice := r.Scrub(once); twice != once {
		t.Errorf("scrubbed twice: %q", twice)
	}
}

// PartAtEnd never cuts an escape in two, nor reads the second backslash of
// an escaped one as the start of an escape.
func TestPartAtEndKeepsEscapesWhole(t *testing.T) {
	r := New("0123456789abcdef0123456789abcdef")
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"path=/a%2F", len("%2F")}, // "f" may begin more of the key: the whole escape goes
		{"x%25", len("%25")},
		{`path=a\\`, 0},
		{`path=a\`, 2}, // a cut escape, and "a" before it may begin more of the key
		{"ends &#102;", len("&#102;")},
	} {
		if got := r.PartAtEnd(tc.in); got != tc.want {
			t.Errorf("PartAtEnd(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// A stream of writes cut anywhere shows no piece of a key, loses and
// reorders nothing, and shows text without a key exactly as written.
func TestStream(t *testing.T) {
	key := "c4a4a7c0ffee0123456789abcdef0042"
	for _, tc := range []struct {
		key    string
		writes []string
	}{
		{key, []string{"id=56789abc0", "\n"}},
		{"tok3ntok", []string{"key tok3ntok3", " done\n"}},
	} {
		r := New(tc.key)
		var out, held string
		for _, w := range tc.writes {
			var o string
			o, held = r.Stream(held + w)
			out += o
		}
		out += r.Scrub(held)
		if r.Shows(out) {
			t.Errorf("%q written as %q: shows the key", tc.writes, out)
		}
	}
	r := New(key)
	rnd := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		var text strings.Builder
		for range 1 + rnd.IntN(4) {
			text.WriteString([]string{"id=", " ", "\n", "0", "abc", "%", "&#", `\u00`, "ok "}[rnd.IntN(9)])
			if rnd.IntN(3) == 0 {
				piece := key[rnd.IntN(len(key)-PieceLen):]
				text.WriteString(spell(rnd, piece[:PieceLen+rnd.IntN(len(piece)-PieceLen+1)]))
			}
		}
		s := text.String()
		var out, held string
		for rest := s; rest != ""; {
			n := min(len(rest), 1+rnd.IntN(12))
			var o string
			o, held = r.Stream(held + rest[:n])
			out += o
			rest = rest[n:]
		}
		out += r.Scrub(held)
		if r.Shows(out) {
			t.Fatalf("%q streamed as %q: shows a piece of the key", s, out)
		}
		if !r.Shows(s) && out != s {
			t.Fatalf("%q, which holds no key, streamed as %q", s, out)
		}
	}
}

// BenchmarkScrubHostile scrubs 1 MB of text made to be slow: the opening
// of an escape, or a byte of the key, repeated.
// BenchmarkScrubHostile scrubs 1 MB texts made to be slow, for keys of
// the usual shape and for a credential that holds escape openings, which
// is matched character by character in every spelling.
func BenchmarkScrubHostile(b *testing.B) {
	for _, creds := range []struct {
		name string
		r    *Redactor
	}{
		{"", New(canary, "tok/en+1")},
		{"openers/", New(canary, `tok%2F\en&amp;1`)},
	} {
		for _, tc := range []struct{ name, unit string }{
			{"percent", "%"}, {"ampersand", "&"}, {"backslash", `\`}, {"key byte", "c"}, {"cut escapes", "%6&#x\\u00"}, {"prose", "Top 10 Questions, chapter 1. "},
		} {
			s := strings.Repeat(tc.unit, 1<<20/len(tc.unit))
			b.Run(creds.name+tc.name, func(b *testing.B) {
				b.SetBytes(int64(len(s)))
				b.ReportAllocs()
				for b.Loop() {
					creds.r.Scrub(s)
				}
			})
		}
	}
}

func TestKeyShaped(t *testing.T) {
	for s, want := range map[string]bool{
		canary:                             true,
		"CANARYcanary0123456789abcdef0000": true,
		"12345678901234567890":             true,  // digits alone are a key's shape too
		"acme":                             false, // a name
		"acme-corp-2024-international-eu":  false, // a name with separators
		"acmecorporationinternational":     false, // no digit
		"535fb19bdca6a9d1638f2007":         false, // an ObjectId
		"1234567890123456789":              false, // 19
		"c0ffee.c0ffee.c0ffee.c0ffee":      false, // a host name
	} {
		if got := KeyShaped(s); got != want {
			t.Errorf("KeyShaped(%q) = %v, want %v", s, got, want)
		}
	}
}
