package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/partnerid"
)

func TestUsersTracks(t *testing.T) {
	f := newFixture(t)
	f.createUser(t, "u1")
	if err := f.srv.SetProgress(f.p, "u1", "Fast Track", 1, 2); err != nil {
		t.Fatal(err)
	}
	r := f.run(t, "users", "tracks", "u1")
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "Fast Track: 40% (2/5 steps)") || !strings.Contains(r.stdout, "[x] 1. Tell me about yourself") { // the docs' first Fast Track step
		t.Fatalf("tracks:\n%s", r.stdout)
	}
	// --json before or after the argument: the same bare array.
	for _, args := range [][]string{{"users", "tracks", "u1", "--json"}, {"--json", "users", "tracks", "u1"}, {"users", "--json", "tracks", "u1"}} {
		r = f.run(t, args...)
		wantCode(t, r, 0, args...)
		var tracks []partnerapi.Track
		decodeJSON(t, r.stdout, '[', &tracks)
		if len(tracks) != 2 || tracks[0].Title != "Fast Track" || tracks[0].Progress != 0.4 || !tracks[0].Steps[1].Completed {
			t.Fatalf("%v: %+v", args, tracks)
		}
	}
}

func TestUsersInterviews(t *testing.T) {
	f := newFixture(t)
	f.createUser(t, "u1")
	r := f.run(t, "users", "interviews", "u1", "--json")
	wantCode(t, r, 0)
	if strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("no interviews: want [], got %q", r.stdout)
	}
	iv, err := f.srv.AddInterview(f.p, "u1", partnerapi.Interview{Title: "Top 10 Questions", InterviewerName: "Jordan", Completed: true})
	if err != nil {
		t.Fatal(err)
	}
	r = f.run(t, "users", "interviews", "--json", "u1")
	wantCode(t, r, 0)
	var ivs []partnerapi.Interview
	decodeJSON(t, r.stdout, '[', &ivs)
	if len(ivs) != 1 || ivs[0].ID != iv.ID || ivs[0].Title != "Top 10 Questions" || !ivs[0].Completed {
		t.Fatalf("interviews: %+v", ivs)
	}
	r = f.run(t, "users", "interviews", "u1")
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "Top 10 Questions") || !strings.Contains(r.stdout, "Jordan") {
		t.Fatalf("interviews table:\n%s", r.stdout)
	}
}

func TestUsersNotFoundIsOneLine(t *testing.T) {
	f := newFixture(t)
	for _, cmd := range []string{"tracks", "interviews"} {
		r := f.run(t, "users", cmd, "nobody")
		wantCode(t, r, 1)
		if r.stdout != "" || !strings.Contains(oneErrorLine(t, r), "404") {
			t.Fatalf("users %s nobody: stdout %q stderr %q", cmd, r.stdout, r.stderr)
		}
	}
}

// A user synced with --derive-ids is found by its original id.
func TestUsersDeriveIDs(t *testing.T) {
	f := newFixture(t)
	f.createUser(t, partnerid.Derive("ann@example.com"))
	r := f.run(t, "users", "tracks", "ann@example.com")
	wantCode(t, r, 2) // an invalid partner_id is refused before any request
	oneErrorLine(t, r)
	r = f.run(t, "users", "tracks", "ann@example.com", "--derive-ids", "--json")
	wantCode(t, r, 0)
}

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

func TestMockDemo(t *testing.T) {
	r := runCLI(t, nil, nil, "", "--mock", "users", "tracks", "ada-lovelace", "--json")
	wantCode(t, r, 0)
	var tracks []partnerapi.Track
	decodeJSON(t, r.stdout, '[', &tracks)
	if len(tracks) != 2 || tracks[0].Progress == 0 {
		t.Fatalf("demo tracks: %+v", tracks)
	}
	r = runCLI(t, nil, nil, "", "users", "interviews", "ada-lovelace", "--mock")
	wantCode(t, r, 0)
	if len(lines(r.stdout)) != 3 { // header and two interviews
		t.Fatalf("demo interviews:\n%s", r.stdout)
	}
	r = runCLI(t, nil, nil, "", "keys", "list", "--mock", "--json")
	wantCode(t, r, 0)
	var keys []keyView
	decodeJSON(t, r.stdout, '[', &keys)
	if len(keys) != 1 || !strings.HasSuffix(keys[0].Key, "…") {
		t.Fatalf("demo keys: %+v", keys)
	}
	r = runCLI(t, nil, nil, "", "sso-link", "ada-lovelace", "--mock")
	wantCode(t, r, 0)
	if ls := lines(r.stdout); len(ls) != 1 || !strings.Contains(ls[0], "/sso/login?token=") {
		t.Fatalf("demo sso-link: %q", r.stdout)
	}
}

// Text from the server is printed in tables with its control characters
// (ESC, C0, DEL, C1, bidi overrides) replaced, so it cannot drive the
// terminal; --json keeps it as it is, escaped by encoding/json.
func TestUsersTablesStripControlCharacters(t *testing.T) {
	f := newFixture(t)
	f.createUser(t, "u1")
	const evil = "Top\x1b[31m 10\x07\u009b2J\x7f\u202eQ\tz\r\nend"
	if _, err := f.srv.AddInterview(f.p, "u1", partnerapi.Interview{Title: evil, InterviewerName: "Jo\x1b]0;pwned\x07rdan",
		Links: partnerapi.InterviewLinks{Review: "/r\x1b[2J"}}); err != nil {
		t.Fatal(err)
	}
	r := f.run(t, "users", "interviews", "u1")
	wantCode(t, r, 0)
	for _, bad := range []string{"\x1b", "\x07", "\u009b", "\x7f", "\u202e", "\t", "\r"} {
		if strings.Contains(r.stdout, bad) {
			t.Errorf("table holds %q:\n%q", bad, r.stdout)
		}
	}
	for _, want := range []string{"Top\uFFFD[31m 10\uFFFD\uFFFD2J\uFFFD\uFFFDQ\uFFFDz end", "Jo\uFFFD]0;pwned\uFFFDrdan", "/r\uFFFD[2J"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table does not show %q:\n%q", want, r.stdout)
		}
	}
	r = f.run(t, "users", "interviews", "u1", "--json")
	wantCode(t, r, 0)
	var ivs []partnerapi.Interview
	decodeJSON(t, r.stdout, '[', &ivs)
	if len(ivs) != 1 || ivs[0].Title != evil || strings.Contains(r.stdout, "\x1b") {
		t.Fatalf("--json: %q", r.stdout)
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
