package scenario_test

import (
	"context"
	"errors"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

func TestAPIKeyLifecycle(t *testing.T) {
	eachTarget(t, func(t *testing.T, tg target) {
		if tg.partner == "" {
			t.Skip("no partner ObjectId: set PARTNERAPI_PARTNER to run the API-key scenario")
		}
		ctx := context.Background()
		keys := tg.client.APIKeys

		created, err := keys.Create(ctx, tg.partner, "scenario")
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		if created.Name != "scenario" || created.Partner != tg.partner || created.Removed || len(created.Key.Reveal()) == 0 {
			t.Fatalf("create answered %+v", created)
		}

		got, err := keys.Get(ctx, tg.partner, created.ID, nil)
		if err != nil {
			t.Fatalf("get: %v", err)
		}
		if !got.CreatedAt.Equal(created.CreatedAt.Truncate(time.Millisecond)) {
			t.Errorf("created_at read back as %s; want the create time %s truncated to milliseconds",
				got.CreatedAt.Format(time.RFC3339Nano), created.CreatedAt.Format(time.RFC3339Nano))
		}

		listed, err := keys.List(ctx, tg.partner, &partnerapi.ListAPIKeysOptions{IDs: []string{created.ID}, Fields: []string{"id", "name"}})
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		if len(listed) != 1 || listed[0].ID != created.ID || listed[0].Name != "scenario" || listed[0].Key.Reveal() != "" {
			t.Fatalf("list by id with fields id,name: %+v", listed)
		}

		// fields-schema expands the partner reference into the partner's fields.
		expanded, err := keys.Get(ctx, tg.partner, created.ID, &partnerapi.GetAPIKeyOptions{Fields: []string{"id", "partner{id,name}"}})
		if err != nil {
			t.Fatalf("get with partner{id,name}: %v", err)
		}
		if expanded.Partner != tg.partner || expanded.PartnerInfo == nil || expanded.PartnerInfo.ID != tg.partner || expanded.PartnerInfo.Name == "" {
			t.Fatalf("get with partner{id,name}: %+v, partner %+v; want the partner expanded", expanded, expanded.PartnerInfo)
		}

		name := "scenario-renamed"
		renamed, err := keys.Update(ctx, tg.partner, created.ID, &partnerapi.APIKeyUpdate{Name: &name})
		if err != nil || renamed.Name != name {
			t.Fatalf("rename: %+v, %v", renamed, err)
		}

		// The new key authenticates until it is removed, and not a moment after.
		withNew, err := partnerapi.NewClient(created.Key.Reveal(), tg.keysOpt...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := withNew.APIKeys.Get(ctx, tg.partner, created.ID, nil); err != nil {
			t.Fatalf("the new key does not authenticate: %v", err)
		}
		if err := keys.Delete(ctx, tg.partner, created.ID); err != nil {
			t.Fatalf("delete: %v", err)
		}
		gone, err := keys.Get(ctx, tg.partner, created.ID, nil)
		if err != nil || !gone.Removed {
			t.Fatalf("a deleted key reads back as %+v, %v; want it listed as removed", gone, err)
		}
		if tg.fake != nil { // the real service's behaviour for removed keys is not documented
			if _, err := withNew.APIKeys.Get(ctx, tg.partner, created.ID, nil); !errors.Is(err, partnerapi.ErrUnauthorized) {
				t.Errorf("a removed key still authenticates: %v", err)
			}
		}
	})
}
