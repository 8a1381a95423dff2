package main

import (
	"errors"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/partnerapi/go-partnerapi/internal/redact"
)

// redactor knows every credential the configuration carries, wherever it
// was put, and removes them from text with the SDK's own matcher
// ([redact.Redactor]). The CLI's stdout and stderr are written through it
// (redactingWriter), so nothing the CLI prints - a result, a message, an
// error, progress, a usage error that repeats an argument - can show one.
//
// What counts as a credential:
//   - the values of --key and --keys-key and of PARTNERAPI_KEY and
//     PARTNERAPI_KEYS_KEY, whatever they look like, and each of their
//     parts around white space;
//   - user info in a base URL;
//   - in the values of --org, --partner and --base-url and of their
//     variables, as written and with their URL escapes read, every run of
//     letters and digits that is shaped like a key ([redact.KeyShaped]): a key
//     pasted into the wrong setting, such as PARTNERAPI_ORG and
//     PARTNERAPI_KEY swapped, a key given as the partner, or a key in a
//     proxy's path.
//
// Each is matched in any letter case and in every spelling JSON, HTML, Go
// quoting, URL escaping and printable would give it.
type redactor struct {
	known *redact.Redactor
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
	var secrets []string
	add := func(secret string) { secrets = append(secrets, secret, printable(secret)) }
	for _, c := range credentials {
		add(c)
		// A key with white space in it (a trailing newline from a file,
		// a label pasted with it) is refused, but each part may be the key.
		if parts := strings.Fields(c); len(parts) > 1 || len(parts) == 1 && parts[0] != c {
			for _, p := range parts {
				add(p)
			}
		}
	}
	for _, s := range suspects {
		if u, err := url.Parse(s); err == nil && u.User != nil {
			add(u.User.Username())
			if p, ok := u.User.Password(); ok {
				add(p)
			}
		}
		spellings := []string{s}
		if unescaped, err := url.PathUnescape(s); err == nil && unescaped != s {
			spellings = append(spellings, unescaped)
		}
		for _, spelling := range spellings {
			for _, tok := range strings.FieldsFunc(spelling, func(c rune) bool { return !isASCIIAlnum(c) }) {
				if redact.KeyShaped(tok) {
					add(tok)
				}
			}
		}
	}
	return &redactor{known: redact.New(secrets...)}
}

func isASCIIAlnum(c rune) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// scrub returns s with every credential replaced by [REDACTED].
func (r *redactor) scrub(s string) string { return r.known.Scrub(s) }

// redactingWriter writes to w what is written to it, scrubbed by r. A
// credential split across two writes is caught too: the end of a write
// that could be part of one is held back until the next write or Flush. It is
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

// Write writes p scrubbed, but for its end when that could be part of a
// credential ([redact.Redactor.Stream]): it waits, as written, for the next
// write or Flush, and is scrubbed with what follows it.
func (rw *redactingWriter) Write(p []byte) (int, error) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.r.known.Empty() {
		return rw.w.Write(p)
	}
	out, held := rw.r.known.Stream(rw.pending + string(p))
	rw.pending = held
	if _, err := io.WriteString(rw.w, out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what was held back, scrubbed.
func (rw *redactingWriter) Flush() error {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.pending == "" {
		return nil
	}
	_, err := io.WriteString(rw.w, rw.r.scrub(rw.pending))
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
