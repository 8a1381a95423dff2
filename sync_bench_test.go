package partnerapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// BenchmarkSyncLittlesLaw syncs 2,000 users at concurrency 16 against the
// fake over a loopback socket, with every request held 20 ms by a standing
// Latency fault. Little's law bounds the throughput at 16 / 20 ms = 800
// users/s; the benchmark reports users/s and the ratio to that bound.
func BenchmarkSyncLittlesLaw(b *testing.B) {
	const (
		users       = 2000
		concurrency = 16
		latency     = 20 * time.Millisecond
	)
	bound := float64(concurrency) / latency.Seconds()

	srv, _, client := newFake(b)
	srv.Fail(mockserver.Fault{Latency: latency, Times: -1})
	ctx := context.Background()
	var elapsed time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		rep, err := client.Users.Sync(ctx, roster("b"+strconv.Itoa(i), users), &partnerapi.SyncOptions{Concurrency: concurrency})
		elapsed += time.Since(start)
		if err != nil || rep.Created != users {
			b.Fatalf("%d created, %d failed, %v", rep.Created, len(rep.Failed), err)
		}
	}
	rate := float64(users*b.N) / elapsed.Seconds()
	b.ReportMetric(rate, "users/s")
	b.ReportMetric(rate/bound, "ratio-to-bound")
}

// cannedUser is the fixed 201 answer of BenchmarkSyncMemory's canned
// transport (cannedTransport), so that a long roster costs only the SDK's and
// Sync's own memory.
const cannedUser = `{"user":{"partner_id":"x","anonymous":false,"created_at":"2015-01-01T00:00:00.000Z",` +
	`"token":{"token":"19633c68a809dda515d78bbee308012634b73f4142b4ae58d8790c7094c66417","expires_at":"2016-05-28T17:16:18.817Z"}}}`

// BenchmarkSyncMemory syncs a 100,000-record roster and samples the live
// heap (after a GC) every 10,000 records. Memory is flat when the live heap
// after 100,000 records is no larger than after the first 10,000: it
// reports both, in KiB above the heap before the Sync, and the growth
// between them in bytes per record.
func BenchmarkSyncMemory(b *testing.B) {
	const users, every = 100_000, 10_000
	client, err := partnerapi.NewClient("0123456789abcdef0123456789abcdef",
		partnerapi.WithBaseURL("http://127.0.0.1"),
		partnerapi.WithHTTPClient(&http.Client{Transport: cannedTransport{status: http.StatusCreated, body: []byte(cannedUser)}}))
	if err != nil {
		b.Fatal(err)
	}
	var heap heapFigures
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run := heap.start(b, users/every)
		rep, err := client.Users.Sync(context.Background(), roster("m", users), &partnerapi.SyncOptions{
			OnProgress: func(p partnerapi.SyncProgress) {
				if p.Done%every == 0 {
					run.sample()
				}
			},
		})
		if err != nil || rep.Created != users {
			b.Fatalf("%d created, %d failed, %v", rep.Created, len(rep.Failed), err)
		}
		heap.end(b, run)
	}
	heap.report(b, "10k", "100k", "record", users-every)
}

// BenchmarkSyncCancel measures how long Sync takes to return once its
// context is cancelled, with 16 requests held 20 ms each by the fake.
func BenchmarkSyncCancel(b *testing.B) {
	srv, _, client := newFake(b)
	srv.Fail(mockserver.Fault{Latency: 20 * time.Millisecond, Times: -1})
	var total, worst time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		started := make(chan struct{})
		ret := make(chan error, 1)
		go func() {
			signalled := false // OnProgress calls never overlap
			_, err := client.Users.Sync(ctx, roster(fmt.Sprintf("c%d", i), 100_000), &partnerapi.SyncOptions{
				Concurrency: 16,
				OnProgress: func(p partnerapi.SyncProgress) {
					if p.Done >= 32 && !signalled {
						signalled = true
						close(started)
					}
				},
			})
			ret <- err
		}()
		<-started
		t0 := time.Now()
		cancel()
		err := <-ret
		d := time.Since(t0)
		if err == nil {
			b.Fatal("Sync ended without an error after cancel")
		}
		total += d
		worst = max(worst, d)
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N), "µs/cancel")
	b.ReportMetric(float64(worst.Microseconds()), "worst-µs/cancel")
}
