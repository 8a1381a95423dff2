package mockserver_test

import (
	"errors"
	"strings"
	"testing"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

func TestNewClient(t *testing.T) {
	f := newFixture(t)
	// Each API on its own key: both work.
	c, err := f.srv.NewClient(f.p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Users.CreateOrUpdate(ctx, "u1", params); err != nil {
		t.Errorf("users API: %v", err)
	}
	if _, err := c.APIKeys.List(ctx, f.p.ID, nil); err != nil {
		t.Errorf("keys API: %v", err)
	}

	// Retries wait milliseconds: two 503s are retried through, and a run of
	// them gives up after the default retries, in well under the SDK's
	// default first wait of a quarter second each.
	f.srv.Fail(mockserver.Fault{Status: 503, Times: 2})
	if _, err := c.Users.Tracks(ctx, "u1"); err != nil {
		t.Errorf("after two 503s: %v", err)
	}
	before := len(f.srv.Requests())
	f.srv.Fail(mockserver.Fault{Status: 503, Times: -1})
	_, err = c.Users.Tracks(ctx, "u1")
	f.srv.ClearFaults()
	if e := apiErr(t, err); e.StatusCode != 503 || e.Attempts != partnerapi.DefaultMaxRetries+1 {
		t.Errorf("a run of 503s: %v after %d attempts; want %d", err, e.Attempts, partnerapi.DefaultMaxRetries+1)
	}
	if n := len(f.srv.Requests()) - before; n != partnerapi.DefaultMaxRetries+1 {
		t.Errorf("%d requests; want %d", n, partnerapi.DefaultMaxRetries+1)
	}

	// The caller's options come last.
	once, err := f.srv.NewClient(f.p, partnerapi.WithRetry(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Fail(mockserver.Fault{Status: 503})
	if _, err := once.Users.Tracks(ctx, "u1"); apiErr(t, err).Attempts != 1 {
		t.Errorf("WithRetry(0, 0, 0) last: %v", err)
	}

	// A partner of another server, or none, is an error, naming no key.
	other := newFixture(t)
	for _, p := range []*mockserver.Partner{other.p, nil} {
		if c, err := f.srv.NewClient(p); err == nil || c != nil {
			t.Errorf("NewClient(%v) = %v, %v; want an error", p, c, err)
		} else if p != nil && (strings.Contains(err.Error(), p.APIKey) || strings.Contains(err.Error(), p.KeysAPIKey)) {
			t.Errorf("the error shows a key: %v", err)
		}
	}
	// A bad option is NewClient's error.
	if _, err := f.srv.NewClient(f.p, partnerapi.WithRetry(-1, 0, 0)); !errors.Is(err, partnerapi.ErrInvalidArgument) {
		t.Errorf("bad option: %v", err)
	}

	// Without a listener it goes through Transport.
	mem := mockserver.New(mockserver.WithoutListener())
	defer mem.Close()
	mp := mem.AddPartner("mem")
	mc, err := mem.NewClient(mp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mc.Users.CreateOrUpdate(ctx, "in-memory", params); err != nil {
		t.Errorf("in memory: %v", err)
	}
	if ps, err := mc.Partners.List(ctx, nil); err != nil || len(ps) != 1 || ps[0].ID != mp.ID {
		t.Errorf("in memory, partners: %+v, %v", ps, err)
	}
	if n := len(mem.Requests()); n != 2 {
		t.Errorf("the in-memory fake saw %d requests; want 2", n)
	}
}
