package scenario_test

import (
	"context"
	"testing"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

// A TicketsCloud key's holder finds its partner ObjectId by listing the
// partners its key may see.
func TestPartnerLookup(t *testing.T) {
	eachTarget(t, func(t *testing.T, tg target) {
		if tg.partner == "" {
			t.Skip("no partner ObjectId: set PARTNERAPI_PARTNER to run the partner scenario")
		}
		ctx := context.Background()
		partners, err := tg.client.Partners.List(ctx, &partnerapi.ListPartnersOptions{Fields: []string{"id", "name"}})
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		found := false
		for _, p := range partners {
			found = found || p.ID == tg.partner
		}
		if !found {
			t.Fatalf("the key's own partner %s is not among %+v", tg.partner, partners)
		}
		p, err := tg.client.Partners.Get(ctx, tg.partner, nil)
		if err != nil || p.ID != tg.partner || p.Name == "" {
			t.Fatalf("get: %+v, %v", p, err)
		}
	})
}
