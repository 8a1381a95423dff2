package main

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// cell is text from the server as a table shows it: on one line, and
// unable to drive the terminal (see printable).
func cell(s string) string { return printable(oneLine(s)) }

// printable replaces every character that a terminal would act on rather
// than show - C0 controls (ESC, BEL, tab, ...), DEL, C1 controls, line and
// paragraph separators and the bidirectional overrides and isolates - and
// every byte that is not UTF-8, by U+FFFD. Text from the server or the
// roster goes through it before it reaches a terminal in table, message
// or CSV form; --json output goes through jsonTerminalSafe instead, which
// keeps the value exact.
func printable(s string) string {
	clean := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// unsafeRune reports whether a terminal could act on r instead of showing
// it: a C0 or C1 control or DEL (unicode.IsControl), U+2028/U+2029, or a
// bidirectional embedding, override or isolate (text that reorders what
// follows it).
func unsafeRune(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r == '\u2028', r == '\u2029':
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// jsonTerminalSafe escapes, in encoded JSON, the characters that
// encoding/json leaves as they are but a terminal would act on: DEL, the
// C1 controls and the bidirectional controls become \uXXXX escapes
// (encoding/json escapes the C0 controls and U+2028/U+2029 itself). Such
// characters can only be inside JSON strings, where the escape decodes to
// the same text: the value is unchanged, only its spelling.
func jsonTerminalSafe(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r >= 0x7f && unsafeRune(r) { // below: JSON's own white space, or escaped already
			if out == nil {
				out = append(make([]byte, 0, len(b)+16), b[:i]...)
			}
			out = fmt.Appendf(out, `\u%04x`, r)
		} else if out != nil {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	if out == nil {
		return b
	}
	return out
}
