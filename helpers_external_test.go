package partnerapi_test

// The test helpers of the package's external tests (package partnerapi_test),
// one of each: whatever more than one test file uses, benchmarks included.
// Those of the internal tests are in helpers_test.go.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// The key, partner and answers of the benchmarks: the documented bodies of
// the three calls they measure (tracks, create or refresh a user, list keys).
const (
	benchKey     = "935d85189822bf96c28c4fa79d3d8f31"
	benchPartner = "535fb19bdca6a9d1638f2007"
	benchTracks  = `{"tracks":[{"title":"Fast Track","progress":0.5,"tracks":[{"step":1,"title":"Job Interview Fundamentals","link":"/members/curriculum?chapter=1","completed":true},{"step":2,"title":"Why do you want to work here?","link":"/members/curriculum?chapter=6","completed":false}]},{"title":"Mastery Track","progress":0,"tracks":[{"step":1,"title":"Tell me about yourself","link":"/members/curriculum?chapter=2","completed":false}]}]}`
	benchUser    = `{"user":{"partner_id":"abc123def","anonymous":false,"created_at":"2015-01-01T00:00:00.000Z","token":{"token":"19633c68a809dda515d78bbee308012634b73f4142b4ae58d8790c7094c66417","expires_at":"2016-05-28T17:16:18.817Z"}}}`
	benchKeys    = `[{"created_at":"2014-08-18T10:30:02.516000+00:00","id":"53f1d5aa37abbd0a9da87882","key":"my-very-secret-key","name":"test","partner":"535fb19bdca6a9d1638f2007","removed":false},{"created_at":"2014-08-18T10:30:23.487000+00:00","id":"53f1d5bf37abbd0a9ea87882","key":"5a1428de2cd84b5189453470dffa3b5d","name":"default","partner":"535fb19bdca6a9d1638f2007","removed":false}]`
)

// cannedTransport answers every request with the same status and body,
// with no socket and no handler: what is left to measure is the client.
type cannedTransport struct {
	status int
	body   []byte
}

func (t cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{
		StatusCode: t.status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(t.body)),
		ContentLength: int64(len(t.body)), Request: r,
	}, nil
}

// panickyTransport panics on its panicAt-th request and passes the others
// on to next.
type panickyTransport struct {
	next    http.RoundTripper
	n       atomic.Int32
	panicAt int32
}

func (p *panickyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if p.n.Add(1) == p.panicAt {
		panic("transport broke")
	}
	return p.next.RoundTrip(r)
}

// newFake starts the fake on a loopback socket with one partner, "acme",
// and returns it, the partner and a Client for the partner's key; opts come
// after the base URL. The fake is closed when tb ends.
func newFake(tb testing.TB, opts ...partnerapi.Option) (*mockserver.Server, *mockserver.Partner, *partnerapi.Client) {
	tb.Helper()
	srv := mockserver.New()
	tb.Cleanup(srv.Close)
	p := srv.AddPartner("acme")
	c, err := partnerapi.NewClient(p.APIKey, append([]partnerapi.Option{partnerapi.WithBaseURL(srv.URL), partnerapi.WithKeysAPIKey(p.KeysAPIKey)}, opts...)...)
	if err != nil {
		tb.Fatalf("NewClient: %v", err)
	}
	return srv, p, c
}

// newMemFake is newFake without a socket: the fake in memory, and a Client
// that reaches it through the fake's Transport ([mockserver.Server.NewClient]).
func newMemFake(tb testing.TB) (*mockserver.Server, *mockserver.Partner, *partnerapi.Client) {
	tb.Helper()
	srv := mockserver.New(mockserver.WithoutListener())
	tb.Cleanup(srv.Close)
	p := srv.AddPartner("acme")
	c, err := srv.NewClient(p)
	if err != nil {
		tb.Fatalf("NewClient: %v", err)
	}
	return srv, p, c
}

// syncFake is the fake behind a meter, and a Client pointed at it.
type syncFake struct {
	srv     *mockserver.Server
	partner *mockserver.Partner
	meter   *meter
	client  *partnerapi.Client
}

