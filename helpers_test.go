package partnerapi

// The test helpers of the package's internal tests (package partnerapi),
// one of each: whatever more than one test file uses. Those of the external
// tests (package partnerapi_test) are in helpers_external_test.go. Every
// test gets its own httptest server (go-github style: setup returns a
// Client pointed at a fresh mux), so tests never share state.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// testKey is the API key of the clients setup makes.
const testKey = "0123456789abcdef0123456789abcdef"

// Canaries: credentials whose appearance anywhere in output is a leak.
const (
	canaryKey     = "CANARYcanary0123456789abcdef0000"
	canaryKeysKey = "KEYScanaryZYXWVUTSRQPONMLKJIHGFE"                                // a second key, for the keys API
	canaryToken   = "T0KENcanaryfedcba9876543210fedcba9876543210fedcba9876543210fedc" // an SSO token
)

// Object ids used across the tests (from the TicketsCloud seed page).
const (
	seedPartner = "535fb19bdca6a9d1638f2007"
	seedKeyID   = "53f1d89437abbd0a9ca87882"
)

const (
	gettingStartedKey = "935d85189822bf96c28c4fa79d3d8f31" // the Getting Started page's example key
	ticketsCloudKey   = "my-very-secret-key"               // the TicketsCloud page's example key
)

// The documented values of the testdata files.
var (
	docTrack = Track{
		Title: "Mastery Track", Progress: 0.50,
		Steps: []Step{
			{Step: 1, Title: "Job Interview Fundamentals", Link: "/members/curriculum?chapter=1", Completed: true},
			{Step: 2, Title: "Why do you want to work here?", Link: "/members/curriculum?chapter=6", Completed: false},
		},
	}
	docInterview = Interview{
		ID: 95607, Title: "Top 10 Questions", InterviewerName: "Jordan",
		Category: "Top 10 Questions: 1", Completed: true,
		CreatedAt: time.Date(2015, 5, 18, 16, 37, 13, 0, time.UTC),
		UpdatedAt: time.Date(2015, 5, 25, 5, 0, 0, 0, time.UTC),
		Links:     InterviewLinks{Review: "/example/review/url", Retake: "/example/retake/url"},
	}
	docUser = User{
		PartnerID: "anon_abc123", Anonymous: true,
		CreatedAt: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC),
		Token: Token{
			Token:     NewSecret("19633c68a809dda515d78bbee308012634b73f4142b4ae58d8790c7094c66417"),
			ExpiresAt: time.Date(2016, 5, 28, 17, 16, 18, 817_000_000, time.UTC),
		},
	}
	docCreatedKey = APIKey{
		ID: seedKeyID, Key: NewSecret("48de25a3c7f84996bc3c183c640f9948"), Name: "new-key", Partner: seedPartner,
		CreatedAt: time.Date(2014, 8, 18, 10, 42, 28, 288_420_000, time.UTC), // microseconds kept
	}
	docReadKey = APIKey{
		ID: seedKeyID, Key: NewSecret("48de25a3c7f84996bc3c183c640f9948"), Name: "new-key", Partner: seedPartner,
		CreatedAt: time.Date(2014, 8, 18, 10, 42, 28, 288_000_000, time.UTC), // truncated to ms by the server
	}
	docListedKeys = []APIKey{
		{ID: "53f1d5aa37abbd0a9da87882", Key: NewSecret("my-very-secret-key"), Name: "test", Partner: seedPartner,
			CreatedAt: time.Date(2014, 8, 18, 10, 30, 2, 516_000_000, time.UTC)},
		{ID: "53f1d5bf37abbd0a9ea87882", Key: NewSecret("5a1428de2cd84b5189453470dffa3b5d"), Name: "default", Partner: seedPartner,
			CreatedAt: time.Date(2014, 8, 18, 10, 30, 23, 487_000_000, time.UTC)},
		{ID: "53f1d5e537abbd0a9da87883", Key: NewSecret("aaef4478264a4be2b2c9838efa8df7c6"), Name: "crm", Partner: seedPartner,
			CreatedAt: time.Date(2014, 8, 18, 10, 31, 1, 930_000_000, time.UTC)},
	}
)

// docPartner is the partner of the TicketsCloud v1 partners page's example
// (GET /v1/resources/partners/535fb19bdca6a9d1638f2007), as the server
// prints it; its "user" is not among the documented fields.
const docPartner = `{
    "channels": "Все доступные каналы распространения",
    "contact": {
        "address": "г.Москва, ул. Берсеневский переулок, 2с1",
        "email": "info@nanobilet.ru",
        "id": null,
        "phones": ["+79101002030"],
        "www": "http://nanobilet.ru"
    },
    "created_at": null,
    "desc": "Первый агент системы",
    "director": "Егор Егерев",
    "id": "535fb19bdca6a9d1638f2007",
    "legal": null,
    "name": "Nanobilet",
    "removed": false,
    "roles": ["agent"],
    "tags": ["музыка", "вечеринки", "концерты"],
    "updated_at": null,
    "user": {"created_at": null, "email": "ag@tc.ru", "first_name": "Егор", "id": "535fb11ddca6a9d1638f2006",
             "last_name": "Егерев", "partners": ["535fb19bdca6a9d1638f2007"], "tags": [], "updated_at": null}
}`

