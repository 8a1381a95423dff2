package mockserver_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	partnerapi "github.com/partnerapi/go-partnerapi"
)

var objectIDRe = regexp.MustCompile(`^[0-9a-f]{24}$`)
var keyRe = regexp.MustCompile(`^[0-9a-f]{32}$`)
var tcTimeRe = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.(\d{6})\+00:00$`)

func TestAPIKeyLifecycle(t *testing.T) {
	f := newFixture(t)
	keys := f.client.APIKeys
	created, err := keys.Create(ctx, f.p.ID, "new-key")
	if err != nil {
		t.Fatal(err)
	}
	if !objectIDRe.MatchString(created.ID) || !keyRe.MatchString(created.Key.Reveal()) ||
		created.Name != "new-key" || created.Partner != f.p.ID || created.Removed {
		t.Fatalf("created %+v", created)
	}
	if !objectIDRe.MatchString(f.p.ID) || !keyRe.MatchString(f.p.APIKey) || !keyRe.MatchString(f.p.KeysAPIKey) || f.p.APIKey == f.p.KeysAPIKey {
		t.Errorf("partner %+v: want an ObjectId and two distinct 32-hex keys", f.p)
	}

	got, err := keys.Get(ctx, f.p.ID, created.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := *created
	want.CreatedAt = created.CreatedAt.Truncate(time.Millisecond)
	if diff := cmp.Diff(want, *got); diff != "" {
		t.Errorf("get (-want +got):\n%s", diff)
	}

	name := "new-name"
	renamed, err := keys.Update(ctx, f.p.ID, created.ID, &partnerapi.APIKeyUpdate{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	want.Name = name
	if diff := cmp.Diff(want, *renamed); diff != "" {
		t.Errorf("update (-want +got):\n%s", diff)
	}

	if err := keys.Delete(ctx, f.p.ID, created.ID); err != nil {
		t.Fatal(err)
	}
	// DELETE is idempotent.
	if err := keys.Delete(ctx, f.p.ID, created.ID); err != nil {
		t.Errorf("deleting again: %v; want 200", err)
	}
	gone, err := keys.Get(ctx, f.p.ID, created.ID, nil)
	if err != nil || !gone.Removed {
		t.Errorf("a removed key reads as %+v, %v", gone, err)
	}
	a := raw(t, f.srv, "DELETE", keysPath(f.p.ID, created.ID), "", "Authorization", "key "+f.p.KeysAPIKey)
	if a.status != 200 || string(a.body) != "{}" {
		t.Errorf("DELETE answered %d %s; want 200 {}", a.status, a.body)
	}
}

func TestAPIKeyCreatedAtPrecision(t *testing.T) {
	// Start at the docs' example instant; the clock runs on in real time.
	f := newFixture(t)
	auth := []string{"Authorization", "key " + f.p.KeysAPIKey, "Content-Type", "application/json"}
	a := raw(t, f.srv, "POST", keysPath(f.p.ID), `{"name":"new-key"}`, auth...)
	if a.status != http.StatusCreated {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	var post map[string]any
	if err := json.Unmarshal(a.body, &post); err != nil {
		t.Fatal(err)
	}
	postAt, _ := post["created_at"].(string)
	if !tcTimeRe.MatchString(postAt) {
		t.Fatalf("POST created_at %q; want six fractional digits and +00:00", postAt)
	}
	id := post["id"].(string)

	for _, path := range []string{keysPath(f.p.ID, id), keysPath(f.p.ID) + "?ids=" + id} {
		a = raw(t, f.srv, "GET", path, "", auth...)
		body := strings.TrimSuffix(strings.TrimPrefix(string(a.body), "["), "]")
		var doc map[string]any
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatalf("GET %s: %s", path, a.body)
		}
		readAt, _ := doc["created_at"].(string)
		m := tcTimeRe.FindStringSubmatch(readAt)
		if m == nil || !strings.HasSuffix(m[1], "000") {
			t.Errorf("GET %s created_at %q; want milliseconds shown as six digits ending 000", path, readAt)
		}
		pt, _ := time.Parse("2006-01-02T15:04:05.000000-07:00", postAt)
		rt, _ := time.Parse("2006-01-02T15:04:05.000000-07:00", readAt)
		if !rt.Equal(pt.Truncate(time.Millisecond)) {
			t.Errorf("read %s is not the create time %s truncated to milliseconds", readAt, postAt)
		}
	}
}

func TestListIDsFilter(t *testing.T) {
	f := newFixture(t)
	var ids []string
	for _, n := range []string{"a", "b", "c"} {
		k, err := f.client.APIKeys.Create(ctx, f.p.ID, n)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, k.ID)
	}
	all, err := f.client.APIKeys.List(ctx, f.p.ID, nil)
	if err != nil || len(all) != 4 {
		t.Fatalf("list: %d keys, %v; want 4", len(all), err)
	}
	got, err := f.client.APIKeys.List(ctx, f.p.ID, &partnerapi.ListAPIKeysOptions{IDs: []string{ids[2], ids[0], "0123456789abcdef01234567"}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, k := range got {
		names = append(names, k.Name)
	}
	sort.Strings(names)
	if diff := cmp.Diff([]string{"a", "c"}, names); diff != "" {
		t.Errorf("ids filter (-want +got):\n%s", diff)
	}
	// Upper-case ids match too.
	got, _ = f.client.APIKeys.List(ctx, f.p.ID, &partnerapi.ListAPIKeysOptions{IDs: []string{upper(ids[1])}})
	if len(got) != 1 || got[0].Name != "b" {
		t.Errorf("upper-case id: %+v", got)
	}
	for _, bad := range []string{"", "nothex", ids[0] + ",", ids[0] + ",,", "," + ids[0]} {
		a := raw(t, f.srv, "GET", keysPath(f.p.ID)+"?ids="+url.QueryEscape(bad), "", "Authorization", "key "+f.p.KeysAPIKey)
		if a.status != 400 || decodeV1Error(t, a).Error != "HTTPBadRequest" {
			t.Errorf("ids=%q: %d %s; want 400", bad, a.status, a.body)
		}
	}
}

func TestFieldsSchema(t *testing.T) {
	f := newFixture(t)
	auth := []string{"Authorization", "key " + f.p.KeysAPIKey}
	// Through the SDK: only the fields asked for come back.
	got, err := f.client.APIKeys.List(ctx, f.p.ID, &partnerapi.ListAPIKeysOptions{Fields: []string{"id", "name"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID == "" || got[0].Name != "default" || got[0].Key.Reveal() != "" || got[0].Partner != "" || !got[0].CreatedAt.IsZero() {
		t.Errorf("fields id,name: %+v", got)
	}
	// On the wire: exactly those keys, on each element, for GET one, POST and PATCH too.
	keysOf := func(body []byte) [][]string {
		var docs []map[string]any
		if len(body) > 0 && body[0] == '{' {
			body = append(append([]byte("["), body...), ']')
		}
		if err := json.Unmarshal(body, &docs); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		var out [][]string
		for _, d := range docs {
			var ks []string
			for k := range d {
				ks = append(ks, k)
			}
			sort.Strings(ks)
			out = append(out, ks)
		}
		return out
	}
	a := raw(t, f.srv, "POST", keysPath(f.p.ID)+"?fields-schema=key,removed", `{"name":"x"}`, auth...)
	if a.status != 201 || !cmp.Equal(keysOf(a.body), [][]string{{"key", "removed"}}) {
		t.Errorf("POST with fields-schema: %d %s", a.status, a.body)
	}
	a = raw(t, f.srv, "GET", keysPath(f.p.ID)+"?fields-schema=id", "", auth...)
	if !cmp.Equal(keysOf(a.body), [][]string{{"id"}, {"id"}}) {
		t.Errorf("list with fields-schema=id: %s", a.body)
	}
	var one []map[string]any
	_ = json.Unmarshal(a.body, &one)
	id := one[0]["id"].(string)
	a = raw(t, f.srv, "GET", keysPath(f.p.ID, id)+"?fields-schema=created_at,partner", "", auth...)
	if !cmp.Equal(keysOf(a.body), [][]string{{"created_at", "partner"}}) {
		t.Errorf("get with fields-schema: %s", a.body)
	}
	a = raw(t, f.srv, "PATCH", keysPath(f.p.ID, id)+"?fields-schema=name", `{"name":"y"}`, auth...)
	if a.status != 200 || string(a.body) != `{"name": "y"}` { // spaced as TicketsCloud's docs print JSON
		t.Errorf("PATCH with fields-schema: %d %s", a.status, a.body)
	}

	for _, bad := range []string{
		"", ",", "id,", ",id", "id,,name", "id{", "id{}", "id}", "{id}", "id name", "id{name}",
		"nope", "id,nope", "created_at{a,b{c}}", strings.Repeat("a{", 40) + "b" + strings.Repeat("}", 40),
		"na%me", "id;name",
		// A field named twice, at either level, with or without braces.
		"id,id", "partner{id},partner", "partner,partner{id}", "partner{id,id}", "partner{id},partner{name}",
	} {
		path := keysPath(f.p.ID) + "?fields-schema=" + url.QueryEscape(bad)
		a := raw(t, f.srv, "GET", path, "", auth...)
		if a.status != 400 || decodeV1Error(t, a).Error != "HTTPBadRequest" {
			t.Errorf("fields-schema=%q: %d %s; want 400 HTTPBadRequest", bad, a.status, a.body)
		}
	}
	// A bad schema on POST creates nothing.
	before, _ := f.client.APIKeys.List(ctx, f.p.ID, nil)
	a = raw(t, f.srv, "POST", keysPath(f.p.ID)+"?fields-schema=zzz", `{"name":"z"}`, auth...)
	after, _ := f.client.APIKeys.List(ctx, f.p.ID, nil)
	if a.status != 400 || len(after) != len(before) {
		t.Errorf("POST with a bad fields-schema: %d, %d keys before and %d after", a.status, len(before), len(after))
	}
	// Two of them are ambiguous.
	if a := raw(t, f.srv, "GET", keysPath(f.p.ID)+"?fields-schema=id&fields-schema=name", "", auth...); a.status != 400 {
		t.Errorf("fields-schema twice: %d; want 400", a.status)
	}
}

func TestAPIKeyBadRequests(t *testing.T) {
	f := newFixture(t)
	auth := []string{"Authorization", "key " + f.p.KeysAPIKey, "Content-Type", "application/json"}
	k, err := f.client.APIKeys.Create(ctx, f.p.ID, "k")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		method, path, body string
		status             int
	}{
		{"POST", keysPath(f.p.ID), `{"name":""}`, 400},
		{"POST", keysPath(f.p.ID), `{"name":"   "}`, 400},
		{"POST", keysPath(f.p.ID), `{}`, 400},
		{"POST", keysPath(f.p.ID), ``, 400},
		{"POST", keysPath(f.p.ID), `{"name":null}`, 400},
		{"POST", keysPath(f.p.ID), `{"name":5}`, 400},
		{"POST", keysPath(f.p.ID), `{"name":"x","removed":true}`, 400},
		{"POST", keysPath(f.p.ID), `{"name":"x"} {}`, 400},
		{"POST", keysPath(f.p.ID), `["name"]`, 400},
		{"POST", keysPath(f.p.ID), `{"name":`, 400},
		{"PATCH", keysPath(f.p.ID, k.ID), `{"name":""}`, 400},
		{"PATCH", keysPath(f.p.ID, k.ID), `{"key":"0123"}`, 400},
		{"PATCH", keysPath(f.p.ID, k.ID), `{"removed":false}`, 400},
		{"GET", keysPath("not-an-objectid"), ``, 400},
		{"GET", keysPath(f.p.ID, "not-an-objectid"), ``, 400},
		{"GET", keysPath(f.p.ID, "0123456789abcdef01234567"), ``, 404},
		{"DELETE", keysPath(f.p.ID, "0123456789abcdef01234567"), ``, 404},
		{"GET", keysPath(f.p.ID, k.ID, "extra"), ``, 404},
		{"GET", "/v1/resources/partners/" + f.p.ID + "/users", ``, 404},
		{"GET", "/v1/resources", ``, 404},
		{"GET", "/v1/", ``, 404},
		{"PUT", keysPath(f.p.ID), `{"name":"x"}`, 405},
		{"DELETE", keysPath(f.p.ID), ``, 405},
		{"POST", keysPath(f.p.ID, k.ID), `{"name":"x"}`, 405},
		{"GET", keysPath(f.p.ID) + "?ids=%zz", ``, 400},
	}
	for _, c := range cases {
		a := raw(t, f.srv, c.method, c.path, c.body, auth...)
		if a.status != c.status {
			t.Errorf("%s %s %s: %d %s; want %d", c.method, c.path, c.body, a.status, a.body, c.status)
			continue
		}
		e := decodeV1Error(t, a)
		if want := map[int]string{400: "HTTPBadRequest", 404: "HTTPNotFound", 405: "HTTPMethodNotAllowed"}[c.status]; e.Error != want {
			t.Errorf("%s %s: error %q; want %q", c.method, c.path, e.Error, want)
		}
	}
	// PATCH without a name changes nothing and answers the key.
	if a := raw(t, f.srv, "PATCH", keysPath(f.p.ID, k.ID), `{}`, auth...); a.status != 200 || !strings.Contains(string(a.body), `"name": "k"`) {
		t.Errorf("PATCH {}: %d %s", a.status, a.body)
	}
	// The keys API takes JSON only.
	a := raw(t, f.srv, "POST", keysPath(f.p.ID), "name=x", "Authorization", "key "+f.p.KeysAPIKey, "Content-Type", "application/x-www-form-urlencoded")
	if a.status != http.StatusUnsupportedMediaType || decodeV1Error(t, a).Error != "HTTPUnsupportedMediaType" {
		t.Errorf("form body on /v1: %d %s; want 415", a.status, a.body)
	}
	// Too large, in the v1 shape.
	a = raw(t, f.srv, "POST", keysPath(f.p.ID), `{"name":"`+strings.Repeat("n", 1<<20)+`"}`, auth...)
	if a.status != 413 || decodeV1Error(t, a).Error != "HTTPRequestEntityTooLarge" {
		t.Errorf("huge body on /v1: %d %s; want 413 HTTPRequestEntityTooLarge", a.status, a.body)
	}
	// The SDK sees unknown keys as ErrNotFound.
	if _, err := f.client.APIKeys.Get(ctx, f.p.ID, "0123456789abcdef01234567", nil); !errors.Is(err, partnerapi.ErrNotFound) {
		t.Errorf("unknown key id: %v; want ErrNotFound", err)
	}
}

func TestKeyNamesRoundTrip(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{"crm", "ünïcødé ☃", `quote " and \ backslash`, "<script>&", "line\u2028sep"} {
		k, err := f.client.APIKeys.Create(ctx, f.p.ID, name)
		if err != nil {
			t.Fatalf("create %q: %v", name, err)
		}
		got, err := f.client.APIKeys.Get(ctx, f.p.ID, k.ID, nil)
		if err != nil || got.Name != name {
			t.Errorf("name %q read back as %q, %v", name, got.Name, err)
		}
	}
}
