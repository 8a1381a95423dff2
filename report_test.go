package partnerapi_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/internal/testenv"
	"github.com/partnerapi/go-partnerapi/mockserver"
	"github.com/partnerapi/go-partnerapi/partnerid"
)

// reportPair is one pair a Report yielded.
type reportPair struct {
	rep partnerapi.UserReport
	err error
}

// collectReport runs a Report to its end and returns every pair; it fails
// the test if the loop has not ended after a generous deadline (a hang,
// not slowness).
func collectReport(t *testing.T, seq iter.Seq2[partnerapi.UserReport, error]) []reportPair {
	t.Helper()
	ch := make(chan []reportPair, 1)
	go func() {
		var out []reportPair
		for rep, err := range seq {
			out = append(out, reportPair{rep, err})
		}
		ch <- out
	}()
	select {
	case out := <-ch:
		return out
	case <-time.After(30 * time.Second):
		t.Fatal("the Report loop did not end")
		return nil
	}
}

// ids yields the given partner_ids.
func ids(list ...string) iter.Seq[string] { return slices.Values(list) }

// counted yields the ids of each part in turn, counting in *pulled every
// id it has handed over.
func counted(pulled *int, parts ...iter.Seq[string]) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, part := range parts {
			for id := range part {
				*pulled++
				if !yield(id) {
					return
				}
			}
		}
	}
}

// completed counts the completed steps of a track.
func completed(tr partnerapi.Track) int {
	n := 0
	for _, s := range tr.Steps {
		if s.Completed {
			n++
		}
	}
	return n
}

// Users finish in an order of their own (the fake holds each longer the
// earlier it is in the roster); the pairs come in roster order, each with
// that user's tracks.
func TestReportYieldsInRosterOrder(t *testing.T) {
	f := newSyncFake(t)
	const n = 40
	createUsers(t, f.client, numbered("o", n))
	partner := f.partner
	for i := range n {
		// User i has completed i%6 steps of the Fast Track.
		steps := make([]int, i%6)
		for s := range steps {
			steps[s] = s + 1
		}
		if err := f.srv.SetProgress(partner, fmt.Sprintf("o-%05d", i), "Fast Track", steps...); err != nil {
			t.Fatal(err)
		}
		// The first users are held longest: they finish last.
		f.srv.Fail(mockserver.Fault{Path: fmt.Sprintf("/api/users/o-%05d/", i), Latency: time.Duration(n-i) * time.Millisecond})
	}

	pairs := collectReport(t, f.client.Users.Report(context.Background(), numbered("o", n), &partnerapi.ReportOptions{Concurrency: 8}))
	if len(pairs) != n {
		t.Fatalf("%d pairs, want %d", len(pairs), n)
	}
	for i, pr := range pairs {
		want := fmt.Sprintf("o-%05d", i)
		if pr.err != nil || pr.rep.PartnerID != want {
			t.Fatalf("pair %d: %q, %v; want %q and no error", i, pr.rep.PartnerID, pr.err, want)
		}
		if len(pr.rep.Tracks) != 2 || pr.rep.Tracks[0].Title != "Fast Track" {
			t.Fatalf("pair %d: tracks %+v", i, pr.rep.Tracks)
		}
		ft := pr.rep.Tracks[0]
		if got := completed(ft); got != i%6 || ft.Progress == 0 != (i%6 == 0) {
			t.Errorf("%s: Fast Track %d steps done, progress %.2f; want %d steps", want, got, ft.Progress, i%6)
		}
		if pr.rep.Interviews != nil {
			t.Errorf("%s: interviews %v without ReportOptions.Interviews", want, pr.rep.Interviews)
		}
	}
	// The answers did come back out of order: the order is Report's doing.
	_, arrivals := f.meter.snapshot()
	var answered []string
	for _, a := range slices.SortedFunc(slices.Values(arrivals), func(a, b arrival) int { return a.answeredAt.Compare(b.answeredAt) }) {
		if strings.HasSuffix(a.path, "/tracks") {
			answered = append(answered, a.path)
		}
	}
	if slices.IsSorted(answered) {
		t.Error("the fake answered in roster order: the test shows nothing")
	}
	for _, r := range f.srv.Requests() {
		if strings.HasSuffix(r.Path, "/interviews") {
			t.Fatalf("a request for interviews without ReportOptions.Interviews: %s", r.Path)
		}
	}
}

