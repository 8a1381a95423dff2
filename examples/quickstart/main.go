// Command quickstart walks the whole SDK in a few printed lines: create a
// user, make an SSO link, read progress, create an anonymous user, find the
// TicketsCloud partner, and create, rename and delete an API key.
//
// With no environment it runs against the embedded fake (mockserver), so it
// needs no credentials and no network:
//
//	go run ./examples/quickstart
//
// With PARTNERAPI_ORG and PARTNERAPI_KEY (a Big Interview key) set it runs
// against the real services; PARTNERAPI_KEYS_KEY (a TicketsCloud key: the
// two companies' keys are separate credentials) enables the partner and
// API-key steps, and PARTNERAPI_PARTNER names the partner ObjectId when the
// key may see several.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run is the whole program, writing what it does to w.
func run(ctx context.Context, w io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()

	client, keysAPI, partner, done, err := connect(w)
	if err != nil {
		return err
	}
	defer done()

	const partnerID = "quickstart-user-1"
	user, err := client.Users.CreateOrUpdate(ctx, partnerID, &partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
	})
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	fmt.Fprintf(w, "user %s: created=%v, SSO token valid until %s\n",
		user.PartnerID, user.Created, user.Token.ExpiresAt.UTC().Format(time.RFC3339))

	link, err := client.SSO.LoginURL(ctx, partnerID, nil, &partnerapi.LoginOptions{RedirectTo: "/members/dashboard"})
	if err != nil {
		return fmt.Errorf("SSO link: %w", err)
	}
	fmt.Fprintf(w, "SSO link: %s\n", maskToken(link))

	tracks, err := client.Users.Progress(ctx, partnerID)
	if err != nil {
		return fmt.Errorf("progress: %w", err)
	}
	for _, t := range tracks {
		fmt.Fprintf(w, "progress: %s %.0f%% (%d steps)\n", t.Title, t.Progress*100, len(t.Steps))
	}

	anon, err := client.Users.CreateAnonymous(ctx)
	switch {
	case errors.Is(err, partnerapi.ErrForbidden):
		fmt.Fprintln(w, "anonymous user: not enabled for this organization")
	case err != nil:
		return fmt.Errorf("anonymous user: %w", err)
	default:
		fmt.Fprintf(w, "anonymous user: %s, SSO token valid until %s\n",
			anon.PartnerID, anon.Token.ExpiresAt.UTC().Format(time.RFC3339))
	}

	if !keysAPI {
		fmt.Fprintln(w, "partner and API keys: skipped (set PARTNERAPI_KEYS_KEY to a TicketsCloud key)")
		return nil
	}
	if partner == "" {
		// A TicketsCloud key sees its own partner: that is its ObjectId.
		partners, err := client.Partners.List(ctx, &partnerapi.ListPartnersOptions{Fields: []string{"id", "name"}})
		if err != nil {
			return fmt.Errorf("find the partner: %w", err)
		}
		if len(partners) != 1 {
			return fmt.Errorf("the key sees %d partners: set PARTNERAPI_PARTNER to the one to use", len(partners))
		}
		partner = partners[0].ID
		fmt.Fprintf(w, "TicketsCloud partner %q: %s\n", partners[0].Name, partner)
	}
	key, err := client.APIKeys.Create(ctx, partner, "quickstart")
	if err != nil {
		return fmt.Errorf("create API key: %w", err)
	}
	fmt.Fprintf(w, "API key %s created: name=%q key=%v\n", key.ID, key.Name, key.Key)
	newName := "quickstart-renamed"
	key, err = client.APIKeys.Update(ctx, partner, key.ID, &partnerapi.APIKeyUpdate{Name: &newName})
	if err != nil {
		return fmt.Errorf("rename API key: %w", err)
	}
	fmt.Fprintf(w, "API key %s renamed: name=%q\n", key.ID, key.Name)
	if err := client.APIKeys.Delete(ctx, partner, key.ID); err != nil {
		return fmt.Errorf("delete API key: %w", err)
	}
	key, err = client.APIKeys.Get(ctx, partner, key.ID, nil)
	if err != nil {
		return fmt.Errorf("read deleted API key: %w", err)
	}
	fmt.Fprintf(w, "API key %s deleted: removed=%v\n", key.ID, key.Removed)
	return nil
}

// connect returns a Client for the real services when PARTNERAPI_ORG and
// PARTNERAPI_KEY are set, and otherwise starts the embedded fake. keysAPI
// reports whether the client has a TicketsCloud key; partner is
// PARTNERAPI_PARTNER ("" to look it up).
func connect(w io.Writer) (client *partnerapi.Client, keysAPI bool, partner string, done func(), err error) {
	org, key := os.Getenv("PARTNERAPI_ORG"), os.Getenv("PARTNERAPI_KEY")
	if org == "" && key == "" {
		srv := mockserver.New()
		p := srv.AddPartner("xyz", mockserver.AllowAnonymous())
		client, err = srv.NewClient(p) // p.APIKey for Big Interview, p.KeysAPIKey for TicketsCloud
		if err != nil {
			srv.Close()
			return nil, false, "", nil, err
		}
		fmt.Fprintf(w, "using the embedded fake at %s (set PARTNERAPI_ORG and PARTNERAPI_KEY for the real services)\n", srv.URL)
		return client, true, "", srv.Close, nil
	}
	if org == "" || key == "" {
		return nil, false, "", nil, errors.New("set both PARTNERAPI_ORG and PARTNERAPI_KEY, or neither to use the embedded fake")
	}
	opts := []partnerapi.Option{partnerapi.WithOrganization(org)}
	keysKey := os.Getenv("PARTNERAPI_KEYS_KEY")
	if keysKey != "" {
		opts = append(opts, partnerapi.WithKeysAPIKey(keysKey))
	}
	client, err = partnerapi.NewClient(key, opts...)
	if err != nil {
		return nil, false, "", nil, err
	}
	fmt.Fprintf(w, "using the real services for organization %s\n", org)
	return client, keysKey != "", os.Getenv("PARTNERAPI_PARTNER"), func() {}, nil
}

// maskToken hides the SSO token in a login link before it is printed: the
// token is a credential for the user's account.
func maskToken(link string) string {
	i := strings.Index(link, "token=")
	if i < 0 {
		return link
	}
	j := strings.IndexByte(link[i:], '&')
	if j < 0 {
		return link[:i] + "token=[REDACTED]"
	}
	return link[:i] + "token=[REDACTED]" + link[i+j:]
}
