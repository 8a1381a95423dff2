package mockserver_test

import (
	"errors"
	"net/http"
	"testing"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

func TestAuthFailures(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "u1")
	key, keysKey := f.p.APIKey, f.p.KeysAPIKey
	usersPath := "/api/users/u1/tracks"
	v1 := keysPath(f.p.ID)
	cases := []struct {
		name, path string
		auth       []string // Authorization values; none: header absent
	}{
		{"api: missing", usersPath, nil},
		{"api: empty", usersPath, []string{""}},
		{"api: unknown key", usersPath, []string{"0123456789abcdef0123456789abcdef"}},
		{"api: key scheme", usersPath, []string{"key " + key}},
		{"api: bearer scheme", usersPath, []string{"Bearer " + key}},
		{"api: key in upper case", usersPath, []string{upper(key)}},
		{"api: two headers", usersPath, []string{key, key}},
		{"api: the partner's TicketsCloud key", usersPath, []string{keysKey}},
		{"v1: missing", v1, nil},
		{"v1: raw key, no scheme", v1, []string{keysKey}},
		{"v1: bearer scheme", v1, []string{"Bearer " + keysKey}},
		{"v1: unknown key", v1, []string{"key 0123456789abcdef0123456789abcdef"}},
		{"v1: scheme only", v1, []string{"key"}},
		{"v1: keyx scheme", v1, []string{"keyx " + keysKey}},
		{"v1: the organization's Big Interview key", v1, []string{"key " + key}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var h []string
			for _, v := range c.auth {
				h = append(h, "Authorization", v)
			}
			a := raw(t, f.srv, "GET", c.path, "", h...)
			if a.status != http.StatusUnauthorized {
				t.Fatalf("%d %s; want 401", a.status, a.body)
			}
			if c.path == v1 {
				if e := decodeV1Error(t, a); e.Error != "HTTPUnauthorized" {
					t.Errorf("v1 error %q; want HTTPUnauthorized", e.Error)
				}
			} else if e := decodeAPIError(t, a); e.Error.Type != "unauthorized" {
				t.Errorf("api error type %q; want unauthorized", e.Error.Type)
			}
		})
	}
	// Unauthenticated requests are 401 even on paths that do not exist.
	if a := raw(t, f.srv, "GET", "/api/nothing-here", ""); a.status != 401 {
		t.Errorf("unknown /api path without a key: %d; want 401", a.status)
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

func TestV1SchemeIsCaseInsensitive(t *testing.T) {
	f := newFixture(t)
	for _, scheme := range []string{"key", "Key", "KEY", "kEy"} {
		a := raw(t, f.srv, "GET", keysPath(f.p.ID), "", "Authorization", scheme+" "+f.p.KeysAPIKey)
		if a.status != 200 {
			t.Errorf("scheme %q: %d %s; want 200", scheme, a.status, a.body)
		}
	}
}

func TestCrossPartnerIsForbidden(t *testing.T) {
	f := newFixture(t)
	other := f.srv.AddPartner("other")
	_, err := f.client.APIKeys.List(ctx, other.ID, nil)
	e := apiErr(t, err)
	if e.StatusCode != http.StatusForbidden || e.Type != "HTTPForbidden" || !errors.Is(err, partnerapi.ErrForbidden) {
		t.Fatalf("listing another partner's keys: %v; want 403 HTTPForbidden", err)
	}
	// Its keys are out of reach by id too, whatever the method.
	keys, err := newClient(t, f.srv, other).APIKeys.List(ctx, other.ID, nil)
	if err != nil || len(keys) != 1 {
		t.Fatalf("other's own list: %v, %v", keys, err)
	}
	if _, err := f.client.APIKeys.Get(ctx, other.ID, keys[0].ID, nil); !errors.Is(err, partnerapi.ErrForbidden) {
		t.Errorf("get: %v; want 403", err)
	}
	if err := f.client.APIKeys.Delete(ctx, other.ID, keys[0].ID); !errors.Is(err, partnerapi.ErrForbidden) {
		t.Errorf("delete: %v; want 403", err)
	}
	// A partner that does not exist is just as forbidden.
	if _, err := f.client.APIKeys.List(ctx, "0123456789abcdef01234567", nil); !errors.Is(err, partnerapi.ErrForbidden) {
		t.Errorf("a partner that does not exist: %v; want 403", err)
	}
	// And its own key cannot be reached through the right partner either.
	if _, err := f.client.APIKeys.Get(ctx, f.p.ID, keys[0].ID, nil); !errors.Is(err, partnerapi.ErrNotFound) {
		t.Errorf("another partner's key id under one's own partner: %v; want 404", err)
	}
}

func TestKeysAuthenticateTheirOwnCompanyOnly(t *testing.T) {
	f := newFixture(t)
	created, err := f.client.APIKeys.Create(ctx, f.p.ID, "second")
	if err != nil {
		t.Fatal(err)
	}
	// A key made through /v1 is a TicketsCloud key: the keys API takes it,
	// the users API does not know it.
	second := newClient(t, f.srv, f.p, partnerapi.WithKeysAPIKey(created.Key.Reveal()))
	if _, err := second.APIKeys.List(ctx, f.p.ID, nil); err != nil {
		t.Fatalf("keys API with the new key: %v", err)
	}
	onUsersAPI, err := partnerapi.NewClient(created.Key.Reveal(), partnerapi.WithBaseURL(f.srv.URL), partnerapi.WithRetry(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := onUsersAPI.Users.CreateOrUpdate(ctx, "made-with-second", params); !errors.Is(err, partnerapi.ErrUnauthorized) {
		t.Errorf("users API with a TicketsCloud key: %v; want 401", err)
	}

	if err := f.client.APIKeys.Delete(ctx, f.p.ID, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := second.APIKeys.List(ctx, f.p.ID, nil); !errors.Is(err, partnerapi.ErrUnauthorized) {
		t.Errorf("keys API with a removed key: %v; want 401", err)
	}
	keys, err := f.client.APIKeys.List(ctx, f.p.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[1].ID != created.ID || !keys[1].Removed || keys[0].Removed {
		t.Errorf("after removal the list is %+v; want both keys, the second removed", keys)
	}

	// A key can remove itself; the answer still comes, then it is refused
	// on /v1 — and the organization's Big Interview key works on as before.
	if err := f.client.APIKeys.Delete(ctx, f.p.ID, keys[0].ID); err != nil {
		t.Fatalf("removing the key in use: %v", err)
	}
	if _, err := f.client.APIKeys.List(ctx, f.p.ID, nil); !errors.Is(err, partnerapi.ErrUnauthorized) {
		t.Errorf("after removing itself: %v; want 401", err)
	}
	f.mustCreate(t, "still-works")
}
