package mockserver_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

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

// Seeding state the API cannot create, then reading it through the SDK.
func ExampleServer_SetProgress() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, _ := srv.NewClient(p)
	ctx := context.Background()
	_, _ = client.Users.CreateOrUpdate(ctx, "learner", &partnerapi.UserParams{FirstName: "A", LastName: "B", Email: "a@b.example"})

	if err := srv.SetProgress(p, "learner", "Fast Track", 1, 2); err != nil {
		panic(err)
	}
	tracks, _ := client.Users.Tracks(ctx, "learner")
	for _, t := range tracks {
		fmt.Printf("%s: %.0f%% of %d steps\n", t.Title, t.Progress*100, len(t.Steps))
	}
	fmt.Println(srv.SetProgress(p, "learner", "Fast Track", 9))
	// Output:
	// Fast Track: 40% of 5 steps
	// Mastery Track: 0% of 8 steps
	// mockserver: SetProgress: "Fast Track" has steps 1 to 5, not 9
}

// Interviews are listed most recently updated first.
func ExampleServer_AddInterview() {
	srv := mockserver.New(mockserver.WithStartTime(time.Date(2015, 5, 18, 16, 37, 13, 0, time.UTC)))
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, _ := srv.NewClient(p)
	ctx := context.Background()
	_, _ = client.Users.CreateOrUpdate(ctx, "candidate", &partnerapi.UserParams{FirstName: "A", LastName: "B", Email: "a@b.example"})

	first, _ := srv.AddInterview(p, "candidate", partnerapi.Interview{Title: "Top 10 Questions", InterviewerName: "Jordan"})
	srv.Advance(time.Hour)
	_, _ = srv.AddInterview(p, "candidate", partnerapi.Interview{Title: "Behavioral"})
	srv.Advance(time.Hour)
	first.Completed = true
	_ = srv.UpdateInterview(p, "candidate", first)

	ivs, _ := client.Users.Interviews(ctx, "candidate")
	for _, iv := range ivs {
		fmt.Println(iv.ID, iv.Title, iv.Completed)
	}
	// Output:
	// 1 Top 10 Questions true
	// 2 Behavioral false
}

// Faults: a 503 with Retry-After, counted exactly.
func ExampleServer_Fail() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, _ := srv.NewClient(p, partnerapi.WithRetry(0, 0, 0)) // one request per call
	ctx := context.Background()

	srv.Fail(mockserver.Fault{Path: "/v1/", Status: http.StatusServiceUnavailable, RetryAfter: 30 * time.Second})
	_, err := client.APIKeys.List(ctx, p.ID, nil)
	var apiErr *partnerapi.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Type, apiErr.RetryAfter)
	}
	keys, err := client.APIKeys.List(ctx, p.ID, nil)
	fmt.Println(len(keys), err)

	for _, r := range srv.Requests() {
		fmt.Println(r.Method, strings.Replace(r.Path, p.ID, "{partner}", 1), r.Status)
	}
	// Output:
	// 503 HTTPServiceUnavailable 30s
	// 1 <nil>
	// GET /v1/resources/partners/{partner}/api_keys 503
	// GET /v1/resources/partners/{partner}/api_keys 200
}

// Time passes without sleeping: a token expires 48 hours after it is issued.
func ExampleServer_Advance() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, _ := srv.NewClient(p)
	link, _ := client.SSO.LoginURL(context.Background(), "abc123def",
		&partnerapi.UserParams{FirstName: "A", LastName: "B", Email: "a@b.example"}, nil)

	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, _ := browser.Get(link)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Location"))

	srv.Advance(49 * time.Hour)
	resp, _ = browser.Get(link)
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// 302 /members/dashboard
	// 401
}

// The same fake in memory, with no socket: srv.NewClient(p) wires this
// up itself for a fake made WithoutListener.
func ExampleServer_Transport() {
	srv := mockserver.New(mockserver.WithoutListener())
	p := srv.AddPartner("xyz", mockserver.AllowAnonymous())
	client, _ := partnerapi.NewClient(p.APIKey,
		partnerapi.WithKeysAPIKey(p.KeysAPIKey),
		partnerapi.WithBaseURL("http://127.0.0.1"), // any loopback URL: the host is not dialled
		partnerapi.WithHTTPClient(&http.Client{Transport: srv.Transport()}))

	user, err := client.Users.CreateAnonymous(context.Background())
	fmt.Println(err, user.Anonymous, user.Token.ExpiresAt.Sub(user.CreatedAt))
	// Output: <nil> true 48h0m0s
}

