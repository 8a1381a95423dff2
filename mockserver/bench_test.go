package mockserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/partnerapi/go-partnerapi/mockserver"
)

// The fake's memory target: at most 1 KiB of heap per stored
// user, the journal included; and a socket-free view of a refresh with
// 100,000 users stored. The time target, the SDK's refresh against the fake
// within 1.3× of the same call to a trivial handler, is measured beside the
// SDK's own (BenchmarkPaired in the root package). scripts/bench prints
// them all; by hand:
//
//	go test -run=NONE -bench='HandlerRefresh100k' -benchmem -count=10 ./mockserver
//	go test -run=NONE -bench='MemoryPerUser' -benchtime=1x ./mockserver

const storedUsers = 100000

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

// BenchmarkHandlerGetKeys is the TicketsCloud hot path without a socket:
// GET of one API key, with an Accept header, and with no query or with a
// fields-schema.
func BenchmarkHandlerGetKeys(b *testing.B) {
	srv := mockserver.New(mockserver.WithoutListener())
	p := srv.AddPartner("bench")
	h := srv.Handler()
	c, err := srv.NewClient(p)
	if err != nil {
		b.Fatal(err)
	}
	keys, err := c.APIKeys.List(b.Context(), p.ID, nil)
	if err != nil || len(keys) == 0 {
		b.Fatalf("listing the keys: %v, %d", err, len(keys))
	}
	id := keys[0].ID
	for _, c := range []struct{ name, query string }{{"plain", ""}, {"fields-schema", "?fields-schema=name,key"}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			path := "/v1/resources/partners/" + p.ID + "/api_keys/" + id + c.query
			for b.Loop() {
				req := httptest.NewRequest("GET", path, nil)
				req.Header["Authorization"] = []string{"key " + p.KeysAPIKey}
				req.Header["Accept"] = []string{"application/xml;q=0.9, application/json, */*;q=0.1"}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("get key: %d %s", rec.Code, rec.Body)
				}
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

// BenchmarkFlood1MiB is a request with a 1 MiB body, with a valid key (the
// body is read whole and the journal keeps its first 64 KiB) and without
// one (refused before its body is read): the cost of a flood, in time and
// memory per request.
//
//	go test -run=NONE -bench='Flood1MiB' -benchmem ./mockserver
func BenchmarkFlood1MiB(b *testing.B) {
	srv := mockserver.New(mockserver.WithoutListener())
	p := srv.AddPartner("flood")
	h := srv.Handler()
	body := strings.Repeat("f", 1<<20)
	for _, c := range []struct{ name, auth string }{{"key=valid", p.APIKey}, {"key=none", ""}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(1 << 20)
			for b.Loop() {
				req := httptest.NewRequest("GET", "/api/users/flooder/tracks", strings.NewReader(body))
				if c.auth != "" {
					req.Header["Authorization"] = []string{c.auth}
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 404 && rec.Code != 401 {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}

// BenchmarkHeaderFlood1MiB is a request without a key that brings as many
// headers as the server reads (1 MiB: over 100,000 tiny names, parsed once
// outside the loop): refused, its entry cut to the journal's bound for one
// request, its cost bounded by what the journal keeps, not by what it was
// sent.
//
//	go test -run=NONE -bench='HeaderFlood1MiB' -benchmem ./mockserver
func BenchmarkHeaderFlood1MiB(b *testing.B) {
	srv := mockserver.New(mockserver.WithoutListener())
	h := srv.Handler()
	flood := headerFlood(b)
	b.ReportAllocs()
	b.SetBytes(1 << 20)
	for b.Loop() {
		req := httptest.NewRequest("GET", "/api/users/flooder/tracks", nil)
		req.Header = flood
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 401 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
