package partnerapi

// The retry matrix (see checkRetry in retry.go), Retry-After, waits that
// end with the context, and body replay.

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"
)

// failureKind is one column of the retry matrix. start returns a Client whose
// every attempt fails this way and a count of the attempts that were made
// (for a dial error: attempted; otherwise: seen by the server).
type failureKind struct {
	name        string
	retried     func(idempotent bool) bool
	start       func(t *testing.T) (*Client, func() int)
	checkResult func(t *testing.T, err error, attempts int)
}

func always(bool) bool         { return true }
func ifIdempotent(b bool) bool { return b }

func checkTransportError(t *testing.T, err error, attempts int) *transportError {
	t.Helper()
	var te *transportError
	if !errors.As(err, &te) {
		t.Fatalf("error %v (%T); want a transport error", err, err)
	}
	var apiErr *Error
	if errors.As(err, &apiErr) {
		t.Errorf("a call with no answer gave an *Error: %v", err)
	}
	if te.attempts != attempts {
		t.Errorf("the error counts %d attempts; %d were made", te.attempts, attempts)
	}
	return te
}

func checkDialError(t *testing.T, err error, attempts int) {
	t.Helper()
	checkTransportError(t, err, attempts)
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "dial" {
		t.Errorf("error %v does not unwrap to the dial *net.OpError", err)
	}
}

func statusColumn(status int, retried func(bool) bool, sentinel error) failureKind {
	return failureKind{
		name:    fmt.Sprint(status),
		retried: retried,
		start: func(t *testing.T) (*Client, func() int) {
			var n atomic.Int32
			c, mux := setup(t, matrixRetry())
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				n.Add(1)
				writeJSON(w, status, `{"error": {"type": "some_error", "message": "failed"}}`)
			})
			return c, func() int { return int(n.Load()) }
		},
		checkResult: func(t *testing.T, err error, attempts int) {
			var apiErr *Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v (%T); want an *Error", err, err)
			}
			if apiErr.StatusCode != status || apiErr.Attempts != attempts {
				t.Errorf("*Error status %d after %d attempts; want %d after %d", apiErr.StatusCode, apiErr.Attempts, status, attempts)
			}
			if !errors.Is(err, sentinel) {
				t.Errorf("error %v does not match %v", err, sentinel)
			}
		},
	}
}

var failureKinds = []failureKind{
	{
		name: "dial error (in memory)", retried: always,
		start: func(t *testing.T) (*Client, func() int) {
			mock := httpmock.NewMockTransport()
			mock.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
				return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
			})
			c := newTestClient(t, testKey, WithBaseURL("http://127.0.0.1:9"), WithHTTPClient(&http.Client{Transport: mock}), matrixRetry())
			return c, mock.GetTotalCallCount
		},
		checkResult: checkDialError,
	},
	{
		name: "dial error (closed port)", retried: always,
		start: func(t *testing.T) (*Client, func() int) {
			ct := &countingTransport{base: newDefaultTransport()}
			c := newTestClient(t, testKey, WithBaseURL("http://"+closedAddr(t)), WithHTTPClient(&http.Client{Transport: ct}), matrixRetry())
			return c, func() int { return int(ct.n.Load()) }
		},
		checkResult: checkDialError,
	},
	{
		name: "connection closed after sending", retried: ifIdempotent,
		start: func(t *testing.T) (*Client, func() int) {
			var n atomic.Int32
			c, mux := setup(t, matrixRetry())
			mux.Handle("/", hijackAndClose(&n))
			return c, func() int { return int(n.Load()) }
		},
		checkResult: func(t *testing.T, err error, attempts int) { checkTransportError(t, err, attempts) },
	},
	{
		name: "timeout after sending", retried: ifIdempotent,
		start: func(t *testing.T) (*Client, func() int) {
			var n atomic.Int32
			c, mux := setup(t, matrixRetry(), WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
			mux.Handle("/", stall(&n))
			return c, func() int { return int(n.Load()) }
		},
		checkResult: func(t *testing.T, err error, attempts int) {
			checkTransportError(t, err, attempts)
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Errorf("error %v is not a timeout", err)
			}
		},
	},
	statusColumn(429, always, ErrRateLimited),
	statusColumn(500, ifIdempotent, ErrServer),
	statusColumn(502, ifIdempotent, ErrServer),
	statusColumn(503, ifIdempotent, ErrServer),
	statusColumn(504, ifIdempotent, ErrServer),
}

