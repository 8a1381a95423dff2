package mockserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/internal/testenv"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

func TestFaultTimesIsExactUnderConcurrency(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "busy")
	f.srv.Fail(mockserver.Fault{Path: "/api/users/busy/tracks", Status: 503, Times: 2})
	errs := hammer(64, func(int) error { _, err := f.client.Users.Tracks(ctx, "busy"); return err })
	failed := 0
	for _, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, partnerapi.ErrServer) && apiErr(t, err).StatusCode == 503:
			failed++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if failed != 2 {
		t.Errorf("%d of 64 requests hit the fault; want exactly 2", failed)
	}
	n503 := 0
	for _, r := range f.srv.Requests() {
		if r.Status == 503 {
			n503++
		}
	}
	if n503 != 2 {
		t.Errorf("journal has %d 503s; want 2", n503)
	}
}

func TestFaultTimesZeroMeansOnce(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "u")
	f.srv.Fail(mockserver.Fault{Status: 500})
	if _, err := f.client.Users.Tracks(ctx, "u"); apiErr(t, err).StatusCode != 500 {
		t.Fatalf("first: %v; want 500", err)
	}
	if _, err := f.client.Users.Tracks(ctx, "u"); err != nil {
		t.Fatalf("second: %v; Times 0 means one request", err)
	}
}

func TestFaultEveryRequestUntilCleared(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "u")
	f.srv.Fail(mockserver.Fault{Method: "get", Path: "/api/", Status: 502, Times: -1})
	errs := hammer(64, func(int) error { _, err := f.client.Users.Tracks(ctx, "u"); return err })
	for _, err := range errs {
		if !errors.Is(err, partnerapi.ErrServer) {
			t.Fatalf("with Times -1: %v; want every request to fail", err)
		}
	}
	// The method filter: a POST passes.
	if _, err := f.client.Users.CreateOrUpdate(ctx, "u", nil); err != nil {
		t.Errorf("POST under a GET fault: %v", err)
	}
	f.srv.ClearFaults()
	if _, err := f.client.Users.Tracks(ctx, "u"); err != nil {
		t.Errorf("after ClearFaults: %v", err)
	}
}

func TestFirstRegisteredFaultWithUsesLeftApplies(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "u")
	f.srv.Fail(mockserver.Fault{Path: "/api/users/u/", Status: 500, Times: 1})
	f.srv.Fail(mockserver.Fault{Path: "/api/", Status: 429, Times: 2})
	f.srv.Fail(mockserver.Fault{Path: "/v1/", Status: 418})
	var got []int
	for i := 0; i < 4; i++ {
		_, err := f.client.Users.Tracks(ctx, "u")
		var e *partnerapi.Error
		if errors.As(err, &e) {
			got = append(got, e.StatusCode)
		} else if err == nil {
			got = append(got, 200)
		} else {
			t.Fatal(err)
		}
	}
	if want := []int{500, 429, 429, 200}; !slices.Equal(got, want) {
		t.Errorf("statuses %v; want %v", got, want)
	}
}

func TestFaultsApplyBeforeAuthInTheFamilyShape(t *testing.T) {
	f := newFixture(t)
	f.srv.Fail(mockserver.Fault{Status: 503, Times: 3})
	a := raw(t, f.srv, "GET", "/api/users/x/tracks", "") // no key at all
	if a.status != 503 || decodeAPIError(t, a).Error.Type != "server_error" {
		t.Errorf("/api fault without a key: %d %s; want 503 in the /api shape", a.status, a.body)
	}
	a = raw(t, f.srv, "GET", keysPath(f.p.ID), "")
	if a.status != 503 {
		t.Fatalf("/v1 fault without a key: %d", a.status)
	}
	if e := decodeV1Error(t, a); e.Error != "HTTPServiceUnavailable" || e.Reason != "injected fault" {
		t.Errorf("/v1 fault body %+v", e)
	}
	a = raw(t, f.srv, "GET", "/sso/login?token=x", "")
	if a.status != 503 || decodeAPIError(t, a).Error.Type != "server_error" {
		t.Errorf("/sso fault: %d %s; want 503 in the /api shape", a.status, a.body)
	}
}

