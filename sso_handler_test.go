package partnerapi_test

// Tests of SSOService.Handler against the fake (mockserver): the redirect
// signs the browser in, every click mints a new token, and every failure is
// a fixed page that shows no credential and no detail.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// ssoFake is newFake with the Client's retries off.
func ssoFake(t *testing.T, opts ...partnerapi.Option) (*mockserver.Server, *mockserver.Partner, *partnerapi.Client) {
	t.Helper()
	return newFake(t, append([]partnerapi.Option{partnerapi.WithRetry(0, 0, 0)}, opts...)...)
}

// signedIn is a resolve that always finds partnerID, with params to create
// the user, and o.
func signedIn(partnerID string, o *partnerapi.LoginOptions) func(*http.Request) (string, *partnerapi.UserParams, *partnerapi.LoginOptions, error) {
	return func(*http.Request) (string, *partnerapi.UserParams, *partnerapi.LoginOptions, error) {
		return partnerID, &partnerapi.UserParams{FirstName: "Jane", LastName: "Doe", Email: "jane@example.com"}, o, nil
	}
}

// click sends one request of method through h and returns the recorded answer.
func click(h http.Handler, method string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, "https://partner.example/practice?from=nav", nil))
	return w
}

// tokenRE finds the token of a login link.
var tokenRE = regexp.MustCompile(`[?&]token=([0-9a-f]{64})(&|$)`)

// checkLoginRedirect asserts a 302 to the fake's login page carrying a
// token, with no body and the no-store and no-referrer headers, and
// returns the link and its token.
func checkLoginRedirect(t *testing.T, srv *mockserver.Server, w *httptest.ResponseRecorder) (link, token string) {
	t.Helper()
	if w.Code != http.StatusFound {
		t.Fatalf("status %d, want 302; body %q", w.Code, w.Body.String())
	}
	link = w.Header().Get("Location")
	if !strings.HasPrefix(link, srv.URL+"/sso/login?token=") {
		t.Fatalf("Location %q, want %s/sso/login?token=…", link, srv.URL)
	}
	m := tokenRE.FindStringSubmatch(link)
	if m == nil {
		t.Fatalf("Location %q holds no 64-hex token", link)
	}
	checkSSOHeaders(t, w)
	if w.Body.Len() != 0 {
		t.Errorf("the redirect has a body %q; want none (it would repeat the link)", w.Body.String())
	}
	return link, m[1]
}

// checkSSOHeaders asserts the headers every answer of the handler carries.
func checkSSOHeaders(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	if got := w.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", got)
	}
	if got := w.Header().Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy %q, want no-referrer", got)
	}
}

// checkSSOPage asserts a plain-text failure page of status with no
// Location, and that none of the forbidden strings appear in its body or
// headers.
func checkSSOPage(t *testing.T, w *httptest.ResponseRecorder, status int, forbidden ...string) {
	t.Helper()
	if w.Code != status {
		t.Errorf("status %d, want %d; body %q", w.Code, status, w.Body.String())
	}
	checkSSOHeaders(t, w)
	if got := w.Header().Get("Content-Type"); got != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type %q, want text/plain; charset=utf-8", got)
	}
	if loc := w.Header().Get("Location"); loc != "" {
		t.Errorf("a failure answered with Location %q", loc)
	}
	body := w.Body.String()
	if body == "" || len(body) > 200 || strings.Count(body, "\n") != 1 {
		t.Errorf("body %q: want one short line", body)
	}
	var all strings.Builder
	all.WriteString(body)
	for k, vs := range w.Header() {
		all.WriteString(k + ": " + strings.Join(vs, ", ") + "\n")
	}
	for _, f := range forbidden {
		if f != "" && strings.Contains(strings.ToLower(all.String()), strings.ToLower(f)) {
			t.Errorf("the answer shows %q:\n%s", f, all.String())
		}
	}
	if regexp.MustCompile(`[0-9a-fA-F]{32}`).MatchString(all.String()) {
		t.Errorf("the answer shows something like a key or token:\n%s", all.String())
	}
}

// browser returns an http.Client with a cookie jar that follows redirects,
// as a browser does.
func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

