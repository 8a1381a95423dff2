// Command partnerapi-mock serves the fake of both partner APIs (package
// mockserver) as a standalone HTTP server, so that programs in any
// language can be tested against it, and drive it over HTTP as a Go test
// drives it in code:
//
//	partnerapi-mock -addr 127.0.0.1:8080 -partner xyz -partner acme:anonymous -seed 1
//
// Flags:
//
//	-addr HOST:PORT      where to listen (default 127.0.0.1:8080; port 0 picks a free one)
//	-partner ORG         add a partner for organization ORG; repeatable;
//	                     ORG:anonymous also lets it create anonymous users
//	-seed N              make ids, keys, tokens and event ids reproducible: the
//	                     same flags print the same lines (times are not: the
//	                     clock runs in real time from its start)
//	-start-time RFC3339  the fake's clock starts there (default: now)
//	-journal-size N      keep the last N requests in the journal (default 10000)
//	-webhook ORG=URL     send ORG's webhook events to URL; repeatable
//	-admin-token T       the control plane (/_mock/) needs Authorization: Bearer T
//	-state FILE          load the state from FILE when it exists, and keep
//	                     FILE up to date (within a second of any change, and
//	                     on a clean shutdown)
//
// Once listening it prints, on stdout, one line with the base URL, one
// line per -partner with its TicketsCloud ObjectId and the first key of
// each company — the Big Interview key (key=) and the TicketsCloud key
// (keys_key=) — and one line per -webhook with its verification key:
//
//	listening on http://127.0.0.1:8080
//	partner org=xyz id=65a70bb5a5ab8bb7c0ffee01 key=935d85189822bf96c28c4fa79d3d8f31 keys_key=48de25a3c7f84996bc3c183c640f9948
//	webhook org=xyz url=http://127.0.0.1:9000/hooks key=0b7c2d8e4f1a3b5c6d7e8f9a0b1c2d3e
//
// Both API families and the SSO pages are served on that one base URL: the
// Big Interview users API under /api/ (Authorization: KEY), the
// TicketsCloud partners and keys API under /v1/ (Authorization: key
// KEYS_KEY). Each refuses the other company's key. The control plane is
// under /_mock/ (its OpenAPI document at /_mock/openapi.json).
//
// With -state the file's state wins: a -partner or -webhook already in it
// is reused with its stored keys, not added twice. The file is replaced
// atomically (a temporary file, then a rename) with mode 0600, since it
// holds credentials; a file that is not a snapshot this version reads
// stops the start with a message, and is left as it is. It stops cleanly
// on SIGINT or SIGTERM, letting requests in progress finish.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/partnerapi/go-partnerapi/mockserver"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// options are the command's flags, parsed.
type options struct {
	addr        string
	partners    listFlag
	webhooks    listFlag
	seed        int64
	seeded      bool
	startTime   time.Time
	journalSize int
	adminToken  string
	statePath   string
}

