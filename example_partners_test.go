package partnerapi_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

// A TicketsCloud key sees its own partner: List is how its holder finds the
// partner ObjectId that the APIKeys methods take.
func ExamplePartnersService_List() {
	srv, _, client := newSeededFake()
	defer srv.Close()

	partners, err := client.Partners.List(context.Background(), nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range partners {
		fmt.Println(p.ID, p.Name, p.Roles, p.CreatedAt.Format(time.DateOnly))
	}
	// Output: 67748580ff1c207d8fa2a9e8 xyz [agent] 2025-01-01
}

// Get reads the key's own partner, whole or narrowed by Fields; another
// partner's is ErrForbidden.
func ExamplePartnersService_Get() {
	srv, p, client := newSeededFake()
	defer srv.Close()
	ctx := context.Background()

	partner, err := client.Partners.Get(ctx, p.ID, &partnerapi.GetPartnerOptions{Fields: []string{"id", "name"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(partner.ID, partner.Name)

	other := srv.AddPartner("other")
	_, err = client.Partners.Get(ctx, other.ID, nil)
	fmt.Println(errors.Is(err, partnerapi.ErrForbidden))
	// Output:
	// 67748580ff1c207d8fa2a9e8 xyz
	// true
}
