package mockserver

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"
)

func TestAcceptsJSON(t *testing.T) {
	for _, tc := range []struct {
		accept []string
		want   bool
	}{
		{nil, true},
		{[]string{""}, true},
		{[]string{"  "}, true},
		{[]string{"application/json"}, true},
		{[]string{"Application/JSON; charset=utf-8"}, true},
		{[]string{"text/html, application/*;q=0.1"}, true},
		{[]string{"text/html", "*/*"}, true},
		{[]string{"text/html"}, false},
		{[]string{"application/xml, text/plain"}, false},
		{[]string{"application/json;q=0"}, false},
		{[]string{"application/json; q=0.000, */*;q=0.0"}, false},
		{[]string{"application/json;q=0.5"}, true},
		{[]string{"application/json;Q=0"}, false},
		{[]string{"application/jsonx"}, false},
	} {
		if got := acceptsJSON(tc.accept); got != tc.want {
			t.Errorf("acceptsJSON(%q) = %v, want %v", tc.accept, got, tc.want)
		}
	}
}

func TestQZero(t *testing.T) {
	for params, want := range map[string]bool{
		"":                false,
		"q=0":             true,
		" q = 0.00 ":      true,
		"level=1;q=0":     true,
		"q=0.001":         false,
		"q=1":             false,
		"q=":              false,
		"charset=utf-8":   false,
		"q=0;level=1":     true,
		"q=0.5;q=0":       false, // the first q counts
		"quality=0":       false,
		"q=00":            true,
		"q=0.0.0":         true, // lenient: only zeros and dots after the 0
		"q=0x":            false,
		"level=q=0;q=0.1": false,
	} {
		if got := qZero(params); got != want {
			t.Errorf("qZero(%q) = %v, want %v", params, got, want)
		}
	}
}

func TestMediaType(t *testing.T) {
	for ct, want := range map[string]struct {
		mt string
		ok bool
	}{
		"":                                  {"", true},
		"application/json":                  {"application/json", true},
		"Application/JSON; charset=UTF-8":   {"application/json", true},
		"application/x-www-form-urlencoded": {"application/x-www-form-urlencoded", true},
		"application/vnd.api+json":          {"application/vnd.api+json", true},
		"text/plain;;":                      {"", false},
		"no slash":                          {"", false},
	} {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		mt, ok := mediaType(r)
		if mt != want.mt || ok != want.ok {
			t.Errorf("mediaType(%q) = %q, %v; want %q, %v", ct, mt, ok, want.mt, want.ok)
		}
	}
	for mt, want := range map[string]bool{"": true, "application/json": true, "application/problem+json": true, "text/json": false, "application/xml": false} {
		if got := isJSONMediaType(mt); got != want {
			t.Errorf("isJSONMediaType(%q) = %v, want %v", mt, got, want)
		}
	}
}

// readAll reads what io.ReadAll reads, whether the declared length is
// right, short, long, unknown or beyond the limit, and reports the
// reader's error.
func TestReadAll(t *testing.T) {
	body := strings.Repeat("0123456789", 1000)
	for _, tc := range []struct {
		name            string
		declared, limit int64
	}{
		{"declared exactly", int64(len(body)), 1 << 20},
		{"declared short", 10, 1 << 20},
		{"declared long", int64(len(body)) * 2, 1 << 20},
		{"unknown", -1, 1 << 20},
		{"beyond the limit", int64(len(body)), 100},
	} {
		got, err := readAll(iotest.OneByteReader(strings.NewReader(body)), tc.declared, tc.limit)
		if err != nil || string(got) != body {
			t.Errorf("%s: read %d bytes, %v; want the %d bytes", tc.name, len(got), err, len(body))
		}
	}
	boom := errors.New("boom")
	got, err := readAll(io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)), 10, 100)
	if !errors.Is(err, boom) || string(got) != "abc" {
		t.Errorf("a failing reader: %q, %v; want \"abc\" and its error", got, err)
	}
}

// A buffer sized from the declared length is not grown for a body of that
// length: what the journal keeps takes the memory it needs.
func TestReadAllSizesItsBufferFromTheDeclaredLength(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 4096)
	got, err := readAll(bytes.NewReader(body), int64(len(body)), 1<<20)
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("read %d bytes, %v", len(got), err)
	}
	if cap(got) != len(body)+1 {
		t.Errorf("cap %d for a %d-byte body; want %d (one byte more, to see the end)", cap(got), len(body), len(body)+1)
	}
}

func TestHasBody(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    *http.Request
		want bool
	}{
		{"no body", httptest.NewRequest(http.MethodGet, "/", nil), false},
		{"a body", httptest.NewRequest(http.MethodPost, "/", strings.NewReader("x")), true},
		{"declared empty", &http.Request{Body: io.NopCloser(strings.NewReader("")), ContentLength: 0}, false},
		{"unknown length", &http.Request{Body: io.NopCloser(strings.NewReader("x")), ContentLength: -1}, true},
		{"NoBody", &http.Request{Body: http.NoBody, ContentLength: -1}, false},
	} {
		if got := hasBody(tc.r); got != tc.want {
			t.Errorf("%s: hasBody = %v, want %v", tc.name, got, tc.want)
		}
	}
}
