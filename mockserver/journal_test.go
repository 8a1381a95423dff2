package mockserver_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

func TestJournalRecordsRequestsAndStatuses(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "j")
	raw(t, f.srv, "GET", "/api/users/j/tracks?x=1", "", "Authorization", "wrong")
	f.srv.Fail(mockserver.Fault{Drop: true})
	if _, err := (&http.Client{Transport: f.srv.Transport()}).Get("http://127.0.0.1/api/users/j/tracks"); err == nil {
		t.Fatal("drop did not fail")
	}
	f.srv.Fail(mockserver.Fault{Status: 503})
	raw(t, f.srv, "GET", keysPath(f.p.ID), "")

	rs := f.srv.Requests()
	type row struct {
		Method, Path, RawQuery string
		Status                 int
	}
	var got []row
	for _, r := range rs {
		got = append(got, row{r.Method, r.Path, r.RawQuery, r.Status})
	}
	want := []row{
		{"POST", "/api/users/j", "", 201},
		{"GET", "/api/users/j/tracks", "x=1", 401},
		{"GET", "/api/users/j/tracks", "", 0},
		{"GET", keysPath(f.p.ID), "", 503},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("journal (-want +got):\n%s", diff)
	}
	if string(rs[0].Body) != `{"first_name":"Ada","last_name":"Lovelace","email":"ada@example.com"}` {
		t.Errorf("journaled body %q", rs[0].Body)
	}
	if rs[0].Header.Get("Authorization") != f.p.APIKey || rs[0].Header.Get("Content-Type") != "application/json" {
		t.Errorf("journaled headers %v", rs[0].Header)
	}

	// Requests returns a copy.
	rs[0].Body[0] = 'X'
	rs[0].Header.Set("Authorization", "changed")
	again := f.srv.Requests()
	if again[0].Body[0] != '{' || again[0].Header.Get("Authorization") != f.p.APIKey {
		t.Error("modifying the result of Requests changed the journal")
	}
}

func TestJournalIsBounded(t *testing.T) {
	srv := mockserver.New(mockserver.WithJournalSize(3))
	t.Cleanup(srv.Close)
	for _, p := range []string{"/a", "/b", "/c", "/d", "/e"} {
		raw(t, srv, "GET", p, "")
	}
	var paths []string
	for _, r := range srv.Requests() {
		paths = append(paths, r.Path)
		if r.Status != 404 {
			t.Errorf("%s: status %d; want 404", r.Path, r.Status)
		}
	}
	if diff := cmp.Diff([]string{"/c", "/d", "/e"}, paths); diff != "" {
		t.Errorf("bounded journal (-want +got):\n%s", diff)
	}

	// Bounded under concurrency too.
	hammer(64, func(int) error { raw(t, srv, "GET", "/x", ""); return nil })
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("journal holds %d; want 3", n)
	}

	off := mockserver.New(mockserver.WithJournalSize(0), mockserver.WithoutListener())
	(&http.Client{Transport: off.Transport()}).Get("http://127.0.0.1/x")
	if n := len(off.Requests()); n != 0 {
		t.Errorf("WithJournalSize(0) kept %d requests", n)
	}
}

