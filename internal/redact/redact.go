// Package redact finds credentials in text and replaces them: the one
// redactor behind every error, log record and printed value of the SDK and
// behind everything the CLI writes.
//
// A credential is found in any ASCII letter case and in every spelling a
// server, a URL or a quoting may give it: JSON \u escapes and \/ \" \\,
// HTML character references (&#99; &#x63; &amp;), URL %XX escapes, Go
// quoting, and any mix of them inside one credential. A piece of a long
// credential is found too: a server may cut a key anywhere, and a buffer
// may begin inside one.
package redact

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/partnerapi/go-partnerapi/internal/ascii"
)

// Mark is what a credential is replaced with.
const Mark = "[REDACTED]"

// PieceLen is the length of the shortest piece of a credential that is
// removed on its own, wherever it appears: of a credential at least twice
// as long (an API key has 32 characters), any PieceLen bytes in a row. A
// credential shorter than that is removed where it appears whole.
const PieceLen = 8

// A Redactor knows a set of credentials and removes them from text. Its
// methods are safe for concurrent use; a nil *Redactor knows none.
type Redactor struct {
	// patterns are the credentials and their escaped spellings, in lower
	// case, longest first.
	patterns []string
	// long are the credentials at least 2*PieceLen long, in lower case, and
	// pieces their PieceLen-byte pieces.
	long   []string
	pieces map[string]bool
	// inLong marks the bytes the long credentials hold: a piece is looked
	// for only where PieceLen of them are in a row.
	inLong [256]bool
	// spelled are the credentials that hold a byte opening an escape ("\\",
	// "%", "&"), in lower case, and the pieces of the long ones among them.
	// Such a credential may read as another text once the escapes are
	// decoded (a key holding "%41" reads "A"; a raw "\\" before "\u0030"
	// reads as an escaped backslash), so these are looked for with each
	// character in any of its spellings (see [spellingMatcher]).
	spelled []string
	// window is how many bytes at the end of a text PartAtEnd reads.
	window int
}

// New returns the Redactor of the credentials given; empty ones are
// ignored.
func New(credentials ...string) *Redactor {
	r := &Redactor{}
	for _, c := range credentials {
		if c == "" {
			continue
		}
		lower := ascii.Lower(c)
		escapable := strings.ContainsAny(c, `\%&`)
		if escapable && !slices.Contains(r.spelled, lower) {
			r.spelled = append(r.spelled, lower)
		}
		if len(lower) >= 2*PieceLen {
			if r.pieces == nil {
				r.pieces = map[string]bool{}
			}
			r.long = append(r.long, lower)
			for i := 0; i < len(lower); i++ {
				r.inLong[lower[i]] = true
				r.inLong[upperByte(lower[i])] = true
			}
			for i := 0; i+PieceLen <= len(lower); i++ {
				r.pieces[lower[i:i+PieceLen]] = true
				if escapable && !slices.Contains(r.spelled, lower[i:i+PieceLen]) {
					r.spelled = append(r.spelled, lower[i:i+PieceLen])
				}
			}
		}
		jsonForm, _ := json.Marshal(c)
		goForm := strconv.Quote(c)
		for _, form := range []string{
			c,
			url.PathEscape(c),
			url.QueryEscape(c),
			string(jsonForm[1 : len(jsonForm)-1]),
			goForm[1 : len(goForm)-1],
		} {
			form = ascii.Lower(form)
			if !slices.Contains(r.patterns, form) {
				r.patterns = append(r.patterns, form)
			}
		}
	}
	// Longest first, so that where one credential holds another the longer
	// is found whole.
	slices.SortStableFunc(r.patterns, func(a, b string) int { return len(b) - len(a) })
	if len(r.patterns) > 0 {
		// An escape is at most 12 bytes ("&#x0000007e;"); the end of a cut
		// escape and a mark besides.
		r.window = 12*len(r.patterns[0]) + 2*len(Mark)
	}
	return r
}

