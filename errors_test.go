package partnerapi

// *Error: both documented body shapes, anything else still a useful *Error,
// the sentinels, context errors, and a fuzz target over the decoder.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestErrorBodies(t *testing.T) {
	long := strings.Repeat("very long text ", 1000)
	for _, tc := range []struct {
		name        string
		status      int
		contentType string
		body        string
		want        Error // StatusCode, Method, RequestID, Attempts are filled in
		wantInError string
	}{
		{
			name: "nested, message text", status: 422,
			body: `{"error": {"type": "validation_error", "message": "first_name is required"}}`,
			want: Error{Type: "validation_error", Message: "first_name is required"},
		},
		{
			name: "nested, message object (the documented example)", status: 422,
			body:        testdata(t, "bi_error.json"),
			want:        Error{Type: "validation_error", Fields: map[string]string{"name": "is required"}},
			wantInError: "(validation_error): name is required",
		},
		{
			name: "nested, message values as arrays", status: 422,
			body:        `{"error": {"type": "validation_error", "message": {"email": ["is invalid", "is taken"], "first_name": ["can't be blank"]}}}`,
			want:        Error{Type: "validation_error", Fields: map[string]string{"email": "is invalid; is taken", "first_name": "can't be blank"}},
			wantInError: "email is invalid; is taken, first_name can't be blank",
		},
		{
			name: "nested, message values of other types", status: 422,
			body: `{"error": {"type": "validation_error", "message": {"count": 3, "ok": false, "sub": {"a": "b"}, "none": null}}}`,
			want: Error{Type: "validation_error", Fields: map[string]string{"count": "3", "ok": "false", "sub": `{"a":"b"}`, "none": ""}},
		},
		{
			name: "nested, no type", status: 400,
			body: `{"error": {"message": "bad"}}`,
			want: Error{Message: "bad"},
		},
		{
			name: "nested, type not a string", status: 400,
			body: `{"error": {"type": 42, "message": ["a", "b"]}}`,
			want: Error{Type: "42", Message: "a; b"},
		},
		{
			name: "flat, TicketsCloud", status: 403,
			body:        `{"error": "HTTPForbidden", "reason": "Operation not allowed"}`,
			want:        Error{Type: "HTTPForbidden", Message: "Operation not allowed"},
			wantInError: "403 Forbidden (HTTPForbidden): Operation not allowed",
		},
		{
			name: "flat, no reason", status: 400,
			body: `{"error": "HTTPBadRequest"}`,
			want: Error{Type: "HTTPBadRequest"},
		},
		{
			name: "errors list", status: 400,
			body: `{"errors": ["a", "b"]}`,
			want: Error{Message: "a; b"},
		},
		{
			name: "HTML page from a proxy", status: 502, contentType: "text/html; charset=utf-8",
			body: "<!DOCTYPE html>\n<html><head>\n<TITLE> 502 Bad Gateway </TITLE></head><body><center><h1>502 Bad Gateway</h1></center><hr>nginx</body></html>",
			want: Error{Message: "502 Bad Gateway"},
		},
		{
			// bytes.ToLower turns each invalid byte into 3: indexes taken
			// from the lowered copy once overran the body (a fuzz find).
			name: "HTML with invalid UTF-8 before the title", status: 502, contentType: "text/html",
			body: "<html><head>\x84\x84<TITLE>Oops</title></head><body>Other text</body></html>",
			want: Error{Message: "Oops"},
		},
		{
			name: "HTML with invalid UTF-8 and an unclosed title (the fuzz crasher)", status: 502, contentType: "text/html",
			body: " <000\x84<title>",
			want: Error{},
		},
		{
			name: "HTML without a title", status: 503, contentType: "text/html",
			body: "<html><body>\n  <h1>Service\n Unavailable</h1>\n</body></html>",
			want: Error{Message: "Service Unavailable"},
		},
		{
			name: "empty body", status: 404,
			want: Error{},
		},
		{
			name: "white space only", status: 401, body: " \r\n\t ",
			want: Error{},
		},
		{
			name: "truncated JSON", status: 422, contentType: "application/json",
			body: `{"error": {"type": "validation_er`,
			want: Error{Message: `{"error": {"type": "validation_er`},
		},
		{
			name: "binary garbage", status: 400, contentType: "application/octet-stream",
			body: "\x00\xff\xfe{{{\x01\x02",
			want: Error{Message: "??{{{"},
		},
		{
			name: "JSON of another shape", status: 409,
			body: `{"message": "conflict"}`,
			want: Error{Message: `{"message": "conflict"}`},
		},
		{
			name: "JSON null", status: 500, body: `null`,
			want: Error{Message: "null"},
		},
		{
			name: "a long plain text body", status: 500, contentType: "text/plain",
			body: long,
			want: Error{Message: strings.TrimSpace(long[:200]) + "…"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mux, srv := setupServer(t, testKey)
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", "req-123")
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			})
			_, err := c.Users.Tracks(context.Background(), "abc")
			var got *Error
			if !errors.As(err, &got) {
				t.Fatalf("error %v (%T); want an *Error", err, err)
			}
			want := tc.want
			want.StatusCode, want.Method, want.RequestID, want.Attempts = tc.status, "GET", "req-123", 1
			want.URL = srv.URL + "/api/users/abc/tracks"
			if diff := cmp.Diff(&want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("*Error mismatch (-want +got):\n%s", diff)
			}
			msg := err.Error()
			checkSafeMessage(t, msg, 600)
			if !strings.Contains(msg, fmt.Sprint(tc.status)) || !strings.Contains(msg, "req-123") {
				t.Errorf("message %q lacks the status or the request id", msg)
			}
			if tc.wantInError != "" && !strings.Contains(msg, tc.wantInError) {
				t.Errorf("message %q lacks %q", msg, tc.wantInError)
			}
		})
	}
}