// With Interviews, each user's interviews come too: empty, not nil, for a
// user with none.
func TestReportInterviews(t *testing.T) {
	f := newSyncFake(t)
	createUsers(t, f.client, ids("ada", "grace", "alan"))
	partner := f.partner
	start := f.srv.Now().Add(-72 * time.Hour)
	for i, title := range []string{"Top 10 Questions", "Behavioral", "Teamwork"} {
		iv := partnerapi.Interview{Title: title, Completed: i != 1, CreatedAt: start.Add(time.Duration(i) * time.Hour), UpdatedAt: start.Add(time.Duration(i) * time.Hour)}
		if _, err := f.srv.AddInterview(partner, "ada", iv); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.srv.AddInterview(partner, "alan", partnerapi.Interview{Title: "Alan's", Completed: true}); err != nil {
		t.Fatal(err)
	}

	pairs := collectReport(t, f.client.Users.Report(context.Background(), ids("ada", "grace", "alan"), &partnerapi.ReportOptions{Interviews: true}))
	want := map[string][]string{"ada": {"Teamwork", "Behavioral", "Top 10 Questions"}, "grace": {}, "alan": {"Alan's"}}
	if len(pairs) != 3 {
		t.Fatalf("%d pairs, want 3", len(pairs))
	}
	for i, id := range []string{"ada", "grace", "alan"} {
		pr := pairs[i]
		if pr.err != nil || pr.rep.PartnerID != id || len(pr.rep.Tracks) != 2 {
			t.Fatalf("pair %d: %+v, %v", i, pr.rep, pr.err)
		}
		if pr.rep.Interviews == nil {
			t.Errorf("%s: nil interviews with ReportOptions.Interviews", id)
		}
		var titles []string
		for _, iv := range pr.rep.Interviews {
			titles = append(titles, iv.Title)
		}
		if !slices.Equal(titles, want[id]) {
			t.Errorf("%s: interviews %q, want %q", id, titles, want[id])
		}
	}
	if got := pairs[0].rep.Interviews[1]; got.Completed {
		t.Errorf("ada's Behavioral interview is completed: %+v", got)
	}
}

// A user's failure is that user's pair, and the report goes on: invalid
// ids without a request, an unknown user as ErrNotFound, a server error
// as its *Error, a failure of the interviews call as the user's error
// (with no tracks). No error holds the key.
func TestReportPerUserErrors(t *testing.T) {
	f := newSyncFake(t, partnerapi.WithRetry(1, time.Millisecond, 5*time.Millisecond))
	createUsers(t, f.client, ids("good-1", "broken", "half", "good-2"))
	f.srv.Fail(mockserver.Fault{Path: "/api/users/broken/", Status: http.StatusInternalServerError, Times: -1})
	f.srv.Fail(mockserver.Fault{Path: "/api/users/half/interviews", Status: http.StatusForbidden, Times: -1})
	before := len(f.srv.Requests())

	long := strings.Repeat("x", partnerid.MaxLen+1)
	roster := []string{"good-1", "", "jane doe", long, "nobody", "broken", "half", "good-2"}
	pairs := collectReport(t, f.client.Users.Report(context.Background(), ids(roster...), &partnerapi.ReportOptions{Concurrency: 3, Interviews: true}))
	if len(pairs) != len(roster) {
		t.Fatalf("%d pairs for %d ids", len(pairs), len(roster))
	}
	for i, pr := range pairs {
		if pr.rep.PartnerID != roster[i] {
			t.Fatalf("pair %d is for %.10q, want %.10q", i, pr.rep.PartnerID, roster[i])
		}
		if pr.err != nil {
			if pr.rep.Tracks != nil || pr.rep.Interviews != nil {
				t.Errorf("%.10q failed (%v) but its report holds %+v", roster[i], pr.err, pr.rep)
			}
			checkNoKey(t, pr.err.Error(), f)
		}
	}
	for _, i := range []int{0, 7} {
		if pairs[i].err != nil || len(pairs[i].rep.Tracks) != 2 || pairs[i].rep.Interviews == nil {
			t.Errorf("%s: %+v, %v; want its tracks and interviews", roster[i], pairs[i].rep, pairs[i].err)
		}
	}
	for _, i := range []int{1, 2, 3} {
		var pe *partnerid.Error
		if err := pairs[i].err; !errors.Is(err, partnerapi.ErrInvalidArgument) || !errors.Is(err, partnerid.ErrInvalid) || !errors.As(err, &pe) {
			t.Errorf("%.10q: %v; want ErrInvalidArgument and partnerid.ErrInvalid", roster[i], err)
		}
	}
	if err := pairs[4].err; !errors.Is(err, partnerapi.ErrNotFound) {
		t.Errorf("nobody: %v; want ErrNotFound", err)
	}
	var apiErr *partnerapi.Error
	if err := pairs[5].err; !errors.Is(err, partnerapi.ErrServer) || !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Attempts != 2 {
		t.Errorf("broken: %v; want a 500 *Error after 2 attempts", err)
	}
	if err := pairs[6].err; !errors.Is(err, partnerapi.ErrForbidden) {
		t.Errorf("half: %v; want ErrForbidden from its interviews", err)
	}

	for _, r := range f.srv.Requests()[before:] {
		id := strings.Split(strings.TrimPrefix(r.Path, "/api/users/"), "/")[0]
		if id == "" || id == "jane doe" || id == long || strings.Contains(r.Path, " ") {
			t.Errorf("a request for an invalid id: %s", r.Path)
		}
	}
}

// checkNoKey fails the test if s holds the fake's API key.
func checkNoKey(t *testing.T, s string, f *syncFake) {
	t.Helper()
	if strings.Contains(s, f.partner.APIKey) {
		t.Errorf("an error holds the API key: %s", s)
	}
}

// cueCtx is a context that ends with context.DeadlineExceeded when the
// test says so: a deadline reached on cue rather than on the clock.
type cueCtx struct {
	context.Context
	done chan struct{}
	once sync.Once
}

func newCueCtx() *cueCtx { return &cueCtx{Context: context.Background(), done: make(chan struct{})} }

func (c *cueCtx) Done() <-chan struct{} { return c.done }

func (c *cueCtx) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

func (c *cueCtx) end() { c.once.Do(func() { close(c.done) }) }

// holdTransport orders a test's events without timing: it holds the
// request to the path hold until n requests to paths under prefix have
// gone out (and not come back) beneath it.
type holdTransport struct {
	next   http.RoundTripper
	hold   string
	prefix string
	n      int

	mu       sync.Mutex
	inflight int
	ready    chan struct{} // closed once n are in flight
}

func newHoldTransport(next http.RoundTripper, hold, prefix string, n int) *holdTransport {
	return &holdTransport{next: next, hold: hold, prefix: prefix, n: n, ready: make(chan struct{})}
}

func (h *holdTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	switch {
	case r.URL.Path == h.hold:
		select {
		case <-h.ready:
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	case strings.HasPrefix(r.URL.Path, h.prefix):
		h.mu.Lock()
		h.inflight++
		if h.inflight == h.n {
			close(h.ready)
		}
		h.mu.Unlock()
		defer func() { h.mu.Lock(); h.inflight--; h.mu.Unlock() }()
	}
	return h.next.RoundTrip(r)
}

// When the context ends mid-report, the requests in flight are
// interrupted, the roster is read no further, and the last pair is
// (UserReport{}, ctx.Err()), once: no user is reported failed because of
// it.
func TestReportContextEndYieldsItsErrorOnce(t *testing.T) {
	for _, tc := range []struct {
		name string
		ctx  func() (context.Context, func())
		want error
	}{
		{"cancel", func() (context.Context, func()) { return context.WithCancel(context.Background()) }, context.Canceled},
		{"deadline", func() (context.Context, func()) { c := newCueCtx(); return c, c.end }, context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const conc = 4
			// The last quick user is answered only once the other workers
			// are on held users: when it is yielded, every worker is busy.
			hold := newHoldTransport(&http.Transport{}, "/api/users/c-00009/tracks", "/api/users/h-", conc-1)
			f := newSyncFake(t, partnerapi.WithHTTPClient(&http.Client{Transport: hold}))
			createUsers(t, f.client, numbered("c", 10))
			// Users c-… answer at once; users h-… are held for an hour.
			f.srv.Fail(mockserver.Fault{Path: "/api/users/h-", Latency: time.Hour, Times: -1})

			ctx, end := tc.ctx()
			defer end()
			pulled := 0
			roster := counted(&pulled, numbered("c", 10), numbered("h", 100_000))
			var pairs []reportPair
			tenth, proceed, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
			go func() {
				defer close(done)
				for rep, err := range f.client.Users.Report(ctx, roster, &partnerapi.ReportOptions{Concurrency: conc}) {
					pairs = append(pairs, reportPair{rep, err})
					if len(pairs) == 10 {
						close(tenth)
						<-proceed
					}
				}
			}()
			select {
			case <-tenth:
			case <-done:
				t.Fatalf("the loop ended after %d pairs: %+v", len(pairs), pairs)
			case <-time.After(20 * time.Second):
				t.Fatal("the 10 quick users were not reported")
			}
			testenv.WaitFor(t, "4 requests held", func() bool { return f.meter.current() == conc })
			end()
			close(proceed)
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("the Report loop did not end after the context did")
			}
			if len(pairs) != 11 {
				t.Fatalf("%d pairs, want the 10 answered and the context's error: %+v", len(pairs), pairs[10:])
			}
			for i, pr := range pairs[:10] {
				if pr.err != nil || pr.rep.PartnerID != fmt.Sprintf("c-%05d", i) {
					t.Fatalf("pair %d: %q, %v", i, pr.rep.PartnerID, pr.err)
				}
			}
			last := pairs[10]
			if last.err != tc.want || last.rep.PartnerID != "" || last.rep.Tracks != nil {
				t.Fatalf("last pair %+v, %v; want (UserReport{}, %v)", last.rep, last.err, tc.want)
			}
			if limit := 10 + 2*conc + 1; pulled > limit {
				t.Errorf("%d ids read from the roster; want at most %d, the window ahead of the 10 yielded", pulled, limit)
			}
			// The held requests were interrupted: the fake saw them abandoned.
			testenv.WaitFor(t, "the held requests to end", func() bool { return f.meter.current() == 0 })
			if got := statuses(f.srv)[0]; got != conc {
				t.Errorf("%d requests abandoned, want the %d in flight", got, conc)
			}
		})
	}
}