// KeyShaped reports whether s could be an API key pasted where a name
// belongs (an organization, a host name, a path segment): at least 20
// ASCII letters and digits and nothing else, a digit among them, as random
// keys are and names seldom are, and not a 24-hex-digit ObjectId (a
// partner's or a key's id, which may be shown).
func KeyShaped(s string) bool {
	if len(s) < 20 {
		return false
	}
	digit, hex := false, true
	for i := 0; i < len(s); i++ {
		switch c := lowerByte(s[i]); {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'f':
		case c >= 'g' && c <= 'z':
			hex = false
		default:
			return false
		}
	}
	return digit && !(hex && len(s) == 24)
}

// Empty reports whether r knows no credential.
func (r *Redactor) Empty() bool { return r == nil || len(r.patterns) == 0 }

// Scrub returns s with every credential in it replaced by [Mark]. The rest
// of s is kept byte for byte, escapes included, and so are the marks
// already in it: nothing is looked for inside or across one, so that text
// scrubbed twice reads as text scrubbed once.
func (r *Redactor) Scrub(s string) string {
	if r.Empty() || s == "" {
		return s
	}
	// Another pass reads what a mark made readable: "&#50" before a mark
	// is a character reference, ended by the mark's "[".
	for range 3 {
		covered := r.covered(s)
		if covered == nil {
			break
		}
		s = replaceCovered(s, covered)
	}
	return s
}

// Shows reports whether s holds a credential, in any spelling.
func (r *Redactor) Shows(s string) bool {
	return !r.Empty() && s != "" && r.covered(s) != nil
}

// covered reports which bytes of s are inside a credential or a piece of
// one, looked for between the marks s holds; nil when none is.
func (r *Redactor) covered(s string) []bool {
	var covered []bool
	mark := func(from, to int) {
		if covered == nil {
			covered = make([]bool, len(s))
		}
		for i := from; i < to; i++ {
			covered[i] = true
		}
	}
	for start := 0; ; {
		end := len(s)
		if i := strings.Index(s[start:], Mark); i >= 0 {
			end = start + i
		}
		r.find(s[start:end], func(from, to int) { mark(start+from, start+to) })
		if end == len(s) {
			return covered
		}
		start = end + len(Mark)
	}
}

// replaceCovered replaces each run of covered bytes of s by one [Mark].
func replaceCovered(s string, covered []bool) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if !covered[i] {
			b.WriteByte(s[i])
			i++
			continue
		}
		b.WriteString(Mark)
		for i < len(s) && covered[i] {
			i++
		}
	}
	return b.String()
}

// Stream splits s, text a stream was given and has not written yet, into
// what may be written now, scrubbed, and what must wait, as it is, for the
// text that follows: the end that could be part of a credential going on
// past it, and any credential that runs into that end.
func (r *Redactor) Stream(s string) (out, held string) {
	if r.Empty() {
		return s, ""
	}
	cut := len(s) - r.PartAtEnd(s)
	if cut == len(s) {
		return r.Scrub(s), ""
	}
	if covered := r.covered(s); covered != nil {
		for cut > 0 && covered[cut-1] && covered[cut] {
			cut--
		}
	}
	return r.Scrub(s[:cut]), s[cut:]
}

// find calls mark with the byte range of s of every credential and piece
// of one in it, as s spells it and as it reads once its escapes are
// decoded.
func (r *Redactor) find(s string, mark func(from, to int)) {
	r.findIn(s, mark)
	if d := decode(s); d.at != nil {
		r.findIn(d.text, func(from, to int) { mark(d.at[from], d.at[to]) })
	}
	if len(r.spelled) > 0 {
		r.findSpelled(s, mark)
	}
}

// findSpelled calls mark with the byte range of every instance in s of
// r.spelled, each character written raw in any letter case or as any
// escape of it.
func (r *Redactor) findSpelled(s string, mark func(from, to int)) {
	m := spellingMatcher{s: s}
	for _, p := range r.spelled {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if lowerByte(c) != p[0] && c != '\\' && c != '%' && c != '&' {
				continue
			}
			if end := m.longestEnd(i, p); end > i {
				mark(i, end)
				i = end - 1
			}
		}
	}
}

