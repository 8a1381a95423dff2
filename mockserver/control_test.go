//go:build !nocontrol

package mockserver_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/partnerapi/go-partnerapi/mockserver"
)

func TestControlClock(t *testing.T) {
	f := newFixture(t)
	u := f.mustCreate(t, "ada")
	var c struct{ Now time.Time }
	if a := control(t, f.srv, "GET", "/_mock/clock", "", &c); a.status != 200 || c.Now.Before(start) || c.Now.After(f.srv.Now()) {
		t.Errorf("clock: %d %v", a.status, c.Now)
	}
	before := f.srv.Now()
	if a := control(t, f.srv, "POST", "/_mock/clock/advance", `{"by":"49h"}`, &c); a.status != 200 || c.Now.Sub(before) < 49*time.Hour {
		t.Errorf("advance: %d %v (was %v)", a.status, c.Now, before)
	}
	link, err := f.client.SSO.URL(u.Token.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a := login(t, link); a.status != 401 {
		t.Errorf("the token after 49 h: %d; want 401", a.status)
	}
	wantControlError(t, control(t, f.srv, "POST", "/_mock/clock/advance", `{"by":"two days"}`, nil), 400, `by: invalid duration "two days"`)
	wantControlError(t, control(t, f.srv, "POST", "/_mock/clock/advance", `{}`, nil), 400, "by: required")
	wantControlError(t, control(t, f.srv, "POST", "/_mock/clock/advance", `{"by":49}`, nil), 400, "by: must be a string")
}

func TestControlState(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "ada")
	a := control(t, f.srv, "GET", "/_mock/state", "", nil)
	if a.status != 200 || !strings.Contains(string(a.body), `"version":1`) {
		t.Fatalf("%d %s", a.status, a.body)
	}
	snapshot := string(a.body)
	f.mustCreate(t, "bob")
	if a := control(t, f.srv, "PUT", "/_mock/state", snapshot, nil); a.status != 204 {
		t.Fatalf("put: %d %s", a.status, a.body)
	}
	if _, err := f.srv.User(f.p, "bob"); err == nil {
		t.Error("bob is still there after restoring a state without him")
	}
	if _, err := f.client.Users.Tracks(ctx, "ada"); err != nil {
		t.Errorf("ada after the restore: %v", err)
	}
	wantControlError(t, control(t, f.srv, "PUT", "/_mock/state", `{"version":2}`, nil), 400, "version 2, newer than this fake reads (1)")
	wantControlError(t, control(t, f.srv, "PUT", "/_mock/state", snapshot[:len(snapshot)/2], nil), 400, "ends early")
	wantControlError(t, control(t, f.srv, "PUT", "/_mock/state", `{"partners":[]}`, nil), 400, `no "version"`)
	if _, err := f.client.Users.Tracks(ctx, "ada"); err != nil {
		t.Errorf("a refused state changed the fake: %v", err)
	}
}

func TestControlReset(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "ada")
	if a := control(t, f.srv, "POST", "/_mock/reset", "", nil); a.status != 204 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	if users, _ := f.srv.Users(f.p); len(users) != 0 {
		t.Errorf("users after reset: %+v", users)
	}
}