// Two companies, two credentials: each API takes its own key, and refuses
// the other's.
func ExampleServer_NewClient() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	ctx := context.Background()

	client, _ := srv.NewClient(p) // p.APIKey on /api, p.KeysAPIKey on /v1
	keys, err := client.APIKeys.List(ctx, p.ID, nil)
	fmt.Println(len(keys), err)

	// One key for both, as partnerapi.NewClient does without WithKeysAPIKey:
	// the Big Interview key is refused by TicketsCloud.
	oneKey, _ := srv.NewClient(p, partnerapi.WithKeysAPIKey(p.APIKey))
	_, err = oneKey.APIKeys.List(ctx, p.ID, nil)
	fmt.Println(errors.Is(err, partnerapi.ErrUnauthorized))

	// The holder of a TicketsCloud key finds its partner ObjectId.
	partners, _ := client.Partners.List(ctx, nil)
	fmt.Println(len(partners), partners[0].ID == p.ID, partners[0].Name)
	// Output:
	// 1 <nil>
	// true
	// 1 true xyz
}

// The organization's admin area makes and deletes Big Interview keys.
func ExampleServer_AddAPIKey() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	ctx := context.Background()

	second := srv.AddAPIKey(p)
	client, _ := srv.NewClient(p, partnerapi.WithRetry(0, 0, 0))
	viaSecond, _ := partnerapi.NewClient(second, partnerapi.WithBaseURL(srv.URL), partnerapi.WithRetry(0, 0, 0))
	_, _ = client.Users.CreateOrUpdate(ctx, "abc123def", &partnerapi.UserParams{FirstName: "A", LastName: "B", Email: "a@b.example"})
	_, err := viaSecond.Users.Tracks(ctx, "abc123def") // every key of the organization sees all of it
	fmt.Println(err)

	fmt.Println(srv.RemoveAPIKey(p, second))
	_, err = viaSecond.Users.Tracks(ctx, "abc123def")
	fmt.Println(errors.Is(err, partnerapi.ErrUnauthorized))
	// Output:
	// <nil>
	// <nil>
	// true
}

// The fake sends webhooks to a receiver built with the SDK's
// partnerapi.WebhookHandler: choose the verification key, give it to both.
func ExampleServer_AddWebhookWithKey() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, _ := srv.NewClient(p)
	ctx := context.Background()
	if _, err := client.Users.CreateOrUpdate(ctx, "abc123def", &partnerapi.UserParams{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"}); err != nil {
		panic(err)
	}

	const key = "test-verification-key"
	received := make(chan *partnerapi.WebhookEvent, 1)
	receiver := httptest.NewServer(partnerapi.WebhookHandler(key, func(_ context.Context, ev *partnerapi.WebhookEvent) error {
		received <- ev
		return nil
	}))
	defer receiver.Close()
	srv.AddWebhookWithKey(p, receiver.URL, key)

	if _, err := srv.AddInterview(p, "abc123def", partnerapi.Interview{Title: "Top 10 Questions"}); err != nil {
		panic(err)
	}
	ev := <-received
	fmt.Println(ev.EventName, ev.PartnerID, ev.Interview.Title)
	srv.Advance(0) // waits for the attempt in progress to be recorded
	fmt.Println(srv.Deliveries()[0].Status)
	// Output:
	// interview.created abc123def Top 10 Questions
	// 200
}

// What a test's code sent: the user as the fake stores it.
func ExampleServer_User() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, _ := srv.NewClient(p)
	if _, err := client.Users.CreateOrUpdate(context.Background(), "abc123def", &partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
	}); err != nil {
		panic(err)
	}
	u, err := srv.User(p, "abc123def")
	fmt.Println(u.FirstName, u.LastName, u.Email, err)
	// Output: Ada Lovelace ada@example.com <nil>
}

// Between tests, Reset clears what a test made; the partners and their
// first keys stay, so the same client goes on working.
func ExampleServer_Reset() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, _ := srv.NewClient(p)
	ctx := context.Background()
	client.Users.CreateOrUpdate(ctx, "abc123def", &partnerapi.UserParams{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"})

	srv.Reset()
	_, err := client.Users.Tracks(ctx, "abc123def")
	fmt.Println(errors.Is(err, partnerapi.ErrNotFound))
	users, _ := srv.Users(p)
	fmt.Println(len(users), len(srv.Requests()))
	// Output:
	// true
	// 0 1
}