// A spellingMatcher finds credentials in s written with each character
// raw, in any letter case, or as an escape of it. Where a character opens
// an escape the text can be read two ways (a raw "\\" then "\u0030", or
// "\\\\" then "u0030"), and both readings are followed.
type spellingMatcher struct {
	s string
	// ends and next are the places in s where the readings followed end,
	// before and after one more character.
	ends, next []int
	// seen[at] == round when next already holds at; made at the first
	// place a reading may begin, so a text with none costs nothing.
	seen  []int
	round int
}

// longestEnd is where the longest reading of lower, a lower-case text,
// that begins at s[i] ends, or -1.
func (m *spellingMatcher) longestEnd(i int, lower string) int {
	if m.seen == nil {
		m.seen = make([]int, len(m.s)+1)
	}
	m.ends = append(m.ends[:0], i)
	for j := 0; j < len(lower) && len(m.ends) > 0; j++ {
		m.round++
		m.next = m.next[:0]
		for _, at := range m.ends {
			if at == len(m.s) {
				continue
			}
			if lowerByte(m.s[at]) == lower[j] {
				m.add(at + 1)
			}
			if c, n := escapeAt(m.s, at); n > 0 && lowerByte(c) == lower[j] {
				m.add(at + n)
			}
		}
		m.ends, m.next = m.next, m.ends
	}
	if len(m.ends) == 0 {
		return -1
	}
	return slices.Max(m.ends)
}

func (m *spellingMatcher) add(at int) {
	if m.seen[at] != m.round {
		m.seen[at] = m.round
		m.next = append(m.next, at)
	}
}

// findIn calls mark with the byte range of every credential and piece of
// one in s, in any letter case.
func (r *Redactor) findIn(s string, mark func(from, to int)) {
	for _, p := range r.patterns {
		for i := 0; ; {
			j := indexFold(s[i:], p)
			if j < 0 {
				break
			}
			mark(i+j, i+j+len(p))
			i += j + len(p)
		}
	}
	if r.pieces == nil {
		return
	}
	var piece [PieceLen]byte
	run := 0
	for i := 0; i < len(s); i++ {
		if !r.inLong[s[i]] {
			run = 0
			continue
		}
		if run++; run >= PieceLen {
			start := i + 1 - PieceLen
			for k := range piece {
				piece[k] = lowerByte(s[start+k])
			}
			if r.pieces[string(piece[:])] {
				mark(start, i+1)
			}
		}
	}
}

// indexFold is the index of the first instance of sub, a lower-case text,
// in s in any ASCII letter case, or -1. sub is not empty.
func indexFold(s, sub string) int {
	lower := sub[0]
	upper := lower
	if 'a' <= lower && lower <= 'z' {
		upper -= 'a' - 'A'
	}
	// The next places where sub's first byte is, in either case.
	nextLower, nextUpper := indexByteFrom(s, lower, 0), indexByteFrom(s, upper, 0)
	for {
		i := nextLower
		if nextUpper >= 0 && (i < 0 || nextUpper < i) {
			i = nextUpper
		}
		if i < 0 || i+len(sub) > len(s) {
			return -1
		}
		if equalFold(s[i:i+len(sub)], sub) {
			return i
		}
		if i == nextLower {
			nextLower = indexByteFrom(s, lower, i+1)
		}
		if i == nextUpper {
			nextUpper = indexByteFrom(s, upper, i+1)
		}
	}
}

// indexByteFrom is the index of the first c in s at or after from, or -1.
func indexByteFrom(s string, c byte, from int) int {
	if j := strings.IndexByte(s[from:], c); j >= 0 {
		return from + j
	}
	return -1
}

// equalFold reports whether s equals lower, a lower-case text, in any
// ASCII letter case.
func equalFold(s, lower string) bool {
	for i := 0; i < len(s); i++ {
		if lowerByte(s[i]) != lower[i] {
			return false
		}
	}
	return true
}

