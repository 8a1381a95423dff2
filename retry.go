package partnerapi

import (
	"context"
	"crypto/x509"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
)

// callState follows one call through its attempts. The retry loop runs the
// attempts of a call one after another, so it needs no lock.
type callState struct {
	idempotent bool // may be resent after it reached the server
	attempts   int
	gate       *syncGate // the Users.Sync pacing this call, if any (sync.go)
	gated      bool      // the current attempt holds a slot of gate
	gateEpoch  uint64    // gate's epoch when it admitted the attempt
}

type callStateKey struct{}

func withCallState(ctx context.Context, st *callState) context.Context {
	return context.WithValue(ctx, callStateKey{}, st)
}

func callStateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(callStateKey{}).(*callState)
	return st
}

// checkRetry is the retry matrix:
//
//	                       nothing sent  sent, then failed  429    500 502 503 504
//	idempotent calls       retry         retry              retry  retry
//	non-idempotent POSTs   retry         never              retry  never
//
// Other statuses are never retried. A Retry-After longer than the maximum
// wait is not waited out: the answer goes back to the caller at once.
func (c *client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := callStateFrom(ctx)
	if st != nil && st.gate != nil {
		st.gate.attemptDone(st, resp) // inside a Users.Sync: free the slot, learn from a 429
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	idempotent := st != nil && st.idempotent
	if err != nil {
		if permanent(err) {
			return false, nil
		}
		return idempotent || nothingSent(err), nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return !c.retryAfterTooLong(resp), nil
	case http.StatusServiceUnavailable:
		return idempotent && !c.retryAfterTooLong(resp), nil
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return idempotent, nil
	}
	return false, nil
}

func (c *client) retryAfterTooLong(resp *http.Response) bool {
	d, ok := retryAfter(resp.Header, time.Now())
	return ok && int64(d) > c.waitMax
}

// nothingSent reports whether err means the request never left: the
// connection could not be made, or the host name did not resolve.
func nothingSent(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// permanent reports errors that another attempt cannot mend: an untrusted
// certificate, a response larger than allowed.
func permanent(err error) bool {
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.Is(err, ErrResponseTooLarge)
}

// backoff waits what Retry-After says on a 429 or 503, else doubles from min
// up to max, with jitter over the upper half so that clients spread out.
func backoff(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := retryAfter(resp.Header, time.Now()); ok {
			return d
		}
	}
	wait := min
	for i := 0; i < attempt && wait < max; i++ {
		wait *= 2
	}
	if wait > max {
		wait = max
	}
	if half := wait / 2; half > 0 {
		wait = half + rand.N(half+1)
	}
	return wait
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// attemptTransport counts each attempt of a call and, with a logger, writes
// one Debug record for it. It does not pass CloseIdleConnections on:
// go-retryablehttp calls that after failures, and emptying a pool shared
// by every goroutine of the Client would cost them all new connections.
type attemptTransport struct {
	base   http.RoundTripper
	logger *slog.Logger
	scrub  func(string) string
}

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	st := callStateFrom(ctx)
	if st != nil {
		st.attempts++
	}
	if t.logger == nil || !t.logger.Enabled(ctx, slog.LevelDebug) {
		return t.base.RoundTrip(req)
	}
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", req.URL.Path),
		slog.Duration("duration", time.Since(start)),
	}
	if st != nil {
		attrs = append(attrs, slog.Int("attempt", st.attempts))
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	} else {
		attrs = append(attrs, slog.Int("status", 0))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", t.scrub(err.Error())))
	}
	t.logger.LogAttrs(ctx, slog.LevelDebug, "partnerapi attempt", attrs...)
	return resp, err
}
