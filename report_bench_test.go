package partnerapi_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// BenchmarkReportLittlesLaw reports on 2,000 users at concurrency 16
// against the fake over a loopback socket, with every request held 20 ms by
// a standing Latency fault. Little's law bounds the throughput at
// concurrency / (requests a user × latency): 800 users/s with the tracks
// alone, 400 users/s with the interviews too. It reports users/s and the
// ratio to that bound.
func BenchmarkReportLittlesLaw(b *testing.B) {
	const (
		users       = 2000
		concurrency = 16
		latency     = 20 * time.Millisecond
	)
	srv, _, client := newFake(b)
	createUsers(b, client, numbered("r", users))
	srv.Fail(mockserver.Fault{Latency: latency, Times: -1})
	ctx := context.Background()

	for _, interviews := range []bool{false, true} {
		b.Run(fmt.Sprintf("interviews=%v", interviews), func(b *testing.B) {
			perUser := 1
			if interviews {
				perUser = 2
			}
			bound := float64(concurrency) / (float64(perUser) * latency.Seconds())
			var elapsed time.Duration
			for i := 0; i < b.N; i++ {
				start := time.Now()
				n := 0
				for rep, err := range client.Users.Report(ctx, numbered("r", users), &partnerapi.ReportOptions{Concurrency: concurrency, Interviews: interviews}) {
					if err != nil {
						b.Fatalf("%s: %v", rep.PartnerID, err)
					}
					n++
				}
				elapsed += time.Since(start)
				if n != users {
					b.Fatalf("%d pairs, want %d", n, users)
				}
			}
			rate := float64(users*b.N) / elapsed.Seconds()
			b.ReportMetric(rate, "users/s")
			b.ReportMetric(rate/bound, "ratio-to-bound")
		})
	}
}

// BenchmarkReportMemory reports on a roster of 1,000,000 ids, every answer
// the same canned tracks, and samples the live heap (after a GC) every
// 100,000 users, from the loop's body. Memory is flat when the live heap
// after 1,000,000 users is no larger than after the first 100,000: it
// reports both, in KiB above the heap before the Report, the peak, and the
// growth between the first and last samples in bytes per user.
func BenchmarkReportMemory(b *testing.B) {
	const users, every = 1_000_000, 100_000
	client, err := partnerapi.NewClient(benchKey, partnerapi.WithBaseURL("http://127.0.0.1"),
		partnerapi.WithHTTPClient(&http.Client{Transport: cannedTransport{status: http.StatusOK, body: []byte(benchTracks)}}))
	if err != nil {
		b.Fatal(err)
	}
	var heap heapFigures
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run := heap.start(b, users/every)
		n := 0
		for rep, err := range client.Users.Report(context.Background(), numbered("m", users), nil) {
			if err != nil {
				b.Fatalf("%s: %v", rep.PartnerID, err)
			}
			if n++; n%every == 0 {
				run.sample()
			}
		}
		if n != users {
			b.Fatalf("%d pairs, want %d", n, users)
		}
		heap.end(b, run)
	}
	heap.report(b, "100k", "1M", "user", users-every)
}

// BenchmarkReportBreak measures how long the loop takes to end after a
// break, with 16 requests held by the fake (for an hour): the time to
// interrupt them and stop every worker.
func BenchmarkReportBreak(b *testing.B) {
	srv, _, client := newFake(b)
	createUsers(b, client, numbered("q", 1))
	srv.Fail(mockserver.Fault{Path: "/api/users/h-", Latency: time.Hour, Times: -1})
	roster := func(yield func(string) bool) {
		if !yield("q-00000") {
			return
		}
		for id := range numbered("h", 100_000) {
			if !yield(id) {
				return
			}
		}
	}
	var total, worst time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var t0 time.Time
		for range client.Users.Report(context.Background(), roster, &partnerapi.ReportOptions{Concurrency: 16}) {
			// Let the other workers get their requests to the fake.
			b.StopTimer()
			time.Sleep(20 * time.Millisecond)
			b.StartTimer()
			t0 = time.Now()
			break
		}
		d := time.Since(t0)
		total += d
		worst = max(worst, d)
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N), "µs/break")
	b.ReportMetric(float64(worst.Microseconds()), "worst-µs/break")
}
