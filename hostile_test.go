package partnerapi_test

// Servers written to misbehave: the SDK must end the call on time, bound its
// memory, keep credentials to itself and leave nothing open.

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/internal/testenv"
)

const hostileKey = "0123456789abcdef0123456789abcdef"

func hostileClient(t *testing.T, base string, opts ...partnerapi.Option) *partnerapi.Client {
	t.Helper()
	opts = append([]partnerapi.Option{partnerapi.WithBaseURL(base), partnerapi.WithKeysAPIKey(hostileKey), partnerapi.WithRetry(2, time.Millisecond, 10*time.Millisecond)}, opts...)
	c, err := partnerapi.NewClient(hostileKey, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestHostileTrickleBodyEndsWithContext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"tracks":[`)
		for i := 0; i < 600; i++ { // at most 30 s of trickle, so the server ends by itself
			select {
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
			_, _ = io.WriteString(w, " ")
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := hostileClient(t, srv.URL).Users.Tracks(ctx, "abc")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a trickling body ended with %v; want context.DeadlineExceeded", err)
	}
	// The trickle would go on for 30 s; the call must end near its 300 ms deadline.
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Fatalf("the call outlived its deadline by %s", elapsed)
	}
}

// endlessBody serves a body of size bytes that never completes a JSON value,
// counting what it managed to write.
func endlessBody(size int64, written *atomic.Int64) http.HandlerFunc {
	chunk := []byte(strings.Repeat("1,", 16<<10))
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, "[")
		for n := int64(0); n < size; n += int64(len(chunk)) {
			k, err := w.Write(chunk)
			written.Add(int64(k))
			if err != nil {
				return
			}
		}
	}
}

func TestHostileGigabyteBodyIsCappedInBoundedMemory(t *testing.T) {
	var written atomic.Int64
	var requests atomic.Int32
	inner := endlessBody(1<<30, &written)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		inner(w, r)
	}))
	defer srv.Close()
	c := hostileClient(t, srv.URL, partnerapi.WithMaxResponseBytes(1<<20))

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := c.APIKeys.List(context.Background(), "535fb19bdca6a9d1638f2007", nil)
	runtime.ReadMemStats(&after)

	if !errors.Is(err, partnerapi.ErrResponseTooLarge) {
		t.Fatalf("a 1 GiB body gave %v; want ErrResponseTooLarge", err)
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("the oversized answer was fetched %d times; an oversized body is never retried", n)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("1 GiB body, 1 MiB cap: %.1f MiB allocated by the call; the server wrote %.1f MiB before the client hung up",
		float64(allocated)/(1<<20), float64(written.Load())/(1<<20))
	if allocated > 16<<20 {
		t.Errorf("the call allocated %d bytes for a body capped at 1 MiB", allocated)
	}
	if written.Load() >= 1<<30 {
		t.Error("the client read the whole 1 GiB body instead of stopping at the cap")
	}
}

func TestHostileMalformedAndHTMLBodies(t *testing.T) {
	cases := []struct {
		name, contentType, body string
		status                  int
		want                    error
		wantInMessage           string
	}{
		{"truncated JSON on 200", "application/json", `{"tracks":[{"title":"Fast`, 200, nil, "decoding"},
		{"wrong type on 200", "application/json", `{"tracks":"yes"}`, 200, nil, "decoding"},
		{"wrong type on 200 names the field", "application/json", `{"tracks":"yes"}`, 200, nil, `"tracks" is a JSON string`},
		{"wrong shape on 200", "application/json", `[1]`, 200, nil, "it is a JSON array"},
		{"HTML error page from a proxy", "text/html", "<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>", 502, partnerapi.ErrServer, "502 Bad Gateway"},
		{"empty 404", "", "", 404, partnerapi.ErrNotFound, ""},
		{"binary garbage 400", "application/octet-stream", "\x00\xff\xfe{{{", 400, partnerapi.ErrValidation, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			_, err := hostileClient(t, srv.URL, partnerapi.WithRetry(0, 0, 0)).Users.Tracks(context.Background(), "abc")
			if err == nil {
				t.Fatal("no error")
			}
			if tc.want != nil {
				var apiErr *partnerapi.Error
				if !errors.Is(err, tc.want) || !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status {
					t.Fatalf("got %v; want an *Error with status %d matching %v", err, tc.status, tc.want)
				}
			}
			if !strings.Contains(err.Error(), tc.wantInMessage) {
				t.Errorf("error %q does not say %q", err, tc.wantInMessage)
			}
			if strings.Contains(err.Error(), "Go value") || strings.Contains(err.Error(), "Go struct") || strings.Contains(err.Error(), "partnerapi.") {
				t.Errorf("error %q names the SDK's Go types", err)
			}
			if len(err.Error()) > 600 {
				t.Errorf("error message is %d bytes long; it should be a short line", len(err.Error()))
			}
		})
	}
}

func TestHostileUntrustedTLS(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		_, _ = io.WriteString(w, `{"tracks":[]}`)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()

	_, err := hostileClient(t, srv.URL).Users.Tracks(context.Background(), "abc")
	var certErr *tls.CertificateVerificationError
	if err == nil || !errors.As(err, &certErr) {
		t.Fatalf("an untrusted certificate gave %v; want a certificate verification error", err)
	}
	if requests.Load() != 0 {
		t.Fatal("a request reached a server whose certificate is not trusted")
	}

	// The caller's own *http.Client, trusting the server's certificate, works.
	tracks, err := hostileClient(t, srv.URL, partnerapi.WithHTTPClient(srv.Client())).Users.Tracks(context.Background(), "abc")
	if err != nil || tracks == nil {
		t.Fatalf("with a client that trusts the certificate: %v, %v", tracks, err)
	}
}

// countingTransport counts response bodies handed out and closed.
type countingTransport struct {
	base           http.RoundTripper
	opened, closed atomic.Int64
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if resp != nil {
		t.opened.Add(1)
		resp.Body = &countedBody{ReadCloser: resp.Body, t: t}
	}
	return resp, err
}

type countedBody struct {
	io.ReadCloser
	t    *countingTransport
	once sync.Once
}

func (b *countedBody) Close() error {
	b.once.Do(func() { b.t.closed.Add(1) })
	return b.ReadCloser.Close()
}

func TestNoResponseBodyLeftOpen(t *testing.T) {
	var n atomic.Int32
	var written atomic.Int64
	huge := endlessBody(64<<20, &written)
	mux := http.NewServeMux()
	mux.HandleFunc("/api/users/ok/tracks", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{"tracks":[]}`) })
	mux.HandleFunc("/api/users/missing/tracks", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":{"type":"not_found","message":"no"}}`, 404)
	})
	mux.HandleFunc("/api/users/flaky/tracks", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 1 {
			w.WriteHeader(503)
			return
		}
		_, _ = io.WriteString(w, `{"tracks":[]}`)
	})
	mux.HandleFunc("/api/users/down/tracks", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) })
	mux.HandleFunc("/api/users/huge/tracks", huge)
	mux.HandleFunc("/api/users/bad/tracks", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{"tracks":[`) })
	mux.HandleFunc("/api/users/moved/tracks", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://elsewhere.example/", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	counting := &countingTransport{base: srv.Client().Transport}
	c := hostileClient(t, srv.URL, partnerapi.WithHTTPClient(&http.Client{Transport: counting}), partnerapi.WithMaxResponseBytes(1<<20))
	for i := 0; i < 20; i++ {
		for _, id := range []string{"ok", "missing", "flaky", "down", "huge", "bad", "moved"} {
			_, _ = c.Users.Tracks(context.Background(), id)
		}
	}
	if o, cl := counting.opened.Load(), counting.closed.Load(); o != cl || o == 0 {
		t.Fatalf("%d response bodies opened, %d closed", o, cl)
	}
}

func TestGoroutinesReturnToBaseline(t *testing.T) {
	baseline := runtime.NumGoroutine()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/fail/tracks") {
			w.WriteHeader(503)
			return
		}
		_, _ = io.WriteString(w, `{"tracks":[]}`)
	}))
	c := hostileClient(t, srv.URL)
	var wg sync.WaitGroup
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				id := "ok"
				if i%5 == 0 {
					id = "fail"
				}
				_, _ = c.Users.Tracks(context.Background(), id)
			}
		}()
	}
	wg.Wait()
	srv.Close()

	testenv.GoroutinesBack(t, baseline)
}
