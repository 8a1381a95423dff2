package main

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

var keyLineRe = regexp.MustCompile(`^[0-9a-f]{32}\n$`)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// keyID returns the id of the fixture partner's first key.
func (f *fixture) keyID(t *testing.T) string {
	t.Helper()
	keys, err := f.sdk(t, f.p.KeysAPIKey).APIKeys.List(context.Background(), f.p.ID, nil)
	if err != nil || len(keys) == 0 {
		t.Fatalf("listing keys: %v", err)
	}
	return keys[0].ID
}

func TestKeysListMasksSecrets(t *testing.T) {
	f := newFixture(t)
	id := f.keyID(t)

	r := f.run(t, "keys", "list")
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, id) || !strings.Contains(r.stdout, f.p.KeysAPIKey[:4]+"…") || !strings.Contains(r.stdout, "in use") {
		t.Fatalf("keys list:\n%s", r.stdout)
	}

	r = f.run(t, "keys", "list", "--json")
	wantCode(t, r, 0)
	var keys []keyView
	decodeJSON(t, r.stdout, '[', &keys)
	if len(keys) != 1 || keys[0].ID != id || keys[0].Key != f.p.KeysAPIKey[:4]+"…" || keys[0].Partner != f.p.ID || keys[0].Name != "default" {
		t.Fatalf("keys list --json: %+v", keys)
	}
}

// Each company takes its own key: the keys commands run on the
// TicketsCloud key alone, and refuse to run on the Big Interview key.
func TestKeysCommandsUseTheTicketsCloudKey(t *testing.T) {
	f := newFixture(t)
	base := []string{"PARTNERAPI_BASE_URL=" + f.srv.URL, "PARTNERAPI_PARTNER=" + f.p.ID}

	r := runCLI(t, append([]string{"PARTNERAPI_KEYS_KEY=" + f.p.KeysAPIKey}, base...), f.secrets(), "", "keys", "list")
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "in use") {
		t.Fatalf("keys list on the TicketsCloud key alone:\n%s", r.stdout)
	}

	// The Big Interview key alone is never offered to the keys API.
	f.srv.ClearRequests()
	r = runCLI(t, append([]string{"PARTNERAPI_KEY=" + f.p.APIKey}, base...), f.secrets(), "", "keys", "list")
	wantCode(t, r, 2)
	if !strings.Contains(r.stderr, "no TicketsCloud key") || !strings.Contains(r.stderr, "never sent") {
		t.Fatalf("keys list on the Big Interview key: %q; want it refused before any request", r.stderr)
	}
	if n := len(f.srv.Requests()); n != 0 {
		t.Fatalf("keys list on the Big Interview key sent %d requests", n)
	}
	// Offered as the TicketsCloud key by mistake, it reaches the keys API, which refuses it.
	r = runCLI(t, append([]string{"PARTNERAPI_KEYS_KEY=" + f.p.APIKey}, base...), f.secrets(), "", "keys", "list")
	wantCode(t, r, 1)
	if !strings.Contains(r.stderr, "401") {
		t.Fatalf("keys list with the Big Interview key as --keys-key: %q; want a 401", r.stderr)
	}

	r = runCLI(t, append([]string{"PARTNERAPI_KEYS_KEY=" + f.p.KeysAPIKey}, base...), f.secrets(), "", "users", "tracks", "u1")
	wantCode(t, r, 2)
	if !strings.Contains(r.stderr, "no API key: set PARTNERAPI_KEY ") {
		t.Fatalf("users tracks without the Big Interview key: %q", r.stderr)
	}
}

func TestKeysCreateRenameDelete(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()

	r := f.run(t, "keys", "create", "ci deploy")
	wantCode(t, r, 0)
	if !keyLineRe.MatchString(r.stdout) {
		t.Fatalf("keys create: stdout is not the key alone on one line: %q", r.stdout)
	}
	newKey := strings.TrimSpace(r.stdout)
	if strings.Contains(r.stderr, newKey) {
		t.Fatalf("the new key is printed twice (stderr too):\n%s", r.stderr)
	}
	got, err := f.sdk(t, newKey).APIKeys.List(ctx, f.p.ID, nil) // the new key works
	if err != nil || len(got) != 2 {
		t.Fatalf("with the new key: %v, %d keys", err, len(got))
	}
	var newID string
	for _, k := range got {
		if k.Key.Reveal() == newKey {
			newID = k.ID
		}
	}

	// Flags after the arguments, and before.
	wantCode(t, f.run(t, "keys", "rename", newID, "renamed", "--timeout", "1m"), 0)
	k, err := f.sdk(t, f.p.KeysAPIKey).APIKeys.Get(ctx, f.p.ID, newID, nil)
	if err != nil || k.Name != "renamed" {
		t.Fatalf("after rename: %+v, %v", k, err)
	}
	wantCode(t, f.run(t, "--timeout", "1m", "keys", "delete", newID), 0)
	if _, err := f.sdk(t, newKey).APIKeys.List(ctx, f.p.ID, nil); !errors.Is(err, partnerapi.ErrUnauthorized) {
		t.Fatalf("the deleted key still works: %v", err)
	}
	r = f.run(t, "keys", "list", "--json")
	var keys []keyView
	decodeJSON(t, r.stdout, '[', &keys)
	if len(keys) != 2 || !keys[1].Removed && !keys[0].Removed {
		t.Fatalf("after delete: %+v", keys)
	}

	// A key id that does not exist: the API's 404, one line, exit 1.
	r = f.run(t, "keys", "delete", "6a7b8c9d0e1f2a3b4c5d6e7f")
	wantCode(t, r, 1)
	oneErrorLine(t, r)
}