func upperByte(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// PartAtEnd is how many bytes at the end of s could be part of a
// credential that goes on past the end: its beginning, any part of a long
// credential, or an escape cut in the middle. They are the bytes to drop
// from a text cut short, or to hold back from a stream until what follows
// shows whether they are part of a credential. They never begin inside an
// escape, nor reach back into a [Mark].
func (r *Redactor) PartAtEnd(s string) int {
	if r.Empty() || s == "" {
		return 0
	}
	// Only the end can hold the part: as many bytes as the longest
	// credential written with the longest escapes, and never a mark.
	floor := max(0, len(s)-r.window)
	if i := strings.LastIndex(s[floor:], Mark); i >= 0 {
		floor += i + len(Mark)
	}
	tail := s[floor:]
	d := decode(tail)
	partial := d.partialEscape(tail)
	cut := min(partial, len(tail)-r.partAtEnd(ascii.Lower(tail)))
	// Read decoded, before an escape cut in the middle at the very end.
	body := d
	if partial < len(tail) {
		body = decode(tail[:partial])
	}
	n := r.partAtEnd(ascii.Lower(body.text))
	cut = min(cut, body.offset(len(body.text)-n))
	return len(s) - floor - d.boundaryAtOrBefore(cut)
}

// partAtEnd is the length of the longest end of lower that is a proper
// prefix of a pattern or inside a long credential.
func (r *Redactor) partAtEnd(lower string) int {
	keep := 0
	for _, p := range r.patterns {
		for n := min(len(p)-1, len(lower)); n > keep; n-- {
			if strings.HasSuffix(lower, p[:n]) {
				keep = n
				break
			}
		}
	}
	for _, c := range r.long {
		for n := min(len(c), len(lower)); n > keep; n-- {
			if strings.Contains(c, lower[len(lower)-n:]) {
				keep = n
				break
			}
		}
	}
	return keep
}

// decoded is a text with its escapes of printable ASCII characters read as
// the characters: at[i] is where text's byte i starts in the original, and
// at[len(text)] its length. at is nil when nothing in the text decodes.
type decoded struct {
	text string
	at   []int
}

// decode reads the escapes of printable ASCII characters in s.
func decode(s string) decoded {
	start := len(s) // where the first escape may open
	for _, c := range []byte{'\\', '%', '&'} {
		if i := strings.IndexByte(s[:start], c); i >= 0 {
			start = i
		}
	}
	first := -1
	for i := start; i < len(s) && first < 0; i++ {
		if c := s[i]; c == '\\' || c == '%' || c == '&' {
			if _, n := escapeAt(s, i); n > 0 {
				first = i
			}
		}
	}
	if first < 0 {
		return decoded{text: s}
	}
	b := make([]byte, first, len(s))
	copy(b, s[:first])
	at := make([]int, first, len(s)+1)
	for i := range first {
		at[i] = i
	}
	for i := first; i < len(s); {
		c, n := escapeAt(s, i)
		if n == 0 {
			c, n = s[i], 1
		}
		b = append(b, c)
		at = append(at, i)
		i += n
	}
	return decoded{text: string(b), at: append(at, len(s))}
}

// offset is where the decoded text's byte i starts in the original.
func (d decoded) offset(i int) int {
	if d.at == nil {
		return i
	}
	return d.at[i]
}

// boundaryAtOrBefore is the last place at or before i, an offset in the
// original, where a character of the decoded text starts (or the end).
func (d decoded) boundaryAtOrBefore(i int) int {
	if d.at == nil {
		return i
	}
	k, found := slices.BinarySearch(d.at, i)
	if found {
		return i
	}
	return d.at[k-1]
}

// partialEscape is where an escape that was cut before its end (`\`,
// `\u00`, `%6`, `&#x6`, `&am`) begins at the end of s, the text d decodes,
// or len(s): the escape starts a character of its own, so the second
// backslash of an escaped one (`\\`) begins nothing.
func (d decoded) partialEscape(s string) int {
	for k := max(0, len(d.text)-10); k < len(d.text); k++ {
		at := d.offset(k)
		if d.offset(k+1) != at+1 {
			continue // an escape read whole
		}
		switch s[at] {
		case '\\', '%', '&':
			if couldContinue(s[at:]) {
				return at
			}
		}
	}
	return len(s)
}

// escapeAt reads the escape that begins at s[i] (JSON's or Go's backslash
// escape, a URL escape, an HTML character reference), if it stands for a
// printable ASCII character: it returns the character and the escape's
// length, or n == 0.
func escapeAt(s string, i int) (c byte, n int) {
	rest := s[i:]
	switch {
	case rest[0] == '\\':
		if len(rest) >= 2 && (rest[1] == '/' || rest[1] == '"' || rest[1] == '\\') {
			return rest[1], 2
		}
		if len(rest) >= 6 && rest[1] == 'u' {
			if v, ok := parseDigits(rest[2:6], 16); ok && printable(v) {
				return byte(v), 6
			}
		}
		if len(rest) >= 4 && rest[1] == 'x' {
			if v, ok := parseDigits(rest[2:4], 16); ok && printable(v) {
				return byte(v), 4
			}
		}
	case rest[0] == '%':
		if len(rest) >= 3 {
			if v, ok := parseDigits(rest[1:3], 16); ok && printable(v) {
				return byte(v), 3
			}
		}
	case rest[0] == '&':
		return htmlReference(rest)
	}
	return 0, 0
}

// htmlEntities are the named character references of printable ASCII
// characters that HTML escapers write.
var htmlEntities = [...]struct {
	name string
	c    byte
}{{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}}

// htmlEntity is the character the named reference stands for.
func htmlEntity(name string) (byte, bool) {
	for _, e := range htmlEntities {
		if e.name == name {
			return e.c, true
		}
	}
	return 0, false
}

// htmlReference reads an HTML character reference at the start of s:
// &#99; &#x63; (the semicolon may be left out, as browsers allow) or one of
// htmlEntities.
func htmlReference(s string) (byte, int) {
	if len(s) < 3 {
		return 0, 0
	}
	if s[1] != '#' {
		end := strings.IndexByte(s[:min(len(s), 7)], ';')
		if end < 0 {
			return 0, 0
		}
		c, ok := htmlEntity(ascii.Lower(s[1:end]))
		if !ok {
			return 0, 0
		}
		return c, end + 1
	}
	base, digits := 10, 2
	if s[2] == 'x' || s[2] == 'X' {
		base, digits = 16, 3
	}
	end := digits
	for end < len(s) && end < digits+8 && isDigit(s[end], base) {
		end++
	}
	if end == digits {
		return 0, 0
	}
	v, ok := parseDigits(s[digits:end], base)
	if !ok || !printable(v) {
		return 0, 0
	}
	if end < len(s) && s[end] == ';' {
		end++
	}
	return byte(v), end
}

// couldContinue reports whether tail, an escape's opening and what follows
// it to the end of the text, is the beginning of an escape not yet ended.
func couldContinue(tail string) bool {
	switch tail[0] {
	case '\\':
		if len(tail) == 1 {
			return true
		}
		if tail[1] == 'u' {
			return len(tail) < 6 && allDigits(tail[2:], 16)
		}
		if tail[1] == 'x' {
			return len(tail) < 4 && allDigits(tail[2:], 16)
		}
	case '%':
		return len(tail) < 3 && allDigits(tail[1:], 16)
	case '&':
		if len(tail) == 1 {
			return true
		}
		if tail[1] == '#' {
			digits := tail[2:]
			base := 10
			if digits != "" && (digits[0] == 'x' || digits[0] == 'X') {
				digits, base = digits[1:], 16
			}
			return len(digits) < 8 && allDigits(digits, base)
		}
		name := ascii.Lower(tail[1:])
		for _, e := range htmlEntities {
			if strings.HasPrefix(e.name, name) {
				return true
			}
		}
	}
	return false
}

func printable(v uint64) bool { return v >= 0x20 && v < 0x7f }

// parseDigits reads s, at most 8 digits in base 10 or 16, without the
// allocation strconv makes for every error: text full of "%" costs no
// garbage.
func parseDigits(s string, base int) (uint64, bool) {
	if s == "" || len(s) > 8 {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case base == 16 && c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		v = v*uint64(base) + uint64(d)
	}
	return v, true
}

func isDigit(c byte, base int) bool {
	if c >= '0' && c <= '9' {
		return true
	}
	return base == 16 && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')
}

func allDigits(s string, base int) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i], base) {
			return false
		}
	}
	return true
}