// A context that has already ended yields its error once, reads nothing
// and sends nothing.
func TestReportEndedContext(t *testing.T) {
	f := newSyncFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	read := 0
	pairs := collectReport(t, f.client.Users.Report(ctx, counted(&read, numbered("e", 10)), nil))
	if len(pairs) != 1 || pairs[0].err != context.Canceled || pairs[0].rep.PartnerID != "" {
		t.Fatalf("pairs %+v; want one (UserReport{}, context.Canceled)", pairs)
	}
	if read != 0 || len(f.srv.Requests()) != 0 {
		t.Fatalf("%d ids read, %d requests sent with an ended context", read, len(f.srv.Requests()))
	}
}

// Breaking out of the loop interrupts the requests in flight at once (the
// fake holds them for an hour), reads no further id, sends nothing more,
// and leaves no goroutine behind.
func TestReportBreakStopsEveryWorker(t *testing.T) {
	const conc = 16
	srv := mockserver.New(mockserver.WithoutListener())
	t.Cleanup(srv.Close)
	p := srv.AddPartner("acme")
	// The first user is answered only once the other workers are on held
	// users: when the loop breaks, every worker has a request in flight.
	hold := newHoldTransport(srv.Transport(), "/api/users/b-00000/tracks", "/api/users/h-", conc-1)
	c, err := partnerapi.NewClient(p.APIKey, partnerapi.WithBaseURL("http://127.0.0.1"),
		partnerapi.WithHTTPClient(&http.Client{Transport: hold}))
	if err != nil {
		t.Fatal(err)
	}
	createUsers(t, c, ids("b-00000"))
	srv.Fail(mockserver.Fault{Path: "/api/users/h-", Latency: time.Hour, Times: -1})
	runtime.GC()
	before := runtime.NumGoroutine()

	pulled := 0
	roster := counted(&pulled, ids("b-00000"), numbered("h", 100_000))
	var pairs []reportPair
	done := make(chan struct{})
	go func() {
		defer close(done)
		for rep, err := range c.Users.Report(context.Background(), roster, &partnerapi.ReportOptions{Concurrency: conc}) {
			pairs = append(pairs, reportPair{rep, err})
			break
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the loop did not end after break: the workers were not stopped")
	}
	if len(pairs) != 1 || pairs[0].err != nil || pairs[0].rep.PartnerID != "b-00000" {
		t.Fatalf("pairs %+v", pairs)
	}
	sent, read := len(srv.Requests()), pulled
	if limit := 1 + 2*conc; read > limit {
		t.Errorf("%d ids read; want at most %d, the window", read, limit)
	}
	testenv.GoroutinesBack(t, before)
	if got := len(srv.Requests()); got != sent || pulled != read {
		t.Errorf("after the break: %d more requests, %d more ids read", got-sent, pulled-read)
	}
	// The held requests were abandoned, not answered.
	held := 0
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Path, "/api/users/h-") {
			held++
			if r.Status != 0 {
				t.Errorf("%s was answered %d: not interrupted", r.Path, r.Status)
			}
		}
	}
	if held < conc-1 {
		t.Errorf("%d held requests, want at least %d", held, conc-1)
	}
}

