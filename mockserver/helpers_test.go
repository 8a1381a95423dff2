package mockserver_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// start is the fixed start time of most tests' clocks.
var start = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)

// fixture is a fake with one partner and an SDK client for it.
type fixture struct {
	srv    *mockserver.Server
	p      *mockserver.Partner
	client *partnerapi.Client
}

func newFixture(t *testing.T, popts ...mockserver.PartnerOption) fixture {
	t.Helper()
	srv := mockserver.New(mockserver.WithStartTime(start))
	t.Cleanup(srv.Close)
	p := srv.AddPartner("xyz", popts...)
	return fixture{srv: srv, p: p, client: newClient(t, srv, p)}
}

// newClient is an SDK client for partner p at srv's URL, each API on its
// own key, that never retries, so that every call is exactly one request.
// opts come last (WithKeysAPIKey(k) puts another key on the keys API).
func newClient(t *testing.T, srv *mockserver.Server, p *mockserver.Partner, opts ...partnerapi.Option) *partnerapi.Client {
	t.Helper()
	c, err := srv.NewClient(p, append([]partnerapi.Option{partnerapi.WithRetry(0, 0, 0)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var ctx = context.Background()

// params are valid attributes for creating a user.
var params = &partnerapi.UserParams{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"}

// mustCreate creates the user id through the SDK.
func (f fixture) mustCreate(t *testing.T, id string) *partnerapi.User {
	t.Helper()
	u, err := f.client.Users.CreateOrUpdate(ctx, id, params)
	if err != nil {
		t.Fatalf("create %s: %v", id, err)
	}
	return u
}

// answer is a raw HTTP answer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// rawClient does not follow redirects and shares no connections with other
// tests.
func rawClient() *http.Client {
	return &http.Client{
		Transport:     &http.Transport{},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// raw sends one request to srv's URL; headers alternate name, value.
func raw(t *testing.T, srv *mockserver.Server, method, path, body string, headers ...string) answer {
	t.Helper()
	return rawVia(t, rawClient(), srv.URL, method, path, body, headers...)
}

func rawVia(t *testing.T, hc *http.Client, base, method, path, body string, headers ...string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// apiError decodes a Big Interview error body; it fails the test for any
// other shape.
type apiErrorBody struct {
	Error struct {
		Type    string          `json:"type"`
		Message json.RawMessage `json:"message"`
	} `json:"error"`
}

func decodeAPIError(t *testing.T, a answer) apiErrorBody {
	t.Helper()
	var e apiErrorBody
	if err := json.Unmarshal(a.body, &e); err != nil || e.Error.Type == "" {
		t.Fatalf("status %d: body is not a Big Interview error (%v): %s", a.status, err, a.body)
	}
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type %q; want JSON", ct)
	}
	return e
}

// fieldMessages decodes a validation message object.
func (e apiErrorBody) fieldMessages(t *testing.T) map[string]string {
	t.Helper()
	var m map[string]string
	if err := json.Unmarshal(e.Error.Message, &m); err != nil {
		t.Fatalf("message is not an object of field messages: %s", e.Error.Message)
	}
	return m
}

type v1ErrorBody struct {
	Error  string `json:"error"`
	Reason string `json:"reason"`
}

func decodeV1Error(t *testing.T, a answer) v1ErrorBody {
	t.Helper()
	var e v1ErrorBody
	if err := json.Unmarshal(a.body, &e); err != nil || !strings.HasPrefix(e.Error, "HTTP") || e.Reason == "" {
		t.Fatalf("status %d: body is not a TicketsCloud error (%v): %s", a.status, err, a.body)
	}
	return e
}

// apiErr returns err as a *partnerapi.Error, failing the test otherwise.
func apiErr(t *testing.T, err error) *partnerapi.Error {
	t.Helper()
	var e *partnerapi.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *partnerapi.Error", err, err)
	}
	return e
}

func keysPath(partner string, rest ...string) string {
	p := "/v1/resources/partners/" + partner + "/api_keys"
	for _, r := range rest {
		p += "/" + r
	}
	return p
}

// newBrowser is an http.Client with a cookie jar that follows redirects.
func newBrowser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Transport: &http.Transport{}}
}

// hammer runs n concurrent calls of fn and returns their errors.
func hammer(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn(i)
		}()
	}
	wg.Wait()
	return errs
}

func statuses(rs []mockserver.Request) []int {
	var out []int
	for _, r := range rs {
		out = append(out, r.Status)
	}
	return out
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// headerFlood is the header of a request that brings as many headers as
// the server reads (http.DefaultMaxHeaderBytes, 1 MiB): tiny distinct
// names with empty values, as the server parses them.
func headerFlood(tb testing.TB) http.Header {
	tb.Helper()
	var b strings.Builder
	b.WriteString("GET / HTTP/1.1\r\nHost: fake\r\n")
	for i := 100000; b.Len() < http.DefaultMaxHeaderBytes-32; i++ {
		b.WriteString(strconv.Itoa(i) + ":\r\n")
	}
	b.WriteString("\r\n")
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(b.String())))
	if err != nil {
		tb.Fatal(err)
	}
	return req.Header
}

// whReceived is one request a webhook receiver got.
type whReceived struct {
	method, path string
	header       http.Header
	body         []byte
	fakeNow      time.Time // the fake's clock when the request came
}

// whReceiver is a webhook endpoint on a loopback httptest.Server: it keeps
// every request and answers the status status(n) gives for the n-th (from
// 1); a status of 0 closes the connection with no answer.
type whReceiver struct {
	URL    string
	srv    *mockserver.Server
	ts     *httptest.Server
	status func(n int) int

	mu   sync.Mutex
	reqs []whReceived
}

func newWHReceiver(t *testing.T, srv *mockserver.Server, status func(n int) int) *whReceiver {
	t.Helper()
	rc := &whReceiver{srv: srv, status: status}
	rc.ts = httptest.NewServer(rc)
	t.Cleanup(rc.ts.Close)
	rc.URL = rc.ts.URL + "/hooks/big-interview"
	return rc
}

func (rc *whReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.reqs = append(rc.reqs, whReceived{method: r.Method, path: r.URL.Path, header: r.Header.Clone(), body: body, fakeNow: rc.srv.Now()})
	n := len(rc.reqs)
	rc.mu.Unlock()
	status := http.StatusOK
	if rc.status != nil {
		status = rc.status(n)
	}
	if status == 0 {
		panic(http.ErrAbortHandler) // close the connection with no answer
	}
	w.WriteHeader(status)
}

func (rc *whReceiver) received() []whReceived {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]whReceived(nil), rc.reqs...)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// login follows an SSO link by hand: it returns the answer to /sso/login
// (not following the redirect).
func login(t *testing.T, link string) answer {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return rawVia(t, rawClient(), u.Scheme+"://"+u.Host, "GET", u.RequestURI(), "")
}

