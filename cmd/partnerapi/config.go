package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// Environment variables, the same names examples/quickstart and the
// scenario suite read.
const (
	envOrg     = "PARTNERAPI_ORG"      // Big Interview organization (subdomain)
	envKey     = "PARTNERAPI_KEY"      // Big Interview API key (users, SSO)
	envKeysKey = "PARTNERAPI_KEYS_KEY" // TicketsCloud API key (keys); PARTNERAPI_KEY when unset
	envPartner = "PARTNERAPI_PARTNER"  // TicketsCloud partner ObjectId
	envBaseURL = "PARTNERAPI_BASE_URL" // one base URL for both APIs (a fake, a proxy)
)

// connNeed says which API a command talks to, and so which settings it
// needs.
type connNeed int

const (
	connNone  connNeed = 0
	connUsers connNeed = 1 << iota // Big Interview users API: org or base URL
	connKeys                       // TicketsCloud keys API: partner
)

// settings is the configuration of one invocation, from flags, then the
// environment.
type settings struct {
	org, key, keysKey, partner, baseURL string
	mock                                bool
	timeout                             time.Duration
}

// configError is missing or bad configuration: exit code 2.
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }

// registerSettings adds the configuration flags a command accepts.
func registerSettings(fs *flag.FlagSet, s *settings, need connNeed) {
	if need == connNone {
		return
	}
	fs.StringVar(&s.key, "key", "", "the Big Interview API `KEY` (default $"+envKey+"; prefer the environment: flags show in ps)")
	fs.StringVar(&s.baseURL, "base-url", "", "one base `URL` for both APIs, e.g. a partnerapi-mock (default $"+envBaseURL+")")
	if need&connUsers != 0 {
		fs.StringVar(&s.org, "org", "", "the Big Interview organization, as in `ORG`.biginterview.com (default $"+envOrg+")")
	}
	if need&connKeys != 0 {
		fs.StringVar(&s.partner, "partner", "", "the TicketsCloud partner's `ID`, an ObjectId (default $"+envPartner+")")
		fs.StringVar(&s.keysKey, "keys-key", "", "the TicketsCloud API `KEY` for the keys API (default $"+envKeysKey+"; the Big Interview --key is never sent there)")
	}
	fs.BoolVar(&s.mock, "mock", false, "run against an embedded fake seeded with a demo partner (no credentials, no network)")
	fs.Var(durationValue{&s.timeout}, "timeout", "give up after this `DURATION`, with its unit: 30s, 2m, 1h (default: no limit)")
}

// durationValue is a flag holding a time.Duration that says what is wrong
// with a bad one: "5" lacks its unit.
type durationValue struct{ d *time.Duration }

func (v durationValue) String() string {
	if v.d == nil || *v.d == 0 {
		return ""
	}
	return v.d.String()
}

func (v durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		if _, numErr := strconv.ParseFloat(s, 64); numErr == nil {
			return fmt.Errorf("a unit is needed: %ss (or ms, m, h)", s)
		}
		return errors.New("not a duration: write it with its unit, e.g. 30s, 500ms, 2m or 1h")
	}
	if d < 0 {
		return errors.New("a duration cannot be negative")
	}
	*v.d = d
	return nil
}

// fromEnv fills every setting not given as a flag from the environment.
func (s *settings) fromEnv(getenv func(string) string) {
	fill := func(v *string, name string) {
		if *v == "" {
			*v = getenv(name)
		}
	}
	if s.mock { // the fake brings its own configuration
		return
	}
	fill(&s.org, envOrg)
	fill(&s.key, envKey)
	fill(&s.keysKey, envKeysKey)
	fill(&s.partner, envPartner)
	fill(&s.baseURL, envBaseURL)
}

// conn is a configured client and what goes with it.
type conn struct {
	client  *partnerapi.Client
	partner string // TicketsCloud partner ObjectId ("" unless the command needs it)
	keysKey string // the key the keys API authenticates with
	// opts builds another client on a different key (keys rotate): every
	// option but the keys.
	opts  []partnerapi.Option
	close func()
	// With --mock: the embedded fake and its demo partner, for a command
	// that seeds more demo data (users report).
	mock        *mockserver.Server
	mockPartner *mockserver.Partner
}

// keysClient returns a client whose keys API authenticates with key (a
// TicketsCloud key just created, for keys rotate), with every other
// option of c's.
func (c *conn) keysClient(key string) (*partnerapi.Client, error) {
	return partnerapi.NewClient(key, append(c.opts[:len(c.opts):len(c.opts)], partnerapi.WithKeysAPIKey(key))...)
}

