package partnerapi_test

// Benchmarks of the SDK against raw net/http doing the same request and
// JSON decode, against the same in-process handler, so that the ratio comes
// from one run (scripts/bench prints the table):
//
//	go test -run=NONE -bench='SDKvsRaw|SDKOverhead|Paired|Parallel64' -benchmem -count=10 .
//
// Sub-benchmarks are named impl=sdk and impl=raw, so that
// benchstat -col /impl shows the two side by side.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// benchServer answers the three benchmarked calls with their documented
// bodies, the same for the SDK and for raw net/http.
func benchServer(b *testing.B) *httptest.Server {
	b.Helper()
	mux := http.NewServeMux()
	reply := func(status int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		}
	}
	mux.HandleFunc("GET /api/users/{id}/tracks", reply(200, benchTracks))
	mux.HandleFunc("POST /api/users/{id}", reply(200, benchUser))
	mux.HandleFunc("GET /v1/resources/partners/{p}/api_keys", reply(200, benchKeys))
	srv := httptest.NewServer(mux)
	b.Cleanup(srv.Close)
	return srv
}

// benchRaw is the baseline: what a careful programmer writes by hand with
// net/http and encoding/json for one call.
func benchRaw(b *testing.B, hc *http.Client, method, url, auth string, body []byte, out any) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, url, rd)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", auth)
	req.Header.Set("User-Agent", "raw")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b.Fatalf("status %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		b.Fatal(err)
	}
}

func benchClients(b *testing.B, srv *httptest.Server) (*partnerapi.Client, *http.Client) {
	sdk, err := partnerapi.NewClient(benchKey, partnerapi.WithBaseURL(srv.URL), partnerapi.WithKeysAPIKey(benchKey))
	if err != nil {
		b.Fatal(err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 128
	return sdk, &http.Client{Transport: tr}
}

// benchPair is one API call done two ways: by a baseline and by ours.
type benchPair struct {
	name       string
	base, ours func(b *testing.B)
}

// sdkRawPairs are the three benchmarked calls, each by raw net/http (the
// baseline) and by the SDK, against srv.
func sdkRawPairs(srv *httptest.Server, sdk *partnerapi.Client, raw *http.Client) []benchPair {
	ctx := context.Background()
	params := &partnerapi.UserParams{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"}
	return []benchPair{
		{
			name: "Tracks",
			base: func(b *testing.B) {
				var out struct{ Tracks []partnerapi.Track }
				benchRaw(b, raw, "GET", srv.URL+"/api/users/abc123def/tracks", benchKey, nil, &out)
			},
			ours: func(b *testing.B) {
				if _, err := sdk.Users.Tracks(ctx, "abc123def"); err != nil {
					b.Fatal(err)
				}
			},
		},
		{
			name: "CreateOrUpdate",
			base: func(b *testing.B) {
				// The SDK encodes the parameters on every call; so does the
				// baseline, or the comparison would not be of the same work.
				body, err := json.Marshal(params)
				if err != nil {
					b.Fatal(err)
				}
				var out struct{ User partnerapi.User }
				benchRaw(b, raw, "POST", srv.URL+"/api/users/abc123def", benchKey, body, &out)
			},
			ours: func(b *testing.B) {
				if _, err := sdk.Users.CreateOrUpdate(ctx, "abc123def", params); err != nil {
					b.Fatal(err)
				}
			},
		},
		{
			name: "APIKeysList",
			base: func(b *testing.B) {
				var out []partnerapi.APIKey
				benchRaw(b, raw, "GET", srv.URL+"/v1/resources/partners/"+benchPartner+"/api_keys", "key "+benchKey, nil, &out)
			},
			ours: func(b *testing.B) {
				if _, err := sdk.APIKeys.List(ctx, benchPartner, nil); err != nil {
					b.Fatal(err)
				}
			},
		},
	}
}

// BenchmarkSDKvsRaw runs each call by raw net/http (impl=raw) and by the
// SDK (impl=sdk) as separate sub-benchmarks: their time and allocations
// per call. On a busy machine the two times drift apart with the load;
// BenchmarkPaired gives the ratio under equal load.
func BenchmarkSDKvsRaw(b *testing.B) {
	srv := benchServer(b)
	sdk, raw := benchClients(b, srv)
	for _, p := range sdkRawPairs(srv, sdk, raw) {
		b.Run(p.name+"/impl=raw", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.base(b)
			}
		})
		b.Run(p.name+"/impl=sdk", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.ours(b)
			}
		})
	}
}

// BenchmarkPaired measures each ratio that a target is stated in by
// interleaving the two ways call by call (alternating which goes first),
// timing each call, so that both run under the same machine load; it
// reports the mean time of each and ratio = ours / baseline.
//
//   - SDKvsRaw/*: the SDK against raw net/http, same handler (target ≤ 1.05).
//   - FakeVsTrivial/Refresh100k: the SDK refreshing users of a fake that
//     stores 100,000, against the same call to a handler that reads the
//     body and answers the fake's JSON bytes (target ≤ 1.3).
func BenchmarkPaired(b *testing.B) {
	srv := benchServer(b)
	sdk, raw := benchClients(b, srv)
	for _, p := range sdkRawPairs(srv, sdk, raw) {
		b.Run("SDKvsRaw/"+p.name, func(b *testing.B) { runPaired(b, p) })
	}
	refresh := refresh100kPair(b) // filled once, not once per b.N the sub-benchmark tries
	b.Run("FakeVsTrivial/Refresh100k", func(b *testing.B) { runPaired(b, refresh) })
}

