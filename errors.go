package partnerapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors, matched with errors.Is. An *Error matches the one that
// fits its status; argument errors match ErrInvalidArgument before any I/O.
var (
	// ErrInvalidArgument: a bad argument or configuration, refused before any request.
	ErrInvalidArgument = errors.New("partnerapi: invalid argument")
	// ErrUnauthorized: HTTP 401, a missing, unknown or removed API key.
	ErrUnauthorized = errors.New("partnerapi: unauthorized")
	// ErrForbidden: HTTP 403, the key may not do this (another partner's data, a feature not enabled).
	ErrForbidden = errors.New("partnerapi: forbidden")
	// ErrNotFound: HTTP 404, no such user or key.
	ErrNotFound = errors.New("partnerapi: not found")
	// ErrValidation: HTTP 400 or 422, the server refused the request's content.
	ErrValidation = errors.New("partnerapi: validation failed")
	// ErrRateLimited: HTTP 429.
	ErrRateLimited = errors.New("partnerapi: rate limited")
	// ErrServer: HTTP 5xx.
	ErrServer = errors.New("partnerapi: server error")
)

// Error is an API answer that was not a success. It carries what the server
// said, in either of the two documented error body shapes, and where the
// call went. Nothing in it holds a credential: text from the server is
// scrubbed of the client's keys before it is stored.
type Error struct {
	StatusCode int
	Type       string            // "validation_error", "HTTPForbidden", …; empty when the body names none
	Message    string            // the server's message, or a short excerpt of a body that was not JSON
	Fields     map[string]string // field → message, when the body maps them
	RequestID  string            // from the response headers, when present
	Method     string
	URL        string // the request URL; never holds a credential
	Attempts   int    // how many times the request was sent
	RetryAfter time.Duration
}

// Error returns one line: method, URL, status, type and message.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "partnerapi: %s %s: %d %s", e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Type != "" {
		b.WriteString(" (" + e.Type + ")")
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if len(e.Fields) > 0 {
		names := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			names = append(names, k)
		}
		sort.Strings(names)
		sep := ": "
		if e.Message != "" {
			sep = "; "
		}
		for i, k := range names {
			if i == maxFieldsShown {
				fmt.Fprintf(&b, " (and %d more)", len(names)-i)
				break
			}
			b.WriteString(sep + k + " " + e.Fields[k])
			sep = ", "
		}
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " [retry after %s]", e.RetryAfter)
	}
	if e.RequestID != "" {
		b.WriteString(" [request id " + e.RequestID + "]")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " [%d attempts]", e.Attempts)
	}
	return b.String()
}

// Is matches the sentinel for the status: 401 ErrUnauthorized, 403
// ErrForbidden, 404 ErrNotFound, 400 and 422 ErrValidation, 429
// ErrRateLimited, 5xx ErrServer.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrValidation:
		return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnprocessableEntity
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	}
	return false
}

// requestIDHeaders are the response headers a request id is read from, in order.
var requestIDHeaders = []string{"X-Request-Id", "X-Request-ID", "Request-Id", "X-Amzn-Requestid", "X-Correlation-Id"}

// maxExcerpt bounds the excerpt of a body that is not a documented error.
const maxExcerpt = 200

// decodeError builds the *Error for a non-2xx answer from its status,
// headers and (capped) body. scrub removes the client's credentials from any
// text taken from the response.
func decodeError(resp *http.Response, body []byte, scrub func(string) string) *Error {
	e := &Error{StatusCode: resp.StatusCode}
	// Text is scrubbed before it is cut short, so that no excerpt ends in
	// the first part of a key, and again after decoding, for a key the body
	// spelled with JSON escapes.
	for _, h := range requestIDHeaders {
		if v := resp.Header.Get(h); v != "" {
			e.RequestID = scrub(excerpt([]byte(scrub(v)), 100))
			break
		}
	}
	body = []byte(scrub(string(body)))
	if !parseErrorBody(e, body) {
		e.Type, e.Message, e.Fields = "", excerptBody(resp.Header.Get("Content-Type"), body), nil
	}
	e.Type = scrub(e.Type)
	e.Message = scrub(e.Message)
	if len(e.Fields) > 0 {
		fields := make(map[string]string, len(e.Fields))
		for k, v := range e.Fields {
			// Field names come from the server too: one short line each.
			fields[scrub(excerpt([]byte(scrub(k)), maxFieldName))] = scrub(v)
		}
		e.Fields = fields
	}
	return e
}

// maxFieldName bounds a field name taken from an error body.
const maxFieldName = 60

// maxFieldsShown bounds how many fields Error lists; the rest are counted.
const maxFieldsShown = 10