// A panic in the loop's body, in the roster iterator or in a worker
// reaches the caller's goroutine, after Report has stopped its workers.
func TestReportPanicsReachTheCaller(t *testing.T) {
	srv := mockserver.New(mockserver.WithoutListener())
	t.Cleanup(srv.Close)
	p := srv.AddPartner("acme")
	tr := &panickyTransport{next: srv.Transport(), panicAt: -1}
	c, err := partnerapi.NewClient(p.APIKey, partnerapi.WithBaseURL("http://127.0.0.1"),
		partnerapi.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		t.Fatal(err)
	}
	createUsers(t, c, numbered("p", 40))
	runtime.GC()
	before := runtime.NumGoroutine()

	recovered := func(loop func()) (v any) {
		defer func() { v = recover() }()
		loop()
		return nil
	}
	if got := recovered(func() {
		for rep := range c.Users.Report(context.Background(), numbered("p", 40), &partnerapi.ReportOptions{Concurrency: 4}) {
			if rep.PartnerID == "p-00005" {
				panic("loop body broke")
			}
		}
	}); got != "loop body broke" {
		t.Errorf("recovered %v, want the loop body's panic", got)
	}
	testenv.GoroutinesBack(t, before)

	broken := func(yield func(string) bool) {
		for id := range numbered("p", 40) {
			if id == "p-00020" {
				panic("roster source broke")
			}
			if !yield(id) {
				return
			}
		}
	}
	if got := recovered(func() {
		for range c.Users.Report(context.Background(), broken, &partnerapi.ReportOptions{Concurrency: 4}) {
		}
	}); got != "roster source broke" {
		t.Errorf("recovered %v, want the iterator's panic", got)
	}
	testenv.GoroutinesBack(t, before)

	tr.n.Store(0)
	tr.panicAt = 5
	if got := recovered(func() {
		for range c.Users.Report(context.Background(), numbered("p", 40), &partnerapi.ReportOptions{Concurrency: 4}) {
		}
	}); got != "transport broke" {
		t.Errorf("recovered %v, want the transport's panic on the caller's goroutine", got)
	}
	testenv.GoroutinesBack(t, before)

	// The client is still usable.
	tr.panicAt = -1
	if pairs := collectReport(t, c.Users.Report(context.Background(), numbered("p", 3), nil)); len(pairs) != 3 || pairs[2].err != nil {
		t.Fatalf("after the panics: %+v", pairs)
	}
}

