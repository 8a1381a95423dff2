package partnerapi

import (
	"errors"
	"net"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/partnerapi/go-partnerapi/internal/redact"
	"github.com/partnerapi/go-partnerapi/partnerid"
)

// A redactor removes a [Client]'s configured credentials from text: every
// error, log record and printed value the SDK makes passes through the one
// redactor of its Client where it is made. A credential is found in any
// ASCII letter case and in every spelling a URL, JSON, HTML or a quoting
// gives it (a key pasted into a base URL or an organization, a server
// echoing the key back), by [redact.Redactor].
type redactor struct {
	known *redact.Redactor
}

// newRedactor returns the redactor of the credentials given; empty ones are
// ignored.
func newRedactor(credentials ...string) *redactor {
	return &redactor{known: redact.New(credentials...)}
}

// scrub replaces every credential in s with [REDACTED].
func (r *redactor) scrub(s string) string {
	if r == nil {
		return s
	}
	return r.known.Scrub(s)
}

// shows reports whether s holds a credential.
func (r *redactor) shows(s string) bool {
	return r != nil && r.known.Shows(s)
}

// text makes s, a text from a server or a caller, safe to put in an error or
// a log record: credentials are replaced (in any spelling, escaped or
// not), the result is made one line ([oneLine]) and cut to at most max
// bytes. The credentials are replaced before the cut, and a cut text never
// ends with a part of a credential.
func (r *redactor) text(s string, max int) string {
	return r.trimCredentialPrefix(oneLine(r.scrub(s), max))
}

// cutShort marks s, a text cut short before it got here (a body read up
// to a limit), with a final "…", first removing its end if that is the
// beginning of a credential.
func (r *redactor) cutShort(s string) string {
	return r.trimCredentialPrefix(s + "…")
}

// trimCredentialPrefix removes from a text ending in "…" (cut short) the
// bytes before the ellipsis that may be the beginning of a credential.
func (r *redactor) trimCredentialPrefix(s string) string {
	body, cut := strings.CutSuffix(s, "…")
	if !cut || r == nil {
		return s
	}
	body = body[:len(body)-r.known.PartAtEnd(body)]
	return strings.TrimRightFunc(body, unicode.IsSpace) + "…"
}

// oneLine returns at most max bytes of s as valid UTF-8 on one line, ending
// in "…" when it was cut. Control characters, line and paragraph
// separators, bidirectional and other invisible format characters, and runs
// of white space become one space: text from a server cannot break a log
// line or reorder what a terminal shows.
func oneLine(s string, max int) string {
	var b strings.Builder
	space, cut := false, false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			r = '?'
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			if !space && b.Len() > 0 {
				space = true
			}
			i += n
			continue
		}
		need := utf8.RuneLen(r)
		if space {
			need++
		}
		if b.Len()+need > max {
			cut = true
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
		i += n
	}
	if cut {
		return b.String() + "…"
	}
	return b.String()
}

// error returns err as an error that shows no credential anywhere in its
// chain: its own text, and the text of every error errors.Unwrap reaches.
// An err that shows none is returned as it is. Otherwise the errors that
// show one are rebuilt: the types a caller may look for with errors.As
// (*url.Error, *net.OpError, *net.DNSError, *time.ParseError,
// *partnerid.Error and this package's own) keep their type with the
// credential replaced; any other becomes an error with the redacted text
// that still matches what the original matched with errors.Is.
func (r *redactor) error(err error) error {
	if err == nil || r == nil || r.clean(err) {
		return err
	}
	return r.rebuild(err)
}

// clean reports whether no error in err's tree shows a credential.
func (r *redactor) clean(err error) bool {
	for err != nil {
		if r.shows(err.Error()) {
			return false
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if !r.clean(e) {
					return false
				}
			}
			return true
		default:
			return true
		}
	}
	return true
}

func (r *redactor) rebuild(err error) error {
	if err == nil || r.clean(err) {
		return err
	}
	var out error
	switch e := err.(type) {
	case *argError:
		out = &argError{msg: r.scrub(e.msg), cause: r.rebuild(e.cause)}
	case *url.Error:
		out = &url.Error{Op: e.Op, URL: r.scrub(e.URL), Err: r.rebuild(e.Err)}
	case *net.OpError:
		c := *e
		c.Err = r.rebuild(e.Err)
		out = &c
	case *net.DNSError:
		c := *e
		c.Err, c.Name, c.Server = r.scrub(e.Err), r.scrub(e.Name), r.scrub(e.Server)
		c.UnwrapErr = r.rebuild(e.UnwrapErr)
		out = &c
	case *time.ParseError:
		c := *e
		c.Layout, c.Value = r.scrub(e.Layout), r.scrub(e.Value)
		c.LayoutElem, c.ValueElem, c.Message = r.scrub(e.LayoutElem), r.scrub(e.ValueElem), r.scrub(e.Message)
		out = &c
	case *partnerid.Error:
		c := *e
		c.ID, c.Reason = r.scrub(e.ID), r.scrub(e.Reason)
		out = &c
	}
	if out != nil && r.clean(out) {
		return out
	}
	msg := r.scrub(err.Error())
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		var next []error
		for _, e := range u.Unwrap() {
			next = append(next, r.rebuild(e))
		}
		return &redactedErrors{msg: msg, orig: err, next: next}
	case interface{ Unwrap() error }:
		return &redactedError{msg: msg, orig: err, next: r.rebuild(u.Unwrap())}
	}
	return &redactedError{msg: msg, orig: err}
}

// redactedError stands in an error chain for an error whose text showed a
// credential: it has the redacted text, unwraps to the redacted rest of the
// chain, and matches with errors.Is whatever the original matched.
type redactedError struct {
	msg  string
	orig error
	next error
}

func (e *redactedError) Error() string        { return e.msg }
func (e *redactedError) Unwrap() error        { return e.next }
func (e *redactedError) Is(target error) bool { return errors.Is(e.orig, target) }

// redactedErrors is redactedError for an error that wraps several.
type redactedErrors struct {
	msg  string
	orig error
	next []error
}

func (e *redactedErrors) Error() string        { return e.msg }
func (e *redactedErrors) Unwrap() []error      { return e.next }
func (e *redactedErrors) Is(target error) bool { return errors.Is(e.orig, target) }