// visit GETs link with hc and returns the final URL, status and body.
func visit(t *testing.T, hc *http.Client, link string) (*url.URL, int, string) {
	t.Helper()
	resp, err := hc.Get(link)
	if err != nil {
		t.Fatalf("GET the login link: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.Request.URL, resp.StatusCode, string(b)
}

func TestSSOHandlerRedirectSignsInToTheDashboard(t *testing.T) {
	srv, _, client := ssoFake(t)
	var seen atomic.Pointer[http.Request]
	h := client.SSO.Handler(func(r *http.Request) (string, *partnerapi.UserParams, *partnerapi.LoginOptions, error) {
		seen.Store(r)
		return signedIn("jane-1", nil)(r)
	})

	link, _ := checkLoginRedirect(t, srv, click(h, http.MethodGet))
	if r := seen.Load(); r == nil || r.URL.RawQuery != "from=nav" {
		t.Errorf("resolve did not get the browser's request: %v", r)
	}

	final, status, body := visit(t, browser(t), link)
	if status != http.StatusOK || final.Path != "/members/dashboard" {
		t.Fatalf("following the link ended at %s with %d, want /members/dashboard 200; body:\n%s", final, status, body)
	}
	if !strings.Contains(body, `<span id="partner-id">jane-1</span>`) {
		t.Errorf("the dashboard does not show partner_id jane-1:\n%s", body)
	}
}

func TestSSOHandlerMintsANewTokenPerClick(t *testing.T) {
	srv, _, client := ssoFake(t)
	h := client.SSO.Handler(signedIn("jane-2", nil))

	first, tok1 := checkLoginRedirect(t, srv, click(h, http.MethodGet))
	second, tok2 := checkLoginRedirect(t, srv, click(h, http.MethodGet))
	if tok1 == tok2 {
		t.Fatalf("two clicks gave the same token")
	}

	if _, status, body := visit(t, browser(t), first); status != http.StatusUnauthorized {
		t.Errorf("the first click's link after a second click: %d, want 401 (replaced); body:\n%s", status, body)
	}
	final, status, body := visit(t, browser(t), second)
	if status != http.StatusOK || final.Path != "/members/dashboard" || !strings.Contains(body, `<span id="partner-id">jane-2</span>`) {
		t.Errorf("the second click's link ended at %s with %d; body:\n%s", final, status, body)
	}
}

func TestSSOHandlerHonoursRedirectTo(t *testing.T) {
	srv, _, client := ssoFake(t)
	const where = "/members/curriculum?chapter=6"
	h := client.SSO.Handler(signedIn("jane-3", &partnerapi.LoginOptions{RedirectTo: where}))

	link, _ := checkLoginRedirect(t, srv, click(h, http.MethodGet))
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Query().Get("redirect_to"); got != where {
		t.Errorf("redirect_to %q, want %q", got, where)
	}
	final, status, body := visit(t, browser(t), link)
	if status != http.StatusOK || final.RequestURI() != where {
		t.Fatalf("following the link ended at %s with %d, want %s 200", final, status, where)
	}
	if !strings.Contains(body, `<span id="partner-id">jane-3</span>`) || !strings.Contains(body, `<code id="page">/members/curriculum?chapter=6</code>`) {
		t.Errorf("the page does not show jane-3 on %s:\n%s", where, body)
	}
}

func TestSSOHandlerHEADIsServedAsGET(t *testing.T) {
	srv, _, client := ssoFake(t)
	h := client.SSO.Handler(signedIn("jane-4", nil))
	link, _ := checkLoginRedirect(t, srv, click(h, http.MethodHead))
	if _, status, _ := visit(t, browser(t), link); status != http.StatusOK {
		t.Errorf("the link from a HEAD: %d, want 200", status)
	}
}

func TestSSOHandlerNotSignedInIs403(t *testing.T) {
	srv, p, client := ssoFake(t)
	const detail = "session cookie sess=hunter2 expired"
	h := client.SSO.Handler(func(*http.Request) (string, *partnerapi.UserParams, *partnerapi.LoginOptions, error) {
		return "", nil, nil, fmt.Errorf("%s: %w", detail, partnerapi.ErrUnauthorized)
	})
	w := click(h, http.MethodGet)
	checkSSOPage(t, w, http.StatusForbidden, p.APIKey, detail, "hunter2", "unauthorized", "partnerapi")
	if !strings.Contains(strings.ToLower(w.Body.String()), "not signed in") {
		t.Errorf("403 page %q does not say the person is not signed in", w.Body.String())
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests reached the API for a person not signed in; want 0", n)
	}
}

func TestSSOHandlerFailuresShowNoDetail(t *testing.T) {
	const resolveDetail = "database at 10.0.0.7 refused: password mismatch"
	cases := []struct {
		name     string
		fault    *mockserver.Fault
		resolve  func(*http.Request) (string, *partnerapi.UserParams, *partnerapi.LoginOptions, error)
		wrongKey bool // the client's key is not the partner's: the API answers 401
		status   int
		requests int // how many requests reach the fake
	}{
		{name: "resolve fails", status: http.StatusBadGateway,
			resolve: func(*http.Request) (string, *partnerapi.UserParams, *partnerapi.LoginOptions, error) {
				return "", nil, nil, errors.New(resolveDetail)
			}},
		{name: "resolve wraps ErrForbidden", status: http.StatusBadGateway,
			resolve: func(*http.Request) (string, *partnerapi.UserParams, *partnerapi.LoginOptions, error) {
				return "", nil, nil, fmt.Errorf("%s: %w", resolveDetail, partnerapi.ErrForbidden)
			}},
		{name: "API 500", fault: &mockserver.Fault{Status: http.StatusInternalServerError}, status: http.StatusBadGateway, requests: 1},
		{name: "API 503", fault: &mockserver.Fault{Status: http.StatusServiceUnavailable, RetryAfter: 7 * time.Second}, status: http.StatusBadGateway, requests: 1},
		{name: "connection dropped", fault: &mockserver.Fault{Drop: true}, status: http.StatusBadGateway, requests: 1},
		// A 401 from the API is the partner's key, not the person: 502, never 403.
		{name: "API 401 (key not accepted)", wrongKey: true, status: http.StatusBadGateway, requests: 1},
		{name: "invalid partner_id", resolve: signedIn("jane doe", nil), status: http.StatusInternalServerError},
		{name: "empty partner_id", resolve: signedIn("", nil), status: http.StatusInternalServerError},
		{name: "RedirectTo off-site", resolve: signedIn("jane-5", &partnerapi.LoginOptions{RedirectTo: "//evil.example/x"}), status: http.StatusInternalServerError},
		{name: "ReturnURL not absolute", resolve: signedIn("jane-5", &partnerapi.LoginOptions{ReturnURL: "javascript:alert(1)"}), status: http.StatusInternalServerError},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, p, client := ssoFake(t)
			if tc.wrongKey {
				var err error
				client, err = partnerapi.NewClient("0123456789abcdef0123456789abcdef", partnerapi.WithBaseURL(srv.URL), partnerapi.WithRetry(0, 0, 0))
				if err != nil {
					t.Fatal(err)
				}
			}
			if tc.fault != nil {
				srv.Fail(*tc.fault)
			}
			resolve := tc.resolve
			if resolve == nil {
				resolve = signedIn("jane-5", nil)
			}
			w := click(client.SSO.Handler(resolve), http.MethodGet)
			checkSSOPage(t, w, tc.status, p.APIKey, "0123456789abcdef0123456789abcdef",
				resolveDetail, "10.0.0.7", "injected fault", "partnerapi", "jane doe", "evil.example", "javascript",
				"error", "/api/users", "status")
			if w.Header().Get("Retry-After") != "" {
				t.Errorf("the upstream Retry-After reached the browser")
			}
			if n := len(srv.Requests()); n != tc.requests {
				t.Errorf("%d requests reached the fake, want %d", n, tc.requests)
			}
		})
	}
}

