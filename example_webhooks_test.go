package partnerapi_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// Receiving Big Interview's webhooks: mount WebhookHandler at the URL the
// organization registered, with that registration's verification key. Here
// the fake sends the events: the test chooses the key, starts the receiver,
// and registers it with AddWebhookWithKey.
func ExampleWebhookHandler() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("acme")

	const key = "test-verification-key" // a program: the key from Big Interview's admin area, kept out of its source
	h := partnerapi.WebhookHandler(key, func(ctx context.Context, ev *partnerapi.WebhookEvent) error {
		switch ev.EventName {
		case "interview.created", "interview.updated":
			// ev.Interview is the interview after the change.
			fmt.Println(ev.EventName, ev.PartnerID, ev.Interview.ID, ev.Interview.Title, ev.Interview.Completed)
		case "interview.deleted":
			// ev.Interview is nil; ev.APIID is the interview's id.
			fmt.Println(ev.EventName, ev.PartnerID, ev.APIID)
		}
		return nil // acknowledged; an error answers 500, and Big Interview retries
	})
	receiver := httptest.NewServer(h) // a program: http.Handle("/webhooks/big-interview", h)
	defer receiver.Close()
	srv.AddWebhookWithKey(p, receiver.URL, key)

	client, err := srv.NewClient(p)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.Users.CreateOrUpdate(context.Background(), "user-1", &partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
	}); err != nil {
		log.Fatal(err)
	}
	iv, err := srv.AddInterview(p, "user-1", partnerapi.Interview{Title: "Top 10 Questions"})
	if err != nil {
		log.Fatal(err)
	}
	iv.Completed = true
	if err := srv.UpdateInterview(p, "user-1", iv); err != nil {
		log.Fatal(err)
	}
	if err := srv.DeleteInterview(p, "user-1", iv.ID); err != nil {
		log.Fatal(err)
	}
	srv.Advance(0) // waits for the deliveries in progress
	for _, d := range srv.Deliveries() {
		fmt.Println(d.EventName, "attempt", d.Attempt, "answered", d.Status)
	}
	// Output:
	// interview.created user-1 1 Top 10 Questions false
	// interview.updated user-1 1 Top 10 Questions true
	// interview.deleted user-1 1
	// interview.created attempt 1 answered 200
	// interview.updated attempt 1 answered 200
	// interview.deleted attempt 1 answered 200
}

// The handler checks the verification key and remembers the events it
// acknowledged: a redelivery is answered 200 without calling fn again.
// Here the deliveries are sent by hand, as Big Interview sends them.
func ExampleWebhookHandler_redelivery() {
	const verificationKey = "4f1c0b7e9d2a4c6b8e0f1a3c5d7e9b20" // from the admin area; keep it out of source in real code

	h := partnerapi.WebhookHandler(verificationKey, func(ctx context.Context, ev *partnerapi.WebhookEvent) error {
		switch ev.EventName {
		case "interview.created", "interview.updated":
			fmt.Printf("%s: %s's interview %d %q, updated %s\n", ev.EventName, ev.PartnerID,
				ev.Interview.ID, ev.Interview.Title, ev.Interview.UpdatedAt.Format(time.RFC3339))
		case "interview.deleted":
			fmt.Printf("%s: %s's interview %s\n", ev.EventName, ev.PartnerID, ev.APIID)
		}
		return nil // acknowledged: a redelivery of ev.ID is answered 200 without calling this again
	})
	srv := httptest.NewServer(h)
	defer srv.Close()

	deliver := func(key, body string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
		req.Header.Set("Authorization", key)
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Println("  answer:", resp.StatusCode)
	}
	created := `{"webhook": {"id": "123456789", "event_name": "interview.created", "partner_id": "user-1",
	  "api_id": "95607", "api_type": "Interview", "api_object": {"id": 95607, "title": "Top 10 Questions",
	  "interviewer_name": "Jordan", "category": "Top 10 Questions: 1", "completed": true,
	  "created_at": "2015-05-18T16:37:13.000Z", "updated_at": "2015-05-25T05:00:00.000Z",
	  "links": {"review": "/example/review/url", "retake": "/example/retake/url"}}}}`
	deleted := `{"webhook": {"id": "123456790", "event_name": "interview.deleted", "partner_id": "user-1",
	  "api_id": "95607", "api_type": "Interview", "api_object": null}}`

	deliver(verificationKey, created)
	deliver(verificationKey, created) // a redelivery: fn is not called again
	deliver("wrong-key", deleted)
	deliver(verificationKey, deleted)
	// Output:
	// interview.created: user-1's interview 95607 "Top 10 Questions", updated 2015-05-25T05:00:00Z
	//   answer: 200
	//   answer: 200
	//   answer: 401
	// interview.deleted: user-1's interview 95607
	//   answer: 200
}

