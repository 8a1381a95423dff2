package mockserver

import (
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

// Every line of the route table is served by its handler, and every other
// method of its path gets 405 with the path's Allow, in the family's shape.
func TestRouteTableIsServed(t *testing.T) {
	s := New(WithoutListener())
	p := s.AddPartner("routes", AllowAnonymous())
	s.st.mu.RLock()
	keyID := s.st.partners[p.ID].keys[0].id
	s.st.mu.RUnlock()
	// The control plane's routes take bodies of their own.
	controlBodies := map[string]string{
		"POST /_mock/partners":                                         `{"org":"route-table"}`,
		"PUT /_mock/partners/{id}/users/{partner_id}/progress":         `{"track":"Fast Track","completed":[1]}`,
		"POST /_mock/partners/{id}/users/{partner_id}/interviews":      `{"title":"t"}`,
		"PUT /_mock/partners/{id}/users/{partner_id}/interviews/{iid}": `{"title":"t2"}`,
		"POST /_mock/partners/{id}/webhooks":                           `{"url":"http://127.0.0.1:1/hook"}`,
		"POST /_mock/faults":                                           `{"path":"/nowhere","status":503}`,
		"POST /_mock/clock/advance":                                    `{"by":"1s"}`,
	}
	var pattern string // the route being served, for its control-plane body
	serve := func(method, path string, sf *surface) *httptest.ResponseRecorder {
		body := `{"first_name":"A","last_name":"B","email":"c@example.com"}`
		switch {
		case sf == ticketsCloudAPI:
			body = `{"name":"n"}`
		case sf == snapshotUpload:
			var b strings.Builder
			if err := s.Snapshot(&b); err != nil {
				t.Fatal(err)
			}
			body = b.String()
		case sf != nil && sf.root() == controlPlane:
			body = controlBodies[pattern]
		}
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		switch sf {
		case bigInterviewAPI:
			req.Header.Set("Authorization", p.APIKey)
		case ticketsCloudAPI:
			req.Header.Set("Authorization", "key "+p.KeysAPIKey)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec
	}
	fill := strings.NewReplacer("{partner_id}", "route-user", "{partner}", p.ID, "{key}", keyID, "{$}", "")
	if rec := serve("POST", "/api/users/route-user", bigInterviewAPI); rec.Code != 201 {
		t.Fatalf("creating the user: %d %s", rec.Code, rec.Body)
	}
	iv, err := s.AddInterview(p, "route-user", partnerapi.Interview{Title: "route"})
	if err != nil {
		t.Fatal(err)
	}
	fillControl := strings.NewReplacer("{id}", p.ID, "{partner_id}", "route-user", "{key}", s.AddAPIKey(p), "{iid}", strconv.FormatInt(iv.ID, 10))
	methodsOf := map[string]map[string]bool{}
	for _, r := range s.routes() {
		if method, path, ok := strings.Cut(r.pattern, " "); ok {
			if methodsOf[path] == nil {
				methodsOf[path] = map[string]bool{}
			}
			methodsOf[path][method] = true
		}
	}
	allow := map[string][]string{}
	for _, r := range s.routes() {
		method, path, ok := strings.Cut(r.pattern, " ")
		if !ok {
			continue // the subtrees: 404 for the paths of no route
		}
		takes := methodsOf[path]
		if r.surface.root() == controlPlane {
			path = fillControl.Replace(path)
			if !controlPlaneServed { // built with nocontrol: an unknown path like any other
				pattern = r.pattern
				if rec := serve(method, path, r.surface); rec.Code != 404 || !strings.Contains(rec.Body.String(), `"not_found"`) {
					t.Errorf("%s %s without the control plane: %d %s; want 404 not_found", method, path, rec.Code, rec.Body)
				}
				continue
			}
		} else {
			path = fill.Replace(path)
		}
		pattern = r.pattern
		if method == "DELETE" || r.pattern == "POST /_mock/reset" {
			defer func(pat, path string, sf *surface) { // last: it removes what the others use
				pattern = pat
				if rec := serve(method, path, sf); rec.Code != 200 && rec.Code != 204 {
					t.Errorf("%s %s: %d %s", method, path, rec.Code, rec.Body)
				}
			}(r.pattern, path, r.surface)
		} else if rec := serve(method, path, r.surface); rec.Code >= 400 && !(r.surface == memberApp && rec.Code == 401) { // pages without a token or session
			t.Errorf("%s %s: %d %s", method, path, rec.Code, rec.Body)
		}
		allow[path] = append(allow[path], method)
		for _, m := range []string{"PUT", "OPTIONS", "TRACE"} {
			if takes[m] {
				continue
			}
			rec := serve(m, path, r.surface)
			if rec.Code != 405 || rec.Header().Get("Allow") == "" {
				t.Errorf("%s %s: %d with Allow %q; want 405", m, path, rec.Code, rec.Header().Get("Allow"))
			}
			ct := rec.Header().Get("Content-Type")
			if r.surface.fam == familyPage && !strings.HasPrefix(ct, "text/html") || r.surface.fam != familyPage && !strings.HasPrefix(ct, "application/json") {
				t.Errorf("%s %s: 405 as %q", m, path, ct)
			}
		}
	}
	for path, methods := range allow {
		if slices.Contains(methods, "PUT") {
			continue
		}
		rec := serve("PUT", path, nil)
		want := strings.Join(methods, ", ")
		want = strings.Replace(want, "GET", "GET, HEAD", 1)
		if rec.Code == 405 && rec.Header().Get("Allow") != want {
			t.Errorf("%s: Allow %q; want %q", path, rec.Header().Get("Allow"), want)
		}
	}
}

func TestCanonicalPaths(t *testing.T) {
	for p, want := range map[string]bool{
		"/": true, "/api": true, "/api/": true, "/api/users/x/tracks": true, "/a%2Fb": true, "/api/users/x/": true,
		"": false, "*": false, "api": false, "//": false, "/api//users": false, "/./api": false, "/api/..": false,
		"/api/../v1": false, "/api/.": false, "/api/users/x//": false,
	} {
		if got := isCanonicalPath(p); got != want {
			t.Errorf("isCanonicalPath(%q) = %v; want %v", p, got, want)
		}
	}
}

// A path ServeMux would redirect gets the 404 of its subtree instead:
// authenticated first, journaled, in the family's shape.
func TestNonCanonicalPathsAreUnknown(t *testing.T) {
	s := New(WithoutListener())
	p := s.AddPartner("paths")
	for _, c := range []struct {
		path, auth string
		status     int
		fam        family
	}{
		{"/api//users/x/tracks", "", 401, familyAPI},
		{"/api//users/x/tracks", p.APIKey, 404, familyAPI},
		{"/api/users/./x/tracks", p.APIKey, 404, familyAPI},
		{"/v1//resources/partners", "", 401, familyV1},
		{"/v1//resources/partners", "key " + p.KeysAPIKey, 404, familyV1},
		{"/v1/resources/../partners", "key " + p.KeysAPIKey, 404, familyV1},
		{"/members//dashboard", "", 404, familyPage},
		{"//x", "", 404, familyAPI},
		{"/api", "", 401, familyAPI},
		{"/api", p.APIKey, 404, familyAPI},
		{"/v1", "key " + p.KeysAPIKey, 404, familyV1},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.URL.Path, req.URL.RawPath = c.path, ""
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		ct := rec.Header().Get("Content-Type")
		if rec.Code != c.status || (c.fam == familyPage) != strings.HasPrefix(ct, "text/html") ||
			(c.fam == familyV1) != strings.Contains(rec.Body.String(), `"reason"`) || rec.Header().Get("Location") != "" {
			t.Errorf("GET %s (auth %v): %d %q %s; want %d in family %d", c.path, c.auth != "", rec.Code, ct, rec.Body, c.status, c.fam)
		}
	}
	if n := len(s.Requests()); n != 11 {
		t.Errorf("%d journaled; want 11", n)
	}
	if r := s.Requests()[0]; r.Path != "/api//users/x/tracks" || r.Status != 401 {
		t.Errorf("journaled %s %d", r.Path, r.Status)
	}
}
