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
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnerapi/go-partnerapi/partnerid"
)

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

// chainTexts returns the text of err and of every error its chain reaches
// through Unwrap, single or multiple: what an error reporter records.
func chainTexts(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		for e != nil {
			out = append(out, e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e))
			switch u := e.(type) {
			case interface{ Unwrap() error }:
				e = u.Unwrap()
			case interface{ Unwrap() []error }:
				for _, x := range u.Unwrap() {
					walk(x)
				}
				return
			default:
				return
			}
		}
	}
	walk(err)
	return out
}

// checkChainNoLeak fails the test if err or any error in its chain shows a
// canary.
func checkChainNoLeak(t *testing.T, what string, err error) {
	t.Helper()
	for _, s := range chainTexts(err) {
		checkNoLeak(t, what+" (its chain)", s)
	}
}

// checkClientOutputs makes every kind of call on c and checks that nothing
// it returns, logs or prints shows a canary.
func checkClientOutputs(t *testing.T, c *Client, logs *bytes.Buffer) {
	t.Helper()
	for _, k := range callKinds {
		err := k.call(context.Background(), c)
		if err == nil {
			t.Fatalf("%s: no error", k.name)
		}
		checkChainNoLeak(t, k.name, err)
		var apiErr *Error
		if errors.As(err, &apiErr) {
			checkNoLeak(t, k.name+": (*Error).URL", apiErr.URL)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			checkNoLeak(t, k.name+": the wrapped *url.Error's URL", ue.URL)
		}
	}
	for _, v := range []any{c, *c, c.Users, *c.Users, c.SSO, *c.SSO, c.APIKeys, *c.APIKeys} {
		for _, verb := range verbs {
			checkNoLeak(t, "printed with "+verb, fmt.Sprintf(verb, v))
		}
	}
	checkNoLeak(t, "the log", logs.String())
	if logs.Len() == 0 {
		t.Error("nothing was logged")
	}
}

func debugLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// The key given as the organization and the organization as the key (the
// two environment variables swapped): the key becomes a host name, which
// errors, logs and printed values must not show.
func TestSwappedOrganizationAndKeyNeverShowTheKey(t *testing.T) {
	for name, rt := range map[string]http.RoundTripper{
		"no such host":  dnsFailure,
		"an error page": answerInMemory(404, `{"error": {"type": "not_found", "message": "no user"}}`),
	} {
		t.Run(name, func(t *testing.T) {
			var logs bytes.Buffer
			c := newTestClient(t, "acme", WithOrganization(canaryKey), WithKeysAPIKey(canaryKeysKey),
				WithHTTPClient(&http.Client{Transport: rt}), WithRetry(1, 0, 0), WithLogger(debugLogger(&logs)))
			checkClientOutputs(t, c, &logs)
		})
	}
	// Matching still works on the rebuilt chain.
	c := newTestClient(t, "acme", WithOrganization(canaryKey), WithHTTPClient(&http.Client{Transport: dnsFailure}), WithRetry(0, 0, 0))
	_, err := c.Users.Tracks(context.Background(), "abc")
	var dnsErr *net.DNSError
	var ue *url.Error
	if !errors.As(err, &dnsErr) || !dnsErr.IsNotFound || !errors.As(err, &ue) || ue.Op != "Get" {
		t.Errorf("%v: want a *url.Error and a *net.DNSError in the chain", err)
	}
}

