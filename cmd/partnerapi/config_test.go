package main

import (
	"strings"
	"testing"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

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
