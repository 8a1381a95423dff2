package mockserver_test

import (
	"strings"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// seededRun makes a fake with opts, uses it as a test would, and returns
// every id, key, token and event id it handed out.
func seededRun(t *testing.T, opts ...mockserver.Option) []string {
	t.Helper()
	srv := mockserver.New(opts...)
	defer srv.Close()
	p := srv.AddPartner("acme", mockserver.AllowAnonymous())
	q := srv.AddPartner("beta")
	out := []string{p.ID, p.APIKey, p.KeysAPIKey, q.ID, q.APIKey, q.KeysAPIKey, srv.AddAPIKey(p)}
	c := newClient(t, srv, p)
	u, err := c.Users.CreateOrUpdate(ctx, "ada", params)
	if err != nil {
		t.Fatal(err)
	}
	anon, err := c.Users.CreateAnonymous(ctx)
	if err != nil {
		t.Fatal(err)
	}
	k, err := c.APIKeys.Create(ctx, p.ID, "ci")
	if err != nil {
		t.Fatal(err)
	}
	rc := newWHReceiver(t, srv, func(int) int { return 200 })
	out = append(out, u.Token.Token.Reveal(), anon.PartnerID, anon.Token.Token.Reveal(), k.ID, k.Key.Reveal(), srv.AddWebhook(p, rc.URL))
	if _, err := srv.AddInterview(p, "ada", partnerapi.Interview{Title: "x"}); err != nil {
		t.Fatal(err)
	}
	srv.Advance(0)
	for _, d := range srv.Deliveries() {
		out = append(out, d.EventID)
	}
	link, _ := c.SSO.URL(u.Token.Token, nil)
	return append(out, sessionCookie(t, login(t, link)).Value)
}

func TestWithSeedMakesEveryValueReproducible(t *testing.T) {
	a := seededRun(t, mockserver.WithSeed(7))
	b := seededRun(t, mockserver.WithSeed(7))
	// ObjectIds carry a time: a seeded fake's, whatever the hour, 2025-01-01 without a start time.
	if a[0][:8] != "67748580" {
		t.Errorf("id %s; want one stamped 67748580 (2025-01-01T00:00:00Z)", a[0])
	}
	if len(a) != 15 {
		t.Fatalf("%d values: %q", len(a), a)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("value %d differs between two runs with seed 7: %q and %q", i, a[i], b[i])
		}
	}
	c := seededRun(t, mockserver.WithSeed(8))
	d := seededRun(t)
	for i := range a {
		if a[i] == c[i] || a[i] == d[i] {
			t.Errorf("value %d is the same with seed 7 as with another seed or none: %q", i, a[i])
		}
	}
	// The same seed with another start time: the same secrets, ObjectIds stamped with that start.
	e := seededRun(t, mockserver.WithSeed(7), mockserver.WithStartTime(time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC)))
	if e[0][:8] != "71a2eb00" || e[1] != a[1] {
		t.Errorf("with a start time: id %s (want stamped 71a2eb00, 2030-06-01), key %s (want %s)", e[0], e[1], a[1])
	}
}

// No key a fake makes is its admin token, even when a seed would draw it:
// the fake draws another. A snapshot holding a key equal to the admin
// token is refused, without the key in the error.
func TestWithSeedNeverHandsOutTheAdminToken(t *testing.T) {
	a := mockserver.New(mockserver.WithoutListener(), mockserver.WithSeed(1))
	defer a.Close()
	drawn := a.AddPartner("acme")
	token := drawn.APIKey

	b := mockserver.New(mockserver.WithoutListener(), mockserver.WithSeed(1), mockserver.WithAdminToken(token))
	defer b.Close()
	p := b.AddPartner("acme")
	if p.APIKey == token || p.KeysAPIKey == token {
		t.Errorf("a fake with admin token %q handed it out as a key: %+v", token, p)
	}
	if p.ID != drawn.ID {
		t.Errorf("the same seed made partner %s, then %s", drawn.ID, p.ID)
	}

	var snap strings.Builder
	if err := a.Snapshot(&snap); err != nil {
		t.Fatal(err)
	}
	err := b.Restore(strings.NewReader(snap.String()))
	if err == nil || !strings.Contains(err.Error(), "the control plane's admin token") {
		t.Errorf("Restore of a snapshot holding the admin token as a key: %v; want it refused", err)
	} else if strings.Contains(err.Error(), token) {
		t.Errorf("the error shows the token: %v", err)
	}
	if got := b.Partners(); len(got) != 1 || got[0].APIKey != p.APIKey {
		t.Errorf("after the refused Restore, partners %+v; want %+v unchanged", got, p)
	}
}