// A base URL with the key in its path (a proxy that routes by key).
func TestKeyInBaseURLPathNeverShows(t *testing.T) {
	srv := serve(t, answer(500, `{"error": {"type": "server_error", "message": "down"}}`))
	var logs bytes.Buffer
	c := canaryClient(t, WithBaseURL(srv.URL+"/proxy/"+canaryKey+"/"), WithRetry(1, 0, 0), WithLogger(debugLogger(&logs)))
	checkClientOutputs(t, c, &logs)

	// No connection at all: the *url.Error that net/http wraps names the URL.
	logs.Reset()
	c = canaryClient(t, WithBaseURL("http://"+closedAddr(t)+"/"+strings.ToLower(canaryKey)), WithRetry(0, 0, 0), WithLogger(debugLogger(&logs)))
	checkClientOutputs(t, c, &logs)

	// A bad base URL that holds the key is refused without repeating it.
	for _, opt := range []Option{
		WithBaseURL("ftp://x.example/" + canaryKey),
		WithUsersBaseURL("http://" + canaryKey + ".example"),
		WithKeysBaseURL("https://x.example/" + canaryKeysKey + "?q=1"),
		WithOrganization(canaryKey + "!"),
	} {
		_, err := NewClient(canaryKey, opt, WithKeysAPIKey(canaryKeysKey))
		if !errors.Is(err, ErrInvalidArgument) {
			t.Fatalf("%v; want ErrInvalidArgument", err)
		}
		checkChainNoLeak(t, "the configuration error", err)
	}
}

// Errors a call wraps — a decoder's, a transport's — are what an error
// reporter records: none may show a key.
func TestWrappedErrorsNeverShowACredential(t *testing.T) {
	// A timestamp echoing the key: the decoder's *time.ParseError quotes it.
	srv := serve(t, answer(200, `{"user": {"partner_id": "abc", "created_at": "`+canaryKey+`", "token": {"token": "t"}}}`))
	c := canaryClient(t, WithBaseURL(srv.URL), WithRetry(0, 0, 0))
	_, err := c.Users.CreateOrUpdate(context.Background(), "abc", nil)
	var pe *time.ParseError
	if !errors.Is(err, ErrBadResponse) || !errors.As(err, &pe) {
		t.Fatalf("%v; want ErrBadResponse wrapping a *time.ParseError", err)
	}
	checkChainNoLeak(t, "the decode error", err)

	// A custom transport whose error wraps another that quotes the key.
	inner := fmt.Errorf("upstream said %s: %w", canaryKeysKey, io.ErrUnexpectedEOF)
	rt := funcTransport(func(*http.Request) (*http.Response, error) {
		return nil, errors.Join(fmt.Errorf("proxy: %w", inner), context.DeadlineExceeded)
	})
	c = canaryClient(t, WithBaseURL("https://partnerapi.invalid"), WithHTTPClient(&http.Client{Transport: rt}), WithRetry(0, 0, 0))
	_, err = c.APIKeys.List(context.Background(), seedPartner, nil)
	checkChainNoLeak(t, "the transport error", err)
	if !errors.Is(err, io.ErrUnexpectedEOF) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%v: the rebuilt chain no longer matches what it wrapped", err)
	}
}

// Call-time argument errors never repeat a credential passed by mistake.
func TestCallArgumentErrorsNeverRepeatACredential(t *testing.T) {
	c, rt := noIOClient(t, WithKeysAPIKey(canaryKeysKey))
	c2, rt2 := noIOClient(t)
	_ = c2
	for _, k := range []string{canaryKey, canaryKeysKey, canaryToken} {
		errs := []error{
			second(c.SSO.URL(NewSecret("t"), &LoginOptions{RedirectTo: "/" + k + " x"})),
			second(c.SSO.URL(NewSecret("t"), &LoginOptions{RedirectTo: "//" + k})),
			second(c.SSO.URL(NewSecret("t"), &LoginOptions{ReturnURL: "ftp://" + k})),
			second(c.SSO.URL(NewSecret("t"), &LoginOptions{ReturnURL: "https://u:" + k + "@x.example"})),
			second(c.SSO.LoginURL(context.Background(), "abc", nil, &LoginOptions{RedirectTo: k})),
			second(c.APIKeys.List(context.Background(), seedPartner, &ListAPIKeysOptions{Fields: []string{"id", k + " "}})),
			second(c.APIKeys.Get(context.Background(), seedPartner, seedKeyID, &GetAPIKeyOptions{Fields: []string{"\t" + k}})),
		}
		for _, err := range errs {
			if !errors.Is(err, ErrInvalidArgument) {
				t.Fatalf("%v; want ErrInvalidArgument", err)
			}
			checkChainNoLeak(t, "an argument error", err)
		}
	}
	// A partner_id that is the configured key with a bad byte: its
	// *partnerid.Error is still there, with the key replaced.
	c3, rt3 := noIOClient(t)
	for _, id := range []string{testKey + "!", strings.ToUpper(testKey) + "@x"} {
		_, err := c3.Users.Tracks(context.Background(), id)
		var pe *partnerid.Error
		if !errors.Is(err, ErrInvalidArgument) || !errors.Is(err, partnerid.ErrInvalid) || !errors.As(err, &pe) {
			t.Fatalf("%v; want an argument error wrapping a *partnerid.Error", err)
		}
		for _, s := range append(chainTexts(err), pe.ID) {
			if leaks(s, testKey) {
				t.Errorf("a partner_id error shows the key: %s", s)
			}
		}
	}
	if rt.n.Load()+rt2.n.Load()+rt3.n.Load() != 0 {
		t.Error("an argument error sent a request")
	}
}

