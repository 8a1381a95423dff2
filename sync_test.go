package partnerapi_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/internal/testenv"
	"github.com/partnerapi/go-partnerapi/mockserver"
	"github.com/partnerapi/go-partnerapi/partnerid"
)

func slice(recs ...partnerapi.UserRecord) iter.Seq[partnerapi.UserRecord] {
	return func(yield func(partnerapi.UserRecord) bool) {
		for _, r := range recs {
			if !yield(r) {
				return
			}
		}
	}
}

type syncOutcome struct {
	report *partnerapi.SyncReport
	err    error
}

// startSync runs Sync in a goroutine; the channel gets its outcome.
func startSync(ctx context.Context, c *partnerapi.Client, users iter.Seq[partnerapi.UserRecord], o *partnerapi.SyncOptions) <-chan syncOutcome {
	ch := make(chan syncOutcome, 1)
	go func() {
		rep, err := c.Users.Sync(ctx, users, o)
		ch <- syncOutcome{rep, err}
	}()
	return ch
}

// await waits for a Sync started with startSync; it fails the test if Sync
// has not returned after a generous deadline (a hang, not slowness).
func await(t *testing.T, ch <-chan syncOutcome) syncOutcome {
	t.Helper()
	select {
	case out := <-ch:
		return out
	case <-time.After(20 * time.Second):
		t.Fatal("Sync did not return")
		return syncOutcome{}
	}
}

