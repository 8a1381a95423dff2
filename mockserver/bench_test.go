package mockserver_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// The fake's performance targets (DESIGN §9): a create/refresh against
// 100,000 stored users within 1.3× the same SDK call against a trivial
// handler returning the same JSON, and at most 1 KiB of heap per stored
// user, the journal included. scripts/bench prints the ratios; by hand:
//
//	go test -run=NONE -bench='Refresh100k|MemoryPerUser' -benchmem -count=10 ./mockserver
//
// Sub-benchmarks are named impl=trivial and impl=fake, so that
// benchstat -col /impl shows the two side by side.

const storedUsers = 100000

var benchParams = &partnerapi.UserParams{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"}

const benchUserJSON = `{"first_name":"Ada","last_name":"Lovelace","email":"ada@example.com"}`

// fillUsers creates n users through the fake's handler, without a socket.
func fillUsers(tb testing.TB, srv *mockserver.Server, key string, n int) {
	tb.Helper()
	h := srv.Handler()
	for i := range n {
		req := httptest.NewRequest("POST", "/api/users/user-"+strconv.Itoa(i), strings.NewReader(benchUserJSON))
		req.Header.Set("Authorization", key)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			tb.Fatalf("create user-%d: %d %s", i, rec.Code, rec.Body)
		}
	}
}

// refreshLoop refreshes users in a fixed spread over the stored ones.
func refreshLoop(b *testing.B, c *partnerapi.Client) {
	ctx := context.Background()
	ids := make([]string, 1024)
	for i := range ids {
		ids[i] = "user-" + strconv.Itoa(i*97%storedUsers)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		u, err := c.Users.CreateOrUpdate(ctx, ids[i%len(ids)], benchParams)
		if err != nil {
			b.Fatal(err)
		}
		if u.Created {
			b.Fatal("a stored user was created again")
		}
		i++
	}
}

// BenchmarkRefresh100k is the SDK refreshing users of a fake that stores
// 100,000 (impl=fake), beside the same call against a handler that reads
// the body and answers the same JSON bytes (impl=trivial), both over
// loopback HTTP.
func BenchmarkRefresh100k(b *testing.B) {
	srv := mockserver.New()
	b.Cleanup(srv.Close)
	p := srv.AddPartner("bench")
	fillUsers(b, srv, p.APIKey, storedUsers)

	// The trivial handler answers what the fake answers for a refresh.
	sample := httptest.NewRequest("POST", "/api/users/user-0", strings.NewReader(benchUserJSON))
	sample.Header.Set("Authorization", p.APIKey)
	sample.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, sample)
	answer := rec.Body.Bytes()
	trivial := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header()["Content-Type"] = []string{"application/json; charset=utf-8"}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(answer)
	}))
	b.Cleanup(trivial.Close)

	for _, impl := range []struct{ name, url string }{{"trivial", trivial.URL}, {"fake", srv.URL}} {
		c, err := partnerapi.NewClient(p.APIKey, partnerapi.WithBaseURL(impl.url))
		if err != nil {
			b.Fatal(err)
		}
		b.Run("impl="+impl.name, func(b *testing.B) { refreshLoop(b, c) })
	}
}

// BenchmarkHandlerRefresh100k is the stricter, socket-free view of the same
// comparison: the fake's handler with 100,000 users stored against a
// trivial handler, each called directly with a recorder.
func BenchmarkHandlerRefresh100k(b *testing.B) {
	srv := mockserver.New(mockserver.WithoutListener())
	p := srv.AddPartner("bench")
	fillUsers(b, srv, p.APIKey, storedUsers)
	answer := []byte(`{"user":{"partner_id":"user-0","anonymous":false,"created_at":"2026-11-23T16:00:00.000Z","token":{"token":"19633c68a809dda515d78bbee308012634b73f4142b4ae58d8790c7094c66417","expires_at":"2026-11-25T16:00:00.000Z"}}}`)
	trivial := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header()["Content-Type"] = []string{"application/json; charset=utf-8"}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(answer)
	})
	paths := make([]string, 1024)
	for i := range paths {
		paths[i] = "/api/users/user-" + strconv.Itoa(i*97%storedUsers)
	}
	for _, impl := range []struct {
		name string
		h    http.Handler
	}{{"trivial", trivial}, {"fake", srv.Handler()}} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				req := httptest.NewRequest("POST", paths[i%len(paths)], strings.NewReader(benchUserJSON))
				req.Header["Authorization"] = []string{p.APIKey}
				req.Header["Content-Type"] = []string{"application/json"}
				rec := httptest.NewRecorder()
				impl.h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("refresh: %d", rec.Code)
				}
				i++
			}
		})
	}
}

// BenchmarkMemoryPerUser reports the heap each stored user costs, with the
// journal at its default size (its entries count: they are the fake's
// memory too).
func BenchmarkMemoryPerUser(b *testing.B) {
	for b.Loop() {
		before := heapAlloc()
		srv := mockserver.New(mockserver.WithoutListener())
		p := srv.AddPartner("bench")
		fillUsers(b, srv, p.APIKey, storedUsers)
		after := heapAlloc()
		b.ReportMetric(float64(after-before)/storedUsers, "B/user")
		runtime.KeepAlive(srv)
	}
}

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
