package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// redactedMark is what the CLI prints in place of a credential, as the SDK does.
const redactedMark = "[REDACTED]"

// redactor knows every credential the configuration carries, wherever it
// was put, and removes them from text. The CLI's stdout and stderr are
// written through it (redactingWriter), so nothing the CLI prints - a
// result, a message, an error, progress, a usage error that repeats an
// argument - can show one.
//
// What counts as a credential:
//   - the values of --key and --keys-key and of PARTNERAPI_KEY and
//     PARTNERAPI_KEYS_KEY, whatever they look like, and each of their
//     parts around white space;
//   - user info in a base URL;
//   - in the values of --org, --partner and --base-url and of their
//     variables, every run of letters and digits that is shaped like a key
//     (keyShaped): a key pasted into the wrong setting, such as
//     PARTNERAPI_ORG and PARTNERAPI_KEY swapped, a key given as the
//     partner, or a key in a proxy's path.
//
// Each is matched in any letter case, and also as JSON, Go quoting, URL
// escaping and printable would spell it.
type redactor struct {
	secrets []string // every spelling, longest first
}

// Settings whose values are credentials, and settings where a credential
// may be put by mistake: flag names and environment variables.
var (
	credentialFlags = []string{"key", "keys-key"}
	credentialEnv   = []string{envKey, envKeysKey}
	suspectFlags    = []string{"org", "partner", "base-url"}
	suspectEnv      = []string{envOrg, envPartner, envBaseURL}
)

// newRedactor collects the credentials of one invocation from its
// command-line arguments and its environment, before anything is parsed,
// so that even a usage error is written through it.
func newRedactor(args []string, getenv func(string) string) *redactor {
	var credentials, suspects []string
	for _, name := range credentialEnv {
		credentials = append(credentials, getenv(name))
	}
	for _, name := range suspectEnv {
		suspects = append(suspects, getenv(name))
	}
	for i := 0; i < len(args); i++ {
		if args[i] == "--" {
			break
		}
		if !strings.HasPrefix(args[i], "-") {
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		switch {
		case slices.Contains(credentialFlags, name):
			credentials = append(credentials, value)
		case slices.Contains(suspectFlags, name):
			suspects = append(suspects, value)
		}
	}
	r := &redactor{}
	for _, c := range credentials {
		r.add(c)
		// A key with white space in it (a trailing newline from a file,
		// a label pasted with it) is refused, but each part may be the key.
		if parts := strings.Fields(c); len(parts) > 1 || len(parts) == 1 && parts[0] != c {
			for _, p := range parts {
				r.add(p)
			}
		}
	}
	for _, s := range suspects {
		if u, err := url.Parse(s); err == nil && u.User != nil {
			r.add(u.User.Username())
			if p, ok := u.User.Password(); ok {
				r.add(p)
			}
		}
		for _, tok := range strings.FieldsFunc(s, func(c rune) bool { return !isASCIIAlnum(c) }) {
			if keyShaped(tok) {
				r.add(tok)
			}
		}
	}
	slices.SortFunc(r.secrets, func(a, b string) int { return len(b) - len(a) })
	return r
}

// add records secret and every spelling of it the CLI could print.
func (r *redactor) add(secret string) {
	if secret == "" {
		return
	}
	jsonForm, _ := json.Marshal(secret)
	for _, form := range []string{
		secret,
		string(jsonForm[1 : len(jsonForm)-1]),
		strings.Trim(strconv.Quote(secret), `"`),
		url.PathEscape(secret),
		url.QueryEscape(secret),
		printable(secret),
	} {
		known := slices.ContainsFunc(r.secrets, func(s string) bool { return strings.EqualFold(s, form) })
		if form != "" && !known {
			r.secrets = append(r.secrets, form)
		}
	}
}

// keyShaped reports whether tok could be an API key: at least 20 letters
// and digits with a digit among them (keys are 32 random characters; an
// organization or a host name is rarely so long without a separator), and
// not a 24-hex-digit ObjectId (a partner's or a key's id, which the CLI
// shows).
func keyShaped(tok string) bool {
	if len(tok) < 20 || !strings.ContainsAny(tok, "0123456789") {
		return false
	}
	if len(tok) == 24 && strings.Trim(tok, "0123456789abcdefABCDEF") == "" {
		return false
	}
	return true
}

func isASCIIAlnum(c rune) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// scrub returns s with every credential replaced by [REDACTED].
func (r *redactor) scrub(s string) string {
	for _, secret := range r.secrets {
		i := indexFold(s, secret)
		if i < 0 {
			continue
		}
		var b strings.Builder
		for i >= 0 {
			b.WriteString(s[:i])
			b.WriteString(redactedMark)
			s = s[i+len(secret):]
			i = indexFold(s, secret)
		}
		b.WriteString(s)
		s = b.String()
	}
	return s
}

// indexFold is the index of the first instance of sub in s in any letter
// case, or -1. sub is not empty.
func indexFold(s, sub string) int {
	lower, upper := sub[0], sub[0]
	if 'a' <= lower && lower <= 'z' {
		upper -= 'a' - 'A'
	} else if 'A' <= upper && upper <= 'Z' {
		lower += 'a' - 'A'
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
		if strings.EqualFold(s[i:i+len(sub)], sub) {
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

// heldBack is how many bytes at the end of s could be the start of a
// credential: they wait for the next write, which may complete it.
func (r *redactor) heldBack(s string) int {
	keep := 0
	for _, secret := range r.secrets {
		for k := min(len(secret)-1, len(s)); k > keep; k-- {
			if strings.EqualFold(s[len(s)-k:], secret[:k]) {
				keep = k
				break
			}
		}
	}
	return keep
}

// redactingWriter writes to w what is written to it, scrubbed by r. A
// credential split across two writes is caught too: the end of a write
// that could begin one is held back until the next write or Flush. It is
// safe for concurrent use.
type redactingWriter struct {
	mu      sync.Mutex
	w       io.Writer
	r       *redactor
	pending string
}

func (r *redactor) writer(w io.Writer) *redactingWriter {
	return &redactingWriter{w: w, r: r}
}

// Write scrubs p and writes it, but for a possible start of a credential
// at its end.
func (rw *redactingWriter) Write(p []byte) (int, error) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if len(rw.r.secrets) == 0 {
		return rw.w.Write(p)
	}
	s := rw.r.scrub(rw.pending + string(p))
	keep := rw.r.heldBack(s)
	rw.pending = s[len(s)-keep:]
	if _, err := io.WriteString(rw.w, s[:len(s)-keep]); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what was held back.
func (rw *redactingWriter) Flush() error {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.pending == "" {
		return nil
	}
	_, err := io.WriteString(rw.w, rw.pending)
	rw.pending = ""
	return err
}

// createFile creates the file at path for the CLI to write (--map-out),
// through the redactor as stdout and stderr are. Close flushes it.
func (a *app) createFile(path string) (io.WriteCloser, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &redactedFile{redactingWriter: a.redactor.writer(f), f: f}, nil
}

// redactedFile is a file written through a redactingWriter.
type redactedFile struct {
	*redactingWriter
	f *os.File
}

func (rf *redactedFile) Close() error {
	return errors.Join(rf.Flush(), rf.f.Close())
}
