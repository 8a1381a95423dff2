package partnerapi_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/url"
	"os"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// A Client for partner "xyz" of the fake, made as a program makes one for
// the real services, with the base URL of the fake instead of
// WithOrganization. (A test takes the shorter srv.NewClient(p), which also
// makes retries fast.)
func ExampleNewClient() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")

	client, err := partnerapi.NewClient(p.APIKey, // the Big Interview key: users, SSO
		partnerapi.WithKeysAPIKey(p.KeysAPIKey), // the TicketsCloud key: partners, API keys
		partnerapi.WithBaseURL(srv.URL),         // both APIs at the fake; a program: WithOrganization("xyz")
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	user, err := client.Users.CreateOrUpdate(ctx, "abc123def", &partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(user.PartnerID, "created:", user.Created, "token:", user.Token.Token)
	partners, err := client.Partners.List(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("partner:", partners[0].Name)

	// A bad key or option is refused before any request.
	_, err = partnerapi.NewClient("a key\nwith a line break")
	fmt.Println(errors.Is(err, partnerapi.ErrInvalidArgument))
	// Output:
	// abc123def created: true token: [REDACTED]
	// partner: xyz
	// true
}

// newClient makes the Client of a program that uses the real services: the
// organization's Big Interview key for users and SSO, the TicketsCloud key
// for partners and API keys. It makes no request; a missing or malformed
// key, or a bad option, is an error matching partnerapi.ErrInvalidArgument.
// Make the Client once and share it: it is safe for concurrent use.
func newClient() (*partnerapi.Client, error) {
	return partnerapi.NewClient(os.Getenv("BIGINTERVIEW_KEY"), // Big Interview: users, SSO
		partnerapi.WithOrganization("xyz"),                       // https://xyz.biginterview.com
		partnerapi.WithKeysAPIKey(os.Getenv("TICKETSCLOUD_KEY")), // TicketsCloud: partners, API keys
	)
}

// use calls each service once: create a user, make an SSO link, read the
// user's progress, find the TicketsCloud partner, create an API key and
// list the partner's keys.
func use(ctx context.Context, client *partnerapi.Client) error {
	user, err := client.Users.CreateOrUpdate(ctx, "abc123def", &partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
	})
	if err != nil {
		return err
	}
	fmt.Println("user created:", user.Created) // true on HTTP 201, false when the user existed (200)

	link, err := client.SSO.LoginURL(ctx, "abc123def", nil, &partnerapi.LoginOptions{
		RedirectTo: "/members/curriculum?chapter=6",
	})
	if err != nil {
		return err
	}
	// Send the person's browser there (http.Redirect, or SSO.Handler does it
	// all). The link holds a 48-hour credential: never log it.
	u, _ := url.Parse(link)
	fmt.Println("SSO link:", u.Path, "then", u.Query().Get("redirect_to"))

	tracks, err := client.Users.Tracks(ctx, "abc123def")
	var apiErr *partnerapi.Error
	switch {
	case errors.Is(err, partnerapi.ErrNotFound):
		return fmt.Errorf("no such user: %w", err)
	case errors.As(err, &apiErr):
		return fmt.Errorf("tracks: status %d, type %s, request %s: %w", apiErr.StatusCode, apiErr.Type, apiErr.RequestID, err)
	case err != nil:
		return err // the network, or ctx ended
	}
	for _, t := range tracks {
		fmt.Printf("%s: %.0f%% of %d steps\n", t.Title, t.Progress*100, len(t.Steps))
	}

	partners, err := client.Partners.List(ctx, nil) // the partner a TicketsCloud key belongs to
	if err != nil {
		return err
	}
	partner := partners[0].ID // its ObjectId, which every APIKeys method takes

	key, err := client.APIKeys.Create(ctx, partner, "crm")
	if err != nil {
		return err
	}
	fmt.Println("new key:", key.Name, key.Key) // [REDACTED]; key.Key.Reveal() is the value, to store where you mean it

	keys, err := client.APIKeys.List(ctx, partner, &partnerapi.ListAPIKeysOptions{
		Fields: []string{"id", "name", "partner{id,name}"}, // fields-schema: braces expand a reference
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		fmt.Println("key:", k.Name, "of", k.PartnerInfo.Name) // k.Partner is the partner's id, k.PartnerInfo the expanded partner
	}
	return nil
}

// The README's tour of the services (use) against the fake.
func ExampleClient() {
	srv := mockserver.New()
	defer srv.Close()
	client, err := srv.NewClient(srv.AddPartner("xyz"))
	if err != nil {
		log.Fatal(err)
	}
	if err := use(context.Background(), client); err != nil {
		log.Fatal(err)
	}
	// Output:
	// user created: true
	// SSO link: /sso/login then /members/curriculum?chapter=6
	// Fast Track: 0% of 5 steps
	// Mastery Track: 0% of 8 steps
	// new key: crm [REDACTED]
	// key: default of xyz
	// key: crm of xyz
}