// newSyncFake starts the fake behind a metering handler on a loopback
// socket and returns a Client for one of its partners; opts come after the
// base URL.
func newSyncFake(t *testing.T, opts ...partnerapi.Option) *syncFake {
	t.Helper()
	srv := mockserver.New()
	p := srv.AddPartner("acme")
	m := &meter{}
	hs := httptest.NewServer(m.wrap(srv.Handler()))
	// Cleanups run last first: closing the fake first ends any Latency
	// still waiting, so that closing the socket server does not wait on it.
	t.Cleanup(hs.Close)
	t.Cleanup(srv.Close)
	c, err := partnerapi.NewClient(p.APIKey, append([]partnerapi.Option{partnerapi.WithBaseURL(hs.URL)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return &syncFake{srv: srv, partner: p, meter: m, client: c}
}

// meter counts the requests in flight at the fake and notes each one's
// arrival. A request stops counting when its status is written, before
// the client can have the answer, so that what the meter sees in flight is
// never more than what the client had in flight.
type meter struct {
	mu       sync.Mutex
	inflight int
	max      int
	arrivals []arrival
}

func (m *meter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		m.inflight++
		m.max = max(m.max, m.inflight)
		i := len(m.arrivals)
		m.arrivals = append(m.arrivals, arrival{at: time.Now(), path: r.URL.Path, inflight: m.inflight})
		m.mu.Unlock()
		mw := &meterWriter{ResponseWriter: w, m: m, i: i}
		defer mw.finish(0)
		h.ServeHTTP(mw, r)
	})
}

func (m *meter) snapshot() (maxInflight int, arrivals []arrival) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.max, append([]arrival(nil), m.arrivals...)
}

// maxInflightSince returns the most requests in flight at the fake when any
// request after the first n arrived: the peak of what came after a snapshot
// that saw n arrivals (the earlier ones all answered).
func (m *meter) maxInflightSince(n int) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	most := 0
	for _, a := range m.arrivals[n:] {
		most = max(most, a.inflight)
	}
	return most
}

// answered counts the requests answered with status.
func (m *meter) answered(status int) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, a := range m.arrivals {
		if a.status == status {
			n++
		}
	}
	return n
}

func (m *meter) current() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.inflight
}

type arrival struct {
	at         time.Time
	path       string
	inflight   int // in flight at the fake when it arrived, itself included
	status     int // 0 until answered, and for an abandoned request
	answeredAt time.Time
}

type meterWriter struct {
	http.ResponseWriter
	m    *meter
	i    int
	done bool
}

func (w *meterWriter) finish(status int) {
	if w.done {
		return
	}
	w.done = true
	w.m.mu.Lock()
	w.m.inflight--
	w.m.arrivals[w.i].status = status
	w.m.arrivals[w.i].answeredAt = time.Now()
	w.m.mu.Unlock()
}

func (w *meterWriter) WriteHeader(code int) {
	w.finish(code)
	w.ResponseWriter.WriteHeader(code)
}

func (w *meterWriter) Write(b []byte) (int, error) {
	w.finish(http.StatusOK)
	return w.ResponseWriter.Write(b)
}

// roster yields n valid records with partner_ids prefix-00000, prefix-00001, …
func roster(prefix string, n int) iter.Seq[partnerapi.UserRecord] {
	return func(yield func(partnerapi.UserRecord) bool) {
		for i := range n {
			if !yield(record(fmt.Sprintf("%s-%05d", prefix, i))) {
				return
			}
		}
	}
}

func record(id string) partnerapi.UserRecord {
	return partnerapi.UserRecord{PartnerID: id, Params: partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: id + "@example.com",
	}}
}

// numbered yields n partner_ids prefix-00000, prefix-00001, …
func numbered(prefix string, n int) iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := range n {
			if !yield(fmt.Sprintf("%s-%05d", prefix, i)) {
				return
			}
		}
	}
}

// createUsers creates the users of ids on the fake (through Sync, before
// any fault is set).
func createUsers(t testing.TB, c *partnerapi.Client, ids iter.Seq[string]) {
	t.Helper()
	recs := func(yield func(partnerapi.UserRecord) bool) {
		for id := range ids {
			if !yield(record(id)) {
				return
			}
		}
	}
	rep, err := c.Users.Sync(context.Background(), recs, &partnerapi.SyncOptions{Concurrency: 16})
	if err != nil || len(rep.Failed) != 0 {
		t.Fatalf("creating the users: %+v, %v", rep, err)
	}
}

// statuses counts the fake's journal by status.
func statuses(srv *mockserver.Server) map[int]int {
	out := map[int]int{}
	for _, r := range srv.Requests() {
		out[r.Status]++
	}
	return out
}

// stormFaults makes the first 3 requests to the users API answer 429
// with a Retry-After of 1 s, and holds every answer 100 ms: the requests
// of the first round overlap, and the timing checkStormPacing looks at
// stays far from the scheduler's hiccups.
func stormFaults(srv *mockserver.Server) {
	const latency = 100 * time.Millisecond
	srv.Fail(mockserver.Fault{Path: "/api/users/", Status: http.StatusTooManyRequests, RetryAfter: time.Second, Latency: latency, Times: 3})
	srv.Fail(mockserver.Fault{Latency: latency, Times: -1})
}