func TestJournalDefaultSize(t *testing.T) {
	srv := mockserver.New(mockserver.WithoutListener())
	hc := &http.Client{Transport: srv.Transport()}
	for i := 0; i < mockserver.DefaultJournalSize+5; i++ {
		resp, err := hc.Get("http://127.0.0.1/nothing")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if n := len(srv.Requests()); n != mockserver.DefaultJournalSize {
		t.Errorf("default journal holds %d; want %d", n, mockserver.DefaultJournalSize)
	}
}

func TestJournalBoundsEachEntry(t *testing.T) {
	srv := mockserver.New(mockserver.WithStartTime(start), mockserver.WithJournalEntryBytes(1024))
	t.Cleanup(srv.Close)
	p := srv.AddPartner("xyz")
	big := `{"first_name":"` + strings.Repeat("a", 5000) + `","last_name":"L","email":"e@example.com"}`
	small := `{"first_name":"A","last_name":"L","email":"e@example.com"}`
	json := []string{"Content-Type", "application/json"}
	raw(t, srv, "POST", "/api/users/big", big, append(json, "Authorization", p.APIKey)...)
	raw(t, srv, "POST", "/api/users/small", small, append(json, "Authorization", p.APIKey)...)
	raw(t, srv, "POST", "/api/users/refused", big, json...) // no key: its body is not read
	raw(t, srv, "GET", "/api/users/small/tracks", "")       // no key, no body
	srv.Fail(mockserver.Fault{Status: 503})
	raw(t, srv, "POST", "/api/users/faulted", big, append(json, "Authorization", p.APIKey)...)
	raw(t, srv, "PUT", "/api/users/small", big, append(json, "Authorization", p.APIKey)...) // 405: not read either

	rs := srv.Requests()
	if len(rs) != 6 {
		t.Fatalf("%d entries", len(rs))
	}
	for i, c := range []struct {
		status    int
		body      string // what the entry keeps: the whole body, or its start
		truncated bool
	}{
		{201, big, true},
		{201, small, false},
		{401, "", true},
		{401, "", false},
		{503, big, true},
		{405, "", true},
	} {
		r := rs[i]
		if r.Status != c.status || r.Truncated != c.truncated || !strings.HasPrefix(c.body, string(r.Body)) {
			t.Errorf("entry %d (%s %s): status %d, truncated %v, %d body bytes; want %d, %v, a prefix of %d bytes",
				i, r.Method, r.Path, r.Status, r.Truncated, len(r.Body), c.status, c.truncated, len(c.body))
		}
		if size := len(r.Method) + len(r.Path) + len(r.RawQuery) + headerBytes(r.Header) + len(r.Body); size > 1024 {
			t.Errorf("entry %d keeps %d bytes; the bound is 1024", i, size)
		}
	}
	// The large body fills what the method, path and headers leave.
	if r := rs[0]; len(r.Body) != 1024-len(r.Method)-len(r.Path)-len(r.RawQuery)-headerBytes(r.Header) || string(rs[1].Body) != small {
		t.Errorf("kept %d bytes of the large body and %q of the small", len(r.Body), rs[1].Body)
	}

	// Headers count too: a request with a huge header keeps what fits.
	hc := &http.Client{Transport: srv.Transport()}
	req, _ := http.NewRequest("GET", "http://127.0.0.1/api/users/small/tracks", nil)
	req.Header.Set("Authorization", p.APIKey)
	req.Header.Set("X-Huge", strings.Repeat("h", 100<<10))
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	rs = srv.Requests()
	last := rs[len(rs)-1]
	if !last.Truncated || last.Header.Get("X-Huge") != "" || headerBytes(last.Header) > 1024 || last.Status != 200 {
		t.Errorf("huge header: truncated %v, %d header bytes kept, status %d", last.Truncated, headerBytes(last.Header), last.Status)
	}
	// A query longer than the bound is cut too.
	raw(t, srv, "GET", "/nowhere?q="+strings.Repeat("q", 4000), "")
	rs = srv.Requests()
	if last := rs[len(rs)-1]; !last.Truncated || len(last.RawQuery) > 1024 || !strings.HasPrefix(last.RawQuery, "q=qqq") {
		t.Errorf("long query: truncated %v, %d bytes kept", last.Truncated, len(last.RawQuery))
	}
}

// headerBytes is what the journal counts for h: each name with 64 bytes
// beside its text and each value with 16.
func headerBytes(h http.Header) int {
	n := 0
	for k, vv := range h {
		n += 64 + len(k)
		for _, v := range vv {
			n += 16 + len(v)
		}
	}
	return n
}

func TestJournalBoundsTheTotal(t *testing.T) {
	const total = 64 << 10
	srv := mockserver.New(mockserver.WithoutListener(), mockserver.WithJournalBytes(total), mockserver.WithJournalEntryBytes(8<<10))
	hc := &http.Client{Transport: srv.Transport()}
	for i := range 100 {
		req, _ := http.NewRequest("POST", "http://127.0.0.1/nowhere/"+strconv.Itoa(i), strings.NewReader(strings.Repeat("b", 10<<10)))
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	rs := srv.Requests()
	kept := 0
	for i, r := range rs {
		kept += 512 + len(r.Method) + len(r.Path) + len(r.RawQuery) + headerBytes(r.Header) + len(r.Body)
		if want := "/nowhere/" + strconv.Itoa(100-len(rs)+i); r.Path != want {
			t.Fatalf("entry %d is %s; want the last requests, in order (%s)", i, r.Path, want)
		}
		if !r.Truncated || len(r.Body) == 0 {
			t.Errorf("entry %d: truncated %v with %d body bytes", i, r.Truncated, len(r.Body))
		}
	}
	if kept > total || len(rs) < 5 {
		t.Errorf("%d entries, %d bytes counted; want at most %d bytes and several entries", len(rs), kept, total)
	}
	// WithJournalBytes(0) keeps nothing.
	off := mockserver.New(mockserver.WithoutListener(), mockserver.WithJournalBytes(0))
	resp, err := (&http.Client{Transport: off.Transport()}).Get("http://127.0.0.1/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n := len(off.Requests()); n != 0 {
		t.Errorf("WithJournalBytes(0) kept %d requests", n)
	}
}

// A flood of 1 MiB requests — some authenticated, their bodies read whole,
// some without a key, their bodies never read — leaves the default journal
// within its bound: its heap stays near DefaultJournalBytes (32 MiB) where
// keeping every body whole would take 800 MiB.
func TestJournalFloodOf1MiBRequestsStaysBounded(t *testing.T) {
	srv := mockserver.New(mockserver.WithoutListener())
	p := srv.AddPartner("flood")
	h := srv.Handler()
	body := bytes.Repeat([]byte("f"), 1<<20)
	send := func(auth string) int {
		// A body on a GET is read whole, and ignored: the journal keeps it.
		req := httptest.NewRequest("GET", "/api/users/flooder/tracks", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := send(p.APIKey); code != 404 { // no such user
		t.Fatalf("a 1 MiB request: %d", code)
	}
	before := heapAlloc()
	const authenticated, refused = 550, 250 // 550 × 64 KiB kept would be over the 32 MiB bound
	for range authenticated {
		send(p.APIKey)
	}
	for range refused {
		if code := send(""); code != 401 {
			t.Fatalf("a request without a key: %d", code)
		}
	}
	grown := int64(heapAlloc()) - int64(before)
	rs := srv.Requests()
	var kept int
	for _, r := range rs {
		kept += len(r.Body)
	}
	t.Logf("%d requests of 1 MiB (%d without a key): the journal holds %d entries, %.1f MiB of bodies; the heap grew %.1f MiB",
		authenticated+refused, refused, len(rs), float64(kept)/(1<<20), float64(grown)/(1<<20))
	if kept > mockserver.DefaultJournalBytes {
		t.Errorf("the journal keeps %d bytes of bodies; the bound is %d", kept, mockserver.DefaultJournalBytes)
	}
	if grown > 48<<20 {
		t.Errorf("the heap grew %d MiB under the flood; want the journal's 32 MiB and little more", grown>>20)
	}
	runtime.KeepAlive(srv)
}

// A flood of requests each bringing the most headers the server reads
// (about 1 MiB: over 100,000 tiny distinct names, as the server parses
// them), without a key, leaves the default journal within its bound too:
// an entry counts what each header name and value it keeps costs beside
// their text, is cut to its bound like a large body, and references only
// what it keeps, not a copy of every header the request brought.
func TestJournalFloodOfHeadersStaysBounded(t *testing.T) {
	srv := mockserver.New(mockserver.WithoutListener())
	h := srv.Handler()
	flood := headerFlood(t)
	send := func() int {
		req := httptest.NewRequest("GET", "/api/users/p1/tracks", nil)
		req.Header = flood
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := send(); code != 401 {
		t.Fatalf("a request with 1 MiB of headers and no key: %d", code)
	}
	before := heapAlloc()
	const requests = 600 // 600 entries of 64 KiB would be over the 32 MiB bound
	var grown int64
	for i := range requests {
		send()
		if (i+1)%25 == 0 { // bounded all along; and a journal that is not stops early
			if grown = int64(heapAlloc()) - int64(before); grown > 48<<20 {
				t.Fatalf("the heap grew %d MiB after %d requests of 1 MiB of headers; want the journal's 32 MiB and little more", grown>>20, i+1)
			}
		}
	}
	rs := srv.Requests()
	counted := 0
	for _, r := range rs {
		counted += 512 + len(r.Method) + len(r.Path) + len(r.RawQuery) + headerBytes(r.Header) + len(r.Body)
		if !r.Truncated || r.Status != 401 || len(r.Header) == 0 {
			t.Fatalf("%s %s with 1 MiB of headers: truncated %v, status %d, %d names kept; want true, 401, some",
				r.Method, r.Path, r.Truncated, r.Status, len(r.Header))
		}
	}
	t.Logf("%d requests of %d headers: the journal holds %d entries, %.1f MiB counted; the heap grew %.1f MiB",
		requests+1, len(flood), len(rs), float64(counted)/(1<<20), float64(grown)/(1<<20))
	if counted > mockserver.DefaultJournalBytes {
		t.Errorf("the journal counts %d bytes; the bound is %d", counted, mockserver.DefaultJournalBytes)
	}
	runtime.KeepAlive(flood)
}