// parseErrorBody reads the documented error shapes into e:
//
//	{"error": {"type": "...", "message": "text" | {"field": "msg" | ["msg", ...]}}}
//	{"error": "HTTPForbidden", "reason": "..."}
//	{"errors": ["...", ...]}
//
// and reports whether body was one of them.
func parseErrorBody(e *Error, body []byte) bool {
	var doc struct {
		Error  json.RawMessage `json:"error"`
		Reason json.RawMessage `json:"reason"`
		Errors []any           `json:"errors"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(body), &doc); err != nil {
		return false
	}
	switch {
	case len(doc.Error) > 0 && doc.Error[0] == '{':
		var inner struct {
			Type    any             `json:"type"`
			Message json.RawMessage `json:"message"`
		}
		if json.Unmarshal(doc.Error, &inner) != nil {
			return false
		}
		e.Type = textOf(inner.Type)
		if len(inner.Message) > 0 && inner.Message[0] == '{' {
			var fields map[string]any
			if json.Unmarshal(inner.Message, &fields) == nil && len(fields) > 0 {
				e.Fields = make(map[string]string, len(fields))
				for k, v := range fields {
					e.Fields[k] = textOf(v)
				}
			}
		} else if len(inner.Message) > 0 {
			var m any
			_ = json.Unmarshal(inner.Message, &m)
			e.Message = textOf(m)
		}
		return true
	case len(doc.Error) > 0:
		var t any
		_ = json.Unmarshal(doc.Error, &t)
		e.Type = textOf(t)
		var r any
		_ = json.Unmarshal(doc.Reason, &r)
		e.Message = textOf(r)
		return true
	case len(doc.Errors) > 0:
		parts := make([]string, 0, len(doc.Errors))
		for _, v := range doc.Errors {
			parts = append(parts, textOf(v))
		}
		e.Message = strings.Join(parts, "; ")
		return true
	}
	return false
}

// textOf renders a decoded JSON value as short text: strings as they are,
// lists joined with "; ", anything else as compact JSON.
func textOf(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return excerpt([]byte(v), maxExcerpt)
	case []any:
		parts := make([]string, 0, len(v))
		for _, x := range v {
			parts = append(parts, textOf(x))
		}
		return excerpt([]byte(strings.Join(parts, "; ")), maxExcerpt)
	default:
		b, _ := json.Marshal(v)
		return excerpt(b, maxExcerpt)
	}
}

// excerptBody gives a short, printable excerpt of a body that is not a
// documented error: the <title> of an HTML page when it has one, else the
// text with tags and runs of white space removed.
func excerptBody(contentType string, body []byte) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return ""
	}
	if looksHTML(contentType, body) {
		if t := htmlTitle(body); t != "" {
			return excerpt([]byte(t), maxExcerpt)
		}
		body = stripTags(body)
	}
	return excerpt(body, maxExcerpt)
}

func looksHTML(contentType string, body []byte) bool {
	return strings.Contains(strings.ToLower(contentType), "html") || bytes.HasPrefix(bytes.TrimSpace(body), []byte("<"))
}

func htmlTitle(body []byte) string {
	// ASCII-only lowering keeps byte offsets: bytes.ToLower would turn an
	// invalid byte into a 3-byte U+FFFD and the indexes would not fit body.
	lower := asciiLower(string(body))
	i := strings.Index(lower, "<title>")
	if i < 0 {
		return ""
	}
	start := i + len("<title>")
	j := strings.Index(lower[start:], "</title>")
	if j < 0 {
		return ""
	}
	return strings.TrimSpace(string(body[start : start+j]))
}

func stripTags(body []byte) []byte {
	out := make([]byte, 0, len(body))
	inTag := false
	for _, c := range body {
		switch {
		case c == '<':
			inTag = true
		case c == '>' && inTag:
			inTag = false
			out = append(out, ' ')
		case !inTag:
			out = append(out, c)
		}
	}
	return out
}

// excerpt returns at most max bytes of s as valid UTF-8 on one line: control
// characters and runs of white space become one space.
func excerpt(s []byte, max int) string {
	var b strings.Builder
	space := false
	for len(s) > 0 && b.Len() < max {
		r, n := utf8.DecodeRune(s)
		s = s[n:]
		if r == utf8.RuneError && n <= 1 {
			r = '?'
		}
		if r < 0x20 || r == 0x7f || r == ' ' || (r >= 0x80 && r < 0xa0) {
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	out := strings.TrimSpace(b.String())
	if len(s) > 0 {
		out += "…"
	}
	return out
}

// argError is an argument or configuration error, found before any I/O. It
// matches ErrInvalidArgument and, through Unwrap, its cause (a
// *partnerid.Error, say).
type argError struct {
	msg   string
	cause error
}

func (e *argError) Error() string {
	if e.cause != nil {
		return "partnerapi: " + e.msg + ": " + e.cause.Error()
	}
	return "partnerapi: " + e.msg
}
func (e *argError) Is(target error) bool { return target == ErrInvalidArgument }
func (e *argError) Unwrap() error        { return e.cause }

func invalidArg(format string, args ...any) error {
	return &argError{msg: fmt.Sprintf(format, args...)}
}
