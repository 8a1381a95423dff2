package mockserver_test

import (
	"net/http"
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