// Credentials are replaced before text is cut: a key written with JSON
// escapes, cut by the excerpt or by a small WithMaxResponseBytes, leaves
// no piece of itself.
func TestScrubbingSeesTheWholeKeyBeforeTheCut(t *testing.T) {
	escaped := `\u0043\u0041NARYcanary0123456789abcdef0000`
	cases := []struct {
		name, contentType, body string
		maxBytes                int64
	}{
		{"JSON-escaped message across the 200-byte cut", "", `{"error": {"type": "x", "message": "` + strings.Repeat("m", 185) + escaped + `"}}`, 0},
		{"JSON-escaped field across the cut", "", `{"error": {"type": "x", "message": {"f": "` + strings.Repeat("m", 190) + escaped + `"}}}`, 0},
		{"JSON-escaped in a body of no documented shape", "", `{"detail": "` + strings.Repeat("d", 150) + escaped + `"}`, 0},
		{"escaped slash and key in plain text", "text/plain", strings.Repeat("p", 150) + `\/` + escaped, 0},
		{"cut by WithMaxResponseBytes inside the key", "", `{"error": {"type": "x", "message": "` + canaryKey + `"}}`, int64(len(`{"error": {"type": "x", "message": "`) + 20)},
		{"cut by WithMaxResponseBytes inside an escaped key", "", `{"error": {"type": "x", "message": "` + escaped + `"}}`, int64(len(`{"error": {"type": "x", "message": "`) + 30)},
		{"cut by WithMaxResponseBytes in plain text", "text/plain", "bad key " + canaryKey, int64(len("bad key ") + 12)},
		{"HTML character references in a 502 page", "text/html", "<title>&#67;ANARY&#x63;anary0123456789abcdef0000</title>", 0},
		{"URL escapes in plain text", "text/plain", "bad key %43ANARYcanary0123456789abcdef%30000", 0},
		{"the key's tail alone, as a buffer that began inside it", "text/plain", canaryKey[5:] + " was not accepted", 0},
		{"a piece of the key inside a word", "text/plain", "token=xx" + canaryKey[9:21] + "yy", 0},
	}
	// A key written with every character escaped, cut inside each escape.
	allEscaped := ""
	for _, c := range canaryKey {
		allEscaped += fmt.Sprintf(`\u%04x`, c)
	}
	prefix := `{"error": {"type": "x", "message": "`
	for n := 8 * 6; n < len(allEscaped); n += 5 {
		cases = append(cases, struct {
			name, contentType, body string
			maxBytes                int64
		}{fmt.Sprintf("cut by WithMaxResponseBytes at byte %d of an escaped key", n), "", prefix + allEscaped + `"}}`, int64(len(prefix) + n)})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.WriteHeader(401)
				_, _ = io.WriteString(w, tc.body)
			}))
			opts := []Option{WithBaseURL(srv.URL), WithRetry(0, 0, 0)}
			if tc.maxBytes > 0 {
				opts = append(opts, WithMaxResponseBytes(tc.maxBytes))
			}
			c := canaryClient(t, opts...)
			_, err := c.Users.Tracks(context.Background(), "abc")
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 {
				t.Fatalf("%v; want an *Error 401", err)
			}
			checkChainNoLeak(t, "the error", err)
			checkNoLeak(t, "the *Error", fmt.Sprintf("%#v", *apiErr))
		})
	}
}
