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

// The first call creates the user (HTTP 201); later calls refresh it (200):
// a new SSO token each time, the attributes ignored. A new user needs all
// three attributes.
func ExampleUsersService_CreateOrUpdate() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p)
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
	fmt.Println(user.PartnerID, "created:", user.Created, "token:", user.Token.Token,
		"valid for", user.Token.ExpiresAt.Sub(user.CreatedAt))

	again, err := client.Users.CreateOrUpdate(ctx, "abc123def", nil) // nil: refresh only
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(again.PartnerID, "created:", again.Created, "new token:", again.Token.Token.Reveal() != user.Token.Token.Reveal())

	_, err = client.Users.CreateOrUpdate(ctx, "grace", &partnerapi.UserParams{FirstName: "Grace"})
	var apiErr *partnerapi.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, errors.Is(err, partnerapi.ErrValidation), apiErr.Fields)
	}
	// Output:
	// abc123def created: true token: [REDACTED] valid for 48h0m0s
	// abc123def created: false new token: true
	// 422 true map[email:is required last_name:is required]
}

// An anonymous user gets a generated partner_id and a token, for an
// organization that allows anonymous users; another organization's answer
// is 403.
func ExampleUsersService_CreateAnonymous() {
	srv := mockserver.New()
	defer srv.Close()
	ctx := context.Background()

	client, err := srv.NewClient(srv.AddPartner("xyz", mockserver.AllowAnonymous()))
	if err != nil {
		log.Fatal(err)
	}
	anon, err := client.Users.CreateAnonymous(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(anon.Anonymous, len(anon.PartnerID), anon.PartnerID[:5], anon.Token.ExpiresAt.Sub(anon.CreatedAt))

	other, err := srv.NewClient(srv.AddPartner("closed"))
	if err != nil {
		log.Fatal(err)
	}
	_, err = other.Users.CreateAnonymous(ctx)
	fmt.Println(errors.Is(err, partnerapi.ErrForbidden))
	// Output:
	// true 37 anon_ 48h0m0s
	// true
}

// Progress reads the user's progress through the guided tracks, here after
// the fake was told that two steps of the Fast Track are done.
func ExampleUsersService_Progress() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := client.Users.CreateOrUpdate(ctx, "abc123def", &partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
	}); err != nil {
		log.Fatal(err)
	}
	if err := srv.SetProgress(p, "abc123def", "Fast Track", 1, 2); err != nil {
		log.Fatal(err)
	}

	tracks, err := client.Users.Progress(ctx, "abc123def")
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range tracks {
		fmt.Printf("%s: %.2f\n", t.Title, t.Progress)
	}
	_, err = client.Users.Progress(ctx, "nobody")
	fmt.Println(errors.Is(err, partnerapi.ErrNotFound))
	// Output:
	// Fast Track: 0.40
	// Mastery Track: 0.00
	// true
}

// Tracks lists each guided track with its steps; a step's Link is a path in
// the member app, which an SSO link can land on.
func ExampleUsersService_Tracks() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := client.Users.CreateOrUpdate(ctx, "abc123def", &partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
	}); err != nil {
		log.Fatal(err)
	}
	if err := srv.SetProgress(p, "abc123def", "Fast Track", 1); err != nil {
		log.Fatal(err)
	}

	tracks, err := client.Users.Tracks(ctx, "abc123def")
	if err != nil {
		log.Fatal(err)
	}
	fast := tracks[0]
	fmt.Printf("%s, %.0f%% done:\n", fast.Title, fast.Progress*100)
	for _, s := range fast.Steps {
		done := " "
		if s.Completed {
			done = "x"
		}
		fmt.Printf("[%s] %d. %s (%s)\n", done, s.Step, s.Title, s.Link)
	}
	// Output:
	// Fast Track, 20% done:
	// [x] 1. Tell me about yourself (/members/curriculum?chapter=5)
	// [ ] 2. What is your greatest weakness? (/members/curriculum?chapter=4)
	// [ ] 3. Why do you want to work here? (/members/curriculum?chapter=6)
	// [ ] 4. Practice: Top 10 Questions (/members/interviews/new?set=top-10)
	// [ ] 5. Closing the interview (/members/curriculum?chapter=12)
}

// Interviews lists the user's practice interviews, most recently updated
// first; here the fake is seeded with two.
func ExampleUsersService_Interviews() {
	start := time.Date(2025, 5, 18, 16, 0, 0, 0, time.UTC)
	srv := mockserver.New(mockserver.WithStartTime(start))
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := client.Users.CreateOrUpdate(ctx, "abc123def", &partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
	}); err != nil {
		log.Fatal(err)
	}
	for _, title := range []string{"Top 10 Questions", "Behavioral Interview"} {
		if _, err := srv.AddInterview(p, "abc123def", partnerapi.Interview{Title: title, InterviewerName: "Jordan"}); err != nil {
			log.Fatal(err)
		}
		srv.Advance(24 * time.Hour)
	}

	interviews, err := client.Users.Interviews(ctx, "abc123def")
	if err != nil {
		log.Fatal(err)
	}
	for _, iv := range interviews {
		fmt.Println(iv.ID, iv.Title, iv.InterviewerName, iv.Completed, iv.UpdatedAt.Format(time.DateOnly))
	}
	// Output:
	// 2 Behavioral Interview Jordan false 2025-05-19
	// 1 Top 10 Questions Jordan false 2025-05-18
}