// runPaired runs p's two ways alternately and reports their mean times and
// ratio.
func runPaired(b *testing.B, p benchPair) {
	var base, ours time.Duration
	n := 0
	for b.Loop() {
		first, second := p.base, p.ours
		if n%2 == 1 {
			first, second = p.ours, p.base
		}
		t0 := time.Now()
		first(b)
		t1 := time.Now()
		second(b)
		t2 := time.Now()
		if n%2 == 0 {
			base, ours = base+t1.Sub(t0), ours+t2.Sub(t1)
		} else {
			ours, base = ours+t1.Sub(t0), base+t2.Sub(t1)
		}
		n++
	}
	b.ReportMetric(float64(base.Nanoseconds())/float64(n), "base-ns/call")
	b.ReportMetric(float64(ours.Nanoseconds())/float64(n), "ours-ns/call")
	b.ReportMetric(float64(ours)/float64(base), "ratio")
}

// refresh100kPair is a refresh of one of 100,000 users stored in the fake
// (ours) beside the same SDK call answered by a trivial handler with the
// fake's own answer (base), both over loopback.
func refresh100kPair(b *testing.B) benchPair {
	const stored = 100000
	srv := mockserver.New()
	b.Cleanup(srv.Close)
	p := srv.AddPartner("bench")
	ctx := context.Background()
	params := &partnerapi.UserParams{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"}

	// Filled in memory, through the fake's Transport: no socket per user.
	filler, err := partnerapi.NewClient(p.APIKey, partnerapi.WithBaseURL(srv.URL),
		partnerapi.WithHTTPClient(&http.Client{Transport: srv.Transport()}))
	if err != nil {
		b.Fatal(err)
	}
	for i := range stored {
		if _, err := filler.Users.CreateOrUpdate(ctx, "user-"+strconv.Itoa(i), params); err != nil {
			b.Fatal(err)
		}
	}

	// The trivial handler answers what the fake answers for a refresh.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/api/users/user-0", strings.NewReader(`{"first_name":"Ada","last_name":"Lovelace","email":"ada@example.com"}`))
	req.Header.Set("Authorization", p.APIKey)
	req.Header.Set("Content-Type", "application/json")
	srv.Handler().ServeHTTP(rec, req)
	answer := rec.Body.Bytes()
	trivial := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header()["Content-Type"] = []string{"application/json; charset=utf-8"}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(answer)
	}))
	b.Cleanup(trivial.Close)

	toFake, err := partnerapi.NewClient(p.APIKey, partnerapi.WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	toTrivial, err := partnerapi.NewClient(p.APIKey, partnerapi.WithBaseURL(trivial.URL))
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]string, 1024)
	for i := range ids {
		ids[i] = "user-" + strconv.Itoa(i*97%stored)
	}
	var nFake, nTrivial int
	refresh := func(c *partnerapi.Client, n *int) func(*testing.B) {
		return func(b *testing.B) {
			u, err := c.Users.CreateOrUpdate(ctx, ids[*n%len(ids)], params)
			if err != nil {
				b.Fatal(err)
			}
			if u.Created {
				b.Fatal("a stored user was created again")
			}
			*n++
		}
	}
	return benchPair{name: "Refresh100k", base: refresh(toTrivial, &nTrivial), ours: refresh(toFake, &nFake)}
}

// BenchmarkParallel64 runs 64 goroutines sharing one Client against the
// fake on loopback, each refreshing its own user and reading its tracks.
// Any error fails the benchmark; calls/s/core is the throughput divided by
// GOMAXPROCS.
func BenchmarkParallel64(b *testing.B) {
	const goroutines = 64
	_, _, c := newFake(b)
	ctx := context.Background()
	params := &partnerapi.UserParams{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"}
	for i := range goroutines {
		if _, err := c.Users.CreateOrUpdate(ctx, "user-"+strconv.Itoa(i), params); err != nil {
			b.Fatal(err)
		}
	}
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((goroutines + procs - 1) / procs)
	var next atomic.Int64
	b.ReportAllocs()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		id := "user-" + strconv.Itoa(int(next.Add(1)-1)%goroutines)
		for i := 0; pb.Next(); i++ {
			var err error
			if i%2 == 0 {
				_, err = c.Users.CreateOrUpdate(ctx, id, nil)
			} else {
				_, err = c.Users.Tracks(ctx, id)
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	elapsed := time.Since(start)
	b.ReportMetric(float64(b.N)/elapsed.Seconds()/float64(procs), "calls/s/core")
}

// BenchmarkSDKOverhead is the SDK beside raw net/http with the network
// taken out: both use an http.Client whose transport answers at once from
// memory, so the difference between impl=sdk and impl=raw is the whole
// per-call cost of the SDK (request building, retry machinery, checks,
// decoding wrapper), resolved far below the noise of a loopback round trip.
func BenchmarkSDKOverhead(b *testing.B) {
	hc := &http.Client{Transport: cannedTransport{status: 200, body: []byte(benchTracks)}}
	sdk, err := partnerapi.NewClient(benchKey, partnerapi.WithBaseURL("https://bench.example"), partnerapi.WithKeysAPIKey(benchKey), partnerapi.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("Tracks/impl=raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out struct{ Tracks []partnerapi.Track }
			benchRaw(b, hc, "GET", "https://bench.example/api/users/abc123def/tracks", benchKey, nil, &out)
		}
	})
	b.Run("Tracks/impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sdk.Users.Tracks(ctx, "abc123def"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
