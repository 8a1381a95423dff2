package partnerapi

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// docOrganizer is the first partner of the list example of the page
// docPartner comes from.
const docOrganizer = `{"channels": null, "contact": {}, "created_at": null, "desc": null, "director": null,
 "id": "5357b929f51600525c9e1396", "legal": null, "name": "Organizator", "removed": false, "roles": ["org"], "tags": [],
 "updated_at": null}`

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