func TestRetryMatrix(t *testing.T) {
	for _, row := range callKinds {
		for _, col := range failureKinds {
			t.Run(row.name+"/"+col.name, func(t *testing.T) {
				c, count := col.start(t)
				err := row.call(context.Background(), c)
				if err == nil {
					t.Fatal("the call succeeded against a failing server")
				}
				n := count()
				want := 1
				if col.retried(row.idempotent) {
					want = 1 + matrixRetries
				}
				if n != want {
					t.Errorf("%d attempts; want %d (retried: %v)", n, want, col.retried(row.idempotent))
				}
				col.checkResult(t, err, n)
			})
		}
	}
}

func TestRetryRecoversAfterTransientFailures(t *testing.T) {
	// A retried call that finally gets an answer returns it as if nothing
	// had happened.
	for _, status := range []int{429, 500, 502, 503, 504} {
		var n atomic.Int32
		c, mux := setup(t, matrixRetry())
		mux.HandleFunc("/api/users/abc/tracks", func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) <= matrixRetries {
				writeJSON(w, status, `{}`)
				return
			}
			writeJSON(w, 200, `{"tracks": [{"title": "Fast Track"}]}`)
		})
		tracks, err := c.Users.Tracks(context.Background(), "abc")
		if err != nil || len(tracks) != 1 || tracks[0].Title != "Fast Track" {
			t.Errorf("%d, then 200: %v, %v", status, tracks, err)
		}
		if got := n.Load(); got != 1+matrixRetries {
			t.Errorf("%d: %d requests; want %d", status, got, 1+matrixRetries)
		}
	}
}

func TestNeverRetried(t *testing.T) {
	// Other 4xx, 501 and 505, and 3xx: one request, the *Error, for every kind of call.
	for _, status := range []int{400, 401, 402, 403, 404, 405, 409, 410, 413, 418, 422, 501, 505} {
		for _, row := range callKinds {
			var n atomic.Int32
			c, mux := setup(t, matrixRetry())
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				writeJSON(w, status, `{"error": "HTTPBadRequest", "reason": "no"}`)
			})
			err := row.call(context.Background(), c)
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != status || apiErr.Attempts != 1 {
				t.Errorf("%s %d: %v; want an *Error with the status after 1 attempt", row.name, status, err)
			}
			if got := n.Load(); got != 1 {
				t.Errorf("%s %d: %d requests; want 1", row.name, status, got)
			}
		}
	}
}

