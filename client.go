// Package partnerapi is a Go client for two partner APIs: Big Interview's
// Partner API (users, anonymous users, progress, interviews and single
// sign-on) and TicketsCloud's v1 API-key management.
//
// A [Client] is made once with [NewClient] and shared; its services follow
// the APIs' resources:
//
//	client, err := partnerapi.NewClient(key, partnerapi.WithOrganization("xyz"))
//	user, err := client.Users.CreateOrUpdate(ctx, "abc123def", &partnerapi.UserParams{…})
//	link, err := client.SSO.LoginURL(ctx, "abc123def", nil, nil)
//	keys, err := client.APIKeys.List(ctx, partner, nil)
//
// # Errors
//
// Every argument is checked before any request, and a bad one matches
// [ErrInvalidArgument] with errors.Is. An answer that is not a success is
// an [*Error], which matches the sentinel of its status ([ErrNotFound],
// [ErrRateLimited], …); a success answer that is not what the API documents
// matches [ErrBadResponse]. Context errors stay matchable.
//
// # Retries
//
// A call is retried after a connection failure, a 429 or a 500, 502, 503
// or 504, up to 4 times with waits from 250 ms doubling to 30 s (jittered;
// [WithRetry] changes this). A request that could create something twice —
// [UsersService.CreateAnonymous] and [APIKeysService.Create] — is never
// resent once it may have reached the server: once a connection was made,
// it is retried only on a 429. Other statuses are never retried. A
// Retry-After header (seconds or an HTTP date) on a 429 or 503 is obeyed;
// one longer than the maximum wait is not waited out, and the call returns
// at once with the [*Error] and its RetryAfter. Waits end when the context
// does.
//
// # Credentials
//
// Credentials never appear in an error (wrapped errors included), a log
// record or a printed value: every text the SDK makes is scrubbed of the
// [Client]'s keys, whichever option carried them, and [Secret] prints as
// [REDACTED].
//
// The package mockserver is a stateful fake of both APIs for tests.
package partnerapi

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/partnerapi/go-partnerapi/internal/redact"
)

// Version is this SDK's version, sent in the User-Agent header.
const Version = "0.1.0"

// Client talks to both partner APIs. Make it with [NewClient]; it is safe
// for concurrent use, and printing it never shows a credential.
type Client struct {
	Users    *UsersService
	SSO      *SSOService
	APIKeys  *APIKeysService
	Partners *PartnersService

	c *client
}

// endpoint is one API family: where it lives and how it authenticates.
type endpoint struct {
	name string   // "users" or "keys", for messages
	base string   // scheme://host[/prefix], no trailing slash; "" when not configured
	auth []string // the Authorization header value of the family, built once; nil when it has no key
}

// ready reports, as an argument error, an API that cannot be called: the
// users API when neither an organization nor a base URL was given, the
// keys API when it has no key of its own beside a configured users API.
func (e *endpoint) ready() error {
	if e.base == "" {
		return invalidArg("no %s API base URL configured: use WithOrganization, WithUsersBaseURL or WithBaseURL", e.name)
	}
	if e.auth == nil {
		return invalidArg("the %s API has no key: pass the TicketsCloud key with WithKeysAPIKey (with the users API configured, the key given to NewClient is the Big Interview key, and neither company accepts the other's)", e.name)
	}
	return nil
}

// client is the shared state behind the services.
type client struct {
	users, keys endpoint
	httpClient  http.Client       // the caller's (a shallow copy) or ours; never follows a redirect
	transport   http.RoundTripper // httpClient's transport, under each call's attempt counter
	retry       retrySettings
	userAgent   []string
	logger      *slog.Logger
	maxResponse int64
	red         *redactor // the configured credentials, removed from every error, log record and printed value
}

// NewClient returns a [Client] that authenticates with apiKey: raw in the
// users API's Authorization header, as "key <apiKey>" in the keys API's.
// The two APIs belong to two companies, each with its own keys: with the
// users API configured ([WithOrganization], [WithUsersBaseURL] or
// [WithBaseURL]) apiKey is the Big Interview key, and the keys API
// ([Client].APIKeys, [Client].Partners) takes the TicketsCloud key from
// [WithKeysAPIKey] — without it, its calls fail with [ErrInvalidArgument]
// before any request, rather than send one company's key to the other. A
// Client for the keys API alone takes the TicketsCloud key as apiKey. It
// makes no network call.
// Bad configuration — an empty key, a key with white space or control
// characters, a bad organization name, a base URL that is not http(s), or
// plain http to a host that is not loopback — is refused with an error
// matching [ErrInvalidArgument].
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	cfg := config{
		keysBase:    DefaultKeysBaseURL,
		retryMax:    DefaultMaxRetries,
		waitMin:     DefaultRetryWaitMin,
		waitMax:     DefaultRetryWaitMax,
		maxResponse: DefaultMaxResponseBytes,
	}
	var err error
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		// The first error is reported; the other options still apply, so
		// that every key is known when the message is scrubbed.
		if e := opt(&cfg); e != nil && err == nil {
			err = e
		}
	}
	var cl *Client
	if err == nil {
		cl, err = newClient(apiKey, cfg)
	}
	if err != nil {
		// A key pasted into the wrong option (a base URL, an organization)
		// must not come back in the message.
		return nil, configRedactor(apiKey, cfg).error(err)
	}
	return cl, nil
}

