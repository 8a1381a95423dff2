package mockserver_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// A fake restored from a snapshot answers as the one that wrote it: the
// same partners and keys, users with their tokens, progress and
// interviews, sessions, webhooks, faults and clock.
func TestSnapshotRestoreRoundTrip(t *testing.T) {
	f := newFixture(t, mockserver.AllowAnonymous())
	u := f.mustCreate(t, "ada")
	if err := f.srv.SetProgress(f.p, "ada", "Mastery Track", 1, 3); err != nil {
		t.Fatal(err)
	}
	iv, err := f.srv.AddInterview(f.p, "ada", partnerapi.Interview{Title: "Top 10", Completed: true})
	if err != nil {
		t.Fatal(err)
	}
	extra := f.srv.AddAPIKey(f.p)
	ck, err := f.client.APIKeys.Create(ctx, f.p.ID, "ci")
	if err != nil {
		t.Fatal(err)
	}
	anon, err := f.client.Users.CreateAnonymous(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.srv.AddWebhookWithKey(f.p, "http://127.0.0.1:1/hook", "hook-key")
	f.srv.Fail(mockserver.Fault{Path: "/v1/", Status: 429, Times: 3})
	f.srv.Advance(3 * time.Hour)
	link, _ := f.client.SSO.URL(u.Token.Token, nil)
	session := sessionCookie(t, login(t, link))

	var snap bytes.Buffer
	if err := f.srv.Snapshot(&snap); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(snap.Bytes(), []byte(`{"version":1,`)) {
		t.Errorf("snapshot starts %.40s", snap.Bytes())
	}
	srv := mockserver.New(mockserver.WithStartTime(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)))
	t.Cleanup(srv.Close)
	if err := srv.Restore(bytes.NewReader(snap.Bytes())); err != nil {
		t.Fatal(err)
	}
	if d := srv.Now().Sub(f.srv.Now()); d < -time.Second || d > time.Second {
		t.Errorf("restored clock %v; the original's %v", srv.Now(), f.srv.Now())
	}
	ps := srv.Partners()
	if len(ps) != 1 || *ps[0] != *f.p {
		t.Fatalf("partners %+v; want %+v", ps, f.p)
	}
	c := newClient(t, srv, ps[0])
	tracks, err := c.Users.Tracks(ctx, "ada")
	if err != nil || !tracks[1].Steps[0].Completed || !tracks[1].Steps[2].Completed || tracks[1].Steps[1].Completed {
		t.Errorf("progress: %+v %v", tracks, err)
	}
	ivs, err := c.Users.Interviews(ctx, "ada")
	if err != nil || len(ivs) != 1 || ivs[0] != iv {
		t.Errorf("interviews: %+v %v; want %+v", ivs, err, iv)
	}
	if su, err := srv.User(ps[0], "ada"); err != nil || su.FirstName != "Ada" || su.Email != "ada@example.com" {
		t.Errorf("stored user: %+v %v", su, err)
	}
	if _, err := srv.User(ps[0], anon.PartnerID); err != nil {
		t.Errorf("the anonymous user: %v", err)
	}
	if a := raw(t, srv, "GET", "/api/users/ada/tracks", "", "Authorization", extra); a.status != 200 {
		t.Errorf("the extra Big Interview key: %d", a.status)
	}
	// The SSO token and the session both still work.
	link2 := strings.Replace(link, f.srv.URL, srv.URL, 1)
	if a := login(t, link2); a.status != 302 {
		t.Errorf("the token after restore: %d", a.status)
	}
	page := raw(t, srv, "GET", "/members/dashboard", "", "Cookie", session.String())
	if page.status != 200 || !strings.Contains(string(page.body), ">ada<") {
		t.Errorf("the session after restore: %d", page.status)
	}
	if hooks, _ := srv.Webhooks(ps[0]); len(hooks) != 1 || hooks[0].VerificationKey != "hook-key" {
		t.Errorf("webhooks %+v", hooks)
	}
	if afs := srv.Faults(); len(afs) != 1 || afs[0].Remaining != 3 || afs[0].Status != 429 {
		t.Errorf("faults %+v", afs)
	}
	srv.ClearFaults()
	keys, err := c.APIKeys.List(ctx, ps[0].ID, nil)
	if err != nil || len(keys) != 2 || keys[1].ID != ck.ID || keys[1].Key.Reveal() != ck.Key.Reveal() || !keys[1].CreatedAt.Equal(ck.CreatedAt.Truncate(time.Millisecond)) {
		t.Errorf("TicketsCloud keys: %+v %v", keys, err)
	}
	// New ids go on from where the original's stood: no id twice.
	nk, err := c.APIKeys.Create(ctx, ps[0].ID, "after")
	if err != nil || nk.ID == ck.ID || nk.ID == ps[0].ID {
		t.Errorf("a key made after the restore: %+v %v", nk, err)
	}
	iv2, err := srv.AddInterview(ps[0], "ada", partnerapi.Interview{Title: "next"})
	if err != nil || iv2.ID <= iv.ID {
		t.Errorf("an interview after the restore: %+v %v", iv2, err)
	}
	// Reset goes back to the snapshot's start, not the new fake's.
	srv.Reset()
	if !srv.Now().Before(start.Add(time.Minute)) {
		t.Errorf("after Reset the clock reads %v; want the snapshot's start %v", srv.Now(), start)
	}
}

