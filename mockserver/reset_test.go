package mockserver_test

import (
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

func TestResetKeepsPartnersAndTheirFirstKeys(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "ada")
	extra := f.srv.AddAPIKey(f.p)
	if err := f.srv.RemoveAPIKey(f.p, f.p.APIKey); err != nil {
		t.Fatal(err)
	}
	name := "renamed"
	keys, _ := f.client.APIKeys.List(ctx, f.p.ID, nil)
	if _, err := f.client.APIKeys.Update(ctx, f.p.ID, keys[0].ID, &partnerapi.APIKeyUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	ck, err := f.client.APIKeys.Create(ctx, f.p.ID, "ci")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.client.APIKeys.Delete(ctx, f.p.ID, keys[0].ID); err != nil {
		t.Fatal(err)
	}
	rc := newWHReceiver(t, f.srv, func(int) int { return 500 })
	f.srv.AddWebhook(f.p, rc.URL)
	if _, err := f.srv.AddInterview(f.p, "ada", partnerapi.Interview{Title: "x"}); err != nil {
		t.Fatal(err)
	}
	f.srv.Advance(0) // the first attempt is made, and fails: a retry is pending
	f.srv.Fail(mockserver.Fault{Path: "/nowhere", Status: 500, Times: -1})
	f.srv.Advance(72 * time.Hour)
	other := f.srv.AddPartner("added-later")

	f.srv.Reset()

	if now := f.srv.Now(); now.Before(start) || now.After(start.Add(time.Minute)) {
		t.Errorf("clock after Reset: %v; want about %v", now, start)
	}
	if ps := f.srv.Partners(); len(ps) != 2 || *ps[0] != *f.p || *ps[1] != *other {
		t.Errorf("partners after Reset: %+v", ps)
	}
	if users, _ := f.srv.Users(f.p); len(users) != 0 {
		t.Errorf("users after Reset: %+v", users)
	}
	// The first two keys work again (the removed one included), every other key is gone.
	if _, err := f.client.Users.CreateOrUpdate(ctx, "ada", params); err != nil {
		t.Errorf("the first Big Interview key after Reset: %v", err)
	}
	if a := raw(t, f.srv, "GET", "/api/users/ada/tracks", "", "Authorization", extra); a.status != 401 {
		t.Errorf("an added Big Interview key after Reset: %d; want 401", a.status)
	}
	keys, err = f.client.APIKeys.List(ctx, f.p.ID, nil)
	if err != nil || len(keys) != 1 || keys[0].Name != "default" || keys[0].Removed || keys[0].Key.Reveal() != f.p.KeysAPIKey {
		t.Errorf("TicketsCloud keys after Reset: %+v %v", keys, err)
	}
	if a := raw(t, f.srv, "GET", "/v1/resources/partners", "", "Authorization", "key "+ck.Key.Reveal()); a.status != 401 {
		t.Errorf("an added TicketsCloud key after Reset: %d; want 401", a.status)
	}
	if c := newClient(t, f.srv, other); c == nil {
		t.Error("the partner added later")
	} else if _, err := c.Partners.List(ctx, nil); err != nil {
		t.Errorf("the partner added later, after Reset: %v", err)
	}
	if len(f.srv.Faults()) != 0 || len(f.srv.Deliveries()) != 0 {
		t.Errorf("faults %v, deliveries %v after Reset", f.srv.Faults(), f.srv.Deliveries())
	}
	if hooks, _ := f.srv.Webhooks(f.p); len(hooks) != 0 {
		t.Errorf("webhooks after Reset: %+v", hooks)
	}
	if rs := f.srv.Requests(); len(rs) != 5 { // the five requests made since
		t.Errorf("journal after Reset: %d entries; want the 5 made since", len(rs))
	}
	// The pending retry was dropped: advancing past it sends nothing.
	n := len(rc.received())
	f.srv.Advance(time.Hour)
	if len(rc.received()) != n || len(f.srv.Deliveries()) != 0 {
		t.Errorf("a retry from before the Reset was made")
	}
	// Interview ids start again.
	if iv, err := f.srv.AddInterview(f.p, "ada", partnerapi.Interview{}); err != nil || iv.ID != 1 {
		t.Errorf("first interview after Reset: %+v %v", iv, err)
	}
}
