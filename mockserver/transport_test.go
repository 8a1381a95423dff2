package mockserver_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

func TestURLHandlerAndTransportShareOneFake(t *testing.T) {
	f := newFixture(t)
	// Created over the socket…
	f.mustCreate(t, "shared")
	// …seen in memory,
	mem := newClient(t, f.srv, f.p, partnerapi.WithHTTPClient(&http.Client{Transport: f.srv.Transport()}))
	if _, err := mem.Users.Tracks(ctx, "shared"); err != nil {
		t.Fatalf("through Transport: %v", err)
	}
	// …and through the Handler.
	req := httptest.NewRequest("GET", "/api/users/shared/tracks", nil)
	req.Header.Set("Authorization", f.p.APIKey)
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"Fast Track"`) {
		t.Fatalf("through Handler: %d %s", rec.Code, rec.Body)
	}
	// A key made in memory works over the socket.
	k, err := mem.APIKeys.Create(ctx, f.p.ID, "mem")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newClient(t, f.srv, f.p, partnerapi.WithKeysAPIKey(k.Key.Reveal())).APIKeys.Get(ctx, f.p.ID, k.ID, nil); err != nil {
		t.Errorf("in-memory key over the socket: %v", err)
	}
	// One control plane: a fault registered once hits whichever way comes first.
	f.srv.Fail(mockserver.Fault{Status: 500, Times: 2})
	if _, err := mem.Users.Tracks(ctx, "shared"); apiErr(t, err).StatusCode != 500 {
		t.Errorf("fault through Transport: %v", err)
	}
	rec = httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 500 {
		t.Errorf("fault through Handler: %d", rec.Code)
	}
	if _, err := f.client.Users.Tracks(ctx, "shared"); err != nil {
		t.Errorf("after the fault is spent: %v", err)
	}
	// One journal.
	if got := statuses(f.srv.Requests()); !slices.Equal(got, []int{201, 200, 200, 201, 200, 500, 500, 200}) {
		t.Errorf("journal statuses %v", got)
	}
	// The in-memory answer looks like a real one.
	resp, err := (&http.Client{Transport: f.srv.Transport()}).Get("http://127.0.0.1/nowhere")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 || resp.Status != "404 Not Found" || resp.ContentLength <= 0 || resp.Header.Get("Content-Type") == "" {
		t.Errorf("in-memory response %+v", resp)
	}
}

func TestWithoutListener(t *testing.T) {
	srv := mockserver.New(mockserver.WithoutListener())
	defer srv.Close()
	if srv.URL != "" {
		t.Errorf("URL %q; want none", srv.URL)
	}
	p := srv.AddPartner("mem")
	c, err := srv.NewClient(p) // no listener: through Transport
	if err != nil {
		t.Fatal(err)
	}
	u, err := c.Users.CreateOrUpdate(ctx, "in-memory", params)
	if err != nil || !u.Created {
		t.Fatalf("in memory: %+v, %v", u, err)
	}
	// Close keeps the state; the transport still works.
	srv.Close()
	if _, err := c.Users.Tracks(ctx, "in-memory"); err != nil {
		t.Errorf("after Close: %v", err)
	}
}

func TestInMemoryResponsesAreIndependent(t *testing.T) {
	f := newFixture(t)
	hc := &http.Client{Transport: f.srv.Transport()}
	resp, err := hc.Get("http://127.0.0.1/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp.Header["Content-Type"][0] = "tampered"
	resp2, err := hc.Get("http://127.0.0.1/x")
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.Header.Get("Content-Type") == "tampered" {
		t.Error("modifying one in-memory response's headers changed the next")
	}
}