func TestKeysRotate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	oldID := f.keyID(t)

	r := f.run(t, "keys", "rotate", oldID)
	wantCode(t, r, 0)
	if !keyLineRe.MatchString(r.stdout) {
		t.Fatalf("keys rotate: stdout is not the new key alone on one line: %q", r.stdout)
	}
	newKey := strings.TrimSpace(r.stdout)
	if _, err := f.sdk(t, f.p.KeysAPIKey).APIKeys.List(ctx, f.p.ID, nil); !errors.Is(err, partnerapi.ErrUnauthorized) {
		t.Fatalf("the old key still authenticates: %v", err)
	}
	keys, err := f.sdk(t, newKey).APIKeys.List(ctx, f.p.ID, nil)
	if err != nil {
		t.Fatalf("the new key does not work: %v", err)
	}
	var live []partnerapi.APIKey
	for _, k := range keys {
		if !k.Removed {
			live = append(live, k)
		}
	}
	if len(live) != 1 || live[0].Key.Reveal() != newKey || !strings.HasPrefix(live[0].Name, "default-rotated-") {
		t.Fatalf("live keys after rotation: %+v", live)
	}
	// The proof was a read made with the new key itself.
	proved := false
	for _, req := range f.srv.Requests() {
		if req.Method == http.MethodGet && req.Path == "/v1/resources/partners/"+f.p.ID+"/api_keys/"+live[0].ID &&
			strings.EqualFold(req.Header.Get("Authorization"), "key "+newKey) && req.Status == http.StatusOK {
			proved = true
		}
	}
	if !proved {
		t.Fatal("no authenticated read with the new key before the old one was removed")
	}
}

// When the proof fails, the new key is removed and the old one keeps
// working: the partner is never without a working key.
func TestKeysRotateProofFailureKeepsOldKey(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			oldID := f.keyID(t)
			// Only the proof reads one key by id; the lookup of the old key lists.
			f.srv.Fail(mockserver.Fault{Method: http.MethodGet, Path: "/v1/resources/partners/" + f.p.ID + "/api_keys/", Status: status, Times: -1})

			r := f.run(t, "keys", "rotate", oldID, "--name", "next")
			wantCode(t, r, 1)
			if r.stdout != "" {
				t.Fatalf("an unproven key was printed: %q", r.stdout)
			}
			msg := oneErrorLine(t, keepLines(r, "partnerapi: "))
			if !strings.Contains(msg, "failed its proof") || !strings.Contains(msg, oldID+" was kept") || !strings.Contains(msg, "was removed") {
				t.Fatalf("message: %s", msg)
			}
			f.srv.ClearFaults()
			keys, err := f.sdk(t, f.p.KeysAPIKey).APIKeys.List(ctx, f.p.ID, nil)
			if err != nil {
				t.Fatalf("the old key no longer works: %v", err)
			}
			for _, k := range keys {
				if k.Name == "next" && !k.Removed {
					t.Fatalf("the unproven key was left live: %+v", k)
				}
				if k.ID == oldID && k.Removed {
					t.Fatal("the old key was removed")
				}
			}
			if len(keys) != 2 {
				t.Fatalf("want the old key and the removed new one, got %d keys", len(keys))
			}
		})
	}
}

// keepLines keeps only the stderr lines starting with prefix (the
// progress messages of rotate are not errors).
func keepLines(r result, prefix string) result {
	var keep []string
	for _, l := range lines(r.stderr) {
		if strings.HasPrefix(l, prefix) {
			keep = append(keep, l)
		}
	}
	r.stderr = strings.Join(keep, "\n")
	return r
}

func TestKeysRotateCurrentWithMock(t *testing.T) {
	r := runCLI(t, nil, nil, "", "--mock", "keys", "rotate", "current")
	wantCode(t, r, 0)
	if !keyLineRe.MatchString(r.stdout) || !strings.Contains(r.stderr, "rotation done") {
		t.Fatalf("stdout %q\nstderr:\n%s", r.stdout, r.stderr)
	}
}

