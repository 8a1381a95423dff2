package mockserver

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// The two API families answer errors in their own shapes:
//
//	Big Interview (/api, and every path of neither API), as its docs show:
//	  {"error":{"type":"validation_error","message":"text"}}
//	  {"error":{"type":"validation_error","message":{"field":"message",...}}}
//	TicketsCloud (/v1), as its later API versions answer (v1 documents none),
//	spaced as its docs print JSON:
//	  {"error": "HTTPBadRequest", "reason": "text"}
//
// Big Interview's member app answers its own errors as small HTML pages,
// and the fake's own control plane (/_mock/) as {"error": "text"}.

// family is the kind of answer a surface gives: its error shape and
// content type.
type family uint8

const (
	familyAPI     family = iota // Big Interview JSON: /api, and paths of neither API
	familyV1                    // TicketsCloud JSON: /v1
	familyPage                  // Big Interview's member app: HTML pages (a Fault still answers in familyAPI's shape)
	familyControl               // the fake's control plane: {"error": "text"}
)

// apiErrorType names the Big Interview error type for a status. Only
// "validation_error" is documented; the others follow its style.
func apiErrorType(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "invalid_request"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusMethodNotAllowed:
		return "method_not_allowed"
	case http.StatusRequestEntityTooLarge:
		return "request_too_large"
	case http.StatusUnsupportedMediaType:
		return "unsupported_media_type"
	case http.StatusUnprocessableEntity:
		return "validation_error"
	case http.StatusTooManyRequests:
		return "rate_limited"
	}
	if status >= 500 {
		return "server_error"
	}
	return "error"
}

// v1ErrorName names the TicketsCloud error for a status as its later API
// versions do: "HTTP" and the status text in CamelCase, e.g.
// HTTPRequestEntityTooLarge, HTTPServiceUnavailable.
func v1ErrorName(status int) string {
	text := http.StatusText(status)
	if text == "" {
		return "HTTPError" + strconv.Itoa(status)
	}
	b := make([]byte, 0, 4+len(text))
	b = append(b, "HTTP"...)
	upper := true
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c >= 'a' && c <= 'z':
			if upper {
				c -= 'a' - 'A'
			}
			b = append(b, c)
			upper = false
		case c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			b = append(b, c)
			upper = false
		case c == '\'':
			// "I'm a teapot" → ImATeapot
		default:
			upper = true
		}
	}
	return string(b)
}

// fieldError is one entry of a validation message object.
type fieldError struct{ field, msg string }

// apiErrorBody is the Big Interview error body, written by hand: every
// refused request answers one (an error body in 83 ns and 1 allocation,
// against 270 ns and 2 through encoding/json; see jsonw.go).
func apiErrorBody(status int, msg string) []byte {
	b := make([]byte, 0, 64+len(msg))
	b = append(b, `{"error":{"type":`...)
	b = appendString(b, apiErrorType(status))
	b = append(b, `,"message":`...)
	b = appendString(b, msg)
	return append(b, '}', '}')
}

// apiFieldErrorBody is apiErrorBody naming fields, in the order given (a
// map through encoding/json would sort them).
func apiFieldErrorBody(status int, fields []fieldError) []byte {
	b := make([]byte, 0, 128)
	b = append(b, `{"error":{"type":`...)
	b = appendString(b, apiErrorType(status))
	b = append(b, `,"message":{`...)
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, f.field)
		b = append(b, ':')
		b = appendString(b, f.msg)
	}
	return append(b, '}', '}', '}')
}

// v1ErrorBody is the TicketsCloud error body, spaced as its docs print
// JSON, which encoding/json does not do.
func v1ErrorBody(status int, reason string) []byte {
	b := make([]byte, 0, 64+len(reason))
	b = append(b, `{"error": `...)
	b = appendString(b, v1ErrorName(status))
	b = append(b, `, "reason": `...)
	b = appendString(b, reason)
	return append(b, '}')
}

// controlErrorBody is the control plane's error body.
func controlErrorBody(msg string) []byte {
	b, _ := json.Marshal(struct {
		Error string `json:"error"`
	}{msg}) // a string always encodes
	return b
}

// errorBody is the error body of status in fam's shape.
func errorBody(fam family, status int, msg string) []byte {
	switch fam {
	case familyV1:
		return v1ErrorBody(status, msg)
	case familyControl:
		return controlErrorBody(msg)
	}
	return apiErrorBody(status, msg)
}

// controlError is a mistake in a call to the fake's control plane — an
// unknown partner, user, track or step, a bad value — as the Go API returns
// it ("mockserver: Op: msg") and the HTTP control plane answers it (status,
// {"error": msg}).
type controlError struct {
	op     string // the Go method, e.g. "SetProgress"
	status int    // 400 for a bad value, 404 for something that does not exist, 409 for a conflict
	msg    string
}

func (e *controlError) Error() string { return "mockserver: " + e.op + ": " + e.msg }

// bodyAllowed reports whether a response with this status may carry a body.
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}