func TestSyncCountsCreatedThenRefreshed(t *testing.T) {
	f := newSyncFake(t)
	ctx := context.Background()

	rep, err := f.client.Users.Sync(ctx, roster("u", 40), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 40 || rep.Refreshed != 0 || len(rep.Failed) != 0 {
		t.Fatalf("first sync: %+v, want 40 created", rep)
	}
	rep, err = f.client.Users.Sync(ctx, roster("u", 40), &partnerapi.SyncOptions{Concurrency: 3})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 0 || rep.Refreshed != 40 || len(rep.Failed) != 0 {
		t.Fatalf("second sync of the same roster: %+v, want 40 refreshed", rep)
	}
	if got := statuses(f.srv); got[http.StatusCreated] != 40 || got[http.StatusOK] != 40 || len(got) != 2 {
		t.Fatalf("the fake answered %v, want 40 × 201 then 40 × 200", got)
	}
	// A record with no attributes refreshes an existing user.
	rep, err = f.client.Users.Sync(ctx, slice(partnerapi.UserRecord{PartnerID: "u-00001"}), nil)
	if err != nil || rep.Refreshed != 1 {
		t.Fatalf("refresh without attributes: %+v, %v", rep, err)
	}
}

func TestSyncArgumentErrorsFailWithoutRequest(t *testing.T) {
	f := newSyncFake(t)
	long := strings.Repeat("x", partnerid.MaxLen+1)
	recs := []partnerapi.UserRecord{
		record("good-1"),
		record(""),
		record("jane doe"),
		record(long),
		record("anonymous"),
		record("good-2"),
		{PartnerID: "new-without-attributes"}, // reaches the server: 422
	}
	rep, err := f.client.Users.Sync(context.Background(), slice(recs...), &partnerapi.SyncOptions{Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 2 || rep.Refreshed != 0 || len(rep.Failed) != 5 {
		t.Fatalf("report %+v, want 2 created and 5 failed", rep)
	}
	failed := map[string]error{}
	for _, fl := range rep.Failed {
		failed[fl.PartnerID] = fl.Err
	}
	for _, id := range []string{"", "jane doe", long} {
		err := failed[id]
		var pe *partnerid.Error
		if !errors.Is(err, partnerapi.ErrInvalidArgument) || !errors.Is(err, partnerid.ErrInvalid) || !errors.As(err, &pe) {
			t.Errorf("failure for %.10q: %v; want ErrInvalidArgument and partnerid.ErrInvalid", id, err)
		}
	}
	if err := failed["anonymous"]; !errors.Is(err, partnerapi.ErrInvalidArgument) {
		t.Errorf("failure for anonymous: %v; want ErrInvalidArgument", err)
	}
	var apiErr *partnerapi.Error
	if err := failed["new-without-attributes"]; !errors.Is(err, partnerapi.ErrValidation) || !errors.As(err, &apiErr) || apiErr.StatusCode != 422 {
		t.Errorf("failure for a new user without attributes: %v; want a 422 *Error", err)
	}

	var paths []string
	for _, r := range f.srv.Requests() {
		paths = append(paths, r.Path)
	}
	if len(paths) != 3 {
		t.Fatalf("the fake saw %q; want only the two good records and the one without attributes", paths)
	}
	for _, p := range paths {
		if !strings.HasPrefix(p, "/api/users/good-") && p != "/api/users/new-without-attributes" {
			t.Errorf("unexpected request to %q", p)
		}
	}
}

func TestSyncOnProgressIsSerialisedAndEndsWithFinalCounts(t *testing.T) {
	f := newSyncFake(t)
	f.srv.Fail(mockserver.Fault{Latency: time.Millisecond, Times: -1})

	const good, bad = 150, 10
	recs := func(yield func(partnerapi.UserRecord) bool) {
		for i := range good + bad {
			id := fmt.Sprintf("p-%04d", i)
			if i%16 == 0 && i/16 < bad {
				id += "!" // invalid
			}
			if !yield(record(id)) {
				return
			}
		}
	}
	var busy atomic.Bool
	var overlaps atomic.Int32
	var calls []partnerapi.SyncProgress // appended only inside OnProgress
	rep, err := f.client.Users.Sync(context.Background(), recs, &partnerapi.SyncOptions{
		Concurrency: 16,
		OnProgress: func(p partnerapi.SyncProgress) {
			if !busy.CompareAndSwap(false, true) {
				overlaps.Add(1)
				return
			}
			defer busy.Store(false)
			time.Sleep(50 * time.Microsecond) // widen the window for an overlap to show
			calls = append(calls, p)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := overlaps.Load(); n != 0 {
		t.Fatalf("OnProgress ran concurrently with itself %d times", n)
	}
	if rep.Created != good || len(rep.Failed) != bad {
		t.Fatalf("report: created %d, failed %d; want %d, %d", rep.Created, len(rep.Failed), good, bad)
	}
	if len(calls) != good+bad+1 {
		t.Fatalf("%d OnProgress calls, want one per record and one at the end: %d", len(calls), good+bad+1)
	}
	for i, p := range calls[:good+bad] {
		if p.Done != i+1 || p.Done != p.Created+p.Refreshed+p.Failed || p.Total != -1 {
			t.Fatalf("call %d: %+v; want Done %d = Created+Refreshed+Failed, Total -1", i, p, i+1)
		}
	}
	want := partnerapi.SyncProgress{Done: good + bad, Total: -1, Created: rep.Created, Refreshed: rep.Refreshed, Failed: len(rep.Failed)}
	if last := calls[len(calls)-1]; last != want {
		t.Fatalf("final call %+v, want %+v", last, want)
	}
}

// A burst of 429s pauses every worker together for the Retry-After, halves
// the requests in flight, and every record still gets through.
func TestSync429StormPausesAllWorkersAndLowersConcurrency(t *testing.T) {
	f := newSyncFake(t, partnerapi.WithRetry(4, 10*time.Millisecond, 5*time.Second))
	stormFaults(f.srv)

	const n, conc = 40, 8
	rep, err := f.client.Users.Sync(context.Background(), roster("s", n), &partnerapi.SyncOptions{Concurrency: conc})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != n || len(rep.Failed) != 0 {
		t.Fatalf("report %+v, want all %d created", rep, n)
	}
	checkStormPacing(t, f, conc)
}

// A Retry-After longer than the client's maximum wait comes back from the
// call at once; Sync waits it out itself and tries the record again.
func TestSyncRetryAfterBeyondMaxWaitPausesAndRetries(t *testing.T) {
	f := newSyncFake(t, partnerapi.WithRetry(3, time.Millisecond, 50*time.Millisecond))
	ctx := context.Background()

	// On its own, the call gives up at once with the Retry-After.
	f.srv.Fail(mockserver.Fault{Path: "/api/users/alone", Status: http.StatusTooManyRequests, RetryAfter: time.Second})
	_, err := f.client.Users.CreateOrUpdate(ctx, "alone", &partnerapi.UserParams{FirstName: "A", LastName: "B", Email: "a@b.c"})
	var apiErr *partnerapi.Error
	if !errors.Is(err, partnerapi.ErrRateLimited) || !errors.As(err, &apiErr) || apiErr.RetryAfter != time.Second || apiErr.Attempts != 1 {
		t.Fatalf("plain call: %v; want ErrRateLimited after 1 attempt with RetryAfter 1s", err)
	}

	f.srv.Fail(mockserver.Fault{Path: "/api/users/far-00002", Status: http.StatusTooManyRequests, RetryAfter: time.Second})
	rep, err := f.client.Users.Sync(ctx, roster("far", 6), &partnerapi.SyncOptions{Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 6 || len(rep.Failed) != 0 {
		t.Fatalf("report %+v, want all 6 created (the rate-limited one retried)", rep)
	}
	checkTriedAgainAfterPause(t, f, "/api/users/far-00002", http.StatusCreated)
}

// A server that never stops answering 429 fails each record after a
// bounded number of tries instead of looping for ever.
func TestSyncPermanentRateLimitFailsRecords(t *testing.T) {
	f := newSyncFake(t, partnerapi.WithRetry(1, time.Millisecond, 5*time.Millisecond))
	f.srv.Fail(mockserver.Fault{Status: http.StatusTooManyRequests, Times: -1}) // no Retry-After: backoff

	rep, err := f.client.Users.Sync(context.Background(), roster("perm", 3), &partnerapi.SyncOptions{Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created+rep.Refreshed != 0 || len(rep.Failed) != 3 {
		t.Fatalf("report %+v, want 3 failed", rep)
	}
	for _, fl := range rep.Failed {
		if !errors.Is(fl.Err, partnerapi.ErrRateLimited) {
			t.Errorf("%s failed with %v, want ErrRateLimited", fl.PartnerID, fl.Err)
		}
	}
	// 3 records × 4 tries by Sync × 2 attempts each (WithRetry(1, …)).
	if got := len(f.srv.Requests()); got != 3*4*2 {
		t.Errorf("%d requests, want %d", got, 3*4*2)
	}
}

// Cancelling interrupts the requests in flight: with the fake holding every
// answer for an hour, Sync still returns, with what had finished.
func TestSyncCancelMidRunReturnsPartialReport(t *testing.T) {
	f := newSyncFake(t)
	f.srv.Fail(mockserver.Fault{Latency: 2 * time.Millisecond, Times: 10})
	f.srv.Fail(mockserver.Fault{Latency: time.Hour, Times: -1})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var last partnerapi.SyncProgress
	pulled := 0
	users := func(yield func(partnerapi.UserRecord) bool) {
		for i := range 1000 {
			pulled++
			if !yield(record(fmt.Sprintf("c-%04d", i))) {
				return
			}
		}
	}
	ch := startSync(ctx, f.client, users, &partnerapi.SyncOptions{Concurrency: 4, OnProgress: func(p partnerapi.SyncProgress) { last = p }})
	// Once the 10 answers are written and 4 requests are held, each of the
	// 4 workers has finished its previous record.
	testenv.WaitFor(t, "10 answers and 4 requests held by the fake", func() bool {
		return f.meter.answered(http.StatusCreated) == 10 && f.meter.current() == 4
	})
	start := time.Now()
	cancel()
	out := await(t, ch)
	t.Logf("Sync returned %s after cancel", time.Since(start))

	if !errors.Is(out.err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", out.err)
	}
	if out.report.Created != 10 || len(out.report.Failed) != 0 {
		t.Fatalf("report %+v, want the 10 answered records and no failures", out.report)
	}
	want := partnerapi.SyncProgress{Done: 10, Total: -1, Created: 10}
	if last != want {
		t.Errorf("final progress %+v, want %+v", last, want)
	}
	if pulled >= 1000 {
		t.Errorf("the roster was read to its end (%d records) after cancel", pulled)
	}
}

// A Sync paused by a long Retry-After is ended by its context, and its
// pause never holds back other calls on the same Client.
func TestSyncPauseIsPerCallAndEndsWithContext(t *testing.T) {
	f := newSyncFake(t, partnerapi.WithRetry(2, time.Millisecond, 10*time.Millisecond))
	f.srv.Fail(mockserver.Fault{Path: "/api/users/", Status: http.StatusTooManyRequests, RetryAfter: time.Hour})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := startSync(ctx, f.client, roster("paused", 50), &partnerapi.SyncOptions{Concurrency: 4})
	testenv.WaitFor(t, "the 429", func() bool { return f.meter.answered(http.StatusTooManyRequests) == 1 })
	// Requests the other workers sent before the client read the 429 may
	// still arrive: wait until nothing is in flight and the journal has
	// stayed the same for a while.
	before, still := -1, 0
	testenv.WaitFor(t, "the requests in flight to settle", func() bool {
		n := len(f.srv.Requests())
		if n != before || f.meter.current() != 0 {
			before, still = n, 0
			return false
		}
		still++
		return still >= 50
	})

	// Another call on the same Client goes straight through.
	u, err := f.client.Users.CreateOrUpdate(context.Background(), "outsider", &partnerapi.UserParams{FirstName: "O", LastName: "U", Email: "o@u.v"})
	if err != nil || !u.Created {
		t.Fatalf("a call outside the Sync: %v, %v", u, err)
	}
	if got := len(f.srv.Requests()); got != before+1 {
		t.Fatalf("%d requests during the pause, want only the outsider's", got-before)
	}

	cancel()
	out := await(t, ch)
	if !errors.Is(out.err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", out.err)
	}
	if len(out.report.Failed) != 0 {
		t.Fatalf("records waiting for the pause were counted as failed: %+v", out.report.Failed)
	}
	if got := len(f.srv.Requests()); got != before+1 {
		t.Errorf("%d requests were sent after the cancel", got-before-1)
	}
}

func TestSyncEmptyRoster(t *testing.T) {
	f := newSyncFake(t)
	var calls []partnerapi.SyncProgress
	rep, err := f.client.Users.Sync(context.Background(), slice(), &partnerapi.SyncOptions{
		OnProgress: func(p partnerapi.SyncProgress) { calls = append(calls, p) },
	})
	if err != nil || rep == nil || rep.Created+rep.Refreshed+len(rep.Failed) != 0 {
		t.Fatalf("Sync of nothing: %+v, %v", rep, err)
	}
	if len(calls) != 1 || calls[0] != (partnerapi.SyncProgress{Total: -1}) {
		t.Fatalf("OnProgress calls %+v, want one final call with zero counts", calls)
	}
	if n := len(f.srv.Requests()); n != 0 {
		t.Fatalf("%d requests for an empty roster", n)
	}
}

func TestSyncConcurrencyOneKeepsRosterOrder(t *testing.T) {
	f := newSyncFake(t)
	f.srv.Fail(mockserver.Fault{Latency: 2 * time.Millisecond, Times: -1})
	rep, err := f.client.Users.Sync(context.Background(), roster("one", 20), &partnerapi.SyncOptions{Concurrency: 1})
	if err != nil || rep.Created != 20 {
		t.Fatalf("%+v, %v", rep, err)
	}
	maxInflight, arrivals := f.meter.snapshot()
	if maxInflight != 1 {
		t.Fatalf("%d requests in flight at once, want 1", maxInflight)
	}
	for i, a := range arrivals {
		if want := fmt.Sprintf("/api/users/one-%05d", i); a.path != want {
			t.Fatalf("request %d went to %s, want %s", i, a.path, want)
		}
	}
}

func TestSyncDefaultConcurrencyIsEight(t *testing.T) {
	f := newSyncFake(t)
	f.srv.Fail(mockserver.Fault{Latency: 100 * time.Millisecond, Times: -1})
	rep, err := f.client.Users.Sync(context.Background(), roster("d", 40), nil)
	if err != nil || rep.Created != 40 {
		t.Fatalf("%+v, %v", rep, err)
	}
	if maxInflight, _ := f.meter.snapshot(); maxInflight != partnerapi.DefaultSyncConcurrency {
		t.Fatalf("at most %d requests in flight, want the default %d", maxInflight, partnerapi.DefaultSyncConcurrency)
	}
}

// The roster is pulled as workers free up: a few records per worker are
// read ahead, however long the roster.
func TestSyncStreamsTheRoster(t *testing.T) {
	_, _, client := newMemFake(t)
	const n, conc = 3000, 4
	done, pulled, maxAhead := 0, 0, 0
	users := func(yield func(partnerapi.UserRecord) bool) {
		for i := range n {
			pulled++
			maxAhead = max(maxAhead, pulled-done)
			if !yield(record(fmt.Sprintf("st-%05d", i))) {
				return
			}
		}
	}
	rep, err := client.Users.Sync(context.Background(), users, &partnerapi.SyncOptions{
		Concurrency: conc,
		OnProgress:  func(p partnerapi.SyncProgress) { done = p.Done },
	})
	if err != nil || rep.Created != n {
		t.Fatalf("%+v, %v", rep, err)
	}
	// Queued, in the workers, and answered but not yet counted: one
	// buffer's worth each, plus the record being handed over.
	if limit := 3*conc + 1; maxAhead > limit {
		t.Fatalf("up to %d records were read ahead of the finished ones, want at most %d", maxAhead, limit)
	}
}

// An iterator that stops on its own ends the Sync normally; one cut short
// by the caller's context is not read further.
func TestSyncIteratorStopsEarly(t *testing.T) {
	f := newSyncFake(t)
	users := func(yield func(partnerapi.UserRecord) bool) {
		for i := range 1000 {
			if i == 5 {
				return // the source ran dry early
			}
			if !yield(record(fmt.Sprintf("e-%d", i))) {
				return
			}
		}
	}
	var final partnerapi.SyncProgress
	rep, err := f.client.Users.Sync(context.Background(), users, &partnerapi.SyncOptions{OnProgress: func(p partnerapi.SyncProgress) { final = p }})
	if err != nil || rep.Created != 5 || final.Done != 5 {
		t.Fatalf("%+v, %+v, %v", rep, final, err)
	}

	// A context already ended: nothing is read beyond the first record
	// (the one the iterator hands over before Sync can say stop), nothing sent.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	stopped, yielded := false, 0
	users = func(yield func(partnerapi.UserRecord) bool) {
		for i := range 100 {
			yielded++
			if !yield(record(fmt.Sprintf("x-%d", i))) {
				stopped = true
				return
			}
		}
	}
	before := len(f.srv.Requests())
	rep, err = f.client.Users.Sync(ctx, users, nil)
	if !errors.Is(err, context.Canceled) || rep.Created+len(rep.Failed) != 0 {
		t.Fatalf("%+v, %v; want nothing done and context.Canceled", rep, err)
	}
	if !stopped || yielded != 1 {
		t.Fatalf("iterator told to stop: %v after %d records", stopped, yielded)
	}
	if got := len(f.srv.Requests()); got != before {
		t.Fatalf("%d requests sent with an ended context", got-before)
	}
}

func TestSyncArgumentErrors(t *testing.T) {
	f := newSyncFake(t)
	for name, call := range map[string]func() (*partnerapi.SyncReport, error){
		"nil iterator": func() (*partnerapi.SyncReport, error) {
			return f.client.Users.Sync(context.Background(), nil, nil)
		},
		"concurrency above the maximum": func() (*partnerapi.SyncReport, error) {
			return f.client.Users.Sync(context.Background(), roster("a", 1), &partnerapi.SyncOptions{Concurrency: partnerapi.MaxSyncConcurrency + 1})
		},
		"negative concurrency": func() (*partnerapi.SyncReport, error) {
			return f.client.Users.Sync(context.Background(), roster("a", 1), &partnerapi.SyncOptions{Concurrency: -1})
		},
		"nil context": func() (*partnerapi.SyncReport, error) {
			var ctx context.Context
			return f.client.Users.Sync(ctx, roster("a", 1), nil)
		},
	} {
		rep, err := call()
		if !errors.Is(err, partnerapi.ErrInvalidArgument) || rep == nil {
			t.Errorf("%s: %+v, %v; want a report and ErrInvalidArgument", name, rep, err)
		}
	}
	if n := len(f.srv.Requests()); n != 0 {
		t.Fatalf("%d requests", n)
	}
	noUsers, err := partnerapi.NewClient("0123456789abcdef0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := noUsers.Users.Sync(context.Background(), roster("a", 1), nil); !errors.Is(err, partnerapi.ErrInvalidArgument) {
		t.Errorf("no users API configured: %v, want ErrInvalidArgument", err)
	}
}

// A panic in the iterator reaches the caller of Sync, as it would from a
// plain loop, after Sync has stopped its workers.
func TestSyncIteratorPanicReachesCaller(t *testing.T) {
	f := newSyncFake(t)
	users := func(yield func(partnerapi.UserRecord) bool) {
		for i := range 20 {
			if i == 10 {
				panic("roster source broke")
			}
			if !yield(record(fmt.Sprintf("pa-%d", i))) {
				return
			}
		}
	}
	got := func() (v any) {
		defer func() { v = recover() }()
		_, _ = f.client.Users.Sync(context.Background(), users, &partnerapi.SyncOptions{Concurrency: 4})
		return nil
	}()
	if got != "roster source broke" {
		t.Fatalf("recovered %v, want the iterator's panic", got)
	}
	// The client is still usable.
	rep, err := f.client.Users.Sync(context.Background(), roster("after", 3), nil)
	if err != nil || rep.Created != 3 {
		t.Fatalf("%+v, %v", rep, err)
	}
}

func TestSyncWorkerPanicReachesCaller(t *testing.T) {
	srv := mockserver.New()
	t.Cleanup(srv.Close)
	p := srv.AddPartner("acme")
	tr := &panickyTransport{next: srv.Transport(), panicAt: 5}
	c, err := partnerapi.NewClient(p.APIKey, partnerapi.WithBaseURL(srv.URL),
		partnerapi.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		t.Fatal(err)
	}
	got := func() (v any) {
		defer func() { v = recover() }()
		_, _ = c.Users.Sync(context.Background(), roster("pw", 40), &partnerapi.SyncOptions{Concurrency: 4})
		return nil
	}()
	if got != "transport broke" {
		t.Fatalf("recovered %v, want the transport's panic on the caller's goroutine", got)
	}
	// The workers have stopped and the client is still usable.
	rep, err := c.Users.Sync(context.Background(), roster("after", 3), nil)
	if err != nil || rep.Created != 3 {
		t.Fatalf("%+v, %v", rep, err)
	}
}