func TestErrorMessageFormat(t *testing.T) {
	e := &Error{
		StatusCode: 422, Type: "validation_error", Message: "invalid",
		Fields: map[string]string{"name": "is required", "email": "is invalid"},
		Method: "POST", URL: "https://xyz.biginterview.com/api/users/abc",
		RequestID: "req-1", Attempts: 2, RetryAfter: 3 * time.Second,
	}
	want := "partnerapi: POST https://xyz.biginterview.com/api/users/abc: 422 Unprocessable Entity (validation_error): invalid; email is invalid, name is required [retry after 3s] [request id req-1] [2 attempts]"
	if got := e.Error(); got != want {
		t.Errorf("Error()\n got %s\nwant %s", got, want)
	}
	e = &Error{StatusCode: 404, Method: "GET", URL: "https://x/y", Attempts: 1}
	if got, want := e.Error(), "partnerapi: GET https://x/y: 404 Not Found"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
}

func TestRequestIDHeaders(t *testing.T) {
	for _, h := range []string{"X-Request-Id", "x-request-id", "Request-Id", "X-Amzn-RequestId", "X-Correlation-Id"} {
		c, mux := setup(t)
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			w.Header()[http.CanonicalHeaderKey(h)] = []string{"id-\n" + strings.Repeat("x", 500)}
			w.WriteHeader(500)
		})
		_, err := c.Users.Tracks(context.Background(), "abc")
		var e *Error
		if !errors.As(err, &e) || !strings.HasPrefix(e.RequestID, "id-") {
			t.Errorf("%s: %v; want the request id read", h, err)
			continue
		}
		checkSafeMessage(t, e.RequestID, 110)
	}
}

// wantSentinel is the one sentinel a status matches, or nil.
func wantSentinel(status int) error {
	switch {
	case status == 401:
		return ErrUnauthorized
	case status == 403:
		return ErrForbidden
	case status == 404:
		return ErrNotFound
	case status == 400 || status == 422:
		return ErrValidation
	case status == 429:
		return ErrRateLimited
	case status >= 500 && status <= 599:
		return ErrServer
	}
	return nil
}

var statusSentinels = []error{ErrUnauthorized, ErrForbidden, ErrNotFound, ErrValidation, ErrRateLimited, ErrServer, ErrInvalidArgument, ErrResponseTooLarge}

func TestErrorIsSentinels(t *testing.T) {
	for status := 100; status <= 599; status++ {
		e := &Error{StatusCode: status}
		want := wantSentinel(status)
		for _, s := range statusSentinels {
			if got := errors.Is(e, s); got != (s == want) {
				t.Errorf("errors.Is(*Error{%d}, %v) = %v", status, s, got)
			}
		}
		if errors.Is(e, context.DeadlineExceeded) || errors.Is(e, io.EOF) {
			t.Errorf("*Error{%d} matches an unrelated error", status)
		}
	}
}