// The control plane needs no API key and is neither journaled nor
// faulted; with an admin token it needs that token, which in turn opens
// no API.
func TestControlPlaneAuthJournalAndFaults(t *testing.T) {
	srv := mockserver.New(mockserver.WithAdminToken("s3cret-admin"))
	t.Cleanup(srv.Close)
	p := srv.AddPartner("acme")
	srv.Fail(mockserver.Fault{Status: 503, Times: -1})
	for _, c := range []struct {
		auth   []string
		status int
	}{
		{nil, 401},
		{[]string{"Authorization", "Bearer wrong"}, 401},
		{[]string{"Authorization", "s3cret-admin"}, 401},
		{[]string{"Authorization", "Basic s3cret-admin"}, 401},
		{[]string{"Authorization", p.APIKey}, 401},
		{[]string{"Authorization", "Bearer s3cret-admin"}, 200},
		{[]string{"Authorization", "bearer s3cret-admin"}, 200},
	} {
		a := raw(t, srv, "GET", "/_mock/partners", "", c.auth...)
		if a.status != c.status {
			t.Errorf("auth %q: %d; want %d", c.auth, a.status, c.status)
		}
		if a.status == 401 {
			wantControlError(t, a, 401, "admin token")
			if !strings.HasPrefix(a.header.Get("Www-Authenticate"), "Bearer") {
				t.Errorf("401 without WWW-Authenticate: Bearer: %q", a.header.Get("Www-Authenticate"))
			}
		}
	}
	srv.ClearFaults()
	for _, path := range []string{"/api/users/x/tracks", "/v1/resources/partners"} {
		for _, auth := range []string{"Bearer s3cret-admin", "s3cret-admin", "key s3cret-admin"} {
			if a := raw(t, srv, "GET", path, "", "Authorization", auth); a.status != 401 {
				t.Errorf("the admin token as %q on %s: %d; want 401", auth, path, a.status)
			}
		}
	}
	n := len(srv.Requests())
	raw(t, srv, "GET", "/_mock/health", "", "Authorization", "Bearer s3cret-admin")
	raw(t, srv, "GET", "/_mock/health", "")
	if len(srv.Requests()) != n {
		t.Errorf("the control plane was journaled")
	}
	// Through Handler and Transport too.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/_mock/health", nil)
	req.Header.Set("Authorization", "Bearer s3cret-admin")
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Errorf("through Handler: %d", rec.Code)
	}
	hc := &http.Client{Transport: srv.Transport()}
	req, _ = http.NewRequest("GET", "http://127.0.0.1/_mock/health", nil)
	resp, err := hc.Do(req)
	if err != nil || resp.StatusCode != 401 {
		t.Errorf("through Transport without the token: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}

// Bad input of any kind on any control route is a 4xx, never a 5xx.
func TestControlPlaneNeverAnswers5xx(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "ada")
	bodies := []string{"", "{", "[]", "null", `"x"`, "1", `{"x":1}`, `{"org":null}`, `{"track":1}`, `{"by":"-1h"}`, `{"url":1}`,
		`{"status":1e9}`, `{"times":"x"}`, `{"id":1.5}`, `{"created_at":1}`, "\xff\xfe", strings.Repeat("[", 10000), `{"version":1}`, `{"version":"1"}`, `{"version":1,"partners":[{"id":"x"}]}`}
	paths := []string{
		"/_mock/health", "/_mock/reset", "/_mock/partners", "/_mock/partners/" + f.p.ID + "/api_keys", "/_mock/partners/" + f.p.ID + "/api_keys/x",
		"/_mock/partners/" + f.p.ID + "/users", "/_mock/partners/" + f.p.ID + "/users/ada", "/_mock/partners/" + f.p.ID + "/users/ada/progress",
		"/_mock/partners/" + f.p.ID + "/users/ada/interviews", "/_mock/partners/" + f.p.ID + "/users/ada/interviews/1", "/_mock/partners/" + f.p.ID + "/webhooks",
		"/_mock/faults", "/_mock/clock", "/_mock/clock/advance", "/_mock/requests", "/_mock/deliveries", "/_mock/state", "/_mock/openapi.json", "/_mock/x/y",
	}
	for _, path := range paths {
		for _, method := range []string{"GET", "POST", "PUT", "DELETE", "PATCH"} {
			for _, body := range bodies {
				if path == "/_mock/reset" || path == "/_mock/state" && method == "PUT" && body == `{"version":1}` {
					continue // valid: they would clear the user the others need
				}
				if a := raw(t, f.srv, method, path, body); a.status >= 500 {
					t.Errorf("%s %s %q: %d %s", method, path, body, a.status, a.body)
				}
			}
		}
	}
}

// countingReader is an endless body of spaces that counts what was read.
type countingReader struct{ n int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	c.n += int64(len(p))
	return len(p), nil
}

// A control route takes a body of up to 1 MiB and answers a larger one 413
// having read little more than the cap; only PUT /_mock/state, which takes
// a whole snapshot, takes more.
func TestControlBodyCap(t *testing.T) {
	srv := mockserver.New(mockserver.WithoutListener())
	defer srv.Close()
	p := srv.AddPartner("acme")
	for _, c := range []struct{ method, path string }{
		{"POST", "/_mock/partners"},
		{"POST", "/_mock/faults"},
		{"POST", "/_mock/clock/advance"},
		{"PUT", "/_mock/partners/" + p.ID + "/users/ada/progress"},
		{"GET", "/_mock/state"},
		{"POST", "/_mock/reset"},
	} {
		for _, declared := range []bool{true, false} {
			body := &countingReader{}
			req := httptest.NewRequest(c.method, c.path, io.LimitReader(body, 4<<20))
			req.ContentLength = -1
			if declared {
				req.ContentLength = 4 << 20
			}
			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, req)
			wantControlError(t, answer{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}, 413, "larger than 1048576 bytes")
			if body.n > 1<<20+64<<10 {
				t.Errorf("%s %s (length declared: %v): read %d bytes of a 4 MiB body to refuse it", c.method, c.path, declared, body.n)
			}
		}
	}
	// A body at the cap is read (and here refused for what it says).
	a := httptest.NewRecorder()
	srv.Handler().ServeHTTP(a, httptest.NewRequest("POST", "/_mock/partners", strings.NewReader(`{"org":"acme"}`+strings.Repeat(" ", 1<<20-14))))
	if a.Code != 409 {
		t.Errorf("a 1 MiB body: %d %s; want 409 (acme exists)", a.Code, a.Body)
	}
	// PUT /_mock/state takes a snapshot larger than 1 MiB.
	var snap bytes.Buffer
	if err := srv.Snapshot(&snap); err != nil {
		t.Fatal(err)
	}
	big := snap.String() + strings.Repeat(" ", 2<<20)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("PUT", "/_mock/state", strings.NewReader(big)))
	if rec.Code != 204 {
		t.Errorf("PUT /_mock/state with a %d-byte snapshot: %d %s; want 204", len(big), rec.Code, rec.Body)
	}
}
