package mockserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// AddWebhook registers a receiver's URL and returns the verification key
// that every delivery carries in Authorization. The body is the documented
// one; api_object is the interview as the API shows it.
func ExampleServer_AddWebhook() {
	start := time.Date(2025, 5, 18, 16, 0, 0, 0, time.UTC)
	srv := mockserver.New(mockserver.WithSeed(1), mockserver.WithStartTime(start))
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

	type delivery struct{ auth, body string }
	received := make(chan delivery, 1)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		received <- delivery{r.Header.Get("Authorization"), string(body)}
	}))
	defer receiver.Close()
	key := srv.AddWebhook(p, receiver.URL) // to choose the key: AddWebhookWithKey

	if _, err := srv.AddInterview(p, "abc123def", partnerapi.Interview{
		Title: "Top 10 Questions", InterviewerName: "Jordan", CreatedAt: start, UpdatedAt: start,
	}); err != nil {
		panic(err)
	}
	d := <-received
	fmt.Println(d.auth == key, len(key))
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, []byte(d.body), "", "  "); err != nil {
		panic(err)
	}
	fmt.Println(pretty.String())
	// Output:
	// true 32
	// {
	//   "webhook": {
	//     "id": "422922442",
	//     "event_name": "interview.created",
	//     "partner_id": "abc123def",
	//     "api_id": "1",
	//     "api_type": "Interview",
	//     "api_object": {
	//       "id": 1,
	//       "title": "Top 10 Questions",
	//       "interviewer_name": "Jordan",
	//       "category": "",
	//       "completed": false,
	//       "created_at": "2025-05-18T16:00:00.000Z",
	//       "updated_at": "2025-05-18T16:00:00.000Z",
	//       "links": {
	//         "review": "",
	//         "retake": ""
	//       }
	//     }
	//   }
	// }
}

// The fake sends webhooks to a receiver built with the SDK's
// partnerapi.WebhookHandler: choose the verification key, give it to both.
func ExampleServer_AddWebhookWithKey() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p)
	if err != nil {
		panic(err)
	}
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

// A receiver that fails is retried ten minutes later on the fake's clock,
// by Advance, six attempts at most; Deliveries lists every attempt.
func ExampleServer_Deliveries() {
	srv := mockserver.New(mockserver.WithStartTime(time.Date(2025, 5, 18, 16, 0, 0, 0, time.UTC)))
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
	var calls atomic.Int32
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, "storage unavailable", http.StatusInternalServerError) // the first attempt fails
		}
	}))
	defer receiver.Close()
	srv.AddWebhook(p, receiver.URL)

	if _, err := srv.AddInterview(p, "abc123def", partnerapi.Interview{Title: "Top 10 Questions"}); err != nil {
		panic(err)
	}
	srv.Advance(0)                // waits for the first attempt
	srv.Advance(10 * time.Minute) // makes the retries due by then
	for _, d := range srv.Deliveries() {
		fmt.Println(d.At.Format("15:04"), d.EventName, "attempt", d.Attempt, "answered", d.Status)
	}
	// Output:
	// 16:00 interview.created attempt 1 answered 500
	// 16:10 interview.created attempt 2 answered 200
}
