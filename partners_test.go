package partnerapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// docPartner is the partner of the TicketsCloud v1 partners page's example
// (GET /v1/resources/partners/535fb19bdca6a9d1638f2007), as the server
// prints it; its "user" is not among the documented fields.
const docPartner = `{
    "channels": "Все доступные каналы распространения",
    "contact": {
        "address": "г.Москва, ул. Берсеневский переулок, 2с1",
        "email": "info@nanobilet.ru",
        "id": null,
        "phones": ["+79101002030"],
        "www": "http://nanobilet.ru"
    },
    "created_at": null,
    "desc": "Первый агент системы",
    "director": "Егор Егерев",
    "id": "535fb19bdca6a9d1638f2007",
    "legal": null,
    "name": "Nanobilet",
    "removed": false,
    "roles": ["agent"],
    "tags": ["музыка", "вечеринки", "концерты"],
    "updated_at": null,
    "user": {"created_at": null, "email": "ag@tc.ru", "first_name": "Егор", "id": "535fb11ddca6a9d1638f2006",
             "last_name": "Егерев", "partners": ["535fb19bdca6a9d1638f2007"], "tags": [], "updated_at": null}
}`

// docOrganizer is the first partner of the same page's list example.
const docOrganizer = `{"channels": null, "contact": {}, "created_at": null, "desc": null, "director": null,
 "id": "5357b929f51600525c9e1396", "legal": null, "name": "Organizator", "removed": false, "roles": ["org"], "tags": [],
 "updated_at": null}`

var wantDocPartner = Partner{
	ID: seedPartner, Name: "Nanobilet", Desc: "Первый агент системы", Director: "Егор Егерев",
	Channels: "Все доступные каналы распространения",
	Contact: &PartnerContact{
		Address: "г.Москва, ул. Берсеневский переулок, 2с1", Email: "info@nanobilet.ru",
		Phones: []string{"+79101002030"}, WWW: "http://nanobilet.ru",
	},
	Roles: []string{"agent"}, Tags: []string{"музыка", "вечеринки", "концерты"},
}

