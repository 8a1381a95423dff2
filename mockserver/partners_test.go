package mockserver_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	partnerapi "github.com/partnerapi/go-partnerapi"
)

func TestPartnersSeeTheirOwn(t *testing.T) {
	f := newFixture(t)
	other := f.srv.AddPartner("other")

	// A key's holder finds its partner ObjectId.
	list, err := f.client.Partners.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := partnerapi.Partner{
		ID: f.p.ID, Name: "xyz", Contact: &partnerapi.PartnerContact{}, Roles: []string{"agent"}, Tags: []string{},
		Media: []json.RawMessage{},
	}
	// Added when the fake's clock was at its start (and ran on a little).
	addedAt := func(p *partnerapi.Partner) {
		t.Helper()
		if p.CreatedAt.Before(start) || p.CreatedAt.After(start.Add(time.Minute)) || !p.UpdatedAt.Equal(p.CreatedAt) ||
			p.CreatedAt.Nanosecond()%int(time.Millisecond) != 0 {
			t.Errorf("created_at %v, updated_at %v; want when AddPartner ran, to the millisecond", p.CreatedAt, p.UpdatedAt)
		}
		p.CreatedAt, p.UpdatedAt = time.Time{}, time.Time{}
	}
	if len(list) == 1 {
		addedAt(&list[0])
	}
	if d := cmp.Diff([]partnerapi.Partner{want}, list); d != "" {
		t.Errorf("list (-want +got):\n%s", d)
	}
	got, err := f.client.Partners.Get(ctx, f.p.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	addedAt(got)
	if d := cmp.Diff(&want, got); d != "" {
		t.Errorf("get (-want +got):\n%s", d)
	}
	if _, err := f.client.Partners.Get(ctx, strings.ToUpper(f.p.ID), nil); err != nil {
		t.Errorf("its own ObjectId in upper case: %v", err)
	}

	// Another partner, existing or not, is forbidden; asked for in a list,
	// it is left out.
	for _, id := range []string{other.ID, "0123456789abcdef01234567"} {
		if _, err := f.client.Partners.Get(ctx, id, nil); !errors.Is(err, partnerapi.ErrForbidden) {
			t.Errorf("get %s: %v; want 403", id, err)
		}
	}
	list, err = f.client.Partners.List(ctx, &partnerapi.ListPartnersOptions{IDs: []string{other.ID}})
	if err != nil || len(list) != 0 {
		t.Errorf("list with ids=another's: %+v, %v; want none", list, err)
	}
	list, err = f.client.Partners.List(ctx, &partnerapi.ListPartnersOptions{IDs: []string{other.ID, strings.ToUpper(f.p.ID)}})
	if err != nil || len(list) != 1 || list[0].ID != f.p.ID {
		t.Errorf("list with ids=another's,own: %+v, %v; want its own", list, err)
	}

	// The Big Interview key is not a TicketsCloud credential.
	bi := newClient(t, f.srv, f.p, partnerapi.WithKeysAPIKey(f.p.APIKey))
	if _, err := bi.Partners.List(ctx, nil); !errors.Is(err, partnerapi.ErrUnauthorized) {
		t.Errorf("partners with the Big Interview key: %v; want 401", err)
	}
}

func TestPartnerFieldsSchema(t *testing.T) {
	f := newFixture(t)
	auth := []string{"Authorization", "key " + f.p.KeysAPIKey}
	a := raw(t, f.srv, "GET", "/v1/resources/partners?fields-schema=name,id", "", auth...)
	if want := `[{"id": "` + f.p.ID + `", "name": "xyz"}]`; a.status != 200 || string(a.body) != want {
		t.Errorf("list with fields-schema=name,id: %d %s; want %s", a.status, a.body, want)
	}
	a = raw(t, f.srv, "GET", "/v1/resources/partners/"+f.p.ID+"?fields-schema=roles,removed", "", auth...)
	if want := `{"removed": false, "roles": ["agent"]}`; a.status != 200 || string(a.body) != want {
		t.Errorf("get with fields-schema=roles,removed: %d %s; want %s", a.status, a.body, want)
	}
	// The whole partner: every documented field, sorted, as the docs print them.
	a = raw(t, f.srv, "GET", "/v1/resources/partners/"+f.p.ID, "", auth...)
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(a.body, &doc); err != nil {
		t.Fatal(err)
	}
	var names []string
	for k := range doc {
		names = append(names, k)
	}
	sort.Strings(names)
	if d := cmp.Diff([]string{"channels", "contact", "created_at", "desc", "director", "id", "legal", "media", "name", "removed", "roles", "tags", "updated_at"}, names); d != "" {
		t.Errorf("partner fields (-want +got):\n%s", d)
	}
	for _, bad := range []string{"nope", "id{x}", "contact{email}", "name,", "user", "id,id", "name,id,name"} {
		for _, path := range []string{"/v1/resources/partners", "/v1/resources/partners/" + f.p.ID} {
			a := raw(t, f.srv, "GET", path+"?fields-schema="+url.QueryEscape(bad), "", auth...)
			if a.status != 400 || decodeV1Error(t, a).Error != "HTTPBadRequest" {
				t.Errorf("%s?fields-schema=%s: %d %s; want 400", path, bad, a.status, a.body)
			}
		}
	}
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/v1/resources/partners?ids=nope", 400},
		{"GET", "/v1/resources/partners/nope", 400},
		{"PATCH", "/v1/resources/partners/" + f.p.ID, 405}, // documented, not served: the fake's partners are read-only
		{"POST", "/v1/resources/partners", 405},
		{"DELETE", "/v1/resources/partners/" + f.p.ID, 405},
	} {
		a := raw(t, f.srv, c.method, c.path, "", auth...)
		if a.status != c.status {
			t.Errorf("%s %s: %d %s; want %d", c.method, c.path, a.status, a.body, c.status)
		}
		if c.status == 405 && a.header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s %s: Allow %q", c.method, c.path, a.header.Get("Allow"))
		}
	}
}

