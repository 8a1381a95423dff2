package chaos_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/partnerapi/go-partnerapi/mockserver"
)

// TestRandomRequests sends a seeded run of random requests — methods,
// paths built from real and broken pieces, headers and bodies — to the
// fake's handler. It must never answer 5xx, never panic, and still serve a
// valid request at the end. (FuzzHandler in mockserver explores further.)
func TestRandomRequests(t *testing.T) {
	srv := mockserver.New(mockserver.WithoutListener())
	defer srv.Close()
	p := srv.AddPartner("random", mockserver.AllowAnonymous())
	h := srv.Handler()
	rng := rand.New(rand.NewPCG(seed, 7))

	methods := []string{"GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS", "TRACE", "get", "BREW"}
	pieces := []string{"api", "users", "anonymous", "progress", "tracks", "interviews", "v1", "resources", "partners",
		p.ID, "api_keys", "000000000000000000000000", "sso", "login", "members", "dashboard", "abc123def",
		"%zz", "%2F", "..", ".", "", "x" + strings.Repeat("y", 70), "ü", "%00", "a b", "{}", "?ids=", "&fields-schema=a{b"}
	auths := []string{"", p.APIKey, p.KeysAPIKey, "key " + p.KeysAPIKey, "KEY " + p.KeysAPIKey, "key " + p.APIKey, "key", "key  " + p.KeysAPIKey, "Bearer x", strings.Repeat("k", 5000), "\x00"}
	bodies := []string{"", "{}", `{"first_name":"a","last_name":"b","email":"c"}`, `{"first_name":5}`, `{"name":"k"}`, `{"name":""}`,
		`{"name":["x"]}`, "[", "null", `"str"`, "first_name=a&last_name=b&email=c", "%%%", strings.Repeat("{", 10000), "\xff\xfe"}
	queries := []string{"", "ids=a,b", "fields-schema=id,name", "fields-schema=id{", "fields-schema=key{a}", "fields-schema=partner%7Bid,name%7D",
		"fields-schema=partner{contact{email}}", "token=zz", "redirect_to=//evil", "%zz=1", "ids=" + p.ID}

	routes := []string{"/api/users/{id}", "/api/users/{id}/tracks", "/api/users/{id}/track", "/api/users/{id}/progress", "/api/users/{id}/interviews",
		"/api/users/anonymous", "/v1/resources/partners/{p}/api_keys", "/v1/resources/partners/{p}/api_keys/{k}",
		"/v1/resources/partners/" + p.ID + "/api_keys", "/v1/resources/partners/" + p.ID + "/api_keys/{k}",
		"/v1/resources/partners", "/v1/resources/partners/{p}", "/v1/resources/partners/" + p.ID,
		"/", "/sso/login", "/sso/logout", "/members/dashboard", "/members/{id}"}
	statuses := map[int]int{}
	const n = 3000
	for i := 0; i < n; i++ {
		var target string
		if rng.IntN(2) == 0 { // a real route with random pieces in its slots
			target = strings.NewReplacer(
				"{id}", pieces[rng.IntN(len(pieces))],
				"{p}", pieces[rng.IntN(len(pieces))],
				"{k}", pieces[rng.IntN(len(pieces))],
			).Replace(routes[rng.IntN(len(routes))])
		} else {
			var path strings.Builder
			for k := rng.IntN(6); k >= 0; k-- {
				path.WriteString("/" + pieces[rng.IntN(len(pieces))])
			}
			target = path.String()
		}
		if q := queries[rng.IntN(len(queries))]; q != "" {
			target += "?" + q
		}
		req := httptest.NewRequest(http.MethodGet, "http://fake.example/", strings.NewReader(bodies[rng.IntN(len(bodies))]))
		req.Method = methods[rng.IntN(len(methods))]
		req.RequestURI = target
		if u, err := req.URL.Parse(target); err == nil {
			req.URL = u
		} else {
			req.URL.Path, req.URL.RawQuery = target, ""
		}
		a := auths[rng.IntN(len(auths))]
		if rng.IntN(2) == 0 { // half the time the right credential, so requests get past auth
			a = p.APIKey
			if strings.HasPrefix(target, "/v1/") {
				a = "key " + p.KeysAPIKey
			}
		}
		if a != "" {
			req.Header.Set("Authorization", a)
		}
		if rng.IntN(2) == 0 {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("request %d (%s %q) panicked: %v", i, req.Method, target, r)
				}
			}()
			h.ServeHTTP(rec, req)
		}()
		statuses[rec.Code]++
		if rec.Code >= 500 {
			t.Errorf("request %d: %s %q answered %d: %s", i, req.Method, target, rec.Code, rec.Body.String())
		}
	}

	// The fake keeps serving.
	req := httptest.NewRequest("POST", "/api/users/still-alive", strings.NewReader(`{"first_name":"a","last_name":"b","email":"c@example.com"}`))
	req.Header.Set("Authorization", p.APIKey)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusCreated {
		t.Fatalf("after the random run a valid create answered %d: %s", rec.Code, rec.Body.String())
	}
	t.Logf("random requests: %d sent, 0 answered 5xx, statuses %s", n, fmt.Sprint(statuses))
}