func TestFaultRetryAfter(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "u")
	for _, c := range []struct {
		d    time.Duration
		want string
	}{{90 * time.Second, "90"}, {1500 * time.Millisecond, "2"}, {time.Millisecond, "1"}, {0, ""}} {
		f.srv.Fail(mockserver.Fault{Status: 429, RetryAfter: c.d})
		a := raw(t, f.srv, "GET", "/api/users/u/tracks", "", "Authorization", f.p.APIKey)
		if a.status != 429 || a.header.Get("Retry-After") != c.want {
			t.Errorf("RetryAfter %v: %d, Retry-After %q; want 429 and %q", c.d, a.status, a.header.Get("Retry-After"), c.want)
		}
		if c.d == 0 && len(a.header.Values("Retry-After")) != 0 {
			t.Errorf("RetryAfter 0 sent a Retry-After header")
		}
	}
	// The SDK reads it.
	f.srv.Fail(mockserver.Fault{Status: 503, RetryAfter: 2 * time.Minute})
	_, err := f.client.Users.Tracks(ctx, "u")
	if e := apiErr(t, err); e.RetryAfter != 2*time.Minute {
		t.Errorf("SDK saw RetryAfter %v; want 2m", e.RetryAfter)
	}
	// A RetryAfter without a Status goes on the normal answer.
	f.srv.Fail(mockserver.Fault{RetryAfter: 5 * time.Second})
	a := raw(t, f.srv, "GET", "/api/users/u/tracks", "", "Authorization", f.p.APIKey)
	if a.status != 200 || a.header.Get("Retry-After") != "5" {
		t.Errorf("RetryAfter alone: %d, %q", a.status, a.header.Get("Retry-After"))
	}
}

func TestFaultDropOverURL(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "u")
	f.srv.Fail(mockserver.Fault{Path: "/api/users/u/tracks", Drop: true})
	req, _ := http.NewRequest("GET", f.srv.URL+"/api/users/u/tracks", nil)
	req.Header.Set("Authorization", f.p.APIKey)
	resp, err := rawClient().Do(req) // a fresh connection: net/http does not resend
	if err == nil {
		resp.Body.Close()
		t.Fatalf("dropped request answered %d; want a connection error", resp.StatusCode)
	}
	// The SDK sees a transport error, not an *Error (a POST: never resent by net/http).
	f.srv.Fail(mockserver.Fault{Method: "POST", Drop: true})
	_, err = f.client.Users.CreateOrUpdate(ctx, "u", nil)
	var e *partnerapi.Error
	if err == nil || errors.As(err, &e) {
		t.Errorf("SDK call on a dropped connection: %v; want a transport error", err)
	}
	// Then all is well again.
	if _, err := f.client.Users.Tracks(ctx, "u"); err != nil {
		t.Errorf("after the drop: %v", err)
	}
	rs := f.srv.Requests()
	if len(rs) != 4 || rs[1].Status != 0 || rs[2].Status != 0 || rs[3].Status != 200 {
		t.Errorf("journal statuses %v; want [201 0 0 200]", statuses(rs))
	}
}

func TestFaultDropOverTransport(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "u")
	hc := &http.Client{Transport: f.srv.Transport()}
	mem := newClient(t, f.srv, f.p, partnerapi.WithHTTPClient(hc))
	f.srv.Fail(mockserver.Fault{Drop: true})
	_, err := mem.Users.Tracks(ctx, "u")
	var e *partnerapi.Error
	if err == nil || errors.As(err, &e) || !strings.Contains(err.Error(), "without an answer") {
		t.Fatalf("in-memory drop: %v; want a transport error", err)
	}
	if _, err := mem.Users.Tracks(ctx, "u"); err != nil {
		t.Errorf("after the drop: %v", err)
	}
	if got := statuses(f.srv.Requests()); !slices.Equal(got, []int{201, 0, 200}) {
		t.Errorf("journal statuses %v; want [201 0 200]", got)
	}
}