// An interrupted rotation (here --timeout, during the proof) still removes
// the unproven key: the cleanup does not run on the command's ended
// context. The old key keeps working and no live key is left unprinted.
func TestKeysRotateTimeoutRemovesUnprovenKey(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	oldID := f.keyID(t)
	// The proof (the only read of one key by id) hangs past --timeout; the
	// fake gives up on it when the CLI hangs up.
	f.srv.Fail(mockserver.Fault{Method: http.MethodGet, Path: "/v1/resources/partners/" + f.p.ID + "/api_keys/", Latency: time.Minute, Times: -1})

	r := f.run(t, "keys", "rotate", oldID, "--name", "next", "--timeout", "1s")
	wantCode(t, r, 1)
	if r.stdout != "" {
		t.Fatalf("an unproven key was printed: %q", r.stdout)
	}
	msg := oneErrorLine(t, keepLines(r, "partnerapi: "))
	if !strings.Contains(msg, "failed its proof") || !strings.Contains(msg, oldID+" was kept and still works") ||
		!strings.Contains(msg, "was removed") || strings.Contains(msg, "failed too") {
		t.Fatalf("message: %s", msg)
	}
	f.srv.ClearFaults()
	keys, err := f.sdk(t, f.p.KeysAPIKey).APIKeys.List(ctx, f.p.ID, nil)
	if err != nil {
		t.Fatalf("the old key no longer works: %v", err)
	}
	if len(keys) != 2 {
		t.Fatalf("want the old key and the removed new one, got %+v", keys)
	}
	for _, k := range keys {
		switch {
		case k.ID == oldID && k.Removed:
			t.Fatal("the old key was removed")
		case k.ID != oldID && !k.Removed:
			t.Fatalf("the unproven key %s (%q) was left live", k.ID, k.Name)
		}
	}
}

// An SDK error inside a message does not repeat the "partnerapi: " prefix:
// the exact line of a failed proof.
func TestKeysRotateProofFailureMessage(t *testing.T) {
	f := newFixture(t)
	oldID := f.keyID(t)
	f.srv.Fail(mockserver.Fault{Method: http.MethodGet, Path: "/v1/resources/partners/" + f.p.ID + "/api_keys/", Status: http.StatusUnauthorized, Times: -1})
	r := f.run(t, "keys", "rotate", oldID, "--name", "next")
	wantCode(t, r, 1)
	m := regexp.MustCompile(`(?m)^created key ([0-9a-f]{24}) \("next"\)$`).FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no created line:\n%s", r.stderr)
	}
	newID := m[1]
	want := "partnerapi: the new key " + newID + " failed its proof (GET " + f.srv.URL + "/v1/resources/partners/" + f.p.ID + "/api_keys/" + newID +
		": 401 Unauthorized (HTTPUnauthorized): injected fault); key " + oldID + " was kept and still works; the unproven key " + newID + " was removed"
	if got := oneErrorLine(t, keepLines(r, "partnerapi: ")); got != want {
		t.Fatalf("message:\n got %s\nwant %s", got, want)
	}
}

// Deleting a key removed already says so, exit 0, and sends no DELETE.
func TestKeysDeleteAlreadyRemoved(t *testing.T) {
	f := newFixture(t)
	r := f.run(t, "keys", "create", "temp")
	wantCode(t, r, 0)
	m := regexp.MustCompile(`created key ([0-9a-f]{24})`).FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no created line:\n%s", r.stderr)
	}
	id := m[1]
	r = f.run(t, "keys", "delete", id)
	wantCode(t, r, 0)
	if got := strings.TrimSpace(r.stderr); got != `removed key `+id+` ("temp"); it no longer authenticates` {
		t.Fatalf("first delete: %q", got)
	}
	before := len(f.srv.Requests())
	r = f.run(t, "keys", "delete", id)
	wantCode(t, r, 0)
	if got := strings.TrimSpace(r.stderr); got != `key `+id+` ("temp") was already removed; nothing to do` {
		t.Fatalf("second delete: %q", got)
	}
	for _, req := range f.srv.Requests()[before:] {
		if req.Method == http.MethodDelete {
			t.Fatalf("a DELETE was sent for a removed key: %+v", req)
		}
	}
}

func TestRotatedName(t *testing.T) {
	at := mustTime(t, "2025-01-02T03:04:05Z")
	for in, want := range map[string]string{
		"default":                          "default-rotated-20250102T030405Z",
		"ci-rotated-20240101T000000Z":      "ci-rotated-20250102T030405Z",
		"-rotated-20240101T000000Z":        "-rotated-20240101T000000Z-rotated-20250102T030405Z",
		"  ":                               "key-rotated-20250102T030405Z",
		"prod (eu)-rotated-20240101T00000": "prod (eu)-rotated-20250102T030405Z",
	} {
		if got := rotatedName(in, at); got != want {
			t.Errorf("rotatedName(%q) = %q, want %q", in, got, want)
		}
	}
}
