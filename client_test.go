package partnerapi

// NewClient: the configuration it refuses and accepts, a users API left
// unconfigured, and one Client shared by many goroutines.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestNewClientRefusesBadConfiguration(t *testing.T) {
	key := canaryKey
	for _, tc := range []struct {
		name string
		key  string
		opts []Option
	}{
		{"empty key", "", nil},
		{"key with a space", "abc def", nil},
		{"key with a tab", "abc\tdef", nil},
		{"key with a newline", "abc\ndef", nil},
		{"key with CRLF header injection", "abc\r\nX-Evil: 1", nil},
		{"key with NUL", "abc\x00def", nil},
		{"key with DEL", "abc\x7fdef", nil},
		{"key with non-ASCII", "abcdéf", nil},
		{"empty keys API key", key, []Option{WithKeysAPIKey("")}},
		{"keys API key with a newline", key, []Option{WithKeysAPIKey("a\nb")}},
		{"plain http to a remote users base", key, []Option{WithUsersBaseURL("http://xyz.biginterview.com")}},
		{"plain http to a remote keys base", key, []Option{WithKeysBaseURL("http://ticketscloud.org")}},
		{"plain http to a remote base", key, []Option{WithBaseURL("http://10.0.0.1:8080")}},
		{"plain http to a loopback-looking name", key, []Option{WithBaseURL("http://localhost.evil.example")}},
		{"plain http to 127.0.0.1 as a subdomain", key, []Option{WithBaseURL("http://127.0.0.1.nip.io")}},
		{"org -x", key, []Option{WithOrganization("-x")}},
		{"org x-", key, []Option{WithOrganization("x-")}},
		{"org a.b", key, []Option{WithOrganization("a.b")}},
		{"org a/b", key, []Option{WithOrganization("a/b")}},
		{"org empty", key, []Option{WithOrganization("")}},
		{"org 64 characters", key, []Option{WithOrganization(strings.Repeat("a", 64))}},
		{"org with a space", key, []Option{WithOrganization("x y")}},
		{"ftp base", key, []Option{WithBaseURL("ftp://example.com")}},
		{"file base", key, []Option{WithBaseURL("file:///etc/passwd")}},
		{"base without scheme", key, []Option{WithBaseURL("example.com")}},
		{"base host:port without scheme", key, []Option{WithBaseURL("localhost:8080")}},
		{"relative base", key, []Option{WithBaseURL("/api")}},
		{"empty base", key, []Option{WithBaseURL("")}},
		{"base with user info", key, []Option{WithBaseURL("https://user:pass@example.com")}},
		{"base with a user", key, []Option{WithBaseURL("https://user@example.com")}},
		{"base with a query", key, []Option{WithBaseURL("https://example.com/?a=b")}},
		{"base with a fragment", key, []Option{WithBaseURL("https://example.com/#x")}},
		{"base that does not parse", key, []Option{WithBaseURL("https://exa mple.com\x00")}},
		{"nil *http.Client", key, []Option{WithHTTPClient(nil)}},
		{"negative retries", key, []Option{WithRetry(-1, time.Millisecond, time.Second)}},
		{"negative wait", key, []Option{WithRetry(1, -time.Millisecond, time.Second)}},
		{"wait min above max", key, []Option{WithRetry(1, time.Second, time.Millisecond)}},
		{"zero response cap", key, []Option{WithMaxResponseBytes(0)}},
		{"negative response cap", key, []Option{WithMaxResponseBytes(-1)}},
		{"user agent with a newline", key, []Option{WithUserAgent("x\r\nX-Evil: 1")}},
		// The key inside the bad value must not come back in the message.
		{"key in a remote http base path", key, []Option{WithBaseURL("http://example.com/" + key)}},
		{"key in a base query", key, []Option{WithBaseURL("https://example.com/?key=" + key)}},
		{"key as a base scheme", key, []Option{WithBaseURL("ftp://" + key + "@example.com")}},
		{"key in an org", key, []Option{WithOrganization(key + ".x")}},
		{"key as user info", key, []Option{WithBaseURL("https://" + key + "@example.com")}},
		{"keys API key in a bad base", key, []Option{WithKeysAPIKey("KEYSapiKEYzyxwvutsrqponmlkjihgfe"), WithKeysBaseURL("http://example.com/KEYSapiKEYzyxwvutsrqponmlkjihgfe")}},
		{"keys API key in a bad org, given after", key, []Option{WithOrganization("KEYSapiKEYzyxwvutsrqponmlkjihgfe.x"), WithKeysAPIKey("KEYSapiKEYzyxwvutsrqponmlkjihgfe")}},
	} {
		c, err := NewClient(tc.key, tc.opts...)
		if !errors.Is(err, ErrInvalidArgument) || c != nil {
			t.Errorf("%s: %v, %v; want ErrInvalidArgument and no client", tc.name, c, err)
			continue
		}
		if len(tc.key) > 3 && strings.Contains(err.Error(), tc.key) {
			t.Errorf("%s: the error %q repeats the key", tc.name, err)
		}
		for _, secret := range []string{canaryKey, "KEYSapiKEYzyxwvutsrqponmlkjihgfe"} {
			if leaks(err.Error(), secret) {
				t.Errorf("%s: the error %q shows the key", tc.name, err)
			}
		}
	}
}