// An upstream that echoes the key, a token and its own detail in an error
// body: none of it reaches the browser, and the log has no credential.
func TestSSOHandlerCanaryKeyNeverReachesTheBrowserOrTheLog(t *testing.T) {
	const (
		canaryKey   = "CANARYcanary0123456789abcdef0000"
		canaryToken = "T0KENcanaryfedcba9876543210fedcba9876543210fedcba9876543210fedc"
		upstream    = "UPSTREAM-DETAIL stack trace at db.go:42"
	)
	for _, status := range []int{http.StatusUnauthorized, http.StatusUnprocessableEntity, http.StatusInternalServerError, http.StatusBadGateway} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("X-Request-Id", canaryToken)
				w.WriteHeader(status)
				fmt.Fprintf(w, `{"error": {"type": "oops", "message": "%s; key %s; token %s; auth %s"}}`,
					upstream, canaryKey, canaryToken, r.Header.Get("Authorization"))
			}))
			t.Cleanup(api.Close)
			var logs bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			client, err := partnerapi.NewClient(canaryKey, partnerapi.WithBaseURL(api.URL), partnerapi.WithRetry(0, 0, 0), partnerapi.WithLogger(logger))
			if err != nil {
				t.Fatal(err)
			}
			w := click(client.SSO.Handler(signedIn("jane-6", nil)), http.MethodGet)
			checkSSOPage(t, w, http.StatusBadGateway, canaryKey, canaryToken, upstream, "oops", "jane-6")

			if strings.Contains(strings.ToLower(logs.String()), strings.ToLower(canaryKey)) {
				t.Errorf("the log shows the key:\n%s", logs.String())
			}
			if !strings.Contains(logs.String(), `"msg":"partnerapi SSO handler failed"`) || !strings.Contains(logs.String(), `"status":502`) {
				t.Errorf("the failure was not logged at Error level with status 502:\n%s", logs.String())
			}
		})
	}
}

