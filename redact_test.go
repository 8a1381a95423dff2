package partnerapi

// No credential — API key or SSO token — appears in printed values, logs,
// JSON or error strings, even when a server echoes one back.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

var verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3v", "%-40s", "%T"}

func TestNothingPrintsACredential(t *testing.T) {
	c := canaryClient(t)
	key := APIKey{ID: seedKeyID, Key: NewSecret(canaryKey), Name: "n", Partner: seedPartner, CreatedAt: time.Now()}
	token := Token{Token: NewSecret(canaryToken), ExpiresAt: time.Now()}
	user := User{PartnerID: "abc", Token: token, Created: true}
	secret := NewSecret(canaryKey)
	values := map[string]any{
		"Secret":              secret,
		"*Secret":             &secret,
		"APIKey":              key,
		"*APIKey":             &key,
		"[]APIKey":            []APIKey{key, key},
		"Token":               token,
		"User":                user,
		"*User":               &user,
		"map of Secret":       map[string]Secret{"k": NewSecret(canaryKey)},
		"struct holding":      struct{ S Secret }{NewSecret(canaryToken)},
		"reflect.Value":       reflect.ValueOf(secret),
		"*Client":             c,
		"Client":              *c,
		"[]*Client":           []*Client{c},
		"struct with *Client": struct{ C *Client }{c},
		"*UsersService":       c.Users,
		"UsersService":        *c.Users,
		"*SSOService":         c.SSO,
		"SSOService":          *c.SSO,
		"*APIKeysService":     c.APIKeys,
		"APIKeysService":      *c.APIKeys,
	}
	for name, v := range values {
		for _, verb := range verbs {
			checkNoLeak(t, fmt.Sprintf("%s printed with %s", name, verb), fmt.Sprintf(verb, v))
		}
		checkNoLeak(t, name+" through Sprint", fmt.Sprint(v))
		checkNoLeak(t, name+" through Sprintln", fmt.Sprintln(v))
	}
	// Printing still says something useful.
	if got := fmt.Sprint(c); !strings.Contains(got, "https://xyz.biginterview.com") || !strings.Contains(got, "[REDACTED]") {
		t.Errorf("a Client prints as %q; want its endpoints and [REDACTED]", got)
	}
	if got := fmt.Sprintf("%v %s %q %#v", secret, secret, secret, secret); got != `[REDACTED] [REDACTED] "[REDACTED]" [REDACTED]` {
		t.Errorf("a Secret prints as %s", got)
	}
	if secret.Reveal() != canaryKey {
		t.Error("Reveal does not return the value")
	}
	if got := fmt.Sprint(NewSecret("")); got != "" {
		t.Errorf("an empty Secret prints as %q; want nothing", got)
	}
	var zero Client
	checkNoLeak(t, "zero Client", fmt.Sprint(zero, &zero))
}

func TestSlogNeverShowsACredential(t *testing.T) {
	c := canaryClient(t)
	key := APIKey{ID: seedKeyID, Key: NewSecret(canaryKey)}
	user := User{PartnerID: "abc", Token: Token{Token: NewSecret(canaryToken)}}
	for name, newHandler := range map[string]func(io.Writer) slog.Handler{
		"text": func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
		"json": func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
	} {
		var buf bytes.Buffer
		l := slog.New(newHandler(&buf))
		l.Info("values",
			"secret", NewSecret(canaryKey),
			"key", key, "keyptr", &key,
			"user", user, "token", user.Token,
			"client", c,
			slog.Group("g", "s", NewSecret(canaryToken)),
			slog.Any("any", NewSecret(canaryKeysKey)),
		)
		l.With("secret", NewSecret(canaryKey)).Info("with")
		out := buf.String()
		checkNoLeak(t, name+" handler output", out)
		if !strings.Contains(out, "[REDACTED]") {
			t.Errorf("%s handler output has no [REDACTED]: %s", name, out)
		}
	}
}

func TestJSONNeverShowsACredential(t *testing.T) {
	key := APIKey{ID: seedKeyID, Key: NewSecret(canaryKey), Name: "n", Partner: seedPartner}
	user := User{PartnerID: "abc", Token: Token{Token: NewSecret(canaryToken)}}
	for name, v := range map[string]any{
		"APIKey": key, "*APIKey": &key, "[]APIKey": []APIKey{key}, "User": user, "Token": user.Token, "Secret": NewSecret(canaryKey),
	} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkNoLeak(t, name+" as JSON", string(b))
		if !bytes.Contains(b, []byte(`"[REDACTED]"`)) {
			t.Errorf("%s as JSON: %s; want \"[REDACTED]\" in place of the secret", name, b)
		}
	}
	// Text encoders see [REDACTED] too.
	if b, err := NewSecret(canaryKey).MarshalText(); err != nil || string(b) != "[REDACTED]" {
		t.Errorf("MarshalText = %q, %v", b, err)
	}
	// Decoding still reads the real value, as the APIs send it.
	var k APIKey
	if err := json.Unmarshal([]byte(`{"key": "`+canaryKey+`"}`), &k); err != nil || k.Key.Reveal() != canaryKey {
		t.Errorf("decoding a key: %q, %v", k.Key.Reveal(), err)
	}
	if err := json.Unmarshal([]byte(`{"key": 5}`), &k); err == nil {
		t.Error("a number decoded as a Secret")
	}
}