func TestCheckRetryErrors(t *testing.T) {
	c := newTestClient(t, testKey)
	// A call's kind, idempotent or not, picks its retry policy.
	type kind struct {
		context.Context
		idempotent bool
	}
	idem := kind{context.Background(), true}
	once := kind{context.Background(), false}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	canceled := kind{ctx, true}
	for _, tc := range []struct {
		name          string
		ctx           kind
		err           error
		want, wantErr bool
	}{
		{"DNS error, non-idempotent: nothing was sent", once, &net.DNSError{Err: "server misbehaving", Name: "x.invalid", IsTemporary: true}, true, false},
		{"no such host: another attempt gets the same answer", idem, &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}, false, false},
		{"no such host, but a passing failure of the resolver", once, &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true, IsTemporary: true}, true, false},
		{"dial error, non-idempotent", once, &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true, false},
		{"read error, non-idempotent", once, &net.OpError{Op: "read", Err: syscall.ECONNRESET}, false, false},
		{"read error, idempotent", idem, &net.OpError{Op: "read", Err: syscall.ECONNRESET}, true, false},
		{"EOF, non-idempotent", once, io.ErrUnexpectedEOF, false, false},
		{"untrusted certificate", idem, x509.UnknownAuthorityError{}, false, false},
		{"wrong host in certificate", idem, x509.HostnameError{Host: "x"}, false, false},
		{"invalid certificate", idem, x509.CertificateInvalidError{}, false, false},
		{"response too large", idem, fmt.Errorf("reading: %w", ErrResponseTooLarge), false, false},
		{"context ended", canceled, errors.New("anything"), false, true},
		{"no call state (treated as not idempotent)", kind{context.Background(), false}, io.ErrUnexpectedEOF, false, false},
	} {
		got, err := c.c.retry.policy(tc.ctx.idempotent)(tc.ctx, nil, tc.err)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("%s: checkRetry = %v, %v; want %v, error %v", tc.name, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestBackoffObeysRetryAfter(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		name     string
		resp     *http.Response
		min, max time.Duration // the output's bounds
	}{
		{"429 seconds", retryAfterResponse(429, "7"), 7 * time.Second, 7 * time.Second},
		{"503 seconds", retryAfterResponse(503, "3"), 3 * time.Second, 3 * time.Second},
		{"429 zero", retryAfterResponse(429, "0"), 0, 0},
		{"429 HTTP date", retryAfterResponse(429, now.Add(10*time.Second).UTC().Format(http.TimeFormat)), 8 * time.Second, 10 * time.Second},
		{"503 HTTP date in the past", retryAfterResponse(503, now.Add(-time.Hour).UTC().Format(http.TimeFormat)), 0, 0},
		// Retry-After is read on 429 and 503 only; elsewhere, and when it
		// does not parse, the exponential wait applies (here min 1ms, attempt 0).
		{"500 ignores Retry-After", retryAfterResponse(500, "7"), 500 * time.Microsecond, time.Millisecond},
		{"429 garbage", retryAfterResponse(429, "soon"), 500 * time.Microsecond, time.Millisecond},
		{"429 negative", retryAfterResponse(429, "-5"), 500 * time.Microsecond, time.Millisecond},
		{"no response", nil, 500 * time.Microsecond, time.Millisecond},
	} {
		for i := 0; i < 20; i++ { // the exponential wait has jitter
			got := backoff(time.Millisecond, time.Minute, 0, tc.resp)
			if got < tc.min || got > tc.max {
				t.Errorf("%s: backoff = %s; want within [%s, %s]", tc.name, got, tc.min, tc.max)
				break
			}
		}
	}
}

func TestBackoffExponentialWithJitter(t *testing.T) {
	min, max := 100*time.Millisecond, 2*time.Second
	for attempt, ceiling := range []time.Duration{100, 200, 400, 800, 1600, 2000, 2000, 2000} {
		ceiling *= time.Millisecond
		seen := map[time.Duration]bool{}
		for i := 0; i < 50; i++ {
			got := backoff(min, max, attempt, retryAfterResponse(500, ""))
			if got < ceiling/2 || got > ceiling {
				t.Fatalf("attempt %d: backoff = %s; want within [%s, %s]", attempt, got, ceiling/2, ceiling)
			}
			seen[got] = true
		}
		if len(seen) < 2 {
			t.Errorf("attempt %d: 50 waits all %v: no jitter", attempt, seen)
		}
	}
	if got := backoff(0, 0, 5, nil); got != 0 {
		t.Errorf("backoff(0, 0) = %s; want 0", got)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		header string
		want   time.Duration
		ok     bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"abc", 0, false},
		{"99999999999", 24 * time.Hour, true}, // capped, no overflow
		{"Fri, 01 Mar 2024 12:00:30 GMT", 30 * time.Second, true},
		{"Fri, 01 Mar 2024 11:00:00 GMT", 0, true}, // in the past: now
		{"Friday, 01-Mar-24 12:01:00 GMT", time.Minute, true},
	} {
		h := http.Header{}
		if tc.header != "" {
			h.Set("Retry-After", tc.header)
		}
		got, ok := retryAfter(h, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Retry-After %q: %s, %v; want %s, %v", tc.header, got, ok, tc.want, tc.ok)
		}
	}
}

// arrivals records when each request arrived.
type arrivals struct {
	mu    sync.Mutex
	times []time.Time
}

func (a *arrivals) add() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.times = append(a.times, time.Now())
	return len(a.times)
}

func (a *arrivals) get() []time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]time.Time(nil), a.times...)
}