func TestFaultLatency(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "u")

	// A latency then a normal answer.
	f.srv.Fail(mockserver.Fault{Latency: 10 * time.Millisecond})
	if _, err := f.client.Users.Tracks(ctx, "u"); err != nil {
		t.Fatalf("latency alone: %v", err)
	}
	// A latency then a status.
	f.srv.Fail(mockserver.Fault{Latency: 10 * time.Millisecond, Status: 504})
	if _, err := f.client.Users.Tracks(ctx, "u"); apiErr(t, err).StatusCode != 504 {
		t.Fatalf("latency and status: %v; want 504", err)
	}

	// A latency longer than the caller waits: the caller's deadline wins,
	// over the socket and in memory, and the journal records no answer.
	mem := newClient(t, f.srv, f.p, partnerapi.WithHTTPClient(&http.Client{Transport: f.srv.Transport()}))
	for name, c := range map[string]*partnerapi.Client{"url": f.client, "transport": mem} {
		f.srv.Fail(mockserver.Fault{Latency: time.Hour})
		cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		_, err := c.Users.Tracks(cctx, "u")
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: %v; want the context's deadline", name, err)
		}
	}
	testenv.WaitFor(t, "the two abandoned requests to be journaled with status 0", func() bool {
		rs := f.srv.Requests()
		return len(rs) == 5 && rs[3].Status == 0 && rs[4].Status == 0
	})
}

func TestCloseEndsLatency(t *testing.T) {
	srv := mockserver.New()
	p := srv.AddPartner("xyz")
	srv.Fail(mockserver.Fault{Latency: time.Hour, Times: -1})
	hc := &http.Client{Transport: srv.Transport()}
	done := make(chan int)
	go func() {
		req, _ := http.NewRequest("GET", "http://127.0.0.1/v1/resources/partners/"+p.ID+"/api_keys", nil)
		req.Header.Set("Authorization", "key "+p.KeysAPIKey)
		resp, err := hc.Do(req)
		if err != nil {
			done <- -1
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	srv.Close()
	if got := <-done; got != 200 {
		t.Errorf("a request delayed when the server closed: %d; want 200", got)
	}
}

func TestFailIsSafeWhileRequestsAreInFlight(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "u")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			f.srv.Fail(mockserver.Fault{Path: "/api/users/u/interviews", Status: 500, Times: 3})
			f.srv.Fail(mockserver.Fault{Path: "/never", Status: 500, Times: -1})
			f.srv.ClearFaults()
		}
	}()
	errs := hammer(64, func(int) error {
		for i := 0; i < 5; i++ {
			if _, err := f.client.Users.Tracks(ctx, "u"); err != nil {
				return err
			}
			_, _ = f.client.Users.Interviews(ctx, "u") // may hit the fault
		}
		return nil
	})
	close(stop)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Errorf("a request outside every fault's path failed: %v", err)
		}
	}
}

func TestFailRefusesBadStatus(t *testing.T) {
	srv := mockserver.New(mockserver.WithoutListener())
	for _, status := range []int{-1, 99, 100, 199, 600, 1000} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Fail with Status %d did not panic", status)
				}
			}()
			srv.Fail(mockserver.Fault{Status: status})
		}()
	}
}

