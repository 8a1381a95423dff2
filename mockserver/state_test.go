package mockserver_test

import (
	"testing"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

func TestAddPartnerKeyIsListedAndRenamable(t *testing.T) {
	f := newFixture(t)
	keys, err := f.client.APIKeys.List(ctx, f.p.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0].Key.Reveal() != f.p.KeysAPIKey || keys[0].Partner != f.p.ID || keys[0].Removed {
		t.Fatalf("AddPartner's key listed as %+v", keys)
	}
	name := "renamed"
	if k, err := f.client.APIKeys.Update(ctx, f.p.ID, keys[0].ID, &partnerapi.APIKeyUpdate{Name: &name}); err != nil || k.Name != name {
		t.Fatalf("rename: %+v, %v", k, err)
	}
}