func TestRetryAfterIsWaitedOut(t *testing.T) {
	for _, tc := range []struct {
		name     string
		status   int
		header   func() string
		atLeast  time.Duration
		makeCall func(ctx context.Context, c *Client) error
	}{
		{"429 zero seconds", 429, func() string { return "0" }, 0, callKinds[0].call},
		{"429 one second", 429, func() string { return "1" }, 900 * time.Millisecond, callKinds[0].call},
		{"429 one second, non-idempotent create", 429, func() string { return "1" }, 900 * time.Millisecond, callKinds[len(callKinds)-1].call},
		{"503 HTTP date", 503, func() string { return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) }, 900 * time.Millisecond, callKinds[0].call},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a arrivals
			c, mux := setup(t, WithRetry(3, time.Millisecond, 2*time.Second))
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				if a.add() == 1 {
					w.Header().Set("Retry-After", tc.header())
					writeJSON(w, tc.status, `{}`)
					return
				}
				if r.Method == "POST" {
					writeJSON(w, 201, `{"id": "`+seedKeyID+`", "key": "k"}`)
					return
				}
				writeJSON(w, 200, `{"tracks": []}`)
			})
			if err := tc.makeCall(context.Background(), c); err != nil {
				t.Fatal(err)
			}
			times := a.get()
			if len(times) != 2 {
				t.Fatalf("%d requests; want 2", len(times))
			}
			// Without Retry-After the wait would be about a millisecond.
			if gap := times[1].Sub(times[0]); gap < tc.atLeast {
				t.Errorf("retried after %s; Retry-After asked for at least %s", gap, tc.atLeast)
			}
		})
	}
}

func TestRetryAfterBeyondMaxWaitReturnsAtOnce(t *testing.T) {
	for _, tc := range []struct {
		name     string
		status   int
		header   string
		sentinel error
		want     time.Duration
		call     callKind
	}{
		{"429 seconds", 429, "10", ErrRateLimited, 10 * time.Second, callKinds[0]},
		{"429 seconds, non-idempotent", 429, "10", ErrRateLimited, 10 * time.Second, callKinds[len(callKinds)-1]},
		{"503 seconds", 503, "10", ErrServer, 10 * time.Second, callKinds[0]},
		{"503 seconds, PATCH", 503, "3600", ErrServer, time.Hour, callKinds[7]},
		{"429 HTTP date", 429, time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), ErrRateLimited, time.Hour, callKinds[0]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			c, mux := setup(t, WithRetry(3, time.Millisecond, 2*time.Second))
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				w.Header().Set("Retry-After", tc.header)
				writeJSON(w, tc.status, `{}`)
			})
			err := tc.call.call(context.Background(), c)
			var apiErr *Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v; want an *Error", err)
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("%v does not match %v", err, tc.sentinel)
			}
			if apiErr.Attempts != 1 || n.Load() != 1 {
				t.Errorf("%d attempts, %d requests; want 1 and 1", apiErr.Attempts, n.Load())
			}
			if apiErr.RetryAfter > tc.want || apiErr.RetryAfter < tc.want-2*time.Second {
				t.Errorf("RetryAfter = %s; want about %s", apiErr.RetryAfter, tc.want)
			}
			if !strings.Contains(err.Error(), "retry after") {
				t.Errorf("the message %q does not say when to retry", err)
			}
		})
	}
}

// A Retry-After too large for 64 bits is longer than any wait, not
// garbage: the call returns at once, as for any Retry-After beyond the
// maximum wait — even with a maximum wait of a week.
func TestRetryAfterBeyondInt64ReturnsAtOnce(t *testing.T) {
	for _, header := range []string{"9223372036854775808", "18446744073709551616", "12345678901234567890123456"} {
		for _, status := range []int{429, 503} {
			var n atomic.Int32
			c, mux := setup(t, WithRetry(3, time.Millisecond, 7*24*time.Hour))
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				w.Header().Set("Retry-After", header)
				writeJSON(w, status, `{}`)
			})
			_, err := c.Users.Tracks(context.Background(), "abc")
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
				t.Fatalf("Retry-After %s: %v; want an *Error %d", header, err, status)
			}
			if apiErr.Attempts != 1 || n.Load() != 1 {
				t.Errorf("Retry-After %s, %d: %d attempts, %d requests; want 1 and 1", header, status, apiErr.Attempts, n.Load())
			}
			if apiErr.RetryAfter < 24*time.Hour {
				t.Errorf("Retry-After %s: RetryAfter = %s; want at least a day", header, apiErr.RetryAfter)
			}
		}
	}
	h := http.Header{"Retry-After": {"9223372036854775808"}}
	if d, ok := retryAfter(h, time.Now()); !ok || d != maxRetryAfter {
		t.Errorf("retryAfter(2^63) = %s, %v; want %s, true", d, ok, maxRetryAfter)
	}
	h = http.Header{"Retry-After": {"+5"}}
	if _, ok := retryAfter(h, time.Now()); ok {
		t.Error(`retryAfter("+5") was read as seconds: only digits are`)
	}
}

