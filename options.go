package partnerapi

import (
	"log/slog"
	"net/http"
	"time"
)

// Option configures a [Client]; pass options to [NewClient].
type Option func(*config) error

// config is what the options collect; [NewClient] checks it as a whole, so
// options may come in any order.
type config struct {
	org           string
	usersBase     string
	keysBase      string
	keysKey       *string
	httpClient    *http.Client
	retryMax      int
	waitMin       time.Duration
	waitMax       time.Duration
	logger        *slog.Logger
	userAgent     string
	maxResponse   int64
	allowInsecure bool
}

// Defaults: four retries, waits from 250 ms doubling up to 30 s, response
// bodies up to 10 MiB.
const (
	DefaultMaxRetries       = 4
	DefaultRetryWaitMin     = 250 * time.Millisecond
	DefaultRetryWaitMax     = 30 * time.Second
	DefaultMaxResponseBytes = 10 << 20
	DefaultKeysBaseURL      = "https://ticketscloud.org"
)

// WithOrganization points the users API and SSO at
// https://{org}.biginterview.com. A base URL set with [WithBaseURL] or
// [WithUsersBaseURL] takes precedence. An org that is not one DNS label
// (empty included) is refused. An org that looks like an API key (20
// characters or more mixing letters and digits: the key and the
// organization swapped by mistake) is kept out of every error, log record
// and printed value, as a key is.
func WithOrganization(org string) Option {
	return func(c *config) error {
		if err := checkOrg(org); err != nil {
			return err
		}
		c.org = org
		return nil
	}
}

// WithBaseURL puts both APIs and SSO at one base URL: a mockserver's URL, or
// a proxy in front of both services.
func WithBaseURL(rawURL string) Option {
	return func(c *config) error { c.usersBase, c.keysBase = rawURL, rawURL; return nil }
}

// WithUsersBaseURL sets the base URL of the users API and SSO.
func WithUsersBaseURL(rawURL string) Option {
	return func(c *config) error { c.usersBase = rawURL; return nil }
}

// WithKeysBaseURL sets the base URL of the TicketsCloud keys API (default
// https://ticketscloud.org).
func WithKeysBaseURL(rawURL string) Option {
	return func(c *config) error { c.keysBase = rawURL; return nil }
}

// WithKeysAPIKey gives the keys API (TicketsCloud) its own key. A [Client]
// with the users API configured needs it for [Client].APIKeys and
// [Client].Partners: the key passed to [NewClient] is then the Big
// Interview key, which TicketsCloud does not accept and must not receive.
func WithKeysAPIKey(apiKey string) Option {
	return func(c *config) error { c.keysKey = &apiKey; return nil }
}

// WithHTTPClient makes the [Client] send through hc: its Transport, Timeout
// and Jar are used as they are. The SDK works on a shallow copy whose
// CheckRedirect stops at the first answer, so hc itself is never modified.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return invalidArg("WithHTTPClient: the *http.Client is nil")
		}
		c.httpClient = hc
		return nil
	}
}

// WithRetry sets how many times a failed call is retried (0 turns retries
// off) and the bounds of the wait between attempts. A Retry-After longer
// than waitMax is not waited out: the call returns at once.
func WithRetry(maxRetries int, waitMin, waitMax time.Duration) Option {
	return func(c *config) error {
		if maxRetries < 0 || waitMin < 0 || waitMax < waitMin {
			return invalidArg("WithRetry: need maxRetries >= 0 and 0 <= waitMin <= waitMax, got %d, %s, %s", maxRetries, waitMin, waitMax)
		}
		c.retryMax, c.waitMin, c.waitMax = maxRetries, waitMin, waitMax
		return nil
	}
}

// WithLogger makes the [Client] write one Debug record per attempt (method,
// path, status, attempt, duration) to l, and the failures of handlers made
// by [SSOService.Handler] (Error level for 500 and 502). Credentials never appear in
// a record. Without it nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { c.logger = l; return nil }
}

// WithUserAgent appends ua to the User-Agent "go-partnerapi/<version>".
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		for i := 0; i < len(ua); i++ {
			if ua[i] < 0x20 || ua[i] == 0x7f {
				return invalidArg("WithUserAgent: the user agent has a control character")
			}
		}
		c.userAgent = ua
		return nil
	}
}

// WithMaxResponseBytes caps how much of a response body is read (default
// 10 MiB). A larger body fails the call with [ErrResponseTooLarge]; the excess
// is never read into memory.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return invalidArg("WithMaxResponseBytes: the limit must be positive, got %d", n)
		}
		c.maxResponse = n
		return nil
	}
}

// WithAllowInsecureHTTP lets the [Client] send credentials over plain http to
// a host that is not loopback. Without it such a base URL is refused.
func WithAllowInsecureHTTP() Option {
	return func(c *config) error { c.allowInsecure = true; return nil }
}