// fields-schema braces expand the one reference a key has, its partner.
func TestKeyPartnerReferenceExpands(t *testing.T) {
	f := newFixture(t)
	auth := []string{"Authorization", "key " + f.p.KeysAPIKey, "Content-Type", "application/json"}
	schema := "?fields-schema=" + url.QueryEscape("id,partner{id,name}")
	a := raw(t, f.srv, "GET", keysPath(f.p.ID)+schema, "", auth...)
	var keys []struct{ ID string }
	_ = json.Unmarshal(a.body, &keys)
	if len(keys) != 1 {
		t.Fatalf("list: %d %s", a.status, a.body)
	}
	wantKey := `{"id": "` + keys[0].ID + `", "partner": {"id": "` + f.p.ID + `", "name": "xyz"}}`
	if a.status != 200 || string(a.body) != "["+wantKey+"]" {
		t.Errorf("list with %s: %d\n got %s\nwant [%s]", schema, a.status, a.body, wantKey)
	}
	if a := raw(t, f.srv, "GET", keysPath(f.p.ID, keys[0].ID)+schema, "", auth...); string(a.body) != wantKey {
		t.Errorf("get with %s: %s", schema, a.body)
	}
	a = raw(t, f.srv, "POST", keysPath(f.p.ID)+"?fields-schema="+url.QueryEscape("name,partner{created_at}"), `{"name":"n"}`, auth...)
	if want := regexp.MustCompile(`^\{"name": "n", "partner": \{"created_at": "2015-01-01T00:00:\d\d\.\d{3}000\+00:00"\}\}$`); a.status != 201 || !want.Match(a.body) {
		t.Errorf("create with partner{created_at}: %d %s; want %s", a.status, a.body, want)
	}
	// Braces on anything else, or inside the partner, are 400.
	for _, bad := range []string{"id{x}", "name{id}", "created_at{a}", "partner{nope}", "partner{contact{email}}", "partner{id{x}}"} {
		a := raw(t, f.srv, "GET", keysPath(f.p.ID)+"?fields-schema="+url.QueryEscape(bad), "", auth...)
		if a.status != 400 {
			t.Errorf("fields-schema=%s: %d %s; want 400", bad, a.status, a.body)
		}
	}

	// Through the SDK: PartnerInfo holds the object, Partner its id.
	got, err := f.client.APIKeys.List(ctx, f.p.ID, &partnerapi.ListAPIKeysOptions{Fields: []string{"id", "partner{id,name}"}})
	if err != nil || len(got) != 2 {
		t.Fatalf("list: %+v, %v", got, err)
	}
	for _, k := range got {
		if k.Partner != f.p.ID || k.PartnerInfo == nil || k.PartnerInfo.ID != f.p.ID || k.PartnerInfo.Name != "xyz" {
			t.Errorf("key %+v, partner %+v", k, k.PartnerInfo)
		}
	}
	plain, err := f.client.APIKeys.Get(ctx, f.p.ID, got[0].ID, nil)
	if err != nil || plain.Partner != f.p.ID || plain.PartnerInfo != nil {
		t.Errorf("without fields: %+v, %v", plain, err)
	}
	if !plain.CreatedAt.After(time.Time{}) {
		t.Errorf("created_at %v", plain.CreatedAt)
	}
}