// The 429 storm of Sync's test, met the same way: one pause for every
// worker, concurrency halved once for the burst, every user reported.
func TestReport429StormPausesAllWorkersAndLowersConcurrency(t *testing.T) {
	f := newSyncFake(t, partnerapi.WithRetry(4, 10*time.Millisecond, 5*time.Second))
	const n, conc = 40, 8
	createUsers(t, f.client, numbered("s", n))
	stormFaults(f.srv)

	pairs := collectReport(t, f.client.Users.Report(context.Background(), numbered("s", n), &partnerapi.ReportOptions{Concurrency: conc}))
	if len(pairs) != n {
		t.Fatalf("%d pairs, want %d", len(pairs), n)
	}
	for i, pr := range pairs {
		if pr.err != nil || len(pr.rep.Tracks) != 2 {
			t.Fatalf("pair %d: %+v, %v", i, pr.rep, pr.err)
		}
	}
	checkStormPacing(t, f, conc)
}

// A Retry-After beyond the client's maximum wait is waited out by Report
// with every worker, and the user tried again; a server that answers 429
// for ever fails each user after 4 tries, and the report goes on.
func TestReportRateLimitBeyondRetries(t *testing.T) {
	f := newSyncFake(t, partnerapi.WithRetry(1, time.Millisecond, 50*time.Millisecond))
	createUsers(t, f.client, numbered("far", 6))
	f.srv.Fail(mockserver.Fault{Path: "/api/users/far-00002/", Status: http.StatusTooManyRequests, RetryAfter: time.Second})

	pairs := collectReport(t, f.client.Users.Report(context.Background(), numbered("far", 6), &partnerapi.ReportOptions{Concurrency: 2}))
	if len(pairs) != 6 {
		t.Fatalf("%d pairs", len(pairs))
	}
	for i, pr := range pairs {
		if pr.err != nil {
			t.Fatalf("pair %d: %v; want every user reported (the rate-limited one tried again)", i, pr.err)
		}
	}
	checkTriedAgainAfterPause(t, f, "/api/users/far-00002/tracks", http.StatusOK)

	f.srv.Fail(mockserver.Fault{Path: "/api/users/far-0000", Status: http.StatusTooManyRequests, Times: -1})
	before := len(f.srv.Requests())
	pairs = collectReport(t, f.client.Users.Report(context.Background(), ids("far-00000", "nobody", "far-00001"), &partnerapi.ReportOptions{Concurrency: 2}))
	if len(pairs) != 3 || !errors.Is(pairs[0].err, partnerapi.ErrRateLimited) || !errors.Is(pairs[1].err, partnerapi.ErrNotFound) || !errors.Is(pairs[2].err, partnerapi.ErrRateLimited) {
		t.Fatalf("pairs %+v; want ErrRateLimited, ErrNotFound, ErrRateLimited", pairs)
	}
	// 2 users × 4 tries × 2 attempts each (WithRetry(1, …)), and nobody's one.
	if got := len(f.srv.Requests()) - before; got != 2*4*2+1 {
		t.Errorf("%d requests, want %d", got, 2*4*2+1)
	}
}

