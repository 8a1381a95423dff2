package partnerapi_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// newSeededFake returns a fake whose ids, keys and times are the same on
// every run (WithSeed, WithStartTime), with partner "xyz", and a client for
// it.
func newSeededFake() (*mockserver.Server, *mockserver.Partner, *partnerapi.Client) {
	srv := mockserver.New(mockserver.WithSeed(1), mockserver.WithStartTime(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p)
	if err != nil {
		log.Fatal(err)
	}
	return srv, p, client
}

// List returns the partner's keys, removed ones included; IDs and Fields
// narrow the answer, and "partner{id,name}" expands the key's partner.
func ExampleAPIKeysService_List() {
	srv, p, client := newSeededFake()
	defer srv.Close()
	ctx := context.Background()
	if _, err := client.APIKeys.Create(ctx, p.ID, "crm"); err != nil {
		log.Fatal(err)
	}

	keys, err := client.APIKeys.List(ctx, p.ID, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, k := range keys {
		fmt.Println(k.ID, k.Name, k.Key, k.CreatedAt.Format(time.DateOnly), k.Removed)
	}

	keys, err = client.APIKeys.List(ctx, p.ID, &partnerapi.ListAPIKeysOptions{
		IDs:    []string{keys[1].ID},
		Fields: []string{"id", "name", "partner{id,name}"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(keys), keys[0].Name, keys[0].Partner, keys[0].PartnerInfo.Name)
	// Output:
	// 67748580ff1c207d8fa2a9e9 default [REDACTED] 2025-01-01 false
	// 67748580ff1c207d8fa2a9ea crm [REDACTED] 2025-01-01 false
	// 1 crm 67748580ff1c207d8fa2a9e8 xyz
}

// Get reads one key, whole or narrowed by Fields; an unknown id is
// ErrNotFound.
func ExampleAPIKeysService_Get() {
	srv, p, client := newSeededFake()
	defer srv.Close()
	ctx := context.Background()
	created, err := client.APIKeys.Create(ctx, p.ID, "crm")
	if err != nil {
		log.Fatal(err)
	}

	key, err := client.APIKeys.Get(ctx, p.ID, created.ID, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(key.ID, key.Name, key.Partner, key.Key.Reveal() == created.Key.Reveal())

	key, err = client.APIKeys.Get(ctx, p.ID, created.ID, &partnerapi.GetAPIKeyOptions{Fields: []string{"name"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q %q\n", key.ID, key.Name) // only the fields asked for

	_, err = client.APIKeys.Get(ctx, p.ID, "0123456789abcdef01234567", nil)
	fmt.Println(errors.Is(err, partnerapi.ErrNotFound))
	// Output:
	// 67748580ff1c207d8fa2a9ea crm 67748580ff1c207d8fa2a9e8 true
	// "" "crm"
	// true
}

// Create makes a key; the answer holds the new credential, which prints as
// [REDACTED] and is read with Reveal where it is stored. The new key works
// at once.
func ExampleAPIKeysService_Create() {
	srv, p, client := newSeededFake()
	defer srv.Close()
	ctx := context.Background()

	key, err := client.APIKeys.Create(ctx, p.ID, "crm")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(key.ID, key.Name, key.Removed)
	fmt.Printf("printed: %v, revealed: %d hex digits\n", key.Key, len(key.Key.Reveal()))

	viaNewKey, err := srv.NewClient(p, partnerapi.WithKeysAPIKey(key.Key.Reveal()))
	if err != nil {
		log.Fatal(err)
	}
	keys, err := viaNewKey.APIKeys.List(ctx, p.ID, nil)
	fmt.Println(len(keys), err)
	// Output:
	// 67748580ff1c207d8fa2a9ea crm false
	// printed: [REDACTED], revealed: 32 hex digits
	// 2 <nil>
}

// Update renames a key: only the fields set in the APIKeyUpdate are sent.
func ExampleAPIKeysService_Update() {
	srv, p, client := newSeededFake()
	defer srv.Close()
	ctx := context.Background()
	key, err := client.APIKeys.Create(ctx, p.ID, "crm")
	if err != nil {
		log.Fatal(err)
	}

	name := "crm-production"
	key, err = client.APIKeys.Update(ctx, p.ID, key.ID, &partnerapi.APIKeyUpdate{Name: &name})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(key.ID, key.Name)
	// Output: 67748580ff1c207d8fa2a9ea crm-production
}

// Delete removes a key: it stops authenticating at once, and is still
// listed, with Removed set.
func ExampleAPIKeysService_Delete() {
	srv, p, client := newSeededFake()
	defer srv.Close()
	ctx := context.Background()
	key, err := client.APIKeys.Create(ctx, p.ID, "crm")
	if err != nil {
		log.Fatal(err)
	}

	if err := client.APIKeys.Delete(ctx, p.ID, key.ID); err != nil {
		log.Fatal(err)
	}
	removed, err := client.APIKeys.Get(ctx, p.ID, key.ID, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(removed.Name, "removed:", removed.Removed)

	viaRemovedKey, err := srv.NewClient(p, partnerapi.WithKeysAPIKey(key.Key.Reveal()))
	if err != nil {
		log.Fatal(err)
	}
	_, err = viaRemovedKey.APIKeys.List(ctx, p.ID, nil)
	fmt.Println(errors.Is(err, partnerapi.ErrUnauthorized))
	// Output:
	// crm removed: true
	// true
}
