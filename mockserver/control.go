package mockserver

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The control plane: everything a Go test does to the fake, over HTTP
// under /_mock/, so that a test in any language can do it too (the routes
// are in the route table). JSON in and out; an error is a 4xx
// {"error": "…"} naming the problem — 404 for a partner, user or
// interview that does not exist, 409 for one that exists already, 400 for
// bad JSON or a bad value, and for a query parameter or body field the
// route does not take (every route reads its input through
// [exchange.input]), 413 for a body over 1 MiB (256 MiB for PUT
// /_mock/state, a whole snapshot). Durations are
// strings as Go writes them ("250ms", "1s", "49h"), times RFC 3339.
//
// Control-plane requests are neither journaled nor faulted and never need
// an API key. With [WithAdminToken] they need "Authorization: Bearer
// TOKEN" (401 otherwise), and the token never authenticates an API.
// Every handler calls the method of the Go API that does the same, so the
// two cannot drift apart.

// controlPlane is the control plane's surface: a request body of up to
// 1 MiB, as the APIs take.
var controlPlane = &surface{fam: familyControl, auth: (*Server).authControl}

// snapshotUpload is the control plane for PUT /_mock/state alone, whose
// body is a whole snapshot: one of 100,000 users is tens of megabytes.
var snapshotUpload = &surface{fam: familyControl, auth: (*Server).authControl, maxBody: 256 << 20, variantOf: controlPlane}

// WithAdminToken makes the control plane (/_mock/) require
// "Authorization: Bearer token" (401 without it), for a fake reachable by
// more than the tests that drive it. The token never authenticates the
// APIs: no key the fake makes is ever equal to it. "" (the default) leaves
// the control plane open.
func WithAdminToken(token string) Option {
	return func(c *config) { c.adminToken = token }
}

// authControl lets a control-plane request through when no admin token is
// set, or when it carries "Bearer TOKEN" (the scheme word in any letter
// case). The comparison takes the same time whatever the token's length.
func (s *Server) authControl(r *http.Request) (*partner, bool) {
	if s.adminToken == "" {
		return nil, true
	}
	v, ok := authorization(r)
	if !ok {
		return nil, false
	}
	scheme, token, found := strings.Cut(v, " ")
	if !found || !strings.EqualFold(scheme, "bearer") {
		return nil, false
	}
	got, want := sha256.Sum256([]byte(strings.TrimLeft(token, " \t"))), sha256.Sum256([]byte(s.adminToken))
	return nil, subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// duration is a time.Duration written in JSON as Go writes it: "250ms".
type duration time.Duration

func (d duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

func (d *duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New(`a duration is a string such as "250ms", "1s" or "49h"`)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "time: "))
	}
	*d = duration(v)
	return nil
}

// rawBody, passed to [exchange.input], hands the body over as it is to a
// route whose own decoder checks it (PUT /_mock/state: Restore).
var rawBody any = new(json.RawMessage)

// input is where every control route reads its input, first thing, so
// that no route ignores what it does not understand: the query string,
// whose parameters must be among params (anything else is 400 naming it),
// and the JSON body, decoded into body by decode. A nil body: the route
// takes none, and a body must be empty or {} (a field is 400 naming it);
// rawBody: the handler reads ex.body itself. It answers the error itself
// and returns false when the input is refused.
func (ex *exchange) input(body any, params ...string) (url.Values, bool) {
	q, err := url.ParseQuery(ex.r.URL.RawQuery)
	if err != nil {
		ex.fail(http.StatusBadRequest, "the query string is malformed")
		return nil, false
	}
	for name := range q {
		if slices.Contains(params, name) {
			continue
		}
		takes := "this route takes none"
		if len(params) > 0 {
			takes = "this route takes " + strings.Join(params, ", ")
		}
		ex.fail(http.StatusBadRequest, "unknown query parameter "+strconv.Quote(name)+" ("+takes+")")
		return nil, false
	}
	switch body {
	case rawBody:
		return q, true
	case nil:
		if len(trimJSONSpace(ex.body)) == 0 {
			return q, true
		}
		body = &struct{}{}
	}
	return q, ex.decode(body)
}

// decode reads the request's JSON body into v, refusing fields v does not
// have and data after the object; it answers the error itself (400) and
// returns false when it cannot. The body is read as JSON whatever its
// Content-Type, so that curl -d, which says it sends a form, works as it
// is.
func (ex *exchange) decode(v any) bool {
	b := trimJSONSpace(ex.body)
	if len(b) == 0 {
		ex.fail(http.StatusBadRequest, "a JSON body is required")
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		ex.fail(http.StatusBadRequest, describeBodyError(err))
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		ex.fail(http.StatusBadRequest, "the body has data after its JSON value")
		return false
	}
	return true
}