func TestErrorsNeverShowACredentialEchoedByTheServer(t *testing.T) {
	lower, upper := strings.ToLower(canaryKey), strings.ToUpper(canaryKey)
	for _, tc := range []struct {
		name, contentType, body string
		header                  map[string]string
		status                  int
	}{
		{"in the message", "", `{"error": {"type": "auth", "message": "bad key ` + canaryKey + `"}}`, nil, 401},
		{"in a field message", "", `{"error": {"type": "validation_error", "message": {"key": "` + canaryKey + ` is wrong"}}}`, nil, 422},
		{"in a field message list", "", `{"error": {"type": "validation_error", "message": {"key": ["x", "` + canaryKey + `"]}}}`, nil, 422},
		{"as a field name", "", `{"error": {"type": "validation_error", "message": {"` + canaryKey + `": "is wrong"}}}`, nil, 422},
		{"in the type", "", `{"error": {"type": "` + canaryKey + `", "message": "x"}}`, nil, 400},
		{"in the flat shape", "", `{"error": "HTTPUnauthorized ` + canaryKeysKey + `", "reason": "key ` + canaryKeysKey + `"}`, nil, 401},
		{"in an errors list", "", `{"errors": ["` + canaryKey + `"]}`, nil, 400},
		{"lower case", "", `{"error": {"type": "x", "message": "` + lower + `"}}`, nil, 401},
		{"upper case", "", `{"error": {"type": "x", "message": "` + upper + `"}}`, nil, 401},
		{"JSON-escaped", "", `{"error": {"type": "x", "message": "\u0043ANARY` + canaryKey[6:] + `"}}`, nil, 401},
		{"in X-Request-Id", "", `{}`, map[string]string{"X-Request-Id": "req-" + canaryKey}, 500},
		{"in a long X-Request-Id, across the cut", "", `{}`, map[string]string{"X-Request-Id": strings.Repeat("r", 90) + canaryKey}, 500},
		{"in an HTML title", "text/html", "<html><head><title>Denied " + canaryKey + "</title></head></html>", nil, 403},
		{"in an HTML body", "text/html", "<html><body><p>Authorization: " + canaryKey + "</p></body></html>", nil, 403},
		{"in plain text, across the cut", "text/plain", strings.Repeat("x", 190) + canaryKey, nil, 500},
		{"in a field message, across the cut", "", `{"error": {"type": "x", "message": {"f": "` + strings.Repeat("x", 188) + canaryKey + `"}}}`, nil, 422},
		{"in a redirect target", "", ``, map[string]string{"Location": "https://" + lower + ".evil.example/x?k=" + canaryKey}, 302},
		{"the keys API key in a body", "", `{"error": "x", "reason": "` + canaryKeysKey + `"}`, nil, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			c := canaryClient(t, WithBaseURL(srv.URL), WithRetry(0, 0, 0))
			for _, call := range []func() error{
				func() error { _, err := c.Users.Tracks(context.Background(), "abc"); return err },
				func() error { _, err := c.APIKeys.List(context.Background(), seedPartner, nil); return err },
			} {
				err := call()
				var apiErr *Error
				if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status {
					t.Fatalf("%v; want an *Error with status %d", err, tc.status)
				}
				checkNoLeak(t, "the error string", err.Error())
				checkNoLeak(t, "the *Error's fields", fmt.Sprintf("%#v", *apiErr))
				for _, verb := range verbs {
					checkNoLeak(t, "the error printed with "+verb, fmt.Sprintf(verb, err))
				}
			}
		})
	}
}

func TestDecodeErrorsNeverShowACredential(t *testing.T) {
	// A success answer that does not decode: the decoder's message quotes
	// the bad value, which here is the key.
	for _, body := range []string{
		`{"user": {"partner_id": "abc", "created_at": "` + canaryKey + `"}}`,
		`{"user": {"token": {"token": "x", "expires_at": "` + strings.ToLower(canaryKey) + `"}}}`,
		// A token that is not a JSON string is refused without quoting it.
		`{"user": {"token": {"token": {"k": "` + canaryKey + `"}}}}`,
		`{"user": {"token": {"token": ["` + canaryKey + `"]}}}`,
	} {
		srv := serve(t, answer(200, body))
		c := canaryClient(t, WithBaseURL(srv.URL), WithRetry(0, 0, 0))
		_, err := c.Users.CreateOrUpdate(context.Background(), "abc", nil)
		if err == nil {
			t.Fatalf("body %s decoded", body)
		}
		checkNoLeak(t, "the decode error", err.Error())
	}
}

