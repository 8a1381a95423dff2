// Command webhooks shows Big Interview's webhooks both ways, with no
// credentials and no network beyond loopback: the embedded fake
// (mockserver) sends interview events, and a receiver built with
// partnerapi.WebhookHandler prints them. One delivery fails and is retried
// ten minutes later on the fake's clock; the fake's delivery journal is
// printed at the end.
//
//	go run ./examples/webhooks
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"sync"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "webhooks:", err)
		os.Exit(1)
	}
}

// start is the fake's clock at the beginning, so that the times printed
// are easy to follow.
var start = time.Date(2015, 5, 18, 16, 0, 0, 0, time.UTC)

// run is the whole program, writing to w.
func run(w io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out := &lockedWriter{w: w} // the receiver prints from the server's goroutines

	srv := mockserver.New(mockserver.WithStartTime(start))
	p := srv.AddPartner("acme")

	// The receiver checks the verification key of the registration; here
	// the program chooses it, and registers the receiver with it.
	const verificationKey = "example-verification-key"
	rcv := &receiver{out: out}
	ts := httptest.NewServer(partnerapi.WebhookHandler(verificationKey, rcv.handle))
	srv.AddWebhookWithKey(p, ts.URL+"/webhooks/big-interview", verificationKey)
	defer func() {
		srv.Close() // stops the sender first, then the receiver can go
		ts.Close()
	}()
	fmt.Fprintf(out, "fake Big Interview running, clock at %s; webhook registered for organization %q\n",
		srv.Now().Format(time.RFC3339), p.Org)

	client, err := srv.NewClient(p)
	if err != nil {
		return err
	}
	const partnerID = "user-1"
	if _, err := client.Users.CreateOrUpdate(ctx, partnerID, &partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
	}); err != nil {
		return fmt.Errorf("create user: %w", err)
	}

	step(out, "seed: AddInterview")
	iv, err := srv.AddInterview(p, partnerID, partnerapi.Interview{
		Title: "Top 10 Questions", InterviewerName: "Jordan", Category: "Top 10 Questions: 1",
		CreatedAt: start, UpdatedAt: start,
	})
	if err != nil {
		return err
	}
	srv.Advance(0) // waits for the delivery in progress, so the output stays in order

	step(out, "an hour later, seed: UpdateInterview (the receiver's storage is down)")
	srv.Advance(time.Hour)
	rcv.failNext()
	iv.Completed = true
	if err := srv.UpdateInterview(p, partnerID, iv); err != nil {
		return err
	}
	srv.Advance(0)

	step(out, "Advance(10m): the fake retries the failed delivery")
	srv.Advance(10 * time.Minute)

	step(out, "seed: DeleteInterview")
	if err := srv.DeleteInterview(p, partnerID, iv.ID); err != nil {
		return err
	}
	srv.Advance(0)

	step(out, "the fake's delivery journal (Deliveries)")
	for _, d := range srv.Deliveries() {
		result := fmt.Sprint(d.Status)
		if d.Err != "" {
			result = "no answer: " + d.Err
		}
		fmt.Fprintf(out, "  %s  %-17s attempt %d  -> %s\n", d.At.Format("15:04:05"), d.EventName, d.Attempt, result)
	}
	if n := rcv.count(); n != 3 {
		return fmt.Errorf("the receiver acknowledged %d events, want 3", n)
	}
	return nil
}

func step(w io.Writer, s string) { fmt.Fprintf(w, "\n== %s\n", s) }

// receiver is the partner's side: it prints each event, and fails the
// next one when told to, as a receiver whose storage is down would.
type receiver struct {
	out   io.Writer
	mu    sync.Mutex
	fail  bool
	acked int
}

func (r *receiver) failNext() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = true
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.acked
}

// handle is the WebhookHandler callback.
func (r *receiver) handle(_ context.Context, ev *partnerapi.WebhookEvent) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	line := fmt.Sprintf("received %-17s partner_id=%s interview=%s", ev.EventName, ev.PartnerID, ev.APIID)
	if ev.Interview != nil {
		line += " updated_at=" + ev.Interview.UpdatedAt.Format(time.RFC3339)
	}
	if r.fail {
		r.fail = false
		fmt.Fprintln(r.out, line, "-> storage unavailable: answered 500, to be retried")
		return errors.New("storage unavailable")
	}
	r.acked++
	fmt.Fprintln(r.out, line, "-> stored")
	return nil
}

// lockedWriter serialises writes from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
