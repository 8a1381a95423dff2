package mockserver_test

import (
	"context"
	"fmt"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// Seeding what the public API cannot create: progress and interviews.
// Each call is an error for an unknown user, track, step or interview,
// instead of doing nothing. The interview calls send webhooks (see
// AddWebhook).
func Example_seeding() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if _, err := client.Users.CreateOrUpdate(ctx, "abc123def", &partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
	}); err != nil {
		panic(err)
	}

	if err := srv.SetProgress(p, "abc123def", "Fast Track", 1, 2); err != nil { // steps 1 and 2 completed
		panic(err)
	}
	iv, err := srv.AddInterview(p, "abc123def", partnerapi.Interview{Title: "Top 10 Questions", Completed: true})
	if err != nil {
		panic(err)
	}
	iv.Title = "Top 10 Questions (retake)"
	if err := srv.UpdateInterview(p, "abc123def", iv); err != nil { // keeps CreatedAt, sets UpdatedAt
		panic(err)
	}
	if err := srv.DeleteInterview(p, "abc123def", iv.ID); err != nil {
		panic(err)
	}
	fmt.Println(srv.SetProgress(p, "nobody", "Fast Track", 1))
	fmt.Println(srv.SetProgress(p, "abc123def", "Slow Track", 1))
	// Output:
	// mockserver: SetProgress: no user "nobody" in organization "xyz"
	// mockserver: SetProgress: no guided track "Slow Track" (there are "Fast Track" and "Mastery Track")
}

// Seeding state the API cannot create, then reading it through the SDK.
func ExampleServer_SetProgress() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if _, err := client.Users.CreateOrUpdate(ctx, "learner", &partnerapi.UserParams{FirstName: "A", LastName: "B", Email: "a@b.example"}); err != nil {
		panic(err)
	}

	if err := srv.SetProgress(p, "learner", "Fast Track", 1, 2); err != nil {
		panic(err)
	}
	tracks, err := client.Users.Tracks(ctx, "learner")
	if err != nil {
		panic(err)
	}
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
	client, err := srv.NewClient(p)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if _, err := client.Users.CreateOrUpdate(ctx, "candidate", &partnerapi.UserParams{FirstName: "A", LastName: "B", Email: "a@b.example"}); err != nil {
		panic(err)
	}

	first, err := srv.AddInterview(p, "candidate", partnerapi.Interview{Title: "Top 10 Questions", InterviewerName: "Jordan"})
	if err != nil {
		panic(err)
	}
	srv.Advance(time.Hour)
	if _, err := srv.AddInterview(p, "candidate", partnerapi.Interview{Title: "Behavioral"}); err != nil {
		panic(err)
	}
	srv.Advance(time.Hour)
	first.Completed = true
	if err := srv.UpdateInterview(p, "candidate", first); err != nil {
		panic(err)
	}

	ivs, err := client.Users.Interviews(ctx, "candidate")
	if err != nil {
		panic(err)
	}
	for _, iv := range ivs {
		fmt.Println(iv.ID, iv.Title, iv.Completed)
	}
	// Output:
	// 1 Top 10 Questions true
	// 2 Behavioral false
}

// UpdateInterview replaces an interview, keeping its CreatedAt and moving
// its UpdatedAt to the fake's now; it sends interview.updated.
func ExampleServer_UpdateInterview() {
	srv := mockserver.New(mockserver.WithStartTime(time.Date(2025, 5, 18, 16, 0, 0, 0, time.UTC)))
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if _, err := client.Users.CreateOrUpdate(ctx, "abc123def", &partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
	}); err != nil {
		panic(err)
	}
	iv, err := srv.AddInterview(p, "abc123def", partnerapi.Interview{Title: "Top 10 Questions"})
	if err != nil {
		panic(err)
	}

	srv.Advance(2 * time.Hour)
	iv.Title, iv.Completed = "Top 10 Questions (retake)", true
	if err := srv.UpdateInterview(p, "abc123def", iv); err != nil {
		panic(err)
	}
	interviews, err := client.Users.Interviews(ctx, "abc123def")
	if err != nil {
		panic(err)
	}
	got := interviews[0]
	fmt.Println(got.ID, got.Title, got.Completed, got.CreatedAt.Format("15:04"), got.UpdatedAt.Format("15:04"))
	fmt.Println(srv.UpdateInterview(p, "abc123def", partnerapi.Interview{ID: 99}))
	// Output:
	// 1 Top 10 Questions (retake) true 16:00 18:00
	// mockserver: UpdateInterview: user "abc123def" has no interview 99
}

// DeleteInterview removes an interview; it sends interview.deleted.
func ExampleServer_DeleteInterview() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if _, err := client.Users.CreateOrUpdate(ctx, "abc123def", &partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
	}); err != nil {
		panic(err)
	}
	iv, err := srv.AddInterview(p, "abc123def", partnerapi.Interview{Title: "Top 10 Questions"})
	if err != nil {
		panic(err)
	}

	if err := srv.DeleteInterview(p, "abc123def", iv.ID); err != nil {
		panic(err)
	}
	interviews, err := client.Users.Interviews(ctx, "abc123def")
	fmt.Println(len(interviews), err)
	fmt.Println(srv.DeleteInterview(p, "abc123def", iv.ID))
	// Output:
	// 0 <nil>
	// mockserver: DeleteInterview: user "abc123def" has no interview 1
}