// wantDocPartner is docPartner decoded.
var wantDocPartner = Partner{
	ID: seedPartner, Name: "Nanobilet", Desc: "Первый агент системы", Director: "Егор Егерев",
	Channels: "Все доступные каналы распространения",
	Contact: &PartnerContact{
		Address: "г.Москва, ул. Берсеневский переулок, 2с1", Email: "info@nanobilet.ru",
		Phones: []string{"+79101002030"}, WWW: "http://nanobilet.ru",
	},
	Roles: []string{"agent"}, Tags: []string{"музыка", "вечеринки", "концерты"},
}

// setup starts an httptest server with an empty mux and returns a Client
// with both APIs at its URL, authenticating with testKey, with retries off
// (opts may turn them on: later options win).
func setup(t *testing.T, opts ...Option) (*Client, *http.ServeMux) {
	t.Helper()
	c, mux, _ := setupServer(t, testKey, opts...)
	return c, mux
}

// setupServer is setup with a chosen key, also returning the server.
func setupServer(t *testing.T, key string, opts ...Option) (*Client, *http.ServeMux, *httptest.Server) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	all := append([]Option{WithBaseURL(srv.URL), WithRetry(0, 0, 0)}, opts...)
	return newTestClient(t, key, all...), mux, srv
}

// serve starts an httptest server running h and returns it.
func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// newTestClient is NewClient that fails the test on error. key serves both
// APIs (WithKeysAPIKey(key) comes first, so opts may give the keys API
// another): the test servers take any key.
func newTestClient(t *testing.T, key string, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient(key, append([]Option{WithKeysAPIKey(key)}, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// canaryClient is a Client authenticating with the canary keys.
func canaryClient(t *testing.T, opts ...Option) *Client {
	t.Helper()
	all := append([]Option{WithOrganization("xyz"), WithKeysAPIKey(canaryKeysKey)}, opts...)
	return newTestClient(t, canaryKey, all...)
}

// noRequestTransport fails the test for any request that reaches it: a
// client built on it proves that a call made no I/O.
type noRequestTransport struct {
	t *testing.T
	n atomic.Int32
}

func (rt *noRequestTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.n.Add(1)
	rt.t.Errorf("unexpected request: %s %s", r.Method, r.URL.Path)
	return nil, errors.New("noRequestTransport: no request may be sent")
}

// noIOClient returns a Client for both APIs at an unroutable https base whose
// transport fails the test on any request, and the transport.
func noIOClient(t *testing.T, opts ...Option) (*Client, *noRequestTransport) {
	t.Helper()
	rt := &noRequestTransport{t: t}
	all := append([]Option{WithBaseURL("https://partnerapi.invalid"), WithHTTPClient(&http.Client{Transport: rt})}, opts...)
	return newTestClient(t, testKey, all...), rt
}

// seenRequest is what a test server recorded of one request.
type seenRequest struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
	ContentLength          int64
	TransferEncoding       []string
	Scheme, Host           string // as the client addressed it (set for in-memory transports)
}

// recorder records every request it serves, then hands it to next (or
// answers 200 {} when next is nil). It is safe for concurrent use.
type recorder struct {
	mu   sync.Mutex
	reqs []seenRequest
	next http.Handler
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec.add(r)
	if rec.next == nil {
		writeJSON(w, http.StatusOK, `{}`)
		return
	}
	rec.next.ServeHTTP(w, r)
}

// add records r, reading its body and leaving it readable again.
func (rec *recorder) add(r *http.Request) seenRequest {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	s := seenRequest{
		Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(),
		Body: body, ContentLength: r.ContentLength, TransferEncoding: r.TransferEncoding,
		Scheme: r.URL.Scheme, Host: r.URL.Host,
	}
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, s)
	rec.mu.Unlock()
	return s
}

func (rec *recorder) requests() []seenRequest {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]seenRequest(nil), rec.reqs...)
}

func (rec *recorder) count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.reqs)
}

// writeJSON answers with status and a JSON body.
func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// answer is a handler that always answers status with a JSON body.
func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { writeJSON(w, status, body) }
}

// testdata returns the contents of testdata/name.
func testdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkJSON compares two JSON texts as decoded values.
func checkJSON(t *testing.T, what string, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Errorf("%s: body %q is not JSON: %v", what, got, err)
		return
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: the wanted JSON %q does not parse: %v", what, want, err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("%s: JSON body mismatch (-want +got):\n%s", what, diff)
	}
}

