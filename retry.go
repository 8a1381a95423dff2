package partnerapi

import (
	"context"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// retrySettings are a [Client]'s retry bounds and the two retry policies
// made from them once, for the two kinds of call.
type retrySettings struct {
	max              int
	waitMin, waitMax time.Duration
	idempotent, once retryablehttp.CheckRetry
}

func newRetrySettings(max int, waitMin, waitMax time.Duration) retrySettings {
	s := retrySettings{max: max, waitMin: waitMin, waitMax: waitMax}
	s.idempotent = func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		return checkRetry(ctx, resp, err, true, waitMax)
	}
	s.once = func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		return checkRetry(ctx, resp, err, false, waitMax)
	}
	return s
}

// policy is the retry policy of a call that may (idempotent) or may not be
// resent after it reached the server.
func (s *retrySettings) policy(idempotent bool) retryablehttp.CheckRetry {
	if idempotent {
		return s.idempotent
	}
	return s.once
}

// checkRetry is the retry table:
//
//	                       nothing sent  sent, then failed  429    500 502 503 504
//	idempotent calls       retry         retry              retry  retry
//	non-idempotent POSTs   retry         never              retry  never
//
// Other statuses are never retried, nor a failure another attempt cannot
// mend (an untrusted certificate, a host name that does not exist). A Retry-After longer than waitMax is not
// waited out: the answer goes back to the caller at once.
func checkRetry(ctx context.Context, resp *http.Response, err error, idempotent bool, waitMax time.Duration) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		if permanent(err) {
			return false, nil
		}
		return idempotent || nothingSent(err), nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return !retryAfterTooLong(resp, waitMax), nil
	case http.StatusServiceUnavailable:
		return idempotent && !retryAfterTooLong(resp, waitMax), nil
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return idempotent, nil
	}
	return false, nil
}

func retryAfterTooLong(resp *http.Response, waitMax time.Duration) bool {
	d, ok := retryAfter(resp.Header, time.Now())
	return ok && (d > waitMax || d == maxRetryAfter)
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
// certificate, a host name the DNS says does not exist (a mistyped
// organization or base URL, not a resolver's passing failure), a response
// larger than allowed.
func permanent(err error) bool {
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var dnsErr *net.DNSError
	return errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		(errors.As(err, &dnsErr) && dnsErr.IsNotFound && !dnsErr.IsTemporary) ||
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

// maxRetryAfter caps the wait a Retry-After header asks for: any longer is
// read as this long, which is longer than any sensible maximum wait.
const maxRetryAfter = 24 * time.Hour

// retryAfter reads a Retry-After header in seconds (decimal digits only)
// or as an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseUint(v, 10, 64); err == nil || isDigits(v) {
		// A number of seconds too large for 64 bits (err is then a range
		// error) is as much longer than any wait as the largest one.
		if err != nil || secs > uint64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
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

// isDigits reports whether s is one or more ASCII decimal digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