// Exit codes: 0 after a clean shutdown, 1 when serving fails or the state
// file cannot be used, 2 for bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	o, code := parseFlags(args, stderr)
	if code >= 0 {
		return code
	}
	mopts := []mockserver.Option{mockserver.WithoutListener(), mockserver.WithJournalSize(o.journalSize)}
	if o.seeded {
		mopts = append(mopts, mockserver.WithSeed(o.seed))
	}
	if !o.startTime.IsZero() {
		mopts = append(mopts, mockserver.WithStartTime(o.startTime))
	}
	if o.adminToken != "" {
		mopts = append(mopts, mockserver.WithAdminToken(o.adminToken))
	}
	// Signals are caught from here on, so that one sent as soon as the
	// lines are printed stops the fake cleanly.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := mockserver.New(mopts...)
	defer srv.Close()

	var store *stateFile
	if o.statePath != "" {
		store = &stateFile{path: o.statePath, srv: srv}
		loaded, err := store.load()
		if err != nil {
			fmt.Fprintf(stderr, "partnerapi-mock: -state %s: %v; the file is left as it is\n", o.statePath, err)
			return 1
		}
		if loaded {
			fmt.Fprintf(stderr, "partnerapi-mock: state loaded from %s (%d partners)\n", o.statePath, len(srv.Partners()))
		}
	}

	added, err := setUpPartners(srv, o.partners)
	if err != nil {
		fmt.Fprintf(stderr, "partnerapi-mock: %v\n", err)
		return 2
	}
	hooks, err := setUpWebhooks(srv, o.webhooks)
	if err != nil {
		fmt.Fprintf(stderr, "partnerapi-mock: %v\n", err)
		return 2
	}
	if store != nil {
		// Written at once: the partners and webhooks just added are kept,
		// and a path that cannot be written stops the start.
		if err := store.save(); err != nil {
			fmt.Fprintf(stderr, "partnerapi-mock: -state %s: %v\n", o.statePath, err)
			return 1
		}
	}

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		fmt.Fprintf(stderr, "partnerapi-mock: %v\n", err)
		return 1
	}
	if host, _, err := net.SplitHostPort(o.addr); err == nil {
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			fmt.Fprintf(stderr, "partnerapi-mock: warning: listening beyond loopback (%s); the fake's keys are printed in the clear\n", o.addr)
		}
	}
	if len(srv.Partners()) == 0 {
		fmt.Fprintln(stderr, "partnerapi-mock: no -partner given: every API call will be 401 until one is added (POST /_mock/partners)")
	}
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	for _, p := range added {
		fmt.Fprintf(stdout, "partner org=%s id=%s key=%s keys_key=%s\n", p.Org, p.ID, p.APIKey, p.KeysAPIKey)
	}
	for _, h := range hooks {
		fmt.Fprintf(stdout, "webhook org=%s url=%s key=%s\n", h.org, h.URL, h.VerificationKey)
	}

	saverDone := make(chan struct{})
	if store != nil {
		go store.keepSaved(ctx, stderr, saverDone)
	} else {
		close(saverDone)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	select {
	case err := <-served:
		fmt.Fprintf(stderr, "partnerapi-mock: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	stop() // a second signal now kills the process at once
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	code = 0
	if err := hs.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintf(stderr, "partnerapi-mock: shutdown: %v\n", err)
		code = 1
	}
	<-saverDone
	if store != nil {
		if err := store.save(); err != nil {
			fmt.Fprintf(stderr, "partnerapi-mock: -state %s: %v\n", o.statePath, err)
			code = 1
		}
	}
	return code
}

// parseFlags parses args; code is -1 to go on, or the exit code.
func parseFlags(args []string, stderr io.Writer) (o options, code int) {
	fs := flag.NewFlagSet("partnerapi-mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT` (port 0 picks a free port)")
	fs.Var(&o.partners, "partner", "add a partner for organization `ORG` (repeatable); ORG:anonymous allows anonymous users")
	fs.Func("seed", "make ids, keys, tokens and event ids reproducible from seed `N`", func(v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errors.New("not an integer")
		}
		o.seed, o.seeded = n, true
		return nil
	})
	fs.Func("start-time", "start the fake's clock at `RFC3339` time (default: now)", func(v string) error {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return errors.New("not an RFC 3339 time such as 2025-01-01T00:00:00Z")
		}
		o.startTime = t
		return nil
	})
	fs.IntVar(&o.journalSize, "journal-size", mockserver.DefaultJournalSize, "keep the last `N` requests in the journal")
	fs.Var(&o.webhooks, "webhook", "send the webhook events of partner ORG to URL (`ORG=URL`, repeatable)")
	fs.StringVar(&o.adminToken, "admin-token", "", "the control plane (/_mock/) needs Authorization: Bearer `T`")
	fs.StringVar(&o.statePath, "state", "", "load the state from `FILE` when it exists, and keep it saved there")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: partnerapi-mock [-addr HOST:PORT] [-partner ORG[:anonymous]]... [-webhook ORG=URL]... [-seed N] [-start-time RFC3339] [-journal-size N] [-admin-token T] [-state FILE]")
		fmt.Fprintln(stderr, "Serves a fake of the Big Interview users API (/api, /sso, /members) and the TicketsCloud v1 partners and keys API (/v1), with its control plane under /_mock/.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, 0
		}
		return o, 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "partnerapi-mock: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return o, 2
	}
	if o.journalSize < 0 {
		fmt.Fprintln(stderr, "partnerapi-mock: -journal-size must not be negative")
		return o, 2
	}
	return o, -1
}

