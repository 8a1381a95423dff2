// Command sso-web is a small partner web app that signs its users in to Big
// Interview's member app with single sign-on (SSOService.Handler): sign in
// as a demo user, press "Open interview practice", and the browser lands
// on the member app's dashboard, signed in as that user.
//
// With no environment it runs against the embedded fake (mockserver), so it
// needs no credentials and no network:
//
//	go run ./examples/sso-web                # serves http://127.0.0.1:8090/
//	go run ./examples/sso-web -addr 127.0.0.1:0
//
// With PARTNERAPI_ORG and PARTNERAPI_KEY set it runs against the real
// service instead: pressing the button creates (or refreshes) the demo user
// in that organization and opens https://{org}.biginterview.com.
//
// It prints the address to open, and stops on SIGINT or SIGTERM.
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
	"syscall"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sso-web:", err)
		os.Exit(1)
	}
}

// run parses args, connects to the fake or the real service, and serves the
// app until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("sso-web", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8090", "`host:port` to serve the partner app on (port 0 picks one)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}

	client, done, err := connect(getenv, stdout)
	if err != nil {
		return err
	}
	defer done()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: newApp(client), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "partner app: open http://%s/ in a browser\n", ln.Addr())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// connect returns a Client for the real service when PARTNERAPI_ORG and
// PARTNERAPI_KEY are set, and otherwise for a fresh embedded fake with one
// partner; done releases it.
func connect(getenv func(string) string, stdout io.Writer) (client *partnerapi.Client, done func(), err error) {
	org, key := getenv("PARTNERAPI_ORG"), getenv("PARTNERAPI_KEY")
	switch {
	case org != "" && key != "":
		client, err = partnerapi.NewClient(key, partnerapi.WithOrganization(org))
		if err != nil {
			return nil, nil, err
		}
		fmt.Fprintf(stdout, "Big Interview: the real service of organization %s\n", org)
		return client, func() {}, nil
	case org != "" || key != "":
		return nil, nil, errors.New("set both PARTNERAPI_ORG and PARTNERAPI_KEY for the real service, or neither for the embedded fake")
	}
	fake := mockserver.New()
	partner := fake.AddPartner("acme")
	client, err = fake.NewClient(partner)
	if err != nil {
		fake.Close()
		return nil, nil, err
	}
	fmt.Fprintf(stdout, "Big Interview: the embedded fake at %s\n", fake.URL)
	return client, fake.Close, nil
}