// configRedactor is the redactor of every credential cfg and apiKey carry:
// the two keys, and an organization that looks like a key (the two swapped
// by mistake: a key is a valid DNS label, so it makes a host name).
func configRedactor(apiKey string, cfg config) *redactor {
	keysKey, org := "", ""
	if cfg.keysKey != nil {
		keysKey = *cfg.keysKey
	}
	if redact.KeyShaped(cfg.org) {
		org = cfg.org
	}
	return newRedactor(apiKey, keysKey, org)
}

// newClient checks the collected configuration and builds the Client.
func newClient(apiKey string, cfg config) (*Client, error) {
	if err := checkKey("API key", apiKey); err != nil {
		return nil, err
	}
	keysKey := apiKey
	if cfg.keysKey != nil {
		keysKey = *cfg.keysKey
		if err := checkKey("keys API key", keysKey); err != nil {
			return nil, err
		}
	}

	usersBase := cfg.usersBase
	if usersBase == "" && cfg.org != "" {
		if err := checkOrg(cfg.org); err != nil {
			return nil, err
		}
		usersBase = "https://" + strings.ToLower(cfg.org) + ".biginterview.com"
	}
	var err error
	if usersBase != "" {
		if usersBase, err = checkBaseURL("users", usersBase, cfg.allowInsecure); err != nil {
			return nil, err
		}
	}
	keysBase, err := checkBaseURL("keys", cfg.keysBase, cfg.allowInsecure)
	if err != nil {
		return nil, err
	}

	// Big Interview and TicketsCloud are two companies: once the users API
	// is configured, apiKey is a Big Interview key, and sending it to
	// TicketsCloud would hand one company's credential to the other. The
	// keys API then needs a key of its own; alone, apiKey serves it.
	keysAuth := []string{"key " + keysKey}
	if cfg.keysKey == nil && usersBase != "" {
		keysAuth = nil
	}

	ua := "go-partnerapi/" + Version
	if cfg.userAgent != "" {
		ua += " " + cfg.userAgent
	}
	c := &client{
		users:       endpoint{name: "users", base: usersBase, auth: []string{apiKey}},
		keys:        endpoint{name: "keys", base: keysBase, auth: keysAuth},
		retry:       newRetrySettings(cfg.retryMax, cfg.waitMin, cfg.waitMax),
		userAgent:   []string{ua},
		logger:      cfg.logger,
		maxResponse: cfg.maxResponse,
		red:         configRedactor(apiKey, cfg),
	}
	if cfg.httpClient != nil {
		c.httpClient = *cfg.httpClient // a shallow copy: the caller's client is not touched
	} else {
		c.httpClient = http.Client{Transport: newDefaultTransport()}
	}
	c.transport = c.httpClient.Transport
	if c.transport == nil {
		c.transport = http.DefaultTransport
	}
	c.httpClient.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	users := &UsersService{c: c}
	return &Client{
		Users:    users,
		SSO:      &SSOService{c: c, users: users},
		APIKeys:  &APIKeysService{c: c},
		Partners: &PartnersService{c: c},
		c:        c,
	}, nil
}

// newDefaultTransport is http.DefaultTransport's settings with a pool sized
// for many goroutines sharing one [Client] against one host.
func newDefaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 128
	return t
}

// checkKey refuses an API key that is empty or could inject a header: only
// printable ASCII without spaces is accepted. The message never repeats the key.
func checkKey(what, key string) error {
	if key == "" {
		return invalidArg("the %s is empty", what)
	}
	for i := 0; i < len(key); i++ {
		if key[i] <= ' ' || key[i] >= 0x7f {
			return invalidArg("the %s has white space, a control character or a non-ASCII byte at index %d", what, i)
		}
	}
	return nil
}

// checkOrg accepts an organization subdomain: one DNS label.
func checkOrg(org string) error {
	if len(org) == 0 || len(org) > 63 || org[0] == '-' || org[len(org)-1] == '-' {
		return invalidArg("organization %q is not a valid subdomain", oneLine(org, 80))
	}
	for i := 0; i < len(org); i++ {
		b := org[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-') {
			return invalidArg("organization %q is not a valid subdomain (letters, digits and '-' only)", oneLine(org, 80))
		}
	}
	return nil
}

// checkBaseURL accepts an absolute http(s) URL without user info, query or
// fragment, and plain http only to loopback unless allowInsecure. It returns
// the URL without a trailing slash.
func checkBaseURL(api, raw string, allowInsecure bool) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", invalidArg("%s base URL %q does not parse", api, oneLine(raw, 100))
	}
	if u.User != nil {
		return "", invalidArg("%s base URL must not carry user info", api)
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return "", invalidArg("%s base URL %q must be an absolute http or https URL", api, u.Redacted())
	}
	if u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", invalidArg("%s base URL %q must not have a query or fragment", api, u.Redacted())
	}
	if u.Scheme == "http" && !allowInsecure && !isLoopback(u.Hostname()) {
		return "", invalidArg("%s base URL %q would send credentials over plain http; use https, a loopback host, or WithAllowInsecureHTTP", api, u.Redacted())
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String(), nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Format prints the [Client]'s endpoints and never a credential, whatever
// the verb. (fmt does not call methods on unexported fields, so the
// redaction has to happen here.)
func (cl Client) Format(f fmt.State, verb rune) {
	if cl.c == nil {
		fmt.Fprint(f, "partnerapi.Client{}")
		return
	}
	fmt.Fprint(f, cl.c.describe())
}

func (c *client) describe() string {
	users := c.users.base
	if users == "" {
		users = "(not configured)"
	}
	return c.red.scrub(fmt.Sprintf("partnerapi.Client{users: %s, keys: %s, credentials: [REDACTED]}", users, c.keys.base))
}