func sessionCookie(t *testing.T, a answer) *http.Cookie {
	t.Helper()
	resp := http.Response{Header: a.header}
	cs := resp.Cookies()
	if len(cs) != 1 || cs[0].Value == "" {
		t.Fatalf("answer sets cookies %v; want one session cookie", cs)
	}
	return cs[0]
}

// control sends one control-plane request to srv's URL and decodes a JSON
// answer into out (when out is not nil and the status is 2xx).
func control(t *testing.T, srv *mockserver.Server, method, path, body string, out any, headers ...string) answer {
	t.Helper()
	a := raw(t, srv, method, path, body, headers...)
	if out != nil && a.status < 300 {
		if err := json.Unmarshal(a.body, out); err != nil {
			t.Fatalf("%s %s: %d, body %s: %v", method, path, a.status, a.body, err)
		}
	}
	return a
}

// wantControlError checks a control-plane error: the status, the
// {"error": "…"} shape, and that the message names what is wrong.
func wantControlError(t *testing.T, a answer, status int, names string) {
	t.Helper()
	var e map[string]string
	if err := json.Unmarshal(a.body, &e); err != nil || len(e) != 1 || e["error"] == "" {
		t.Errorf("error body %s is not {\"error\": \"…\"}", a.body)
	}
	if a.status != status || !strings.Contains(e["error"], names) {
		t.Errorf("%d %s; want %d naming %q", a.status, a.body, status, names)
	}
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type %q", ct)
	}
}
