package mockserver_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// What a test's code sent: the user as the fake stores it.
func ExampleServer_User() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p)
	if err != nil {
		panic(err)
	}
	if _, err := client.Users.CreateOrUpdate(context.Background(), "abc123def", &partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
	}); err != nil {
		panic(err)
	}
	u, err := srv.User(p, "abc123def")
	fmt.Println(u.FirstName, u.LastName, u.Email, err)
	// Output: Ada Lovelace ada@example.com <nil>
}

// What a test's code sent, for every user of the organization.
func ExampleServer_Users() {
	srv := mockserver.New(mockserver.WithStartTime(time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)))
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	for _, u := range []struct{ id, first, last string }{{"ada", "Ada", "Lovelace"}, {"grace", "Grace", "Hopper"}} {
		if _, err := client.Users.CreateOrUpdate(ctx, u.id, &partnerapi.UserParams{
			FirstName: u.first, LastName: u.last, Email: u.id + "@example.com",
		}); err != nil {
			panic(err)
		}
		srv.Advance(time.Minute)
	}

	users, err := srv.Users(p)
	if err != nil {
		panic(err)
	}
	for _, u := range users {
		fmt.Println(u.PartnerID, u.FirstName, u.LastName, u.Email, u.CreatedAt.Format("15:04"))
	}
	// Output:
	// ada Ada Lovelace ada@example.com 09:00
	// grace Grace Hopper grace@example.com 09:01
}

// Between tests, Reset clears what a test made; the partners and their
// first keys stay, so the same client goes on working.
func ExampleServer_Reset() {
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

	srv.Reset()
	_, err = client.Users.Tracks(ctx, "abc123def")
	fmt.Println(errors.Is(err, partnerapi.ErrNotFound))
	users, err := srv.Users(p)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(users), len(srv.Requests()))
	// Output:
	// true
	// 0 1
}

// WithSeed makes every id, key and token the same from run to run, so that
// they can be written down (with WithStartTime, the times too).
func ExampleWithSeed() {
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	a := mockserver.New(mockserver.WithSeed(1), mockserver.WithStartTime(start), mockserver.WithoutListener())
	b := mockserver.New(mockserver.WithSeed(1), mockserver.WithStartTime(start), mockserver.WithoutListener())
	pa, pb := a.AddPartner("xyz"), b.AddPartner("xyz")
	fmt.Println(pa.ID, pa.APIKey)
	fmt.Println(pb.ID, pb.APIKey)
	// Output:
	// 67748580ff1c207d8fa2a9e8 f3e7ebf9e686c3ec65e1afcf02d460a2
	// 67748580ff1c207d8fa2a9e8 f3e7ebf9e686c3ec65e1afcf02d460a2
}

// Snapshot writes the whole state as JSON; a new fake restored from it has
// the same partners, keys and users (and, seeded, goes on with the same
// sequence of ids and tokens).
func ExampleServer_Snapshot() {
	srv := mockserver.New()
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p)
	if err != nil {
		panic(err)
	}
	if _, err := client.Users.CreateOrUpdate(context.Background(), "abc123def", &partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
	}); err != nil {
		panic(err)
	}
	var state bytes.Buffer
	if err := srv.Snapshot(&state); err != nil { // it holds the keys: keep it where they may be
		panic(err)
	}
	srv.Close()

	restored := mockserver.New()
	defer restored.Close()
	if err := restored.Restore(&state); err != nil {
		panic(err)
	}
	same := restored.Partners()[0]
	fmt.Println(same.ID == p.ID, same.APIKey == p.APIKey)
	u, err := restored.User(same, "abc123def")
	fmt.Println(u.FirstName, u.LastName, err)
	// Output:
	// true true
	// Ada Lovelace <nil>
}

// Restore takes a fake back to a state saved with Snapshot: here a fixture
// made once, restored before each case. A snapshot that is bad, cut short or
// of a newer version is an error and changes nothing.
func ExampleServer_Restore() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if _, err := client.Users.CreateOrUpdate(ctx, "ada", &partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
	}); err != nil {
		panic(err)
	}
	var fixture bytes.Buffer
	if err := srv.Snapshot(&fixture); err != nil {
		panic(err)
	}

	for _, id := range []string{"grace", "alan"} {
		if err := srv.Restore(bytes.NewReader(fixture.Bytes())); err != nil {
			panic(err)
		}
		if _, err := client.Users.CreateOrUpdate(ctx, id, &partnerapi.UserParams{
			FirstName: id, LastName: "Test", Email: id + "@example.com",
		}); err != nil {
			panic(err)
		}
		users, _ := srv.Users(p)
		fmt.Println(len(users), users[0].PartnerID, users[1].PartnerID)
	}
	fmt.Println(srv.Restore(strings.NewReader(`{"version": 1, "partners": [`)) != nil)
	// Output:
	// 2 ada grace
	// 2 ada alan
	// true
}
