package mockserver

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// The fake writes some answers by appending to a byte slice rather than
// through encoding/json, for one of two reasons, each stated where the
// encoder is:
//
//   - Speed, on the API's hot path. With 100,000 users stored most of a
//     request's cost is the garbage collector, which grows with the
//     allocations per request. BenchmarkAnswerEncoding (jsonw_test.go)
//     measured, against encoding/json writing the same bytes from structs
//     (2026-12-02, 2-core VM): a user answer 0.50 µs and 1 allocation
//     against 1.1 µs and 6; the tracks 0.78 µs and 1 against 4.0 µs and
//     15; three interviews 2.8 µs and 2 against 4.0 µs and 11; an error
//     body 83 ns and 1 against 270 ns and 2.
//   - Fidelity. TicketsCloud's answers are spaced as its docs print them
//     (", " and ": ", fields sorted: the create example is 203 bytes as
//     documented), which encoding/json does not write.
//
// Everything else — the control plane, snapshots — uses encoding/json.

// Time layouts of the two APIs, as their docs show them: Big Interview
// milliseconds and "Z"; TicketsCloud six fractional digits and "+00:00".
const (
	biTimeLayout = "2006-01-02T15:04:05.000Z07:00"
	tcTimeLayout = "2006-01-02T15:04:05.000000-07:00"
)

func appendBITime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, biTimeLayout)
	return append(b, '"')
}

func appendTCTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, tcTimeLayout)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD;
// control characters, '<', '>', '&', U+2028 and U+2029 are escaped, as
// encoding/json does.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += n
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += n
			start = i
			continue
		}
		i += n
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendBool(b []byte, v bool) []byte { return strconv.AppendBool(b, v) }

// appendV1Field appends a TicketsCloud object's field name, spaced as its
// docs print JSON (Python's json.dumps): ", " before every field but the
// first, then "name": .
func appendV1Field(b []byte, first bool, name string) []byte {
	if !first {
		b = append(b, ',', ' ')
	}
	b = append(b, '"')
	b = append(b, name...)
	return append(b, '"', ':', ' ')
}