func TestRetryAfterOnlyOn429And503(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "10")
		writeJSON(w, 500, `{}`)
	})
	err := callKinds[0].call(context.Background(), c)
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.RetryAfter != 0 {
		t.Fatalf("500 with Retry-After: %v; want an *Error without RetryAfter", err)
	}
}

func TestRetryWaitEndsWithContext(t *testing.T) {
	var n atomic.Int32
	arrived := make(chan struct{}, 10)
	c, mux := setup(t, WithRetry(3, 0, time.Minute))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "20")
		writeJSON(w, 429, `{}`)
		arrived <- struct{}{}
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-arrived
		cancel()
	}()
	start := time.Now()
	err := callKinds[0].call(ctx, c)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v; want context.Canceled", err)
	}
	// The retry would have come 20 s after the first request: it never came,
	// and the call did not sit out the wait.
	if got := n.Load(); got != 1 {
		t.Errorf("%d requests; want 1", got)
	}
	if elapsed := time.Since(start); elapsed >= 20*time.Second {
		t.Errorf("the call returned after %s, only when the wait was over", elapsed)
	}
}

func TestExponentialWaitEndsWithDeadline(t *testing.T) {
	var n atomic.Int32
	c, mux := setup(t, WithRetry(3, 30*time.Second, time.Minute))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		writeJSON(w, 500, `{}`)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := callKinds[0].call(ctx, c)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v; want context.DeadlineExceeded", err)
	}
	if got := n.Load(); got != 1 {
		t.Errorf("%d requests; want 1", got)
	}
}

func TestRetryReplaysBodiesByteIdentically(t *testing.T) {
	long := strings.Repeat("Zoë 🙂 ", 10000) // a 100 KB body with multi-byte text
	for _, tc := range []struct {
		name   string
		status int // of the failing attempts
		call   func(ctx context.Context, c *Client) error
		want   string
	}{
		{"POST /api/users/{id} after 503", 503, func(ctx context.Context, c *Client) error {
			_, err := c.Users.CreateOrUpdate(ctx, "abc", &UserParams{FirstName: long, LastName: "B", Email: "a@b.example"})
			return err
		}, `{"first_name": "` + long + `", "last_name": "B", "email": "a@b.example"}`},
		{"PATCH after 500", 500, func(ctx context.Context, c *Client) error {
			_, err := c.APIKeys.Update(ctx, seedPartner, seedKeyID, &APIKeyUpdate{Name: strPtr("new-name")})
			return err
		}, `{"name": "new-name"}`},
		{"POST api_keys after 429", 429, func(ctx context.Context, c *Client) error {
			_, err := c.APIKeys.Create(ctx, seedPartner, "new-key")
			return err
		}, `{"name": "new-key"}`},
		{"POST anonymous after 429", 429, func(ctx context.Context, c *Client) error {
			_, err := c.Users.CreateAnonymous(ctx)
			return err
		}, `{}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			rec := &recorder{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) <= 2 {
					writeJSON(w, tc.status, `{}`)
					return
				}
				writeJSON(w, 200, `{"id": "`+seedKeyID+`", "key": "k", "user": {"partner_id": "abc", "token": {"token": "t"}}}`)
			})}
			c, mux := setup(t, WithRetry(3, time.Millisecond, 2*time.Millisecond))
			mux.Handle("/", rec)
			if err := tc.call(context.Background(), c); err != nil {
				t.Fatal(err)
			}
			reqs := rec.requests()
			if len(reqs) != 3 {
				t.Fatalf("%d requests; want 3", len(reqs))
			}
			checkJSON(t, "first attempt", reqs[0].Body, tc.want)
			for i, r := range reqs[1:] {
				if !bytes.Equal(r.Body, reqs[0].Body) {
					t.Errorf("attempt %d sent %d bytes that differ from the first attempt's %d", i+2, len(r.Body), len(reqs[0].Body))
				}
				auth := testKey
				if strings.HasPrefix(r.Path, "/v1/") {
					auth = "key " + testKey
				}
				checkCommonHeaders(t, r, auth, true)
				if diff := cmp.Diff(reqs[0].Header, r.Header); diff != "" {
					t.Errorf("attempt %d headers differ (-first +this):\n%s", i+2, diff)
				}
			}
		})
	}
}
