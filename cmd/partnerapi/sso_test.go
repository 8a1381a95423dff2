package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSSOLink(t *testing.T) {
	f := newFixture(t)
	f.createUser(t, "u1")
	r := f.run(t, "sso-link", "u1", "--redirect-to", "/members/curriculum?chapter=6")
	wantCode(t, r, 0)
	ls := lines(r.stdout)
	if len(ls) != 1 || r.stderr != "" {
		t.Fatalf("stdout is not the URL alone: %q (stderr %q)", r.stdout, r.stderr)
	}
	link, err := url.Parse(ls[0])
	if err != nil || link.Path != "/sso/login" || link.Query().Get("redirect_to") != "/members/curriculum?chapter=6" {
		t.Fatalf("link %q: %v", ls[0], err)
	}
	// The link signs the user in: the fake redirects to redirect_to.
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(ls[0])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/members/curriculum?chapter=6" {
		t.Fatalf("login: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	// A user that does not exist is created when its fields are given.
	r = f.run(t, "sso-link", "--first-name", "New", "--last-name", "User", "--email", "n@example.com", "new-user")
	wantCode(t, r, 0)
	if _, err := f.sdk(t, f.p.APIKey).Users.Tracks(context.Background(), "new-user"); err != nil {
		t.Fatalf("sso-link with fields did not create the user: %v", err)
	}

	// An off-site redirect is a usage error, before any request.
	before := len(f.srv.Requests())
	r = f.run(t, "sso-link", "u1", "--redirect-to", "https://evil.example/")
	wantCode(t, r, 2)
	oneErrorLine(t, r)
	if len(f.srv.Requests()) != before {
		t.Fatal("a request was sent for a refused redirect")
	}
}

// sso-link for a user that does not exist says to pass the fields that
// create it, naming the ones missing when some were given.
func TestSSOLinkUnknownUser(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sso-link", "nobody"}, `partnerapi: sso-link: user "nobody" does not exist: pass --first-name, --last-name and --email to create it (the server said: POST `},
		{[]string{"sso-link", "nobody", "--email", "n@example.com"}, `partnerapi: sso-link: user "nobody" does not exist: creating it needs --first-name and --last-name too (the server said: POST `},
	} {
		r := f.run(t, tc.args...)
		wantCode(t, r, exitFailed, tc.args...)
		if got := oneErrorLine(t, r); !strings.HasPrefix(got, tc.want) || r.stdout != "" {
			t.Errorf("%v: %s\nwant it to start with %s", tc.args, got, tc.want)
		}
	}
}
