package mockserver_test

import (
	"errors"
	"strings"
	"testing"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

func TestBigInterviewKeysAreManagedByTheAdminArea(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "u1")
	extra := f.srv.AddAPIKey(f.p)
	if !keyRe.MatchString(extra) || extra == f.p.APIKey || extra == f.p.KeysAPIKey {
		t.Fatalf("AddAPIKey gave %q", extra)
	}
	// Any key of the organization sees the whole organization, on /api only.
	viaExtra, err := partnerapi.NewClient(extra, partnerapi.WithBaseURL(f.srv.URL), partnerapi.WithKeysAPIKey(extra), partnerapi.WithRetry(0, 0, 0)) // the Big Interview key offered to both APIs
	if err != nil {
		t.Fatal(err)
	}
	if _, err := viaExtra.Users.Tracks(ctx, "u1"); err != nil {
		t.Fatalf("the second Big Interview key: %v", err)
	}
	if _, err := viaExtra.APIKeys.List(ctx, f.p.ID, nil); !errors.Is(err, partnerapi.ErrUnauthorized) {
		t.Errorf("a Big Interview key on /v1: %v; want 401", err)
	}
	// It is not a TicketsCloud key: the keys API does not list it.
	keys, err := f.client.APIKeys.List(ctx, f.p.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if k.Key.Reveal() == extra || k.Key.Reveal() == f.p.APIKey {
			t.Errorf("the keys API lists a Big Interview key: %+v", k)
		}
	}

	// Removed, it is refused from the next request on; the first key is not.
	if err := f.srv.RemoveAPIKey(f.p, extra); err != nil {
		t.Fatal(err)
	}
	if _, err := viaExtra.Users.Tracks(ctx, "u1"); !errors.Is(err, partnerapi.ErrUnauthorized) {
		t.Errorf("a removed Big Interview key: %v; want 401", err)
	}
	if _, err := f.client.Users.Tracks(ctx, "u1"); err != nil {
		t.Errorf("the first key after removing another: %v", err)
	}

	// What RemoveAPIKey refuses, and why.
	other := f.srv.AddPartner("other")
	for _, c := range []struct {
		name string
		p    *mockserver.Partner
		key  string
		want string
	}{
		{"removed twice", f.p, extra, "not a live Big Interview key"},
		{"another organization's key", f.p, other.APIKey, "not a live Big Interview key"},
		{"the TicketsCloud key", f.p, f.p.KeysAPIKey, "TicketsCloud key"},
		{"a partner of no server", &mockserver.Partner{ID: "0123456789abcdef01234567"}, f.p.APIKey, "no partner"},
		{"nil", nil, f.p.APIKey, "nil *Partner"},
	} {
		err := f.srv.RemoveAPIKey(c.p, c.key)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want an error saying %q", c.name, err, c.want)
		}
		if err != nil && c.key != "" && strings.Contains(err.Error(), c.key) {
			t.Errorf("%s: the error repeats the key: %v", c.name, err)
		}
	}
	if err := f.srv.RemoveAPIKey(other, other.APIKey); err != nil {
		t.Fatal(err)
	}
	if a := raw(t, f.srv, "GET", "/api/users/u1/tracks", "", "Authorization", other.APIKey); a.status != 401 {
		t.Errorf("the removed first key of another org: %d; want 401", a.status)
	}

	// AddAPIKey on a partner of no server is a setup mistake.
	defer func() {
		if r := recover(); r == nil {
			t.Error("AddAPIKey of an unknown partner did not panic")
		}
	}()
	f.srv.AddAPIKey(&mockserver.Partner{ID: "0123456789abcdef01234567"})
}
