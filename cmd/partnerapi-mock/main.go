// Command partnerapi-mock serves the fake of both partner APIs (package
// mockserver) as a standalone HTTP server, so that programs in any
// language can be tested against it:
//
//	partnerapi-mock -addr 127.0.0.1:8080 -partner xyz -partner acme:anonymous
//
// Flags:
//
//	-addr HOST:PORT   where to listen (default 127.0.0.1:8080; port 0 picks a free one)
//	-partner ORG      add a partner for organization ORG; repeatable;
//	                  ORG:anonymous also lets it create anonymous users
//
// Once listening it prints, on stdout, one line with the base URL and one
// line per partner with its TicketsCloud ObjectId and the first key of each
// company — the Big Interview key (key=) and the TicketsCloud key
// (keys_key=):
//
//	listening on http://127.0.0.1:8080
//	partner org=xyz id=65a70bb5a5ab8bb7c0ffee01 key=935d85189822bf96c28c4fa79d3d8f31 keys_key=48de25a3c7f84996bc3c183c640f9948
//
// Both API families and the SSO pages are served on that one base URL: the
// Big Interview users API under /api/ (Authorization: KEY), the
// TicketsCloud partners and keys API under /v1/ (Authorization: key
// KEYS_KEY). Each refuses the other company's key. State lives in memory
// and is lost on exit. It stops cleanly on SIGINT or SIGTERM, letting
// requests in progress finish.
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
	"strings"
	"syscall"
	"time"

	"github.com/partnerapi/go-partnerapi/mockserver"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// partnerFlags collects the repeatable -partner flag.
type partnerFlags []string

func (p *partnerFlags) String() string     { return strings.Join(*p, ",") }
func (p *partnerFlags) Set(v string) error { *p = append(*p, v); return nil }

// Exit codes: 0 after a clean shutdown, 1 when serving fails, 2 for bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("partnerapi-mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen on `HOST:PORT` (port 0 picks a free port)")
	var partners partnerFlags
	fs.Var(&partners, "partner", "add a partner for organization `ORG` (repeatable); ORG:anonymous allows anonymous users")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: partnerapi-mock [-addr HOST:PORT] [-partner ORG[:anonymous]]...")
		fmt.Fprintln(stderr, "Serves a fake of the Big Interview users API (/api, /sso, /members) and the TicketsCloud v1 partners and keys API (/v1).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "partnerapi-mock: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}

	srv := mockserver.New(mockserver.WithoutListener())
	defer srv.Close()
	var added []*mockserver.Partner
	for _, spec := range partners {
		p, err := addPartner(srv, spec)
		if err != nil {
			fmt.Fprintf(stderr, "partnerapi-mock: -partner %q: %v\n", spec, err)
			return 2
		}
		added = append(added, p)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "partnerapi-mock: %v\n", err)
		return 1
	}
	if host, _, err := net.SplitHostPort(*addr); err == nil {
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			fmt.Fprintf(stderr, "partnerapi-mock: warning: listening beyond loopback (%s); the fake's keys are printed in the clear\n", *addr)
		}
	}
	if len(added) == 0 {
		fmt.Fprintln(stderr, "partnerapi-mock: no -partner given: every API call will be 401")
	}
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	for _, p := range added {
		fmt.Fprintf(stdout, "partner org=%s id=%s key=%s keys_key=%s\n", p.Org, p.ID, p.APIKey, p.KeysAPIKey)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
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
	if err := hs.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintf(stderr, "partnerapi-mock: shutdown: %v\n", err)
		return 1
	}
	return 0
}

// addPartner adds the partner a -partner value describes: ORG or
// ORG:anonymous.
func addPartner(srv *mockserver.Server, spec string) (p *mockserver.Partner, err error) {
	org, mode, hasMode := strings.Cut(spec, ":")
	var opts []mockserver.PartnerOption
	switch {
	case !hasMode:
	case mode == "anonymous":
		opts = append(opts, mockserver.AllowAnonymous())
	default:
		return nil, fmt.Errorf("unknown mode %q after ':' (only \"anonymous\")", mode)
	}
	// AddPartner panics on a setup mistake (a bad or repeated organization);
	// here that is the user's input, so it becomes an error.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return srv.AddPartner(org, opts...), nil
}