func TestRestoreRefusesBadSnapshotsAndChangesNothing(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "ada")
	var good bytes.Buffer
	if err := f.srv.Snapshot(&good); err != nil {
		t.Fatal(err)
	}
	edit := func(fn func(m map[string]any)) string {
		var m map[string]any
		if err := json.Unmarshal(good.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		fn(m)
		b, _ := json.Marshal(m)
		return string(b)
	}
	partner0 := func(m map[string]any) map[string]any { return m["partners"].([]any)[0].(map[string]any) }
	user0 := func(m map[string]any) map[string]any { return partner0(m)["users"].([]any)[0].(map[string]any) }
	for _, c := range []struct{ name, snap, says string }{
		{"empty", "", "not valid JSON"},
		{"truncated", good.String()[:good.Len()/2], "ends early"},
		{"not JSON", "version: 1", "not valid JSON"},
		{"no version", `{"partners":[]}`, `no "version"`},
		{"newer", edit(func(m map[string]any) { m["version"] = 2 }), "version 2, newer than this fake reads (1)"},
		{"version zero", edit(func(m map[string]any) { m["version"] = 0 }), "not a version number"},
		{"unknown field", edit(func(m map[string]any) { m["extra"] = true }), `unknown field "extra"`},
		{"trailing data", good.String() + "{}", "after top-level value"},
		{"bad partner id", edit(func(m map[string]any) { partner0(m)["id"] = "xyz" }), `partners[0].id: "xyz" is not an ObjectId`},
		{"bad org", edit(func(m map[string]any) { partner0(m)["org"] = "a b" }), "partners[0].org"},
		{"bad token", edit(func(m map[string]any) { user0(m)["token"] = "abc" }), "partners[0].users[0].token: not 64 hex digits"},
		{"bad partner_id", edit(func(m map[string]any) { user0(m)["partner_id"] = "a/b" }), "partners[0].users[0].partner_id"},
		{"unknown track", edit(func(m map[string]any) { user0(m)["completed"] = map[string]any{"Slow Track": []int{1}} }), `no guided track "Slow Track"`},
		{"unknown step", edit(func(m map[string]any) { user0(m)["completed"] = map[string]any{"Fast Track": []int{9}} }), "steps 1 to 5, not 9"},
		{"one key for both companies", edit(func(m map[string]any) {
			p := partner0(m)
			p["keys"].([]any)[0].(map[string]any)["key"] = p["api_keys"].([]any)[0]
		}), "the same key as partners[0].api_keys[0]"},
		{"bad fault", edit(func(m map[string]any) {
			m["faults"] = []any{map[string]any{"id": 1, "status": 99, "remaining": 1}}
			m["last_fault_id"] = 1
		}), "faults[0].status: 99"},
		{"bad duration", edit(func(m map[string]any) {
			m["faults"] = []any{map[string]any{"id": 1, "status": 503, "latency": "soon", "remaining": 1}}
		}), "invalid duration"},
	} {
		err := f.srv.Restore(strings.NewReader(c.snap))
		if err == nil || !strings.HasPrefix(err.Error(), "mockserver: Restore: ") || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v; want an error saying %q", c.name, err, c.says)
		}
	}
	if _, err := f.client.Users.Tracks(ctx, "ada"); err != nil {
		t.Errorf("a refused snapshot changed the fake: %v", err)
	}
	if ps := f.srv.Partners(); len(ps) != 1 || *ps[0] != *f.p {
		t.Errorf("partners after the refusals: %+v", ps)
	}
}

// Two fakes made alike and used alike write the same snapshot, but for
// the clock: a snapshot is data a test can keep and compare.
func TestSnapshotIsDeterministicWithASeed(t *testing.T) {
	snap := func() map[string]any {
		srv := mockserver.New(mockserver.WithSeed(42), mockserver.WithStartTime(start))
		defer srv.Close()
		p := srv.AddPartner("acme")
		c := newClient(t, srv, p)
		for _, id := range []string{"u1", "u2"} {
			if _, err := c.Users.CreateOrUpdate(ctx, id, params); err != nil {
				t.Fatal(err)
			}
		}
		var b bytes.Buffer
		if err := srv.Snapshot(&b); err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		json.Unmarshal(b.Bytes(), &m)
		delete(m, "clock")
		for _, p := range m["partners"].([]any) {
			for _, u := range p.(map[string]any)["users"].([]any) {
				u := u.(map[string]any)
				delete(u, "created_at")
				delete(u, "token_expires_at")
			}
			for _, k := range p.(map[string]any)["keys"].([]any) {
				delete(k.(map[string]any), "created_at")
			}
			delete(p.(map[string]any), "created_at")
		}
		return m
	}
	a, b := snap(), snap()
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("two seeded runs differ:\n%s\n%s", ja, jb)
	}
}
