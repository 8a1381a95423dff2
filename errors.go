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

	"github.com/partnerapi/go-partnerapi/internal/ascii"
)

// Sentinel errors, matched with errors.Is. An [*Error] matches the one that
// fits its status; argument errors match [ErrInvalidArgument] before any I/O.
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
	// ErrBadResponse: a success status (2xx) whose body is not what the API
	// documents — not JSON, a value of the wrong type, or without the object
	// the call returns (a user, a key, a partner, the tracks, a list). The
	// server is at fault, not the call.
	ErrBadResponse = errors.New("partnerapi: bad response")
	// ErrResponseTooLarge: a response body larger than the limit set with
	// [WithMaxResponseBytes] (default 10 MiB). It also matches
	// [ErrBadResponse].
	ErrResponseTooLarge = errors.New("partnerapi: response body too large")
)

// Error is an API answer that was not a success. It carries what the server
// said, in either of the two documented error body shapes, and where the
// call went. Nothing in it holds a credential: text from the server is
// scrubbed of the client's keys before it is stored, and cut to a short
// line.
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

// Limits of the text an [*Error] keeps and shows, in bytes.
const (
	maxExcerpt     = 200 // a message, a field's message, an excerpt of a body
	maxTypeShown   = 100 // an error type
	maxFieldName   = 60  // a field name
	maxFieldsShown = 10  // fields listed by Error; the rest are counted
	maxRequestID   = 100 // a request id
	maxURLShown    = 256 // the URL in an error's text (a List of many ids has a long one)
)

// Error returns one line of at most a few kilobytes: method, URL, status,
// type and message. Whatever the fields hold, it has no control, line
// separator or bidirectional formatting character.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "partnerapi: %s %s: %d %s", oneLine(e.Method, 20), oneLine(e.URL, maxURLShown), e.StatusCode, http.StatusText(e.StatusCode))
	if e.Type != "" {
		b.WriteString(" (" + oneLine(e.Type, maxTypeShown) + ")")
	}
	if e.Message != "" {
		b.WriteString(": " + oneLine(e.Message, maxExcerpt))
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
			b.WriteString(sep + oneLine(k, maxFieldName) + " " + oneLine(e.Fields[k], maxExcerpt))
			sep = ", "
		}
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " [retry after %s]", e.RetryAfter)
	}
	if e.RequestID != "" {
		b.WriteString(" [request id " + oneLine(e.RequestID, maxRequestID) + "]")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " [%d attempts]", e.Attempts)
	}
	return b.String()
}

// Is matches the sentinel for the status: 401 [ErrUnauthorized], 403
// [ErrForbidden], 404 [ErrNotFound], 400 and 422 [ErrValidation], 429
// [ErrRateLimited], 5xx [ErrServer].
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

// decodeError builds the *Error for a non-2xx answer from its status,
// headers and (capped) body. Every text taken from the response goes
// through red.text: credentials are replaced before the text is cut to
// one short line.
func decodeError(resp *http.Response, body []byte, red *redactor) *Error {
	e := &Error{StatusCode: resp.StatusCode}
	for _, h := range requestIDHeaders {
		if v := resp.Header.Get(h); v != "" {
			e.RequestID = red.text(v, maxRequestID)
			break
		}
	}
	if !parseErrorBody(e, body) {
		e.Type, e.Message, e.Fields = "", excerptBody(resp.Header.Get("Content-Type"), body), nil
	}
	e.Type = red.text(e.Type, maxTypeShown)
	e.Message = red.text(e.Message, maxExcerpt)
	if len(e.Fields) > 0 {
		fields := make(map[string]string, len(e.Fields))
		for k, v := range e.Fields {
			fields[red.text(k, maxFieldName)] = red.text(v, maxExcerpt)
		}
		e.Fields = fields
	}
	return e
}

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

// textOf renders a decoded JSON value as text: strings as they are, lists
// joined with "; ", anything else as compact JSON. It does not cut: the
// caller scrubs credentials first, then cuts.
func textOf(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []any:
		parts := make([]string, 0, len(v))
		for _, x := range v {
			parts = append(parts, textOf(x))
		}
		return strings.Join(parts, "; ")
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// excerptBody gives the text of a body that is not a documented error: the
// <title> of an HTML page when it has one, else the text with tags removed.
func excerptBody(contentType string, body []byte) string {
	if looksHTML(contentType, body) {
		if t := htmlTitle(body); t != "" {
			return t
		}
		body = stripTags(body)
	}
	return string(body)
}

func looksHTML(contentType string, body []byte) bool {
	return strings.Contains(strings.ToLower(contentType), "html") || bytes.HasPrefix(bytes.TrimSpace(body), []byte("<"))
}

func htmlTitle(body []byte) string {
	// ASCII-only lowering keeps byte offsets: bytes.ToLower would turn an
	// invalid byte into a 3-byte U+FFFD and the indexes would not fit body.
	lower := ascii.Lower(string(body))
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

// argError is an argument or configuration error, found before any I/O. It
// matches [ErrInvalidArgument] and, through Unwrap, its cause (a
// [*partnerid.Error], say). Its message never quotes a value the caller
// passed, except a partner_id, whose error goes through the client's
// redactor.
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

// transportError is a call that got no HTTP answer: the connection failed,
// or the context ended. It unwraps to the cause (with any credential
// replaced), so context errors stay matchable with errors.Is.
type transportError struct {
	msg      string
	attempts int
	err      error
}

func (e *transportError) Error() string { return e.msg }
func (e *transportError) Unwrap() error { return e.err }

// responseError is a success answer (2xx) that is not the documented
// object. It matches [ErrBadResponse] and unwraps to the cause, if any (a
// JSON decoding error, [ErrResponseTooLarge]).
type responseError struct {
	msg string
	err error
}

func (e *responseError) Error() string        { return e.msg }
func (e *responseError) Is(target error) bool { return target == ErrBadResponse }
func (e *responseError) Unwrap() error        { return e.err }