func TestPartnersGetGolden(t *testing.T) {
	rec := &recorder{next: answer(200, docPartner)}
	c, mux := setup(t, WithKeysAPIKey(ticketsCloudKey))
	mux.Handle("/", rec)
	got, err := c.Partners.Get(context.Background(), seedPartner, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(&wantDocPartner, got); d != "" {
		t.Errorf("the documented partner decodes as (-want +got):\n%s", d)
	}
	if !got.CreatedAt.IsZero() || !got.UpdatedAt.IsZero() || got.Legal != nil {
		t.Errorf("null times and legal: %v, %v, %v; want zero", got.CreatedAt, got.UpdatedAt, got.Legal)
	}
	r := rec.requests()[0]
	if r.Method != "GET" || r.Path != "/v1/resources/partners/"+seedPartner || r.RawQuery != "" {
		t.Errorf("request %s %s?%s; want the documented GET /v1/resources/partners/%s", r.Method, r.Path, r.RawQuery, seedPartner)
	}
	checkCommonHeaders(t, r, "key "+ticketsCloudKey, false)
}

func TestPartnersListGolden(t *testing.T) {
	rec := &recorder{next: answer(200, "["+docOrganizer+", "+docPartner+"]")}
	c, mux := setup(t, WithKeysAPIKey(ticketsCloudKey))
	mux.Handle("/", rec)
	got, err := c.Partners.List(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	organizer := Partner{ID: "5357b929f51600525c9e1396", Name: "Organizator", Contact: &PartnerContact{}, Roles: []string{"org"}, Tags: []string{}}
	if d := cmp.Diff([]Partner{organizer, wantDocPartner}, got); d != "" {
		t.Errorf("the documented list decodes as (-want +got):\n%s", d)
	}
	if r := rec.requests()[0]; r.Path != "/v1/resources/partners" || r.RawQuery != "" {
		t.Errorf("request %s?%s; want GET /v1/resources/partners", r.Path, r.RawQuery)
	}

	// ids and fields-schema, encoded as for API keys: literal commas, braces escaped.
	_, err = c.Partners.List(context.Background(), &ListPartnersOptions{
		IDs: []string{seedPartner, "5357b929f51600525c9e1396"}, Fields: []string{"id", "name"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := rec.requests()[1]; r.RawQuery != "ids="+seedPartner+",5357b929f51600525c9e1396&fields-schema=id,name" {
		t.Errorf("query %q", r.RawQuery)
	}
	rec.next = answer(200, docPartner)
	if _, err := c.Partners.Get(context.Background(), seedPartner, &GetPartnerOptions{Fields: []string{"id", "contact{email}"}}); err != nil {
		t.Fatal(err)
	}
	if r := rec.requests()[2]; r.RawQuery != "fields-schema=id,contact%7Bemail%7D" {
		t.Errorf("query %q", r.RawQuery)
	}
}

func TestPartnersArgumentErrors(t *testing.T) {
	c, rt := noIOClient(t)
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"Get: not an ObjectId": func() error { _, err := c.Partners.Get(ctx, "nanobilet", nil); return err },
		"Get: empty":           func() error { _, err := c.Partners.Get(ctx, "", nil); return err },
		"Get: bad field": func() error {
			_, err := c.Partners.Get(ctx, seedPartner, &GetPartnerOptions{Fields: []string{"a b"}})
			return err
		},
		"List: bad id in IDs": func() error { _, err := c.Partners.List(ctx, &ListPartnersOptions{IDs: []string{"x"}}); return err },
		"List: empty field":   func() error { _, err := c.Partners.List(ctx, &ListPartnersOptions{Fields: []string{""}}); return err },
		"List: id with a slash": func() error {
			_, err := c.Partners.List(ctx, &ListPartnersOptions{IDs: []string{"535fb19bdca6a9d1638f200/"}})
			return err
		},
	} {
		if err := call(); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: %v; want ErrInvalidArgument", name, err)
		}
	}
	if n := rt.n.Load(); n != 0 {
		t.Errorf("%d requests sent for argument errors", n)
	}
}

func TestPartnersErrors(t *testing.T) {
	c, mux := setup(t)
	mux.Handle("/", answer(403, `{"error": "HTTPForbidden", "reason": "this API key may not read another partner"}`))
	_, err := c.Partners.Get(context.Background(), seedPartner, nil)
	var e *Error
	if !errors.Is(err, ErrForbidden) || !errors.As(err, &e) || e.Type != "HTTPForbidden" {
		t.Errorf("another partner: %v; want an *Error matching ErrForbidden", err)
	}
}

func TestPartnersServicePrintsNoCredential(t *testing.T) {
	c := canaryClient(t)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		checkNoLeak(t, "PartnersService "+verb, fmt.Sprintf(verb, c.Partners))
		checkNoLeak(t, "*PartnersService "+verb, fmt.Sprintf(verb, *c.Partners))
	}
}

func TestAPIKeyPartnerReference(t *testing.T) {
	for _, tc := range []struct {
		name        string
		partner     string // the "partner" member, "" to leave it out
		wantPartner string
		wantInfo    *Partner
	}{
		{"an id, as by default", `"` + seedPartner + `"`, seedPartner, nil},
		{"expanded", `{"id": "` + seedPartner + `", "name": "Nanobilet"}`, seedPartner, &Partner{ID: seedPartner, Name: "Nanobilet"}},
		{"expanded without its id", `{"name": "Nanobilet"}`, "", &Partner{Name: "Nanobilet"}},
		{"expanded in full", docPartner, seedPartner, &wantDocPartner},
		{"null", `null`, "", nil},
		{"left out by fields-schema", ``, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"id": "` + seedKeyID + `", "key": "48de25a3c7f84996bc3c183c640f9948", "name": "new-key", "removed": true, "created_at": "2014-08-18T10:42:28.288000+00:00"`
			if tc.partner != "" {
				body += `, "partner": ` + tc.partner
			}
			body += "}"
			var k APIKey
			if err := json.Unmarshal([]byte(body), &k); err != nil {
				t.Fatal(err)
			}
			want := APIKey{
				ID: seedKeyID, Key: NewSecret("48de25a3c7f84996bc3c183c640f9948"), Name: "new-key", Removed: true,
				CreatedAt: time.Date(2014, 8, 18, 10, 42, 28, 288_000_000, time.UTC),
				Partner:   tc.wantPartner, PartnerInfo: tc.wantInfo,
			}
			if d := cmp.Diff(want, k); d != "" {
				t.Errorf("decoded (-want +got):\n%s", d)
			}
		})
	}
	// Decoding into a used value resets the reference.
	k := APIKey{Partner: "stale", PartnerInfo: &Partner{ID: "stale"}}
	if err := json.Unmarshal([]byte(`{"id": "`+seedKeyID+`"}`), &k); err != nil || k.Partner != "" || k.PartnerInfo != nil {
		t.Errorf("reused value: %+v, %v", k, err)
	}
	for _, bad := range []string{`5`, `true`, `["x"]`, `{"id": 5}`} {
		var k APIKey
		if err := json.Unmarshal([]byte(`{"partner": `+bad+`}`), &k); err == nil {
			t.Errorf("partner %s decoded as %+v; want an error", bad, k)
		}
	}
}

func TestAPIKeyExpandedThroughTheSDK(t *testing.T) {
	rec := &recorder{next: answer(200, `[{"id": "`+seedKeyID+`", "partner": {"id": "`+seedPartner+`", "name": "Nanobilet"}}]`)}
	c, mux := setup(t)
	mux.Handle("/", rec)
	keys, err := c.APIKeys.List(context.Background(), seedPartner, &ListAPIKeysOptions{Fields: []string{"id", "partner{id,name}"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0].Partner != seedPartner || keys[0].PartnerInfo == nil || keys[0].PartnerInfo.Name != "Nanobilet" {
		t.Fatalf("keys %+v", keys)
	}
	if r := rec.requests()[0]; r.RawQuery != "fields-schema=id,partner%7Bid,name%7D" {
		t.Errorf("query %q; want the braces percent-encoded, the commas literal", r.RawQuery)
	}
	rec.next = answer(200, `{"id": "`+seedKeyID+`", "partner": {"id": "`+seedPartner+`", "name": "Nanobilet"}}`)
	k, err := c.APIKeys.Get(context.Background(), seedPartner, seedKeyID, &GetAPIKeyOptions{Fields: []string{"id", "partner{id,name}"}})
	if err != nil || k.PartnerInfo == nil || k.PartnerInfo.ID != seedPartner || k.Partner != seedPartner {
		t.Fatalf("get: %+v, %v", k, err)
	}
	// A malformed reference fails the call with a decoding error.
	rec.next = answer(200, `{"id": "`+seedKeyID+`", "partner": 5}`)
	if _, err := c.APIKeys.Get(context.Background(), seedPartner, seedKeyID, nil); err == nil {
		t.Error("a numeric partner decoded without an error")
	}
}
