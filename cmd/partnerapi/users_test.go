package main

import (
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
	derived := partnerid.Derive("ann@example.com")
	f.createUser(t, derived)
	if err := f.srv.SetProgress(f.p, derived, "Fast Track", 1); err != nil {
		t.Fatal(err)
	}
	r := f.run(t, "users", "tracks", "ann@example.com")
	wantCode(t, r, 2) // an invalid partner_id is refused before any request
	oneErrorLine(t, r)
	r = f.run(t, "users", "tracks", "ann@example.com", "--derive-ids", "--json")
	wantCode(t, r, 0)
	var tracks []partnerapi.Track
	decodeJSON(t, r.stdout, '[', &tracks)
	if len(tracks) != 2 || tracks[0].Title != "Fast Track" || tracks[0].Progress != 0.2 || !tracks[0].Steps[0].Completed {
		t.Fatalf("not the tracks of %s: %+v", derived, tracks)
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