// echoingTransport fails every request with an error that quotes the
// request's Authorization header, as a careless proxy or debugging
// transport might.
type echoingTransport struct{ n atomic.Int32 }

func (e *echoingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	e.n.Add(1)
	return nil, fmt.Errorf("proxy refused %s %s with Authorization %q", r.Method, r.URL, r.Header.Get("Authorization"))
}

func TestTransportErrorsNeverShowACredential(t *testing.T) {
	var buf bytes.Buffer
	rt := &echoingTransport{}
	c := canaryClient(t, WithBaseURL("https://partnerapi.invalid"), WithHTTPClient(&http.Client{Transport: rt}),
		WithRetry(1, 0, 0), WithLogger(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	for _, call := range callKinds {
		err := call.call(context.Background(), c)
		if err == nil {
			t.Fatalf("%s: no error", call.name)
		}
		checkNoLeak(t, call.name+": the transport error", err.Error())
		checkNoLeak(t, call.name+": the transport error with %+v", fmt.Sprintf("%+v", err))
	}
	if rt.n.Load() == 0 {
		t.Fatal("the transport was not used")
	}
	checkNoLeak(t, "the log", buf.String())
	if !strings.Contains(buf.String(), "proxy refused") {
		t.Errorf("the log does not record the transport error: %s", buf.String())
	}

	// A dial error to a closed port, through the real transport.
	c = canaryClient(t, WithBaseURL("http://"+closedAddr(t)), WithRetry(0, 0, 0))
	_, err := c.Users.Tracks(context.Background(), "abc")
	if err == nil {
		t.Fatal("no error from a closed port")
	}
	checkNoLeak(t, "the dial error", err.Error())
}

func TestArgumentErrorsNeverShowACredential(t *testing.T) {
	// The key passed where an ObjectId belongs (a key id and a key are easy
	// to confuse) is not repeated in the error.
	c, rt := noIOClient(t)
	for _, k := range []string{testKey, canaryKey, canaryKeysKey} {
		for _, err := range []error{
			second(c.APIKeys.Get(context.Background(), seedPartner, k, nil)),
			second(c.APIKeys.List(context.Background(), k, nil)),
			second(c.APIKeys.List(context.Background(), seedPartner, &ListAPIKeysOptions{IDs: []string{k}})),
			second(c.APIKeys.Create(context.Background(), k, "n")),
			second(c.APIKeys.Update(context.Background(), seedPartner, k, &APIKeyUpdate{Name: strPtr("n")})),
			c.APIKeys.Delete(context.Background(), k, seedKeyID),
		} {
			if !errors.Is(err, ErrInvalidArgument) {
				t.Fatalf("%v; want ErrInvalidArgument", err)
			}
			if leaks(err.Error(), k) {
				t.Errorf("the error %q repeats the key", err)
			}
		}
	}
	if rt.n.Load() != 0 {
		t.Errorf("%d requests sent", rt.n.Load())
	}
}

func TestSSOErrorsNeverShowTheToken(t *testing.T) {
	c, rt := noIOClient(t)
	for _, o := range badLoginOptions {
		_, err := c.SSO.URL(NewSecret(canaryToken), &o)
		if err == nil {
			t.Fatalf("SSO.URL(%+v): no error", o)
		}
		checkNoLeak(t, "SSO.URL error", err.Error())
		_, err = c.SSO.LoginURL(context.Background(), "abc", nil, &o)
		checkNoLeak(t, "SSO.LoginURL error", err.Error())
	}
	if rt.n.Load() != 0 {
		t.Errorf("%d requests sent", rt.n.Load())
	}

	// LoginURL failing after the refresh: the server's answer gave a token,
	// the options are fine, but the base URL is unusable for the link... the
	// only later failure is a decode error, which must not show the token.
	srv := serve(t, answer(200, `{"user": {"token": {"token": "`+canaryToken+`", "expires_at": "`+canaryToken+`"}}}`))
	c2 := canaryClient(t, WithBaseURL(srv.URL), WithRetry(0, 0, 0))
	if _, err := c2.SSO.LoginURL(context.Background(), "abc", nil, nil); err == nil {
		t.Fatal("a bad answer gave a link")
	} else {
		checkNoLeak(t, "SSO.LoginURL decode error", err.Error())
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