// checkCommonHeaders asserts what every request of the SDK carries:
// Authorization in the given form, Accept: application/json and the
// User-Agent prefix; a JSON Content-Type and an exact length when it has a
// body, and neither a body nor chunking when it has none.
func checkCommonHeaders(t *testing.T, r seenRequest, wantAuth string, wantBody bool) {
	t.Helper()
	if got := r.Header.Values("Authorization"); len(got) != 1 || got[0] != wantAuth {
		t.Errorf("%s %s: Authorization = %q, want exactly %q", r.Method, r.Path, got, wantAuth)
	}
	if got := r.Header.Values("Accept"); len(got) != 1 || got[0] != "application/json" {
		t.Errorf("%s %s: Accept = %q, want application/json", r.Method, r.Path, got)
	}
	if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, "go-partnerapi/") {
		t.Errorf("%s %s: User-Agent = %q, want the prefix go-partnerapi/", r.Method, r.Path, ua)
	}
	if len(r.TransferEncoding) != 0 {
		t.Errorf("%s %s: sent with Transfer-Encoding %q; want a Content-Length", r.Method, r.Path, r.TransferEncoding)
	}
	if !wantBody {
		if len(r.Body) != 0 || r.ContentLength > 0 {
			t.Errorf("%s %s: sent a body %q; want none", r.Method, r.Path, r.Body)
		}
		return
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" || (params["charset"] != "" && !strings.EqualFold(params["charset"], "utf-8")) {
		t.Errorf("%s %s: Content-Type = %q, want application/json", r.Method, r.Path, r.Header.Get("Content-Type"))
	}
	if r.ContentLength != int64(len(r.Body)) {
		t.Errorf("%s %s: Content-Length %d for a body of %d bytes", r.Method, r.Path, r.ContentLength, len(r.Body))
	}
}

// leaks reports whether s holds key, or any 8-byte piece of it, in any
// letter case, as written or read through its escapes (JSON \u, HTML
// character references, URL %XX): a truncated key is a leak too.
func leaks(s, key string) bool {
	return leaksAsWritten(s, key) || leaksAsWritten(unescapeForTest(s), key)
}

var jsonEscapeForTest = regexp.MustCompile(`\\u[0-9a-fA-F]{4}`)

// unescapeForTest reads s's JSON \u escapes, HTML character references and
// URL escapes, with the standard library's decoders.
func unescapeForTest(s string) string {
	s = jsonEscapeForTest.ReplaceAllStringFunc(s, func(e string) string {
		var r string
		if json.Unmarshal([]byte(`"`+e+`"`), &r) != nil {
			return e
		}
		return r
	})
	s = html.UnescapeString(s)
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	return s
}

func leaksAsWritten(s, key string) bool {
	ls, lk := strings.ToLower(s), strings.ToLower(key)
	const piece = 8
	if len(lk) < piece {
		return strings.Contains(ls, lk)
	}
	for i := 0; i+piece <= len(lk); i++ {
		if strings.Contains(ls, lk[i:i+piece]) {
			return true
		}
	}
	return false
}

// checkSafeMessage asserts that s is one short line of valid UTF-8 without
// control characters.
func checkSafeMessage(t *testing.T, s string, max int) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("message is not valid UTF-8: %q", s)
	}
	if len(s) > max {
		t.Errorf("message is %d bytes long; want at most %d: %.200q…", len(s), max, s)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			t.Errorf("message has the control character %U: %q", r, s)
			break
		}
	}
}

// checkNoLeak fails the test if s shows any of the canaries.
func checkNoLeak(t *testing.T, what, s string) {
	t.Helper()
	for _, c := range []string{canaryKey, canaryKeysKey, canaryToken} {
		if leaks(s, c) {
			t.Errorf("%s shows a credential: %s", what, s)
			return
		}
	}
}

// verbs are the fmt verbs a credential must not show through.
var verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3v", "%-40s", "%T"}

// callKind is one row of the retry matrix: a kind of call and whether it
// may be resent after it reached the server.
type callKind struct {
	name       string
	idempotent bool
	call       func(ctx context.Context, c *Client) error
}

