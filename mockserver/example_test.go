//go:build !nocontrol

package mockserver_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// A test of code that uses the SDK: point the client at the fake.
func Example() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")

	client, err := srv.NewClient(p) // p's two keys, each on its own API, at srv.URL
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	user, err := client.Users.CreateOrUpdate(ctx, "abc123def", &partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(user.Created, user.PartnerID)

	user, _ = client.Users.CreateOrUpdate(ctx, "abc123def", nil) // refresh: a new token
	fmt.Println(user.Created, user.Token.Token)
	// Output:
	// true abc123def
	// false [REDACTED]
}

// NewClient makes a client for partner p: each API on its own key, at the
// fake, with the SDK's 4 retries but waits of 1 to 10 ms, so that a test of
// faults takes milliseconds. Options given to it come last and win.
func ExampleServer_NewClient() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	ctx := context.Background()

	client, err := srv.NewClient(p) // p.APIKey on /api, p.KeysAPIKey on /v1
	if err != nil {
		panic(err)
	}
	partners, err := client.Partners.List(ctx, nil) // the holder of a TicketsCloud key finds its partner
	fmt.Println(len(partners), partners[0].ID == p.ID, err)

	srv.Fail(mockserver.Fault{Path: "/v1/", Status: http.StatusServiceUnavailable, Times: 5})
	_, err = client.APIKeys.List(ctx, p.ID, nil)
	var apiErr *partnerapi.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, "after", apiErr.Attempts, "attempts")
	}

	// One request per call:
	once, err := srv.NewClient(p, partnerapi.WithRetry(0, 0, 0))
	if err != nil {
		panic(err)
	}
	srv.Fail(mockserver.Fault{Path: "/v1/", Status: http.StatusServiceUnavailable})
	_, err = once.APIKeys.List(ctx, p.ID, nil)
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, "after", apiErr.Attempts, "attempt")
	}

	// One key for both APIs, as partnerapi.NewClient does without
	// WithKeysAPIKey: TicketsCloud refuses the Big Interview key.
	oneKey, err := srv.NewClient(p, partnerapi.WithKeysAPIKey(p.APIKey))
	if err != nil {
		panic(err)
	}
	_, err = oneKey.APIKeys.List(ctx, p.ID, nil)
	fmt.Println(errors.Is(err, partnerapi.ErrUnauthorized))
	// Output:
	// 1 true <nil>
	// 503 after 5 attempts
	// 503 after 1 attempt
	// true
}

// The same fake in memory, with no socket: srv.NewClient(p) goes through
// srv.Transport() by itself on a fake made WithoutListener; by hand, the
// Transport goes in an http.Client of your own. srv.Handler() is the fake
// as an http.Handler. All three share one state.
func ExampleServer_Transport() {
	srv := mockserver.New(mockserver.WithoutListener()) // srv.URL is ""
	defer srv.Close()
	p := srv.AddPartner("xyz", mockserver.AllowAnonymous())
	ctx := context.Background()

	client, err := srv.NewClient(p)
	if err != nil {
		panic(err)
	}
	user, err := client.Users.CreateAnonymous(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(user.Anonymous, user.Token.ExpiresAt.Sub(user.CreatedAt))

	byHand, err := partnerapi.NewClient(p.APIKey,
		partnerapi.WithKeysAPIKey(p.KeysAPIKey),
		partnerapi.WithBaseURL("http://127.0.0.1"), // any loopback URL: the host is not dialled
		partnerapi.WithHTTPClient(&http.Client{Transport: srv.Transport()}))
	if err != nil {
		panic(err)
	}
	keys, err := byHand.APIKeys.List(ctx, p.ID, nil)
	fmt.Println(len(keys), err)

	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/_mock/partners/"+p.ID+"/users", nil))
	fmt.Println(rec.Code, strings.Count(rec.Body.String(), `"anonymous":true`))
	// Output:
	// true 48h0m0s
	// 1 <nil>
	// 200 1
}

// Two companies, two credentials: an organization may hold several Big
// Interview keys, made in Big Interview's admin area (here AddAPIKey), each
// working on /api only; TicketsCloud keys are made through the keys API
// itself, each working on /v1 only.
func ExampleServer_AddAPIKey() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	second := srv.AddAPIKey(p) // another Big Interview key of the organization
	viaSecond, err := partnerapi.NewClient(second, partnerapi.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	_, err = viaSecond.Users.Tracks(ctx, "nobody") // the key is accepted: there is no such user
	fmt.Println(errors.Is(err, partnerapi.ErrNotFound))
	if err := srv.RemoveAPIKey(p, second); err != nil {
		panic(err)
	}
	_, err = viaSecond.Users.Tracks(ctx, "nobody") // refused from the next request on
	fmt.Println(errors.Is(err, partnerapi.ErrUnauthorized))

	k, err := client.APIKeys.Create(ctx, p.ID, "ci") // another TicketsCloud key: /v1 only
	if err != nil {
		panic(err)
	}
	viaKey, err := partnerapi.NewClient(k.Key.Reveal(), partnerapi.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	_, err = viaKey.Users.Tracks(ctx, "nobody")
	fmt.Println(errors.Is(err, partnerapi.ErrUnauthorized))
	// Output:
	// true
	// true
	// true
}