func TestErrorIsSentinelsThroughCalls(t *testing.T) {
	for _, status := range []int{400, 401, 402, 403, 404, 405, 409, 410, 418, 422, 429, 500, 501, 502, 503, 504} {
		c, mux := setup(t)
		mux.Handle("/", answer(status, `{"error": {"type": "t", "message": "m"}}`))
		_, err := c.APIKeys.List(context.Background(), seedPartner, nil)
		want := wantSentinel(status)
		for _, s := range statusSentinels {
			if got := errors.Is(err, s); got != (s == want) {
				t.Errorf("%d: errors.Is(%v, %v) = %v", status, err, s, got)
			}
		}
	}
}

func TestContextErrorsStayMatchable(t *testing.T) {
	t.Run("deadline while the server stalls", func(t *testing.T) {
		var n atomic.Int32
		c, mux := setup(t, WithRetry(3, time.Millisecond, 2*time.Millisecond))
		mux.Handle("/", stall(&n))
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := c.Users.Tracks(ctx, "abc")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%v; want context.DeadlineExceeded", err)
		}
		var apiErr *Error
		if errors.As(err, &apiErr) {
			t.Errorf("a deadline gave an *Error: %v", err)
		}
		if n.Load() != 1 {
			t.Errorf("%d requests; an ended context is not retried", n.Load())
		}
	})
	t.Run("canceled while the server stalls", func(t *testing.T) {
		var n atomic.Int32
		c, mux := setup(t, WithRetry(3, time.Millisecond, 2*time.Millisecond))
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { stall(&n)(w, r) })
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			for n.Load() == 0 {
				time.Sleep(time.Millisecond)
			}
			cancel()
		}()
		_, err := c.APIKeys.Create(ctx, seedPartner, "k")
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%v; want context.Canceled", err)
		}
	})
	t.Run("already canceled: no request", func(t *testing.T) {
		rec := &recorder{}
		c, mux := setup(t)
		mux.Handle("/", rec)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.Users.CreateOrUpdate(ctx, "abc", nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%v; want context.Canceled", err)
		}
		if rec.count() != 0 {
			t.Errorf("%d requests with a canceled context", rec.count())
		}
	})
	t.Run("deadline while the body trickles", func(t *testing.T) {
		c, mux := setup(t)
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"tracks": [`)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := c.Users.Tracks(ctx, "abc")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%v; want context.DeadlineExceeded", err)
		}
	})
}

func TestDecodeErrorBounds(t *testing.T) {
	scrub := newRedactor(testKey)
	// A thousand fields, long names, names with control characters: the
	// message stays one bounded line.
	var b strings.Builder
	b.WriteString(`{"error": {"type": "validation_error", "message": {`)
	for i := 0; i < 1000; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"field%04d\n%s": "bad\u0000value %s"`, i, strings.Repeat("n", 300), strings.Repeat("v", 300))
	}
	b.WriteString(`}}}`)
	e := decodeError(&http.Response{StatusCode: 422, Header: http.Header{}}, []byte(b.String()), scrub)
	e.Method, e.URL, e.Attempts = "POST", "https://x.example/api/users/abc", 1
	if len(e.Fields) == 0 {
		t.Fatal("no fields decoded")
	}
	checkSafeMessage(t, e.Error(), 4096)
	for k, v := range e.Fields {
		checkSafeMessage(t, k, 100)
		checkSafeMessage(t, v, 210)
	}
}

// FuzzDecodeError feeds the error decoder any status, content type,
// request id and body: it never panics, and the message is valid UTF-8, one
// line, bounded in length, and never shows the client's key.
func FuzzDecodeError(f *testing.F) {
	for _, seed := range []struct {
		status       int
		ct, id, body string
	}{
		{422, "application/json", "req-1", `{"error": {"type": "validation_error", "message": {"name": "is required"}}}`},
		{422, "application/json", "", `{"error": {"type": "validation_error", "message": {"email": ["is invalid", "is taken"]}}}`},
		{403, "application/json", "", `{"error": "HTTPForbidden", "reason": "Operation not allowed"}`},
		{400, "application/json", "", `{"errors": ["a", "b"]}`},
		{502, "text/html", "", "<html><head><title>502 Bad Gateway</title></head></html>"},
		{404, "", "", ""},
		{422, "application/json", "", `{"error": {"type": "valid`},
		{400, "application/octet-stream", "", "\x00\xff\xfe{{{"},
		{401, "application/json", testKey, `{"error": {"type": "` + testKey + `", "message": {"` + testKey + `": "` + strings.ToUpper(testKey) + `"}}}`},
		{500, "text/plain", "", strings.Repeat("x", 190) + testKey},
		{500, "application/json", "", `{"error": {"message": "\u0030123456789abcdef0123456789abcdef"}}`},
		{-1, "", "\n\r", `{"error": {"message": {"\n": "\u2028"}}}`},
	} {
		f.Add(seed.status, seed.ct, seed.id, []byte(seed.body))
	}
	scrub := newRedactor(testKey)
	f.Fuzz(func(t *testing.T, status int, contentType, requestID string, body []byte) {
		status = 100 + int(uint(status)%900)
		h := http.Header{}
		h.Set("Content-Type", contentType)
		h.Set("X-Request-Id", requestID)
		e := decodeError(&http.Response{StatusCode: status, Header: h}, body, scrub)
		if e.StatusCode != status {
			t.Fatalf("status %d became %d", status, e.StatusCode)
		}
		e.Method, e.URL, e.Attempts = "GET", "https://x.example/api/users/abc/tracks", 1
		msg := e.Error()
		if !utf8.ValidString(msg) {
			t.Fatalf("message is not valid UTF-8: %q", msg)
		}
		if len(msg) > 4096 {
			t.Fatalf("message is %d bytes long", len(msg))
		}
		for _, r := range msg {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("message has the control character %U: %q", r, msg)
			}
		}
		if strings.Contains(strings.ToLower(msg), testKey) {
			t.Fatalf("message shows the key: %q", msg)
		}
		want := wantSentinel(status)
		for _, s := range statusSentinels {
			if errors.Is(e, s) != (s == want) {
				t.Fatalf("status %d: errors.Is(%v) = %v", status, s, !(s == want))
			}
		}
	})
}

// isUnsafeRune reports the characters that must never reach an error
// string from a server: controls, line and paragraph separators,
// bidirectional and other invisible formatting characters.
func isUnsafeRune(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Cf, r) || r == utf8.RuneError
}

// Text from a server — message, type, fields, request id, a redirect's
// host — reaches Error() as one safe line.
func TestErrorIsOneSafeLine(t *testing.T) {
	hostile := "a\u2028b\u2029c\u202ed\u2066e\u200ff\u061cg\x1b[31mh\x00i\u0085j\r\nk\u00adl\ufeffm"
	js := strconv.Quote(hostile)
	for _, tc := range []struct {
		name   string
		status int
		header map[string]string
		body   string
	}{
		{"message", 400, nil, `{"error": {"type": "x", "message": ` + js + `}}`},
		{"type", 400, nil, `{"error": {"type": ` + js + `, "message": "m"}}`},
		{"field name and message", 422, nil, `{"error": {"type": "x", "message": {` + js + `: ` + js + `}}}`},
		{"flat shape", 403, nil, `{"error": ` + js + `, "reason": ` + js + `}`},
		{"errors list", 400, nil, `{"errors": [` + js + `, ` + js + `]}`},
		{"plain text", 500, nil, hostile},
		{"request id", 500, map[string]string{"X-Request-Id": "id\u2028\u202e\u2066x"}, `{}`},
		{"redirect host", 302, map[string]string{"Location": "https://ev\u202eil\u2028.example/x"}, ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mux := setup(t)
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header()[k] = []string{v}
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			})
			_, err := c.Users.Tracks(context.Background(), "abc")
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status {
				t.Fatalf("%v; want an *Error %d", err, tc.status)
			}
			msg := err.Error()
			for _, r := range msg {
				if isUnsafeRune(r) {
					t.Fatalf("Error() has %U: %q", r, msg)
				}
			}
			checkSafeMessage(t, msg, 4096)
		})
	}
	// An *Error a program builds itself prints as one safe line too.
	e := &Error{StatusCode: 500, Method: "GET", URL: "https://x.example/" + hostile, Type: hostile, Message: hostile,
		Fields: map[string]string{hostile: hostile}, RequestID: hostile}
	for _, r := range e.Error() {
		if isUnsafeRune(r) {
			t.Fatalf("Error() has %U: %q", r, e.Error())
		}
	}
}
