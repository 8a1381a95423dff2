package signup_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// signUp stands for your code: it gives a new member of your site a Big
// Interview account.
func signUp(ctx context.Context, client *partnerapi.Client, id, first, last, email string) error {
	_, err := client.Users.CreateOrUpdate(ctx, id, &partnerapi.UserParams{FirstName: first, LastName: last, Email: email})
	return err
}

func TestSignUp(t *testing.T) {
	srv := mockserver.New() // serving on 127.0.0.1, ready to use
	t.Cleanup(srv.Close)
	p := srv.AddPartner("xyz")      // an organization, with a Big Interview key and a TicketsCloud key
	client, err := srv.NewClient(p) // each API on its own key, at srv.URL, retry waits of 1-10 ms
	if err != nil {
		t.Fatal(err)
	}

	srv.Fail(mockserver.Fault{Path: "/api/", Status: 503, Times: 2}) // the next two /api requests get a 503
	if err := signUp(t.Context(), client, "ada", "Ada", "Lovelace", "ada@example.com"); err != nil {
		t.Fatalf("signUp: %v", err) // retried twice, in milliseconds
	}

	u, err := srv.User(p, "ada") // what signUp sent, as the fake stored it
	if err != nil {
		t.Fatal(err)
	}
	if u.FirstName != "Ada" || u.LastName != "Lovelace" || u.Email != "ada@example.com" {
		t.Errorf("stored %+v", u)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("%d requests, want 3: two 503s, then the one that succeeded", n)
	}

	err = signUp(t.Context(), client, "grace", "Grace", "", "grace@example.com")
	if !errors.Is(err, partnerapi.ErrValidation) {
		t.Errorf("signUp without a last name: %v, want ErrValidation", err)
	}
}

func TestInterviewWebhooks(t *testing.T) {
	srv := mockserver.New()
	t.Cleanup(srv.Close)
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := signUp(t.Context(), client, "ada", "Ada", "Lovelace", "ada@example.com"); err != nil {
		t.Fatal(err)
	}

	// Your receiver, with a verification key the test chooses; the fake
	// sends to it with that key.
	const key = "test-verification-key"
	events := make(chan *partnerapi.WebhookEvent, 10)
	receiver := httptest.NewServer(partnerapi.WebhookHandler(key, func(_ context.Context, ev *partnerapi.WebhookEvent) error {
		events <- ev
		return nil
	}))
	t.Cleanup(receiver.Close)
	srv.AddWebhookWithKey(p, receiver.URL, key)

	if _, err := srv.AddInterview(p, "ada", partnerapi.Interview{Title: "Top 10 Questions"}); err != nil {
		t.Fatal(err)
	}
	srv.Advance(0) // waits for the deliveries in progress
	if d := srv.Deliveries(); len(d) != 1 || d[0].Status != 200 {
		t.Fatalf("deliveries: %+v", d)
	}
	ev := <-events
	if ev.EventName != "interview.created" || ev.PartnerID != "ada" || ev.Interview.Title != "Top 10 Questions" {
		t.Errorf("received %s for %s: %+v", ev.EventName, ev.PartnerID, ev.Interview)
	}
}