var callKinds = []callKind{
	{"GET tracks", true, func(ctx context.Context, c *Client) error { _, err := c.Users.Tracks(ctx, "abc"); return err }},
	{"GET progress", true, func(ctx context.Context, c *Client) error { _, err := c.Users.Progress(ctx, "abc"); return err }},
	{"GET interviews", true, func(ctx context.Context, c *Client) error { _, err := c.Users.Interviews(ctx, "abc"); return err }},
	{"GET api_keys", true, func(ctx context.Context, c *Client) error {
		_, err := c.APIKeys.List(ctx, seedPartner, nil)
		return err
	}},
	{"GET api_key", true, func(ctx context.Context, c *Client) error {
		_, err := c.APIKeys.Get(ctx, seedPartner, seedKeyID, nil)
		return err
	}},
	{"POST /api/users/{id}", true, func(ctx context.Context, c *Client) error {
		_, err := c.Users.CreateOrUpdate(ctx, "abc", &UserParams{FirstName: "A", LastName: "B", Email: "a@b.example"})
		return err
	}},
	{"POST /api/users/{id} via SSO.LoginURL", true, func(ctx context.Context, c *Client) error {
		_, err := c.SSO.LoginURL(ctx, "abc", nil, nil)
		return err
	}},
	{"PATCH api_key", true, func(ctx context.Context, c *Client) error {
		_, err := c.APIKeys.Update(ctx, seedPartner, seedKeyID, &APIKeyUpdate{Name: strPtr("n")})
		return err
	}},
	{"DELETE api_key", true, func(ctx context.Context, c *Client) error { return c.APIKeys.Delete(ctx, seedPartner, seedKeyID) }},
	{"GET partners", true, func(ctx context.Context, c *Client) error { _, err := c.Partners.List(ctx, nil); return err }},
	{"GET partner", true, func(ctx context.Context, c *Client) error {
		_, err := c.Partners.Get(ctx, seedPartner, nil)
		return err
	}},
	{"POST /api/users/anonymous", false, func(ctx context.Context, c *Client) error { _, err := c.Users.CreateAnonymous(ctx); return err }},
	{"POST api_keys", false, func(ctx context.Context, c *Client) error {
		_, err := c.APIKeys.Create(ctx, seedPartner, "n")
		return err
	}},
}

const matrixRetries = 2 // so a retried call is sent 3 times

// matrixRetry is the retry setting of the retry matrix: matrixRetries
// retries with waits of a few milliseconds.
func matrixRetry() Option { return WithRetry(matrixRetries, time.Millisecond, 4*time.Millisecond) }

// retryAfterResponse is an answer with status and, unless it is empty, the
// Retry-After header: what the retry policy and the pacing gate read.
func retryAfterResponse(status int, retryAfterHeader string) *http.Response {
	h := http.Header{}
	if retryAfterHeader != "" {
		h.Set("Retry-After", retryAfterHeader)
	}
	return &http.Response{StatusCode: status, Header: h}
}

// countingTransport counts the round trips it passes to base.
type countingTransport struct {
	base http.RoundTripper
	n    atomic.Int32
}

func (ct *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	ct.n.Add(1)
	return ct.base.RoundTrip(r)
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// hijackAndClose reads the whole request, counts it, and closes the
// connection without an answer: the request was sent, no response came.
func hijackAndClose(n *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		n.Add(1)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		conn.Close()
	}
}

// stall reads the request, counts it and answers nothing until the client
// goes away.
func stall(n *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		n.Add(1)
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}
}

// funcTransport answers every request with fn.
type funcTransport func(*http.Request) (*http.Response, error)

func (f funcTransport) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// dnsFailure fails every request as a lookup of its host that found nothing.
var dnsFailure = funcTransport(func(r *http.Request) (*http.Response, error) {
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: r.URL.Host, IsNotFound: true}}
})

// answerInMemory answers every request with status and body, without a network.
func answerInMemory(status int, body string) funcTransport {
	return func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	}
}

// badLoginOptions are refused by SSOService.URL and SSOService.LoginURL.
var badLoginOptions = []LoginOptions{
	{RedirectTo: "//evil.com"},
	{RedirectTo: "https://evil.com"},
	{RedirectTo: "/\\evil.com"},
	{RedirectTo: "evil"},
	{RedirectTo: " /x"},
	{RedirectTo: "/x y"},
	{RedirectTo: "/\t/evil.com"},
	{RedirectTo: "javascript:alert(1)"},
	{RedirectTo: "///evil.com"},
	{ReturnURL: "javascript:alert(1)"},
	{ReturnURL: "/relative"},
	{ReturnURL: "ftp://x"},
	{ReturnURL: "https://"},
	{ReturnURL: "https://user:pw@partner.example/"},
	{ReturnURL: "https://partner.example/a b"},
	{ReturnURL: "//partner.example/"},
}

// strPtr returns a pointer to s.
func strPtr(s string) *string { return &s }

// second returns the error of a two-result call, for tables of calls.
func second[T any](_ T, err error) error { return err }

// nopJar is a cookie jar that keeps nothing, to tell one Jar from another.
type nopJar struct{}

func (*nopJar) SetCookies(*url.URL, []*http.Cookie) {}

func (*nopJar) Cookies(*url.URL) []*http.Cookie { return nil }
