// Package partnerapi is a Go client for two partner APIs: Big Interview's
// Partner API (users, anonymous users, progress, interviews and single
// sign-on) and TicketsCloud's v1 API-key management.
//
// A Client is made once with NewClient and shared; its services follow the
// APIs' resources:
//
//	client, err := partnerapi.NewClient(key, partnerapi.WithOrganization("xyz"))
//	user, err := client.Users.CreateOrUpdate(ctx, "abc123def", &partnerapi.UserParams{…})
//	link, err := client.SSO.LoginURL(ctx, "abc123def", nil, nil)
//	keys, err := client.APIKeys.List(ctx, partner, nil)
//
// Every argument is checked before any request; failures match the
// sentinels (ErrInvalidArgument, ErrNotFound, …) with errors.Is, and answers
// from the server are an *Error. Calls are retried as the retry matrix in the
// README says, never resending a request that could create something twice.
// Credentials never appear in an error, a log line or a printed value.
//
// The package mockserver is a stateful fake of both APIs for tests.
package partnerapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/go-retryablehttp"
)

// Version is this SDK's version, sent in the User-Agent header.
const Version = "0.1.0"

// Client talks to both partner APIs. Make it with NewClient; it is safe for
// concurrent use, and printing it never shows a credential.
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
	auth []string // the Authorization header value, built once
}

// client is the shared state behind the services: the one request path.
type client struct {
	users, keys endpoint
	http        *retryablehttp.Client
	userAgent   []string
	logger      *slog.Logger
	maxResponse int64
	waitMax     int64 // nanoseconds; a longer Retry-After is not waited out
	secrets     []string
}

// NewClient returns a Client that authenticates with apiKey: raw in the
// users API's Authorization header, as "key <apiKey>" in the keys API's
// (WithKeysAPIKey gives the keys API another one). It makes no network call.
// Bad configuration — an empty key, a key with white space or control
// characters, a bad organization name, a base URL that is not http(s), or
// plain http to a host that is not loopback — is refused with an error
// matching ErrInvalidArgument.
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
		secrets := []string{apiKey}
		if cfg.keysKey != nil {
			secrets = append(secrets, *cfg.keysKey)
		}
		return nil, scrubArgError(err, uniqueSecrets(secrets...))
	}
	return cl, nil
}

// scrubArgError removes secrets from a configuration error's message.
func scrubArgError(err error, secrets []string) error {
	var ae *argError
	if !errors.As(err, &ae) {
		return err
	}
	msg := ae.msg
	for _, s := range secrets {
		msg = replaceFold(msg, s, redacted)
	}
	return &argError{msg: msg, cause: ae.cause}
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

	ua := "go-partnerapi/" + Version
	if cfg.userAgent != "" {
		ua += " " + cfg.userAgent
	}
	c := &client{
		users:       endpoint{name: "users", base: usersBase, auth: []string{apiKey}},
		keys:        endpoint{name: "keys", base: keysBase, auth: []string{"key " + keysKey}},
		userAgent:   []string{ua},
		logger:      cfg.logger,
		maxResponse: cfg.maxResponse,
		waitMax:     int64(cfg.waitMax),
		secrets:     uniqueSecrets(apiKey, keysKey),
	}
	c.http = c.newRetryClient(cfg)
	return &Client{
		Users:    &UsersService{c: c},
		SSO:      &SSOService{c: c},
		APIKeys:  &APIKeysService{c: c},
		Partners: &PartnersService{c: c},
		c:        c,
	}, nil
}

// newRetryClient builds the go-retryablehttp client field by field: its
// default logger stays off, and the retry policy, backoff and error handling
// are ours.
func (c *client) newRetryClient(cfg config) *retryablehttp.Client {
	var hc http.Client
	if cfg.httpClient != nil {
		hc = *cfg.httpClient // shallow copy: the caller's client is not touched
	} else {
		hc = http.Client{Transport: newDefaultTransport()}
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = &attemptTransport{base: base, logger: c.logger, scrub: c.scrub}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &retryablehttp.Client{
		HTTPClient:   &hc,
		Logger:       nil,
		RetryWaitMin: cfg.waitMin,
		RetryWaitMax: cfg.waitMax,
		RetryMax:     cfg.retryMax,
		CheckRetry:   c.checkRetry,
		Backoff:      backoff,
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) { return resp, err },

		// Holds each attempt of a Users.Sync until its shared gate opens (sync.go).
		RequestLogHook: gateAttempt,
	}
}

// newDefaultTransport is http.DefaultTransport's settings with a pool sized
// for many goroutines sharing one Client against one host.
func newDefaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 128
	return t
}

func uniqueSecrets(keys ...string) []string {
	var out []string
	for _, k := range keys {
		if k != "" && !containsString(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
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
		return invalidArg("organization %q is not a valid subdomain", excerpt([]byte(org), 80))
	}
	for i := 0; i < len(org); i++ {
		b := org[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-') {
			return invalidArg("organization %q is not a valid subdomain (letters, digits and '-' only)", excerpt([]byte(org), 80))
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
		return "", invalidArg("%s base URL %q does not parse", api, excerpt([]byte(raw), 100))
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

// Format prints the Client's endpoints and never a credential, whatever
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
	return fmt.Sprintf("partnerapi.Client{users: %s, keys: %s, credentials: [REDACTED]}", users, c.keys.base)
}

// scrub replaces every occurrence of the client's credentials in s, in any
// letter case, with [REDACTED]. Text taken from a response passes through it
// before it is stored in an error or logged.
func (c *client) scrub(s string) string {
	for _, k := range c.secrets {
		s = replaceFold(s, k, redacted)
	}
	return s
}

// replaceFold replaces every ASCII-case-insensitive occurrence of old
// (printable ASCII, as keys are) in s with repl.
func replaceFold(s, old, repl string) string {
	if old == "" || len(s) < len(old) {
		return s
	}
	lowerS, lowerOld := asciiLower(s), asciiLower(old)
	if !strings.Contains(lowerS, lowerOld) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(lowerS, lowerOld)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, lowerS = s[i+len(old):], lowerS[i+len(old):]
	}
}

// asciiLower lowers ASCII letters only, so byte offsets stay the same.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
