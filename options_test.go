package partnerapi

// What the options change in the requests a Client sends and what it logs:
// WithUserAgent, WithKeysAPIKey, WithHTTPClient, WithLogger. The values
// NewClient refuses are in client_test.go.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

func TestUserAgent(t *testing.T) {
	for _, tc := range []struct {
		opts []Option
		want string
	}{
		{nil, "go-partnerapi/" + Version},
		{[]Option{WithUserAgent("acme-sync/2.1")}, "go-partnerapi/" + Version + " acme-sync/2.1"},
	} {
		rec := &recorder{next: answer(200, `{"tracks": []}`)}
		c, mux := setup(t, tc.opts...)
		mux.Handle("/", rec)
		if _, err := c.Users.Tracks(context.Background(), "abc"); err != nil {
			t.Fatal(err)
		}
		if got := rec.requests()[0].Header.Get("User-Agent"); got != tc.want {
			t.Errorf("User-Agent %q; want %q", got, tc.want)
		}
	}
}

func TestSeparateKeysAPIKey(t *testing.T) {
	// WithKeysAPIKey gives the keys API its own credential; the users API
	// keeps the main one.
	rec := &recorder{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/") {
			writeJSON(w, 200, `[]`)
			return
		}
		writeJSON(w, 200, `{"tracks": []}`)
	})}
	c, mux := setup(t, WithKeysAPIKey("another-keys-api-key"))
	mux.Handle("/", rec)
	if _, err := c.Users.Tracks(context.Background(), "abc"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.APIKeys.List(context.Background(), seedPartner, nil); err != nil {
		t.Fatal(err)
	}
	reqs := rec.requests()
	if got := reqs[0].Header.Get("Authorization"); got != testKey {
		t.Errorf("users API Authorization %q; want the raw main key", got)
	}
	if got := reqs[1].Header.Get("Authorization"); got != "key another-keys-api-key" {
		t.Errorf("keys API Authorization %q; want %q", got, "key another-keys-api-key")
	}
}

func TestWithHTTPClientIsUsedNotModified(t *testing.T) {
	rec := &recorder{next: answer(200, `{"tracks": []}`)}
	srv := serve(t, rec)
	ct := &countingTransport{base: srv.Client().Transport}
	jar := &nopJar{}
	hc := &http.Client{Transport: ct, Timeout: 7 * time.Second, Jar: jar}
	c := newTestClient(t, testKey, WithBaseURL(srv.URL), WithHTTPClient(hc))
	if _, err := c.Users.Tracks(context.Background(), "abc"); err != nil {
		t.Fatal(err)
	}
	if ct.n.Load() != 1 || rec.count() != 1 {
		t.Errorf("the caller's transport carried %d requests, the server saw %d; want 1 and 1", ct.n.Load(), rec.count())
	}
	if hc.CheckRedirect != nil {
		t.Error("the caller's CheckRedirect was set")
	}
	if hc.Transport != ct {
		t.Errorf("the caller's Transport was replaced by %T", hc.Transport)
	}
	if hc.Timeout != 7*time.Second || hc.Jar != jar {
		t.Error("the caller's Timeout or Jar changed")
	}
	inner := &c.c.httpClient
	if inner == hc {
		t.Fatal("the SDK works on the caller's *http.Client itself, not a copy")
	}
	if inner.Timeout != hc.Timeout || inner.Jar != hc.Jar {
		t.Errorf("the SDK's copy has Timeout %s, Jar %v; want the caller's", inner.Timeout, inner.Jar)
	}
	// A second Client on the same *http.Client changes nothing either.
	_ = newTestClient(t, testKey, WithBaseURL(srv.URL), WithHTTPClient(hc))
	if hc.CheckRedirect != nil || hc.Transport != ct {
		t.Error("a second NewClient modified the caller's client")
	}
}

func TestNilTransportUsesDefault(t *testing.T) {
	// An *http.Client without a Transport works as net/http's would.
	rec := &recorder{next: answer(200, `{"tracks": []}`)}
	srv := serve(t, rec)
	c := newTestClient(t, testKey, WithBaseURL(srv.URL), WithHTTPClient(&http.Client{}))
	if _, err := c.Users.Tracks(context.Background(), "abc"); err != nil || rec.count() != 1 {
		t.Fatalf("%v, %d requests", err, rec.count())
	}
}

// logRecord is one JSON log line of WithLogger.
type logRecord struct {
	Level    string  `json:"level"`
	Msg      string  `json:"msg"`
	Method   string  `json:"method"`
	Path     string  `json:"path"`
	Status   *int    `json:"status"`
	Attempt  int     `json:"attempt"`
	Duration *int64  `json:"duration"`
	Error    *string `json:"error"`
}