// checkStormPacing checks, from the meter's arrivals, how a roster call
// with conc workers met the storm of stormFaults: every worker paused
// together for the Retry-After, and the requests in flight were halved
// once for the burst.
func checkStormPacing(t *testing.T, f *syncFake, conc int) {
	t.Helper()
	_, arrivals := f.meter.snapshot()
	var first429 time.Time
	for _, a := range arrivals {
		if a.status == http.StatusTooManyRequests && (first429.IsZero() || a.answeredAt.Before(first429)) {
			first429 = a.answeredAt
		}
	}
	if first429.IsZero() {
		t.Fatal("no 429 was answered")
	}
	pauseEnd := first429.Add(time.Second)
	// Only attempts already sent when the client read the first 429 may
	// arrive during the pause: at most the other conc-1 workers' requests.
	// Without a shared pause, the 5 workers not rate limited would send
	// about 50 in that second.
	during := 0
	var after []arrival
	for _, a := range arrivals {
		switch {
		case !a.at.Before(first429) && a.at.Before(pauseEnd):
			during++
		case !a.at.Before(pauseEnd):
			after = append(after, a)
		}
	}
	if during > conc-1 {
		t.Errorf("%d requests arrived during the 1 s pause after the first 429; want at most %d already in flight", during, conc-1)
	}
	// One halving for the burst (8 → 4, not once per 429: 8 → 1): the
	// first requests after the pause see at most 4 in flight.
	if len(after) < 4 {
		t.Fatalf("only %d requests after the pause", len(after))
	}
	most := 0
	for i, a := range after[:4] {
		if a.inflight > conc/2 {
			t.Errorf("request %d after the pause arrived with %d in flight; want at most %d", i, a.inflight, conc/2)
		}
		most = max(most, a.inflight)
	}
	if most != conc/2 {
		t.Errorf("at most %d in flight after the pause; want %d (halved once for the burst)", most, conc/2)
	}
	if got := statuses(f.srv)[http.StatusTooManyRequests]; got != 3 {
		t.Errorf("%d answers 429, want 3", got)
	}
}

// checkTriedAgainAfterPause checks, from the meter's arrivals, that the
// request to path was answered 429 with a Retry-After of 1 s, then sent
// again once that second had passed and answered status.
func checkTriedAgainAfterPause(t *testing.T, f *syncFake, path string, status int) {
	t.Helper()
	_, arrivals := f.meter.snapshot()
	var tries []arrival
	for _, a := range arrivals {
		if a.path == path {
			tries = append(tries, a)
		}
	}
	if len(tries) != 2 || tries[0].status != http.StatusTooManyRequests || tries[1].status != status {
		t.Fatalf("%s was sent %d times: %+v; want 429 then %d", path, len(tries), tries, status)
	}
	if gap := tries[1].at.Sub(tries[0].answeredAt); gap < time.Second {
		t.Errorf("%s was tried again %s after its 429; want the 1 s Retry-After waited out", path, gap)
	}
}

// heapFigures gathers the live heap of a roster benchmark over its runs:
// after the first sample, after the last, and at the highest, in bytes
// above the heap before each run.
type heapFigures struct{ first, last, peak float64 }

// start takes a run's base, off the clock, with room for n samples.
func (h *heapFigures) start(b *testing.B, n int) *heapRun {
	b.StopTimer()
	defer b.StartTimer()
	return &heapRun{base: liveHeap(), samples: make([]uint64, 0, n)}
}

// end adds a run's samples to the figures, off the clock.
func (h *heapFigures) end(b *testing.B, r *heapRun) {
	b.StopTimer()
	defer b.StartTimer()
	if len(r.samples) == 0 {
		b.Fatal("no heap sample was taken")
	}
	h.first += float64(r.samples[0])
	h.last += float64(r.samples[len(r.samples)-1])
	h.peak += float64(slices.Max(r.samples))
}

// report reports the averages over the runs: heap@<firstAt>-KiB,
// heap@<lastAt>-KiB, peak-heap-KiB, and growth-B/<unit> over the between
// units (records, users) from the first sample to the last.
func (h *heapFigures) report(b *testing.B, firstAt, lastAt, unit string, between int) {
	n := float64(b.N)
	b.ReportMetric(h.first/n/1024, "heap@"+firstAt+"-KiB")
	b.ReportMetric(h.last/n/1024, "heap@"+lastAt+"-KiB")
	b.ReportMetric(h.peak/n/1024, "peak-heap-KiB")
	b.ReportMetric((h.last-h.first)/n/float64(between), "growth-B/"+unit)
}

// heapRun is one run's samples.
type heapRun struct {
	base    uint64
	samples []uint64 // allocated up front
}

// sample notes the live heap above the base (the GC it takes is on the
// clock, at the same points of every run).
func (r *heapRun) sample() {
	if len(r.samples) < cap(r.samples) {
		h := liveHeap()
		r.samples = append(r.samples, h-min(h, r.base))
	}
}

func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