// connect builds the client for a command from its settings, or starts the
// embedded fake with --mock.
func (inv *invocation) connect(ctx context.Context) (*conn, error) {
	s := inv.opts.settings
	need := inv.cmd.conn
	if s.mock {
		if s.key != "" || s.baseURL != "" || s.org != "" || s.partner != "" || s.keysKey != "" {
			return nil, &configError{msg: "--mock brings its own configuration: drop --key, --keys-key, --org, --partner and --base-url"}
		}
		return startMock(ctx, inv)
	}
	// Each company takes its own key: the users API the Big Interview key,
	// the keys API the TicketsCloud key. The Big Interview key is never
	// offered to TicketsCloud, so a keys command needs --keys-key.
	keysKey := s.keysKey
	if need&connKeys != 0 && keysKey == "" {
		msg := "no TicketsCloud key: set " + envKeysKey + " (or pass --keys-key), or try --mock"
		if s.key != "" {
			msg += "; " + envKey + " is the Big Interview key, which TicketsCloud does not accept and is never sent"
		}
		return nil, &configError{msg: msg}
	}
	if need&connKeys == 0 && s.key == "" {
		return nil, &configError{msg: "no API key: set " + envKey + " (or pass --key), or try --mock"}
	}
	if need&connUsers != 0 && s.org == "" && s.baseURL == "" {
		return nil, &configError{msg: "no organization: set " + envOrg + " (or pass --org) or " + envBaseURL + " (--base-url), or try --mock"}
	}
	if need&connKeys != 0 && s.partner == "" {
		return nil, &configError{msg: "no partner: set " + envPartner + " (or pass --partner) to the TicketsCloud partner ObjectId, or try --mock"}
	}
	opts := []partnerapi.Option{
		partnerapi.WithUserAgent("partnerapi-cli"),
		partnerapi.WithHTTPClient(&http.Client{Transport: inv.newTransport()}),
	}
	if s.org != "" {
		opts = append(opts, partnerapi.WithOrganization(s.org))
	}
	if s.baseURL != "" {
		opts = append(opts, partnerapi.WithBaseURL(s.baseURL))
	}
	mainKey := s.key
	if mainKey == "" {
		mainKey = keysKey // a keys command run with the TicketsCloud key alone
	}
	clientOpts := opts
	if keysKey != "" {
		clientOpts = append(opts[:len(opts):len(opts)], partnerapi.WithKeysAPIKey(keysKey))
	}
	client, err := partnerapi.NewClient(mainKey, clientOpts...)
	if err != nil {
		if plainHTTPRefused(mainKey, s.baseURL, clientOpts) {
			return nil, &configError{msg: plainHTTPMessage(s.baseURL)}
		}
		return nil, &configError{msg: "configuration: " + err.Error()}
	}
	return &conn{client: client, partner: s.partner, keysKey: keysKey, opts: opts, close: func() {}}, nil
}

// plainHTTPRefused reports whether the SDK refused the configuration only
// because the base URL is plain http to a host that is not loopback: the
// same configuration with plain http allowed is accepted. (The SDK keeps
// that rule; the CLI has no flag to lift it.)
func plainHTTPRefused(key, baseURL string, opts []partnerapi.Option) bool {
	u, err := url.Parse(baseURL)
	if err != nil || u.Scheme != "http" {
		return false
	}
	_, err = partnerapi.NewClient(key, append(opts[:len(opts):len(opts)], partnerapi.WithAllowInsecureHTTP())...)
	return err == nil
}

// plainHTTPMessage says why a plain http base URL is refused and what to
// use instead.
func plainHTTPMessage(baseURL string) string {
	u, _ := url.Parse(baseURL)
	return fmt.Sprintf("the base URL (--base-url or %s) is plain http to %s, a host that is not this machine: "+
		"the API key would travel unencrypted. Use https://%s, or plain http only to localhost, 127.0.0.1 or [::1] "+
		"(such as a partnerapi-mock on this machine)", envBaseURL, u.Host, u.Host)
}

// Demo data the --mock fake is seeded with.
const (
	mockOrg       = "demo"
	mockPartnerID = "ada-lovelace"
)

// startMock starts the embedded fake in memory (no socket), adds the demo
// partner and a demo user with some progress and interviews, and returns a
// client on the partner's keys, each API on its own. Its state lives as
// long as the command.
func startMock(ctx context.Context, inv *invocation) (*conn, error) {
	srv := mockserver.New(mockserver.WithoutListener())
	p := srv.AddPartner(mockOrg, mockserver.AllowAnonymous())
	opts := []partnerapi.Option{
		partnerapi.WithUserAgent("partnerapi-cli"),
		partnerapi.WithBaseURL("http://127.0.0.1"),
		partnerapi.WithHTTPClient(&http.Client{Transport: srv.Transport()}),
	}
	client, err := partnerapi.NewClient(p.APIKey, append(opts[:len(opts):len(opts)], partnerapi.WithKeysAPIKey(p.KeysAPIKey))...)
	if err != nil {
		srv.Close()
		return nil, err
	}
	if err := seedMock(ctx, srv, p, client); err != nil {
		srv.Close()
		return nil, fmt.Errorf("seeding the embedded fake: %w", err)
	}
	fmt.Fprintf(inv.stderr, "using the embedded fake: organization %q, partner %s, demo user %q; nothing is kept after exit\n",
		p.Org, p.ID, mockPartnerID)
	return &conn{client: client, partner: p.ID, keysKey: p.KeysAPIKey, opts: opts, close: srv.Close, mock: srv, mockPartner: p}, nil
}

func seedMock(ctx context.Context, srv *mockserver.Server, p *mockserver.Partner, client *partnerapi.Client) error {
	if _, err := client.Users.CreateOrUpdate(ctx, mockPartnerID, &partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
	}); err != nil {
		return err
	}
	if err := srv.SetProgress(p, mockPartnerID, "Fast Track", 1, 2, 3); err != nil {
		return err
	}
	if err := srv.SetProgress(p, mockPartnerID, "Mastery Track", 1); err != nil {
		return err
	}
	now := srv.Now()
	for i, iv := range []partnerapi.Interview{
		{Title: "Top 10 Questions", InterviewerName: "Jordan", Category: "Top 10 Questions: 1", Completed: true,
			Links: partnerapi.InterviewLinks{Review: "/members/interviews/1/review", Retake: "/members/interviews/1/retake"}},
		{Title: "Behavioral Interview", InterviewerName: "Sam", Category: "Behavioral: 2",
			Links: partnerapi.InterviewLinks{Review: "/members/interviews/2/review", Retake: "/members/interviews/2/retake"}},
	} {
		iv.CreatedAt = now.Add(time.Duration(i-2) * 24 * time.Hour)
		iv.UpdatedAt = iv.CreatedAt.Add(time.Hour)
		if _, err := srv.AddInterview(p, mockPartnerID, iv); err != nil {
			return err
		}
	}
	return nil
}