// setUpPartners adds the partners the -partner values describe (ORG or
// ORG:anonymous) and returns them in order. An organization already there
// — from the -state file — is reused as it is.
func setUpPartners(srv *mockserver.Server, specs []string) ([]*mockserver.Partner, error) {
	existing := map[string]*mockserver.Partner{}
	for _, p := range srv.Partners() {
		existing[p.Org] = p
	}
	seen := map[string]bool{}
	var out []*mockserver.Partner
	for _, spec := range specs {
		org, mode, hasMode := strings.Cut(spec, ":")
		var opts []mockserver.PartnerOption
		switch {
		case !hasMode:
		case mode == "anonymous":
			opts = append(opts, mockserver.AllowAnonymous())
		default:
			return nil, fmt.Errorf("-partner %q: unknown mode %q after ':' (only \"anonymous\")", spec, mode)
		}
		key := strings.ToLower(org)
		if seen[key] {
			return nil, fmt.Errorf("-partner %q: organization %q was already added", spec, org)
		}
		seen[key] = true
		if p := existing[key]; p != nil {
			out = append(out, p)
			continue
		}
		var p *mockserver.Partner
		if err := setupError("AddPartner", func() { p = srv.AddPartner(org, opts...) }); err != nil {
			return nil, fmt.Errorf("-partner %q: %v", spec, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// setupError runs f, a call of the mockserver method op ("AddPartner"),
// and returns its panic on a setup mistake (a bad organization, a bad
// URL) as an error, without the "mockserver: op: " the caller says in its
// own words: here the mistake is the user's input.
func setupError(op string, f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New(strings.TrimPrefix(fmt.Sprint(r), "mockserver: "+op+": "))
		}
	}()
	f()
	return nil
}

// webhookLine is a -webhook registration, as its line shows it.
type webhookLine struct {
	org string
	mockserver.Webhook
}

// setUpWebhooks registers the -webhook values (ORG=URL). A URL the
// partner has registered already — from the -state file — is reused with
// its key.
func setUpWebhooks(srv *mockserver.Server, specs []string) ([]webhookLine, error) {
	byOrg := map[string]*mockserver.Partner{}
	for _, p := range srv.Partners() {
		byOrg[p.Org] = p
	}
	var out []webhookLine
	for _, spec := range specs {
		org, rawURL, ok := strings.Cut(spec, "=")
		if !ok || org == "" || rawURL == "" {
			return nil, fmt.Errorf("-webhook %q: not ORG=URL", spec)
		}
		p := byOrg[strings.ToLower(org)]
		if p == nil {
			return nil, fmt.Errorf("-webhook %q: no partner %q (add it with -partner %s)", spec, org, org)
		}
		existing, err := srv.Webhooks(p)
		if err != nil {
			return nil, err
		}
		var found *mockserver.Webhook
		for i := range existing {
			if existing[i].URL == rawURL {
				found = &existing[i]
			}
		}
		if found == nil {
			var key string
			if err := setupError("AddWebhook", func() { key = srv.AddWebhook(p, rawURL) }); err != nil {
				return nil, fmt.Errorf("-webhook %q: %v", spec, err)
			}
			found = &mockserver.Webhook{URL: rawURL, VerificationKey: key}
		}
		out = append(out, webhookLine{p.Org, *found})
	}
	return out, nil
}