// interviewStore keeps the latest known state of each interview, using
// UpdatedAt to drop events that arrive late, and remembering deletions so
// that a late update does not bring an interview back.
type interviewStore struct {
	mu      sync.Mutex
	current map[string]*partnerapi.Interview
	deleted map[string]bool
}

func (s *interviewStore) apply(_ context.Context, ev *partnerapi.WebhookEvent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.deleted[ev.APIID] {
		fmt.Printf("%s %s: dropped, the interview was deleted\n", ev.EventName, ev.APIID)
		return nil
	}
	if ev.EventName == "interview.deleted" {
		s.deleted[ev.APIID] = true
		delete(s.current, ev.APIID)
		fmt.Printf("%s %s: removed\n", ev.EventName, ev.APIID)
		return nil
	}
	if old := s.current[ev.APIID]; old != nil && !ev.Interview.UpdatedAt.After(old.UpdatedAt) {
		fmt.Printf("%s %s: dropped, stale (updated %s, have %s)\n", ev.EventName, ev.APIID,
			ev.Interview.UpdatedAt.Format(time.RFC3339), old.UpdatedAt.Format(time.RFC3339))
		return nil
	}
	s.current[ev.APIID] = ev.Interview
	fmt.Printf("%s %s: stored %q, updated %s\n", ev.EventName, ev.APIID, ev.Interview.Title,
		ev.Interview.UpdatedAt.Format(time.RFC3339))
	return nil
}

// Events can arrive out of order: here interview.updated comes before the
// interview.created it follows (whose first delivery failed and was
// retried). Comparing Interview.UpdatedAt drops the stale state.
func ExampleWebhookHandler_outOfOrder() {
	const key = "9a8b7c6d5e4f30211203f4e5d6c7b8a9"
	store := &interviewStore{current: map[string]*partnerapi.Interview{}, deleted: map[string]bool{}}
	h := partnerapi.WebhookHandler(key, store.apply)

	event := func(id, name, title, updatedAt string) string {
		obj := "null"
		if name != "interview.deleted" {
			obj = `{"id": 95607, "title": "` + title + `", "created_at": "2015-05-18T16:37:13.000Z", "updated_at": "` + updatedAt + `"}`
		}
		return `{"webhook": {"id": "` + id + `", "event_name": "` + name + `", "partner_id": "user-1",
		  "api_id": "95607", "api_type": "Interview", "api_object": ` + obj + `}}`
	}
	for _, body := range []string{
		event("1002", "interview.updated", "Top 10 Questions (retake)", "2015-05-25T05:00:00.000Z"),
		event("1001", "interview.created", "Top 10 Questions", "2015-05-18T16:37:13.000Z"), // late
		event("1003", "interview.deleted", "", ""),
		event("1002", "interview.updated", "Top 10 Questions (retake)", "2015-05-25T05:00:00.000Z"), // a redelivery
	} {
		req := httptest.NewRequest(http.MethodPost, "/webhooks", strings.NewReader(body))
		req.Header.Set("Authorization", key)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println("  answer:", rec.Code)
	}
	// Output:
	// interview.updated 95607: stored "Top 10 Questions (retake)", updated 2015-05-25T05:00:00Z
	//   answer: 200
	// interview.created 95607: dropped, stale (updated 2015-05-18T16:37:13Z, have 2015-05-25T05:00:00Z)
	//   answer: 200
	// interview.deleted 95607: removed
	//   answer: 200
	//   answer: 200
}
