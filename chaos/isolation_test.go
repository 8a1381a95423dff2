package chaos_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// TestTenantIsolation calls every endpoint of the victim partner with
// another partner's keys (refused: 401, 403 or 404; the partners list
// answers without the victim's), and with credentials
// that must not authenticate at all — none, removed keys, the wrong auth
// scheme, and each company's key on the other company's API (a Big
// Interview key on every /v1 route, a TicketsCloud key on every /api
// route) — which must get exactly 401; then checks the victim's data is
// unchanged.
func TestTenantIsolation(t *testing.T) {
	srv := mockserver.New()
	defer srv.Close()
	victim := srv.AddPartner("victim", mockserver.AllowAnonymous())
	attacker := srv.AddPartner("attacker", mockserver.AllowAnonymous())
	ctx := context.Background()

	vc, err := srv.NewClient(victim)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := vc.Users.CreateOrUpdate(ctx, "victim-user", &partnerapi.UserParams{FirstName: "V", LastName: "U", Email: "v@example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.SetProgress(victim, "victim-user", "Fast Track", 1, 2); err != nil {
		t.Fatal(err)
	}
	victimKey, err := vc.APIKeys.Create(ctx, victim.ID, "victim-key")
	if err != nil {
		t.Fatal(err)
	}
	// A removed key of the victim's own.
	removed, err := vc.APIKeys.Create(ctx, victim.ID, "to-remove")
	if err != nil {
		t.Fatal(err)
	}
	if err := vc.APIKeys.Delete(ctx, victim.ID, removed.ID); err != nil {
		t.Fatal(err)
	}
	// And a removed Big Interview key, and a live second one.
	removedBI := srv.AddAPIKey(victim)
	if err := srv.RemoveAPIKey(victim, removedBI); err != nil {
		t.Fatal(err)
	}
	secondBI := srv.AddAPIKey(victim)

	snapshot := func() (any, any) {
		tracks, err := vc.Users.Tracks(ctx, "victim-user")
		if err != nil {
			t.Fatal(err)
		}
		keys, err := vc.APIKeys.List(ctx, victim.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		names := make([]string, 0, len(keys))
		for _, k := range keys {
			names = append(names, k.ID+"/"+k.Name+"/"+map[bool]string{true: "removed", false: "live"}[k.Removed]+"/"+k.Key.Reveal())
		}
		return tracks, names
	}
	tracksBefore, keysBefore := snapshot()
	// The victim's current SSO link must still work afterwards: a refresh
	// by anyone else would have replaced its token.
	link, err := vc.SSO.LoginURL(ctx, "victim-user", nil, nil)
	if err != nil {
		t.Fatal(err)
	}

	kp := "/v1/resources/partners/" + victim.ID + "/api_keys"
	// Users are per org: another org's key sees no "victim-user" (404), and
	// a refresh without attributes is a 422 there. The attacker creating its
	// own "victim-user" and anonymous users is legitimate — in its own org —
	// so those come last and are checked by the victim's data staying put.
	endpoints := []struct{ method, path, body string }{
		{"GET", "/api/users/victim-user/progress", ""},
		{"GET", "/api/users/victim-user/tracks", ""},
		{"GET", "/api/users/victim-user/interviews", ""},
		{"POST", "/api/users/victim-user", `{}`},
		{"GET", kp, ""},
		{"POST", kp, `{"name":"planted"}`},
		{"GET", kp + "/" + victimKey.ID, ""},
		{"PATCH", kp + "/" + victimKey.ID, `{"name":"hijacked"}`},
		{"DELETE", kp + "/" + victimKey.ID, ""},
		{"GET", "/v1/resources/partners/" + victim.ID, ""},
		{"GET", "/v1/resources/partners?ids=" + victim.ID, ""},
		{"GET", "/api/users/victim-user/track", ""},
		{"POST", "/api/users/anonymous", `{}`},
		{"POST", "/api/users/victim-user", `{"first_name":"X","last_name":"Y","email":"x@example.com"}`},
	}
	coversEveryAPIRoute(t, srv, endpoints)
	credentials := []struct {
		name   string
		users  string // Authorization for /api
		keys   string // Authorization for /v1
		ownOrg bool   // valid keys of another org: refused for the victim's data, but creating users in its own org is legitimate
	}{
		{"another partner's keys", attacker.APIKey, "key " + attacker.KeysAPIKey, true},
		{"no key", "", "", false},
		{"removed keys", removedBI, "key " + removed.Key.Reveal(), false},
		{"the wrong scheme", "key " + victim.APIKey, victim.KeysAPIKey, false},
		{"the wrong scheme, Bearer", "Bearer " + victim.APIKey, "Bearer " + victim.KeysAPIKey, false},
		{"the victim's keys, each on the other company's API", victim.KeysAPIKey, "key " + victim.APIKey, false},
		{"the victim's second Big Interview key on /v1, its created TicketsCloud key on /api", victimKey.Key.Reveal(), "key " + secondBI, false},
		{"another partner's keys, each on the other company's API", attacker.KeysAPIKey, "key " + attacker.APIKey, false},
	}
	checked := 0
	for _, cred := range credentials {
		for _, ep := range endpoints {
			auth := cred.users
			if strings.HasPrefix(ep.path, "/v1/") {
				auth = cred.keys
			}
			req, _ := http.NewRequest(ep.method, srv.URL+ep.path, strings.NewReader(ep.body))
			req.Header.Set("Accept", "application/json")
			req.Header.Set("Content-Type", "application/json")
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if cred.ownOrg && ep.method == "POST" && strings.HasPrefix(ep.path, "/api/") && ep.body != `{}` || cred.ownOrg && ep.path == "/api/users/anonymous" {
				if resp.StatusCode != http.StatusCreated {
					t.Errorf("%s: %s %s in its own org answered %d %s", cred.name, ep.method, ep.path, resp.StatusCode, body)
				}
				continue // that user lives in the attacker's org; the victim's data is checked below
			}
			if cred.ownOrg && ep.path == "/v1/resources/partners?ids="+victim.ID {
				// The list answers another partner's key with its own partners: the victim's is left out.
				if resp.StatusCode != http.StatusOK || string(body) != "[]" {
					t.Errorf("%s: %s %s answered %d %s; want 200 []", cred.name, ep.method, ep.path, resp.StatusCode, body)
				}
				continue
			}
			refusals := []int{http.StatusUnauthorized} // not a credential of this API at all
			switch {
			case cred.ownOrg && ep.path == "/api/users/victim-user":
				refusals = []int{http.StatusUnprocessableEntity} // no such user in the attacker's org
			case cred.ownOrg:
				refusals = []int{http.StatusForbidden, http.StatusNotFound}
			}
			checked++
			if !slices.Contains(refusals, resp.StatusCode) {
				t.Errorf("%s: %s %s answered %d %s; want one of %v", cred.name, ep.method, ep.path, resp.StatusCode, body, refusals)
			}
			if !bytes.Contains(body, []byte(`"error"`)) {
				t.Errorf("%s: %s %s: no error body: %s", cred.name, ep.method, ep.path, body)
			}
		}
	}

	if want := len(credentials)*len(endpoints) - 3; checked != want { // less the attacker's 2 legitimate creates in its own org and its partners list
		t.Errorf("checked %d refusals; want %d", checked, want)
	}
	t.Logf("%d endpoints × %d credentials: %d refused as required", len(endpoints), len(credentials), checked)

	// The partners list shows the attacker nothing of the victim, even asked by id.
	req, _ := http.NewRequest("GET", srv.URL+"/v1/resources/partners?ids="+victim.ID+","+attacker.ID, nil)
	req.Header.Set("Authorization", "key "+attacker.KeysAPIKey)
	lr, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	listed, _ := io.ReadAll(lr.Body)
	lr.Body.Close()
	if lr.StatusCode != 200 || bytes.Contains(listed, []byte(victim.ID)) || !bytes.Contains(listed, []byte(attacker.ID)) {
		t.Errorf("the attacker's partner list with ids=victim,attacker: %d %s", lr.StatusCode, listed)
	}

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Errorf("the victim's SSO link answered %d after the attacks; its token was replaced", resp.StatusCode)
	}
	tracksAfter, keysAfter := snapshot()
	if d := cmp.Diff(tracksBefore, tracksAfter); d != "" {
		t.Errorf("the victim's user changed (-before +after):\n%s", d)
	}
	if d := cmp.Diff(keysBefore, keysAfter); d != "" {
		t.Errorf("the victim's keys changed (-before +after):\n%s", d)
	}
}

// coversEveryAPIRoute fails the test when an operation of the fake's
// OpenAPI document that takes an API key (Big Interview's or
// TicketsCloud's) has no endpoint in the matrix: a route added to the
// fake's route table, which its own test holds the document to, cannot be
// left out of the isolation matrix. Each endpoint counts for the most
// specific operation its path matches, as the fake's router picks it
// ("/api/users/anonymous" before "/api/users/{partner_id}").
func coversEveryAPIRoute(t *testing.T, srv *mockserver.Server, endpoints []struct{ method, path, body string }) {
	t.Helper()
	resp, err := http.Get(srv.URL + "/_mock/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Paths map[string]map[string]struct {
			Security []map[string][]string `json:"security"`
		} `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatalf("the OpenAPI document: %v", err)
	}
	type operation struct{ method, path string }
	var keyed []operation
	for path, ops := range doc.Paths {
		for method, op := range ops {
			for _, sec := range op.Security {
				if _, bi := sec["bigInterviewKey"]; bi {
					keyed = append(keyed, operation{strings.ToUpper(method), path})
				} else if _, tc := sec["ticketsCloudKey"]; tc {
					keyed = append(keyed, operation{strings.ToUpper(method), path})
				}
			}
		}
	}
	if len(keyed) == 0 {
		t.Fatal("the OpenAPI document has no operation that takes an API key")
	}
	covered := make(map[operation]bool)
	for _, ep := range endpoints {
		path, _, _ := strings.Cut(ep.path, "?")
		best, bestVars := operation{}, -1
		for _, op := range keyed {
			if op.method != ep.method || !templateMatches(op.path, path) {
				continue
			}
			if vars := strings.Count(op.path, "{"); bestVars < 0 || vars < bestVars {
				best, bestVars = op, vars
			}
		}
		if bestVars < 0 {
			t.Errorf("the matrix's %s %s is no operation of the OpenAPI document", ep.method, ep.path)
			continue
		}
		covered[best] = true
	}
	for _, op := range keyed {
		if !covered[op] {
			t.Errorf("%s %s takes an API key but is not in the isolation matrix", op.method, op.path)
		}
	}
}

// templateMatches reports whether path matches an OpenAPI path template,
// each {name} standing for one non-empty segment.
func templateMatches(template, path string) bool {
	ts, ps := strings.Split(template, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i, seg := range ts {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			if ps[i] == "" {
				return false
			}
		} else if seg != ps[i] {
			return false
		}
	}
	return true
}