// A fault that could never fire, or that would do nothing but spend a
// request, is a mistake in the test: Fail panics naming the field, the
// control plane answers 400 naming it, and a snapshot holding one is
// refused. One check serves all three.
func TestFailRefusesFaultsThatCannotFire(t *testing.T) {
	for _, c := range []struct {
		name  string
		fault mockserver.Fault
		json  string // the same fault for POST /_mock/faults
		field string // the field the control plane names
	}{
		{"path without a leading slash", mockserver.Fault{Path: "api/", Status: 503}, `{"path":"api/","status":503}`, "path"},
		{"the control plane's path", mockserver.Fault{Path: "/_mock/reset", Status: 503}, `{"path":"/_mock/reset","status":503}`, "path"},
		{"the control plane's root", mockserver.Fault{Path: "/_mock", Status: 503}, `{"path":"/_mock","status":503}`, "path"},
		{"a misspelt method", mockserver.Fault{Method: "GTE", Status: 503}, `{"method":"GTE","status":503}`, "method"},
		{"not a method", mockserver.Fault{Method: "FOO BAR", Status: 503}, `{"method":"FOO BAR","status":503}`, "method"},
		{"a method no API route takes", mockserver.Fault{Method: "PUT", Status: 503}, `{"method":"PUT","status":503}`, "method"},
		{"no effect", mockserver.Fault{}, `{}`, "status"},
		{"no effect, several times", mockserver.Fault{Path: "/api/", Times: -1}, `{"path":"/api/","times":-1}`, "status"},
		{"a status on a dropped request", mockserver.Fault{Status: 503, Drop: true}, `{"status":503,"drop":true}`, "drop"},
		{"Retry-After on a dropped request", mockserver.Fault{RetryAfter: time.Second, Drop: true}, `{"retry_after":"1s","drop":true}`, "drop"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := mockserver.New()
			defer srv.Close()
			func() {
				defer func() {
					msg, _ := recover().(string)
					if goField := "Fault." + map[string]string{"path": "Path", "method": "Method", "status": "Status", "drop": "Drop"}[c.field] + ": "; !strings.Contains(msg, goField) {
						t.Errorf("Fail(%+v) panicked with %q; want a message naming %s", c.fault, msg, goField)
					}
				}()
				srv.Fail(c.fault)
			}()
			if mockserver.ControlPlaneServed {
				a := raw(t, srv, "POST", "/_mock/faults", c.json)
				wantControlError(t, a, 400, c.field+": ")
			}
			if n := len(srv.Faults()); n != 0 {
				t.Errorf("%d faults registered after a refused one", n)
			}
			var snap bytes.Buffer
			if err := srv.Snapshot(&snap); err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(snap.Bytes(), &m); err != nil {
				t.Fatal(err)
			}
			var sf map[string]any
			if err := json.Unmarshal([]byte(c.json), &sf); err != nil {
				t.Fatal(err)
			}
			delete(sf, "times")
			sf["id"], sf["remaining"] = 1, 1
			m["faults"], m["last_fault_id"] = []any{sf}, 1
			b, _ := json.Marshal(m)
			if err := srv.Restore(bytes.NewReader(b)); err == nil || !strings.Contains(err.Error(), "faults[0]."+c.field+": ") {
				t.Errorf("Restore of a snapshot holding it: %v; want an error naming faults[0].%s", err, c.field)
			}
		})
	}
	// What can fire is taken: any letter case, HEAD (GET routes take it),
	// a path of no route (answered 404 unless faulted), Retry-After alone.
	srv := mockserver.New(mockserver.WithoutListener())
	defer srv.Close()
	for _, f := range []mockserver.Fault{
		{Method: "get", Path: "/api/", Status: 503},
		{Method: "HEAD", Latency: time.Millisecond},
		{Method: "patch", Path: "/v1/", Drop: true},
		{Method: "DELETE", Status: 500},
		{Path: "/nowhere", Status: 500},
		{Path: "/_mockery", Status: 500},
		{RetryAfter: time.Second},
	} {
		srv.Fail(f)
	}
	if n := len(srv.Faults()); n != 7 {
		t.Errorf("%d faults registered; want 7", n)
	}
}