func TestNewClientAccepts(t *testing.T) {
	for _, tc := range []struct {
		name      string
		opts      []Option
		wantUsers string
		wantKeys  string
	}{
		{"defaults", nil, "", "https://ticketscloud.org"},
		{"organization", []Option{WithOrganization("xyz")}, "https://xyz.biginterview.com", "https://ticketscloud.org"},
		{"organization in capitals", []Option{WithOrganization("XyZ-1")}, "https://xyz-1.biginterview.com", "https://ticketscloud.org"},
		{"organization of 63", []Option{WithOrganization(strings.Repeat("a", 63))}, "https://" + strings.Repeat("a", 63) + ".biginterview.com", "https://ticketscloud.org"},
		{"http to localhost", []Option{WithBaseURL("http://localhost:8080")}, "http://localhost:8080", "http://localhost:8080"},
		{"http to LOCALHOST", []Option{WithBaseURL("http://LOCALHOST:8080")}, "http://LOCALHOST:8080", "http://LOCALHOST:8080"},
		{"http to 127.0.0.1", []Option{WithBaseURL("http://127.0.0.1:1234/")}, "http://127.0.0.1:1234", "http://127.0.0.1:1234"},
		{"http to 127.1.2.3", []Option{WithBaseURL("http://127.1.2.3")}, "http://127.1.2.3", "http://127.1.2.3"},
		{"http to [::1]", []Option{WithBaseURL("http://[::1]:9/")}, "http://[::1]:9", "http://[::1]:9"},
		{"http remote, allowed", []Option{WithBaseURL("http://proxy.internal"), WithAllowInsecureHTTP()}, "http://proxy.internal", "http://proxy.internal"},
		{"allowed before the base", []Option{WithAllowInsecureHTTP(), WithUsersBaseURL("http://proxy.internal/bi/")}, "http://proxy.internal/bi", "https://ticketscloud.org"},
		{"base path prefix", []Option{WithBaseURL("https://proxy.example/prefix//")}, "https://proxy.example/prefix", "https://proxy.example/prefix"},
		{"base URL wins over organization", []Option{WithOrganization("xyz"), WithUsersBaseURL("https://bi.example")}, "https://bi.example", "https://ticketscloud.org"},
		{"separate keys base", []Option{WithUsersBaseURL("https://bi.example"), WithKeysBaseURL("https://tc.example")}, "https://bi.example", "https://tc.example"},
		{"nil option ignored", []Option{nil, WithOrganization("xyz")}, "https://xyz.biginterview.com", "https://ticketscloud.org"},
		{"retries off", []Option{WithRetry(0, 0, 0)}, "", "https://ticketscloud.org"},
	} {
		c, err := NewClient(testKey, tc.opts...)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if c.c.users.base != tc.wantUsers || c.c.keys.base != tc.wantKeys {
			t.Errorf("%s: users base %q, keys base %q; want %q, %q", tc.name, c.c.users.base, c.c.keys.base, tc.wantUsers, tc.wantKeys)
		}
	}
}