func TestSSOHandlerLogsFailuresToTheClientLogger(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, p, client := ssoFake(t, partnerapi.WithLogger(logger))
	srv.Fail(mockserver.Fault{Status: http.StatusInternalServerError})
	resolveErr := errors.New("no such session")
	calls := 0
	h := client.SSO.Handler(func(r *http.Request) (string, *partnerapi.UserParams, *partnerapi.LoginOptions, error) {
		calls++
		switch calls {
		case 1:
			return signedIn("jane-7", nil)(r) // the fault: 502
		case 2:
			return "", nil, nil, fmt.Errorf("%w: %w", resolveErr, partnerapi.ErrUnauthorized) // 403
		case 3:
			return signedIn("bad id", nil)(r) // 500
		default:
			return signedIn("jane-7", nil)(r) // the browser has gone: 502, logged at Debug
		}
	})
	for _, want := range []int{http.StatusBadGateway, http.StatusForbidden, http.StatusInternalServerError} {
		if w := click(h, http.MethodGet); w.Code != want {
			t.Fatalf("status %d, want %d", w.Code, want)
		}
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/practice", nil).WithContext(gone))
	if w.Code != http.StatusBadGateway {
		t.Fatalf("status %d for a browser that went away, want 502", w.Code)
	}

	type record struct {
		Level, Msg, Method, Path, Stage, Error string
		Status                                 int
	}
	var got []record
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if !strings.Contains(line, "SSO handler") {
			continue // the client's own per-attempt records
		}
		var r record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		got = append(got, r)
	}
	want := []struct {
		level, stage, errText string
		status                int
	}{
		{"ERROR", "login", "500", http.StatusBadGateway},
		{"DEBUG", "resolve", "no such session", http.StatusForbidden},
		{"ERROR", "login", "partner_id", http.StatusInternalServerError},
		{"DEBUG", "login", "context canceled", http.StatusBadGateway},
	}
	if len(got) != len(want) {
		t.Fatalf("%d handler log records, want %d:\n%s", len(got), len(want), logs.String())
	}
	for i, w := range want {
		g := got[i]
		if g.Level != w.level || g.Stage != w.stage || g.Status != w.status || g.Method != "GET" || g.Path != "/practice" || !strings.Contains(g.Error, w.errText) {
			t.Errorf("record %d = %+v, want level %s stage %s status %d, path /practice, error containing %q", i, g, w.level, w.stage, w.status, w.errText)
		}
	}
	if strings.Contains(logs.String(), p.APIKey) || strings.Contains(logs.String(), "from=nav") {
		t.Errorf("the log shows the key or the request's query:\n%s", logs.String())
	}
}

func TestSSOHandlerOnlyGETAndHEAD(t *testing.T) {
	srv, _, client := ssoFake(t)
	called := false
	h := client.SSO.Handler(func(r *http.Request) (string, *partnerapi.UserParams, *partnerapi.LoginOptions, error) {
		called = true
		return signedIn("jane-8", nil)(r)
	})
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions, "PROPFIND"} {
		w := click(h, m)
		checkSSOPage(t, w, http.StatusMethodNotAllowed)
		if got := w.Header().Get("Allow"); got != "GET, HEAD" {
			t.Errorf("%s: Allow %q, want GET, HEAD", m, got)
		}
	}
	if called {
		t.Errorf("resolve was called for a method that is not allowed")
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests reached the API; want 0", n)
	}
}

func TestSSOHandlerNilResolvePanics(t *testing.T) {
	_, _, client := ssoFake(t)
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "resolve is nil") {
			t.Errorf("recovered %v, want a panic naming the nil resolve", r)
		}
	}()
	client.SSO.Handler(nil)
}

// A success answer without the user or its token is the API's fault: 502,
// as for any failed API call, not the 500 of a misconfigured site.
func TestSSOHandlerAnswerWithoutATokenIs502(t *testing.T) {
	for _, body := range []string{`{}`, `{"user": null}`, `{"user": {"partner_id": "jane-5"}}`} {
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, body)
		}))
		client, err := partnerapi.NewClient("0123456789abcdef0123456789abcdef", partnerapi.WithBaseURL(api.URL), partnerapi.WithRetry(0, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		w := click(client.SSO.Handler(signedIn("jane-5", nil)), http.MethodGet)
		checkSSOPage(t, w, http.StatusBadGateway, "0123456789abcdef0123456789abcdef", "partnerapi", "user")
		_, err = client.SSO.LoginURL(context.Background(), "jane-5", nil, nil)
		if !errors.Is(err, partnerapi.ErrBadResponse) || errors.Is(err, partnerapi.ErrInvalidArgument) {
			t.Errorf("LoginURL with %s: %v; want ErrBadResponse", body, err)
		}
		api.Close()
	}
}