// describeBodyError says what is wrong with a JSON body, naming the field.
func describeBodyError(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syn *json.SyntaxError
	msg := err.Error()
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return typeErr.Field + ": must be " + jsonKind(typeErr.Type) + ", not " + typeErr.Value
	case errors.As(err, &typeErr):
		return "the body must be " + jsonKind(typeErr.Type) + ", not " + typeErr.Value
	case errors.As(err, &syn):
		return "the body is not valid JSON: " + syn.Error()
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the body is not valid JSON: it ends early"
	case strings.HasPrefix(msg, "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(msg, "json: unknown field ")
	}
	return strings.TrimPrefix(msg, "json: ")
}

// jsonKind names the JSON type of a Go type.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct:
		if t == reflect.TypeFor[time.Time]() {
			return "an RFC 3339 time"
		}
		return "an object"
	case reflect.Map:
		return "an object"
	}
	return t.String()
}

// parseDuration reads a duration field ("250ms"); "" is zero. It answers
// 400 naming the field itself when the value does not parse.
func (ex *exchange) parseDuration(field, v string) (time.Duration, bool) {
	if v == "" {
		return 0, true
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		ex.fail(http.StatusBadRequest, field+": "+strings.TrimPrefix(err.Error(), "time: ")+` (a duration is written "250ms", "1s", "49h")`)
		return 0, false
	}
	return d, true
}

// reply answers v as JSON.
func (ex *exchange) reply(status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // every value answered is plain data: a bug
		ex.fail(http.StatusInternalServerError, "encoding the answer: "+err.Error())
		return
	}
	ex.json(status, b)
}

// noContent answers 204.
func (ex *exchange) noContent() { ex.send(http.StatusNoContent, nil, nil) }

// failErr answers an error of the Go API: a *controlError with its
// status, a *faultError 400 naming the field as the control plane spells
// it, anything else 400.
func (ex *exchange) failErr(err error) {
	var ce *controlError
	if errors.As(err, &ce) {
		ex.fail(ce.status, ce.msg)
		return
	}
	var fe *faultError
	if errors.As(err, &fe) {
		ex.fail(http.StatusBadRequest, fe.controlMessage())
		return
	}
	ex.fail(http.StatusBadRequest, err.Error())
}

// pathPartner is the partner {id} of the path names.
func (ex *exchange) pathPartner() *Partner { return &Partner{ID: ex.r.PathValue("id")} }

//go:embed openapi.json
var openAPIDocument []byte

func (s *Server) controlHealth(ex *exchange) {
	if _, ok := ex.input(nil); !ok {
		return
	}
	ex.json(http.StatusOK, []byte(`{"status":"ok"}`))
}

func (s *Server) controlOpenAPI(ex *exchange) {
	if _, ok := ex.input(nil); !ok {
		return
	}
	ex.json(http.StatusOK, openAPIDocument)
}

func (s *Server) controlReset(ex *exchange) {
	if _, ok := ex.input(nil); !ok {
		return
	}
	s.Reset()
	ex.noContent()
}

type clockJSON struct {
	Now time.Time `json:"now"`
}

func (s *Server) controlClock(ex *exchange) {
	if _, ok := ex.input(nil); !ok {
		return
	}
	ex.reply(http.StatusOK, clockJSON{s.Now()})
}

func (s *Server) controlAdvance(ex *exchange) {
	var in struct {
		By *string `json:"by"`
	}
	if _, ok := ex.input(&in); !ok {
		return
	}
	if in.By == nil {
		ex.fail(http.StatusBadRequest, `by: required, a duration such as "49h"`)
		return
	}
	d, ok := ex.parseDuration("by", *in.By)
	if !ok {
		return
	}
	s.Advance(d)
	ex.reply(http.StatusOK, clockJSON{s.Now()})
}

func (s *Server) controlGetState(ex *exchange) {
	if _, ok := ex.input(nil); !ok {
		return
	}
	var b bytes.Buffer
	if err := s.Snapshot(&b); err != nil {
		ex.fail(http.StatusInternalServerError, err.Error())
		return
	}
	ex.json(http.StatusOK, b.Bytes())
}

func (s *Server) controlPutState(ex *exchange) {
	if _, ok := ex.input(rawBody); !ok {
		return
	}
	if err := s.restore(ex.body); err != nil {
		ex.failErr(err)
		return
	}
	ex.noContent()
}