func TestUsersCallsWithoutUsersBase(t *testing.T) {
	// Only the keys API is configured (its default base): every users call
	// is an argument error, with no request.
	rt := &noRequestTransport{t: t}
	c := newTestClient(t, testKey, WithHTTPClient(&http.Client{Transport: rt}))
	ctx := context.Background()
	for name, err := range map[string]error{
		"CreateOrUpdate":  second(c.Users.CreateOrUpdate(ctx, "abc", nil)),
		"CreateAnonymous": second(c.Users.CreateAnonymous(ctx)),
		"Progress":        second(c.Users.Progress(ctx, "abc")),
		"Tracks":          second(c.Users.Tracks(ctx, "abc")),
		"Interviews":      second(c.Users.Interviews(ctx, "abc")),
		"SSO.LoginURL":    second(c.SSO.LoginURL(ctx, "abc", nil, nil)),
		"SSO.URL":         second(c.SSO.URL(NewSecret("token"), nil)),
	} {
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s without a users base: %v; want ErrInvalidArgument", name, err)
		}
	}
	if n := rt.n.Load(); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}

// Big Interview and TicketsCloud are two companies: a Client with the users
// API configured holds a Big Interview key, which must never reach
// TicketsCloud. Without WithKeysAPIKey every keys call is refused before
// any request, and the message says what to pass; a Client for the keys
// API alone sends its one key there.
func TestKeysAPINeedsItsOwnKeyBesideTheUsersAPI(t *testing.T) {
	ctx := context.Background()
	const partner, keyID = "535fb19bdca6a9d1638f2007", "53f1b0c9e3b9ad1b2e8c4882"
	for _, usersOpt := range []Option{WithOrganization("xyz"), WithUsersBaseURL("https://proxy.example"), WithBaseURL("https://proxy.example")} {
		rt := &noRequestTransport{t: t}
		c, err := NewClient(testKey, usersOpt, WithHTTPClient(&http.Client{Transport: rt}))
		if err != nil {
			t.Fatal(err)
		}
		for name, err := range map[string]error{
			"APIKeys.List":   second(c.APIKeys.List(ctx, partner, nil)),
			"APIKeys.Get":    second(c.APIKeys.Get(ctx, partner, keyID, nil)),
			"APIKeys.Create": second(c.APIKeys.Create(ctx, partner, "crm")),
			"APIKeys.Update": second(c.APIKeys.Update(ctx, partner, keyID, &APIKeyUpdate{Name: strPtr("x")})),
			"APIKeys.Delete": c.APIKeys.Delete(ctx, partner, keyID),
			"Partners.List":  second(c.Partners.List(ctx, nil)),
			"Partners.Get":   second(c.Partners.Get(ctx, partner, nil)),
		} {
			if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "WithKeysAPIKey") {
				t.Errorf("%s with only a Big Interview key: %v; want ErrInvalidArgument naming WithKeysAPIKey", name, err)
			}
		}
		if n := rt.n.Load(); n != 0 {
			t.Errorf("%d requests were sent: the Big Interview key went to the keys API", n)
		}
	}

	var seen []string
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("Authorization"))
		writeJSON(w, http.StatusOK, "[]")
	}))
	keysOnly, err := NewClient("tc-key", WithKeysBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	both, err := NewClient("bi-key", WithUsersBaseURL(srv.URL), WithKeysBaseURL(srv.URL), WithKeysAPIKey("tc-key-2"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*Client{keysOnly, both} {
		if _, err := c.APIKeys.List(ctx, partner, nil); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"key tc-key", "key tc-key-2"}; !slices.Equal(seen, want) {
		t.Errorf("the keys API was sent %q; want %q", seen, want)
	}
}

// 64 goroutines share one Client: every call gets its own answer, retries
// and attempt counts do not cross between calls, and -race stays quiet.
func TestConcurrentCallsShareOneClient(t *testing.T) {
	const goroutines, perGoroutine = 64, 30
	var requests, throttled atomic.Int64
	var seen sync.Map
	mux := http.NewServeMux()
	// The first attempt of every third call is throttled (Retry-After: 0),
	// so retries run concurrently with first attempts.
	throttle := func(w http.ResponseWriter, r *http.Request) bool {
		n := requests.Add(1)
		key := r.Method + " " + r.URL.Path + "?" + r.URL.RawQuery
		if _, again := seen.LoadOrStore(key, true); !again && n%3 == 0 {
			throttled.Add(1)
			w.Header().Set("Retry-After", "0")
			writeJSON(w, http.StatusTooManyRequests, `{}`)
			return true
		}
		return false
	}
	mux.HandleFunc("POST /api/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		if throttle(w, r) {
			return
		}
		if r.Header.Get("Authorization") != testKey {
			writeJSON(w, 401, `{}`)
			return
		}
		var p UserParams
		_ = json.NewDecoder(r.Body).Decode(&p)
		id := r.PathValue("id")
		status := 200
		if p.Email != "" {
			status = 201
		}
		writeJSON(w, status, fmt.Sprintf(`{"user": {"partner_id": %q, "token": {"token": "tok-%s"}}}`, id, id))
	})
	mux.HandleFunc("GET /api/users/{id}/tracks", func(w http.ResponseWriter, r *http.Request) {
		if throttle(w, r) {
			return
		}
		writeJSON(w, 200, fmt.Sprintf(`{"tracks": [{"title": %q}]}`, r.PathValue("id")))
	})
	mux.HandleFunc("POST /v1/resources/partners/{p}/api_keys", func(w http.ResponseWriter, r *http.Request) {
		if throttle(w, r) {
			return
		}
		if r.Header.Get("Authorization") != "key "+testKey {
			writeJSON(w, 401, `{}`)
			return
		}
		var body struct{ Name string }
		_ = json.NewDecoder(r.Body).Decode(&body)
		writeJSON(w, 201, fmt.Sprintf(`{"id": %q, "key": "k", "name": %q, "partner": %q}`, seedKeyID, body.Name, r.PathValue("p")))
	})
	mux.HandleFunc("GET /v1/resources/partners/{p}/api_keys", func(w http.ResponseWriter, r *http.Request) {
		if throttle(w, r) {
			return
		}
		writeJSON(w, 200, fmt.Sprintf(`[{"id": %q}]`, strings.TrimPrefix(r.URL.RawQuery, "ids=")))
	})
	srv := serve(t, mux)

	var logBuf bytes.Buffer // the handler writes each record under its lock; read once every call has returned
	logger := slog.New(slog.NewJSONHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newTestClient(t, testKey, WithBaseURL(srv.URL), WithRetry(3, 0, time.Millisecond), WithLogger(logger))

	var calls atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*perGoroutine)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			ctx := context.Background()
			for i := 0; i < perGoroutine; i++ {
				id := fmt.Sprintf("g%d-i%d", g, i)
				calls.Add(1)
				switch i % 5 {
				case 0:
					u, err := c.Users.CreateOrUpdate(ctx, id, &UserParams{FirstName: "A", LastName: "B", Email: id + "@x.example"})
					if err != nil || u.PartnerID != id || !u.Created || u.Token.Token.Reveal() != "tok-"+id {
						errs <- fmt.Errorf("CreateOrUpdate(%s) = %+v, %v", id, u, err)
					}
				case 1:
					link, err := c.SSO.LoginURL(ctx, id, nil, &LoginOptions{RedirectTo: "/members/" + id})
					if err != nil || !strings.Contains(link, "token=tok-"+id+"&") || !strings.HasSuffix(link, "%2Fmembers%2F"+id) {
						errs <- fmt.Errorf("LoginURL(%s) = %q, %v", id, link, err)
					}
				case 2:
					tr, err := c.Users.Tracks(ctx, id)
					if err != nil || len(tr) != 1 || tr[0].Title != id {
						errs <- fmt.Errorf("Tracks(%s) = %+v, %v", id, tr, err)
					}
				case 3:
					k, err := c.APIKeys.Create(ctx, seedPartner, id)
					if err != nil || k.Name != id || k.Partner != seedPartner {
						errs <- fmt.Errorf("Create(%s) = %+v, %v", id, k, err)
					}
				case 4:
					keyID := fmt.Sprintf("%024x", g*1000+i)
					ks, err := c.APIKeys.List(ctx, seedPartner, &ListAPIKeysOptions{IDs: []string{keyID}})
					if err != nil || len(ks) != 1 || ks[0].ID != keyID {
						errs <- fmt.Errorf("List(%s) = %+v, %v", keyID, ks, err)
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n++; n <= 10 {
			t.Error(err)
		}
	}
	if n > 10 {
		t.Errorf("… and %d more failed calls", n-10)
	}
	if throttled.Load() == 0 {
		t.Fatal("no request was throttled: retries were not exercised")
	}
	if got, want := requests.Load(), calls.Load()+throttled.Load(); got != want {
		t.Errorf("the server saw %d requests for %d calls and %d throttled answers", got, calls.Load(), throttled.Load())
	}
	if got := int64(strings.Count(logBuf.String(), "\n")); got != requests.Load() {
		t.Errorf("%d log records for %d attempts", got, requests.Load())
	}
}