func parseLog(t *testing.T, buf *bytes.Buffer) []logRecord {
	t.Helper()
	var out []logRecord
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if line == "" {
			continue
		}
		var r logRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, r)
	}
	return out
}

func TestWithLoggerOneRecordPerAttempt(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var n atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		// Every attempt fails, echoing the credential everywhere it can.
		n.Add(1)
		w.Header().Set("X-Request-Id", canaryKeysKey)
		writeJSON(w, 503, `{"error": "HTTPServiceUnavailable", "reason": "`+r.Header.Get("Authorization")+`"}`)
	})
	mux.HandleFunc("/api/users/abc", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 201, `{"user": {"partner_id": "abc", "token": {"token": "`+canaryToken+`"}}}`)
	})
	srv := serve(t, mux)
	c := canaryClient(t, WithBaseURL(srv.URL), WithRetry(2, time.Millisecond, 2*time.Millisecond), WithLogger(logger))

	_, err := c.APIKeys.List(context.Background(), seedPartner, &ListAPIKeysOptions{IDs: []string{seedKeyID}, Fields: []string{"id"}})
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.Attempts != 3 {
		t.Fatalf("%v; want a 503 *Error after 3 attempts", err)
	}
	link, err := c.SSO.LoginURL(context.Background(), "abc", nil, nil)
	if err != nil || !strings.Contains(link, canaryToken) {
		t.Fatalf("LoginURL: %q, %v", link, err)
	}

	out := buf.String()
	checkNoLeak(t, "the log", out)
	for _, banned := range []string{"Authorization", "authorization", "ids=", "fields-schema", "?", "HTTPServiceUnavailable"} {
		if strings.Contains(out, banned) {
			t.Errorf("the log holds %q (headers, query or body):\n%s", banned, out)
		}
	}
	recs := parseLog(t, &buf)
	if len(recs) != 4 {
		t.Fatalf("%d log records for 3 + 1 attempts:\n%s", len(recs), out)
	}
	wantPath := "/v1/resources/partners/" + seedPartner + "/api_keys"
	for i, r := range recs[:3] {
		if r.Level != "DEBUG" || r.Method != "GET" || r.Path != wantPath || r.Status == nil || *r.Status != 503 || r.Attempt != i+1 || r.Duration == nil {
			t.Errorf("record %d = %+v; want DEBUG GET %s status 503 attempt %d with a duration", i, r, wantPath, i+1)
		}
	}
	if r := recs[3]; r.Method != "POST" || r.Path != "/api/users/abc" || r.Status == nil || *r.Status != 201 || r.Attempt != 1 {
		t.Errorf("record 4 = %+v; want POST /api/users/abc status 201 attempt 1", r)
	}
}

func TestWithLoggerAboveDebugLogsNothing(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv := serve(t, answer(500, `{}`))
	c := canaryClient(t, WithBaseURL(srv.URL), WithRetry(1, 0, 0), WithLogger(logger))
	_, _ = c.Users.Tracks(context.Background(), "abc")
	if buf.Len() != 0 {
		t.Errorf("an Info logger got: %s", buf.String())
	}
}

func TestWithoutLoggerNothingIsLogged(t *testing.T) {
	var buf bytes.Buffer
	oldSlog, oldOut, oldFlags := slog.Default(), log.Writer(), log.Flags()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() {
		slog.SetDefault(oldSlog)
		log.SetOutput(oldOut)
		log.SetFlags(oldFlags)
	})

	var n atomic.Int32
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 1 {
			writeJSON(w, 503, `{}`)
			return
		}
		writeJSON(w, 200, `{"tracks": [], "user": {"partner_id": "abc"}}`)
	}))
	c := canaryClient(t, WithBaseURL(srv.URL), WithRetry(3, 0, time.Millisecond))
	for _, call := range callKinds {
		_ = call.call(context.Background(), c)
	}
	mock := httpmock.NewMockTransport()
	mock.RegisterNoResponder(httpmock.ConnectionFailure)
	c = canaryClient(t, WithHTTPClient(&http.Client{Transport: mock}), WithRetry(2, 0, 0))
	for _, call := range callKinds {
		_ = call.call(context.Background(), c)
	}
	if mock.GetTotalCallCount() == 0 || n.Load() == 0 {
		t.Fatal("no requests were made")
	}
	if buf.Len() != 0 {
		t.Errorf("without WithLogger, the default logger got:\n%s", buf.String())
	}
}