func TestReportArgumentErrors(t *testing.T) {
	f := newSyncFake(t)
	read := 0
	roster := func(yield func(string) bool) {
		read++
		yield("ada")
	}
	noUsers, err := partnerapi.NewClient("0123456789abcdef0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	var nilCtx context.Context
	for name, seq := range map[string]iter.Seq2[partnerapi.UserReport, error]{
		"nil iterator":                  f.client.Users.Report(context.Background(), nil, nil),
		"nil context":                   f.client.Users.Report(nilCtx, roster, nil),
		"negative concurrency":          f.client.Users.Report(context.Background(), roster, &partnerapi.ReportOptions{Concurrency: -1}),
		"concurrency above the maximum": f.client.Users.Report(context.Background(), roster, &partnerapi.ReportOptions{Concurrency: partnerapi.MaxSyncConcurrency + 1}),
		"no users API":                  noUsers.Users.Report(context.Background(), roster, nil),
	} {
		pairs := collectReport(t, seq)
		if len(pairs) != 1 || !errors.Is(pairs[0].err, partnerapi.ErrInvalidArgument) || pairs[0].rep.PartnerID != "" {
			t.Errorf("%s: %+v; want one (UserReport{}, ErrInvalidArgument)", name, pairs)
		}
	}
	if read != 0 || len(f.srv.Requests()) != 0 {
		t.Fatalf("%d ids read, %d requests", read, len(f.srv.Requests()))
	}
	// The largest concurrency is allowed.
	pairs := collectReport(t, f.client.Users.Report(context.Background(), ids("nobody"), &partnerapi.ReportOptions{Concurrency: partnerapi.MaxSyncConcurrency}))
	if len(pairs) != 1 || !errors.Is(pairs[0].err, partnerapi.ErrNotFound) {
		t.Fatalf("at MaxSyncConcurrency: %+v", pairs)
	}
}

// Concurrency bounds the requests in flight (default 8); at 1 the users
// are read one after another, in roster order.
func TestReportConcurrency(t *testing.T) {
	f := newSyncFake(t)
	createUsers(t, f.client, numbered("d", 40))
	_, setup := f.meter.snapshot() // createUsers syncs at concurrency 16: only the Report's requests count
	f.srv.Fail(mockserver.Fault{Latency: 50 * time.Millisecond, Times: -1})
	if pairs := collectReport(t, f.client.Users.Report(context.Background(), numbered("d", 40), nil)); len(pairs) != 40 {
		t.Fatalf("%d pairs", len(pairs))
	}
	if maxInflight := f.meter.maxInflightSince(len(setup)); maxInflight != partnerapi.DefaultSyncConcurrency {
		t.Fatalf("at most %d requests in flight, want the default %d", maxInflight, partnerapi.DefaultSyncConcurrency)
	}

	g := newSyncFake(t)
	createUsers(t, g.client, numbered("one", 10))
	g.srv.Fail(mockserver.Fault{Latency: 2 * time.Millisecond, Times: -1})
	_, before := g.meter.snapshot()
	if pairs := collectReport(t, g.client.Users.Report(context.Background(), numbered("one", 10), &partnerapi.ReportOptions{Concurrency: 1, Interviews: true})); len(pairs) != 10 {
		t.Fatalf("%d pairs", len(pairs))
	}
	_, arrivals := g.meter.snapshot()
	var paths []string
	for _, a := range arrivals[len(before):] {
		if a.inflight != 1 {
			t.Fatalf("%s arrived with %d in flight, want 1", a.path, a.inflight)
		}
		paths = append(paths, a.path)
	}
	for i := range 10 {
		want := []string{fmt.Sprintf("/api/users/one-%05d/tracks", i), fmt.Sprintf("/api/users/one-%05d/interviews", i)}
		if !slices.Equal(paths[2*i:2*i+2], want) {
			t.Fatalf("requests %q, want tracks then interviews of each user in order", paths)
		}
	}
}

// The roster is pulled as workers free up: at any moment at most two ids
// per unit of concurrency (and the one being handed over) have been read
// ahead of the pairs yielded, however long the roster.
func TestReportStreamsTheRoster(t *testing.T) {
	_, _, c := newMemFake(t)
	const n, conc = 3000, 4
	pulled, yielded, maxAhead := 0, 0, 0
	roster := func(yield func(string) bool) {
		for i := range n {
			pulled++
			maxAhead = max(maxAhead, pulled-yielded)
			if !yield(fmt.Sprintf("st-%05d", i)) {
				return
			}
		}
	}
	for _, err := range c.Users.Report(context.Background(), roster, &partnerapi.ReportOptions{Concurrency: conc}) {
		if !errors.Is(err, partnerapi.ErrNotFound) {
			t.Fatalf("pair %d: %v, want ErrNotFound", yielded, err)
		}
		yielded++
	}
	if yielded != n {
		t.Fatalf("%d pairs for %d ids", yielded, n)
	}
	if limit := 2*conc + 1; maxAhead > limit {
		t.Fatalf("up to %d ids were read ahead of the pairs yielded, want at most %d", maxAhead, limit)
	}
}

// FuzzReport runs a roster of arbitrary ids — valid, invalid, known,
// unknown, repeated — at an arbitrary concurrency, and checks every pair
// against what each id should come to.
func FuzzReport(f *testing.F) {
	srv, p, c := newMemFake(f)
	known := map[string]int{"ada": 1, "grace": 2, "alan": 0, "edsger-w": 5}
	for id, steps := range known {
		if _, err := c.Users.CreateOrUpdate(context.Background(), id, &partnerapi.UserParams{FirstName: "A", LastName: "B", Email: "a@b.c"}); err != nil {
			f.Fatal(err)
		}
		done := make([]int, steps)
		for i := range done {
			done[i] = i + 1
		}
		if err := srv.SetProgress(p, id, "Fast Track", done...); err != nil {
			f.Fatal(err)
		}
	}
	f.Add("ada,grace,nobody,,jane doe,alan,ada", uint8(3), false)
	f.Add("edsger-w", uint8(0), true)
	f.Add(strings.Repeat("x", 65)+",anonymous,ADA,ada\x00,ada", uint8(1), true)
	f.Add(",,,", uint8(200), false)
	f.Fuzz(func(t *testing.T, roster string, conc uint8, interviews bool) {
		list := strings.Split(roster, ",")
		if len(list) > 200 {
			list = list[:200]
		}
		o := &partnerapi.ReportOptions{Concurrency: int(conc % 17), Interviews: interviews}
		i := 0
		for rep, err := range c.Users.Report(context.Background(), slices.Values(list), o) {
			if i >= len(list) {
				t.Fatalf("pair %d for %d ids", i+1, len(list))
			}
			id := list[i]
			if rep.PartnerID != id {
				t.Fatalf("pair %d is for %q, want %q", i, rep.PartnerID, id)
			}
			steps, isKnown := known[id]
			switch {
			case partnerid.Validate(id) != nil:
				if !errors.Is(err, partnerapi.ErrInvalidArgument) || !errors.Is(err, partnerid.ErrInvalid) {
					t.Fatalf("%q: %v, want an invalid partner_id", id, err)
				}
			case !isKnown:
				if !errors.Is(err, partnerapi.ErrNotFound) {
					t.Fatalf("%q: %v, want ErrNotFound", id, err)
				}
			case err != nil:
				t.Fatalf("%q: %v", id, err)
			case len(rep.Tracks) != 2 || completed(rep.Tracks[0]) != steps:
				t.Fatalf("%q: tracks %+v, want %d Fast Track steps done", id, rep.Tracks, steps)
			case (rep.Interviews != nil) != interviews:
				t.Fatalf("%q: interviews %v with Interviews %v", id, rep.Interviews, interviews)
			}
			if err != nil && (rep.Tracks != nil || rep.Interviews != nil) {
				t.Fatalf("%q failed but its report holds %+v", id, rep)
			}
			i++
		}
		if i != len(list) {
			t.Fatalf("%d pairs for %d ids", i, len(list))
		}
	})
}
