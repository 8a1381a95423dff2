package mockserver_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// control sends one control-plane request to srv's URL and decodes a JSON
// answer into out (when out is not nil and the status is 2xx).
func control(t *testing.T, srv *mockserver.Server, method, path, body string, out any, headers ...string) answer {
	t.Helper()
	a := raw(t, srv, method, path, body, headers...)
	if out != nil && a.status < 300 {
		if err := json.Unmarshal(a.body, out); err != nil {
			t.Fatalf("%s %s: %d, body %s: %v", method, path, a.status, a.body, err)
		}
	}
	return a
}

// wantControlError checks a control-plane error: the status, the
// {"error": "…"} shape, and that the message names what is wrong.
func wantControlError(t *testing.T, a answer, status int, names string) {
	t.Helper()
	var e map[string]string
	if err := json.Unmarshal(a.body, &e); err != nil || len(e) != 1 || e["error"] == "" {
		t.Errorf("error body %s is not {\"error\": \"…\"}", a.body)
	}
	if a.status != status || !strings.Contains(e["error"], names) {
		t.Errorf("%d %s; want %d naming %q", a.status, a.body, status, names)
	}
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type %q", ct)
	}
}

type controlPartner struct {
	ID         string `json:"id"`
	Org        string `json:"org"`
	APIKey     string `json:"api_key"`
	KeysAPIKey string `json:"keys_api_key"`
	Anonymous  bool   `json:"anonymous"`
}

func TestControlHealthAndPartners(t *testing.T) {
	srv := mockserver.New()
	t.Cleanup(srv.Close)
	var health map[string]string
	if a := control(t, srv, "GET", "/_mock/health", "", &health); a.status != 200 || health["status"] != "ok" {
		t.Errorf("health: %d %s", a.status, a.body)
	}
	var p controlPartner
	if a := control(t, srv, "POST", "/_mock/partners", `{"org":"Acme","anonymous":true}`, &p); a.status != 201 {
		t.Fatalf("add: %d %s", a.status, a.body)
	}
	if p.Org != "acme" || !p.Anonymous || len(p.ID) != 24 || len(p.APIKey) != 32 || len(p.KeysAPIKey) != 32 || p.APIKey == p.KeysAPIKey {
		t.Errorf("partner %+v", p)
	}
	// The same partner as the Go API sees it, and its keys work, each on its own API.
	if got := srv.Partners(); len(got) != 1 || *got[0] != (mockserver.Partner{ID: p.ID, Org: p.Org, APIKey: p.APIKey, KeysAPIKey: p.KeysAPIKey}) {
		t.Errorf("Partners() = %+v", got)
	}
	if a := raw(t, srv, "POST", "/api/users/anonymous", "{}", "Authorization", p.APIKey, "Content-Type", "application/json"); a.status != 201 {
		t.Errorf("anonymous user with the new partner's key: %d", a.status)
	}
	if a := raw(t, srv, "GET", "/v1/resources/partners/"+p.ID, "", "Authorization", "key "+p.KeysAPIKey); a.status != 200 {
		t.Errorf("its TicketsCloud key: %d", a.status)
	}
	srv.AddPartner("beta")
	var list []controlPartner
	if a := control(t, srv, "GET", "/_mock/partners", "", &list); a.status != 200 || len(list) != 2 || list[0] != p || list[1].Org != "beta" || list[1].Anonymous {
		t.Errorf("list: %d %+v", a.status, list)
	}

	wantControlError(t, control(t, srv, "POST", "/_mock/partners", `{"org":"acme"}`, nil), 409, `"acme" was already added`)
	wantControlError(t, control(t, srv, "POST", "/_mock/partners", `{"org":"not a label"}`, nil), 400, "not a subdomain")
	wantControlError(t, control(t, srv, "POST", "/_mock/partners", `{}`, nil), 400, "org: required")
	wantControlError(t, control(t, srv, "POST", "/_mock/partners", `{"org":"x","anonymus":true}`, nil), 400, `unknown field "anonymus"`)
	wantControlError(t, control(t, srv, "POST", "/_mock/partners", `{"org":7}`, nil), 400, "org: must be a string")
	wantControlError(t, control(t, srv, "POST", "/_mock/partners", `{"org":"x"`, nil), 400, "not valid JSON")
	wantControlError(t, control(t, srv, "POST", "/_mock/partners", ``, nil), 400, "a JSON body is required")
	wantControlError(t, control(t, srv, "POST", "/_mock/partners", `{"org":"x"} {}`, nil), 400, "data after")
	wantControlError(t, control(t, srv, "GET", "/_mock/nowhere", "", nil), 404, "no such resource")
	a := control(t, srv, "DELETE", "/_mock/partners", "", nil)
	wantControlError(t, a, 405, "not allowed")
	if a.header.Get("Allow") != "POST, GET, HEAD" {
		t.Errorf("Allow %q", a.header.Get("Allow"))
	}
}

func TestControlBigInterviewKeys(t *testing.T) {
	f := newFixture(t)
	var k struct{ Key string }
	if a := control(t, f.srv, "POST", "/_mock/partners/"+f.p.ID+"/api_keys", "", &k); a.status != 201 || len(k.Key) != 32 {
		t.Fatalf("add key: %d %s", a.status, a.body)
	}
	tracks := func(key string) int {
		f.mustCreate(t, "key-user")
		return raw(t, f.srv, "GET", "/api/users/key-user/tracks", "", "Authorization", key).status
	}
	if got := tracks(k.Key); got != 200 {
		t.Errorf("the new key: %d", got)
	}
	if a := control(t, f.srv, "DELETE", "/_mock/partners/"+f.p.ID+"/api_keys/"+k.Key, "", nil); a.status != 204 || len(a.body) != 0 {
		t.Errorf("remove: %d %s", a.status, a.body)
	}
	if got := tracks(k.Key); got != 401 {
		t.Errorf("the removed key: %d; want 401", got)
	}
	wantControlError(t, control(t, f.srv, "DELETE", "/_mock/partners/"+f.p.ID+"/api_keys/"+k.Key, "", nil), 404, "not a live Big Interview key")
	wantControlError(t, control(t, f.srv, "DELETE", "/_mock/partners/"+f.p.ID+"/api_keys/"+f.p.KeysAPIKey, "", nil), 400, "TicketsCloud key")
	wantControlError(t, control(t, f.srv, "POST", "/_mock/partners/000000000000000000000000/api_keys", "", nil), 404, `no partner "000000000000000000000000"`)
}

func TestControlStoredUsers(t *testing.T) {
	f := newFixture(t, mockserver.AllowAnonymous())
	f.mustCreate(t, "ada")
	f.srv.Advance(time.Second)
	if _, err := f.client.Users.CreateOrUpdate(ctx, "bob", &partnerapi.UserParams{FirstName: "Bob", LastName: "<Tables>", Email: "bob@example.com"}); err != nil {
		t.Fatal(err)
	}
	// A refresh sends other attributes: Big Interview ignores them, and so does the store.
	if _, err := f.client.Users.CreateOrUpdate(ctx, "ada", &partnerapi.UserParams{FirstName: "Other"}); err != nil {
		t.Fatal(err)
	}
	type stored struct {
		PartnerID string    `json:"partner_id"`
		FirstName string    `json:"first_name"`
		LastName  string    `json:"last_name"`
		Email     string    `json:"email"`
		Anonymous bool      `json:"anonymous"`
		CreatedAt time.Time `json:"created_at"`
	}
	var users []stored
	if a := control(t, f.srv, "GET", "/_mock/partners/"+f.p.ID+"/users", "", &users); a.status != 200 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	want := []stored{
		{"ada", "Ada", "Lovelace", "ada@example.com", false, start},
		{"bob", "Bob", "<Tables>", "bob@example.com", false, start.Add(time.Second)},
	}
	if len(users) != 2 || users[0].PartnerID != "ada" || users[1] != (stored{"bob", "Bob", "<Tables>", "bob@example.com", false, users[1].CreatedAt}) ||
		users[0].FirstName != "Ada" || users[1].CreatedAt.Sub(users[0].CreatedAt) < time.Second {
		t.Errorf("users %+v; want %+v (times about)", users, want)
	}
	var one stored
	if a := control(t, f.srv, "GET", "/_mock/partners/"+f.p.ID+"/users/bob", "", &one); a.status != 200 || one != users[1] {
		t.Errorf("one user: %d %+v", a.status, one)
	}
	// The Go API answers the same.
	gu, err := f.srv.User(f.p, "bob")
	if err != nil || gu.PartnerID != "bob" || gu.LastName != "<Tables>" || !gu.CreatedAt.Equal(one.CreatedAt) {
		t.Errorf("User: %+v %v", gu, err)
	}
	if all, err := f.srv.Users(f.p); err != nil || len(all) != 2 || all[0].FirstName != "Ada" {
		t.Errorf("Users: %+v %v", all, err)
	}
	// An anonymous user is listed without attributes, and gone after 24 h.
	anon, err := f.client.Users.CreateAnonymous(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if su, err := f.srv.User(f.p, anon.PartnerID); err != nil || !su.Anonymous || su.FirstName != "" {
		t.Errorf("anonymous: %+v %v", su, err)
	}
	f.srv.Advance(25 * time.Hour)
	if all, _ := f.srv.Users(f.p); len(all) != 2 {
		t.Errorf("after 25 h: %d users; want the 2 named ones", len(all))
	}

	wantControlError(t, control(t, f.srv, "GET", "/_mock/partners/"+f.p.ID+"/users/nobody", "", nil), 404, `no user "nobody"`)
	wantControlError(t, control(t, f.srv, "GET", "/_mock/partners/nope/users", "", nil), 404, `no partner "nope"`)
	if _, err := f.srv.Users(&mockserver.Partner{ID: "nope"}); err == nil || !strings.HasPrefix(err.Error(), "mockserver: Users: ") {
		t.Errorf("Users of an unknown partner: %v", err)
	}
}

func TestControlProgress(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "ada")
	path := "/_mock/partners/" + f.p.ID + "/users/ada/progress"
	var tr partnerapi.Track
	a := control(t, f.srv, "PUT", path, `{"track":"Mastery Track","completed":[1,2,8]}`, nil)
	if a.status != 200 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	var doc struct {
		Title    string  `json:"title"`
		Progress float64 `json:"progress"`
		Steps    []struct {
			Step      int  `json:"step"`
			Completed bool `json:"completed"`
		} `json:"tracks"`
	}
	if err := json.Unmarshal(a.body, &doc); err != nil || doc.Title != "Mastery Track" || !strings.Contains(string(a.body), `"progress":0.38`) || len(doc.Steps) != 8 || !doc.Steps[7].Completed || doc.Steps[2].Completed {
		t.Errorf("answer %s (%v)", a.body, err)
	}
	// The API reads it back: the same track, as /tracks shows it.
	tracks, err := f.client.Users.Tracks(ctx, "ada")
	if err != nil || len(tracks) != 2 {
		t.Fatal(tracks, err)
	}
	tr = tracks[1]
	if tr.Title != "Mastery Track" || tr.Progress != 0.38 || !tr.Steps[0].Completed || !tr.Steps[1].Completed || !tr.Steps[7].Completed {
		t.Errorf("read back %+v", tr)
	}
	b := raw(t, f.srv, "GET", "/api/users/ada/tracks", "", "Authorization", f.p.APIKey).body
	if !strings.Contains(string(b), string(a.body)) {
		t.Errorf("the answer %s is not the track as /tracks shows it: %s", a.body, b)
	}
	wantControlError(t, control(t, f.srv, "PUT", path, `{"track":"Slow Track","completed":[1]}`, nil), 400, `no guided track "Slow Track"`)
	wantControlError(t, control(t, f.srv, "PUT", path, `{"track":"Fast Track","completed":[6]}`, nil), 400, "steps 1 to 5, not 6")
	wantControlError(t, control(t, f.srv, "PUT", path, `{"completed":[1]}`, nil), 400, "track: required")
	wantControlError(t, control(t, f.srv, "PUT", path, `{"track":"Fast Track","completed":"1"}`, nil), 400, "completed: must be an array")
	wantControlError(t, control(t, f.srv, "PUT", "/_mock/partners/"+f.p.ID+"/users/ghost/progress", `{"track":"Fast Track"}`, nil), 404, `no user "ghost"`)
	// Nothing changed by the refused ones.
	if tracks, _ := f.client.Users.Tracks(ctx, "ada"); tracks[1].Progress != 0.38 || tracks[0].Progress != 0 {
		t.Errorf("after refusals: %v, %v", tracks[0].Progress, tracks[1].Progress)
	}
}

func TestControlInterviews(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "ada")
	base := "/_mock/partners/" + f.p.ID + "/users/ada/interviews"
	var iv partnerapi.Interview
	if a := control(t, f.srv, "POST", base, `{"title":"Top 10","interviewer_name":"Sam","category":"General","completed":true,"created_at":"2014-12-31T10:00:00.123456Z","links":{"review":"/r/1","retake":"/t/1"}}`, &iv); a.status != 201 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	if iv.ID < 1 || iv.Title != "Top 10" || !iv.CreatedAt.Equal(time.Date(2014, 12, 31, 10, 0, 0, 123e6, time.UTC)) || iv.UpdatedAt.Before(start) || iv.Links.Review != "/r/1" {
		t.Errorf("stored %+v", iv)
	}
	ivs, err := f.client.Users.Interviews(ctx, "ada")
	if err != nil || len(ivs) != 1 || ivs[0] != iv {
		t.Errorf("the API: %+v %v; want %+v", ivs, err, iv)
	}
	f.srv.Advance(time.Minute)
	id := itoa(iv.ID)
	var upd partnerapi.Interview
	if a := control(t, f.srv, "PUT", base+"/"+id, `{"title":"Top 10 (retake)"}`, &upd); a.status != 200 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	if upd.ID != iv.ID || upd.Title != "Top 10 (retake)" || !upd.CreatedAt.Equal(iv.CreatedAt) || upd.UpdatedAt.Sub(iv.UpdatedAt) < time.Minute {
		t.Errorf("updated %+v", upd)
	}
	wantControlError(t, control(t, f.srv, "PUT", base+"/"+id, `{"id":999,"title":"x"}`, nil), 400, "the body names interview 999")
	wantControlError(t, control(t, f.srv, "PUT", base+"/999", `{"title":"x"}`, nil), 404, "no interview 999")
	wantControlError(t, control(t, f.srv, "PUT", base+"/abc", `{"title":"x"}`, nil), 400, "not a positive integer")
	wantControlError(t, control(t, f.srv, "POST", base, `{"created_at":"yesterday"}`, nil), 400, "created_at")
	wantControlError(t, control(t, f.srv, "POST", base, `{"id":`+id+`}`, nil), 409, "already has interview")
	wantControlError(t, control(t, f.srv, "POST", base, `{"id":-1}`, nil), 400, "negative interview id")
	wantControlError(t, control(t, f.srv, "POST", base, `{"name":"x"}`, nil), 400, `unknown field "name"`)
	wantControlError(t, control(t, f.srv, "POST", "/_mock/partners/"+f.p.ID+"/users/ghost/interviews", `{}`, nil), 404, `no user "ghost"`)
	if a := control(t, f.srv, "DELETE", base+"/"+id, "", nil); a.status != 204 {
		t.Errorf("delete: %d %s", a.status, a.body)
	}
	wantControlError(t, control(t, f.srv, "DELETE", base+"/"+id, "", nil), 404, "no interview")
	if ivs, _ := f.client.Users.Interviews(ctx, "ada"); len(ivs) != 0 {
		t.Errorf("after delete: %+v", ivs)
	}
}

func TestControlWebhooksAndDeliveries(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "ada")
	rc := newWHReceiver(t, f.srv, func(n int) int {
		if n == 1 {
			return 500 // the first delivery fails: retried after 10 fake minutes
		}
		return 200
	})
	var k struct{ Key string }
	if a := control(t, f.srv, "POST", "/_mock/partners/"+f.p.ID+"/webhooks", `{"url":"`+rc.URL+`","key":"my-verification-key"}`, &k); a.status != 201 || k.Key != "my-verification-key" {
		t.Fatalf("%d %s", a.status, a.body)
	}
	var random struct{ Key string }
	control(t, f.srv, "POST", "/_mock/partners/"+f.p.ID+"/webhooks", `{"url":"`+rc.URL+`?second"}`, &random)
	if len(random.Key) != 32 {
		t.Errorf("a random key: %q", random.Key)
	}
	if hooks, err := f.srv.Webhooks(f.p); err != nil || len(hooks) != 2 || hooks[0] != (mockserver.Webhook{URL: rc.URL, VerificationKey: "my-verification-key"}) || hooks[1].VerificationKey != random.Key {
		t.Errorf("Webhooks: %+v %v", hooks, err)
	}
	control(t, f.srv, "POST", "/_mock/partners/"+f.p.ID+"/users/ada/interviews", `{"title":"x"}`, nil)
	var now struct{ Now time.Time }
	if a := control(t, f.srv, "POST", "/_mock/clock/advance", `{"by":"10m"}`, &now); a.status != 200 {
		t.Fatalf("advance: %d %s", a.status, a.body)
	}
	type delivery struct {
		EventID   string    `json:"event_id"`
		EventName string    `json:"event_name"`
		URL       string    `json:"url"`
		Attempt   int       `json:"attempt"`
		Status    int       `json:"status"`
		Error     string    `json:"error"`
		At        time.Time `json:"at"`
	}
	var ds []delivery
	control(t, f.srv, "GET", "/_mock/deliveries", "", &ds)
	// Three attempts: the first to each URL (one of them failed), then the retry, 10 minutes later.
	if len(ds) != 3 || ds[2].Attempt != 2 || ds[2].Status != 200 || ds[2].EventName != "interview.created" || ds[2].EventID != ds[0].EventID {
		t.Fatalf("deliveries %+v", ds)
	}
	failed := ds[0]
	if failed.Status != 500 {
		failed = ds[1]
	}
	if failed.Status != 500 || failed.Attempt != 1 || ds[2].At.Sub(failed.At) != 10*time.Minute || ds[2].URL != failed.URL {
		t.Errorf("the failed attempt %+v, its retry %+v", failed, ds[2])
	}
	keys := map[string]bool{}
	for _, r := range rc.received() {
		keys[r.header.Get("Authorization")] = true
	}
	if !keys["my-verification-key"] || !keys[random.Key] {
		t.Errorf("the receiver saw keys %v", keys)
	}
	wantControlError(t, control(t, f.srv, "POST", "/_mock/partners/"+f.p.ID+"/webhooks", `{"url":"ftp://x"}`, nil), 400, "not an absolute http or https URL")
	wantControlError(t, control(t, f.srv, "POST", "/_mock/partners/"+f.p.ID+"/webhooks", `{"url":"http://x","key":"two words"}`, nil), 400, "verification key")
	wantControlError(t, control(t, f.srv, "POST", "/_mock/partners/"+f.p.ID+"/webhooks", `{"url":"http://x","key":""}`, nil), 400, "verification key")
	wantControlError(t, control(t, f.srv, "POST", "/_mock/partners/"+f.p.ID+"/webhooks", `{}`, nil), 400, "url: required")
	wantControlError(t, control(t, f.srv, "POST", "/_mock/partners/nope/webhooks", `{"url":"http://x"}`, nil), 404, `no partner "nope"`)
}

func TestControlFaults(t *testing.T) {
	f := newFixture(t)
	type fault struct {
		ID         int64  `json:"id"`
		Method     string `json:"method"`
		Path       string `json:"path"`
		Status     int    `json:"status"`
		RetryAfter string `json:"retry_after"`
		Latency    string `json:"latency"`
		Drop       bool   `json:"drop"`
		Times      int    `json:"times"`
		Remaining  int    `json:"remaining"`
	}
	var got fault
	if a := control(t, f.srv, "POST", "/_mock/faults", `{"method":"GET","path":"/api/","status":503,"retry_after":"1500ms","times":2}`, &got); a.status != 201 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	want := fault{1, "GET", "/api/", 503, "1.5s", "0s", false, 2, 2}
	if got != want {
		t.Errorf("fault %+v; want %+v", got, want)
	}
	control(t, f.srv, "POST", "/_mock/faults", `{"path":"/v1/","latency":"1ms","times":-5}`, nil)
	f.mustCreate(t, "ada")
	tracks := func() answer { return raw(t, f.srv, "GET", "/api/users/ada/tracks", "", "Authorization", f.p.APIKey) }
	if a := tracks(); a.status != 503 || a.header.Get("Retry-After") != "2" {
		t.Errorf("faulted: %d Retry-After %q", a.status, a.header.Get("Retry-After"))
	}
	var list []fault
	control(t, f.srv, "GET", "/_mock/faults", "", &list)
	if len(list) != 2 || list[0].Remaining != 1 || list[1].Remaining != -1 || list[1].ID != 2 || list[1].Times != -5 {
		t.Errorf("faults %+v", list)
	}
	// The Go API sees the same faults.
	if afs := f.srv.Faults(); len(afs) != 2 || afs[0].Remaining != 1 || afs[0].Status != 503 || afs[0].RetryAfter != 1500*time.Millisecond {
		t.Errorf("Faults() = %+v", afs)
	}
	tracks()
	control(t, f.srv, "GET", "/_mock/faults", "", &list)
	if len(list) != 1 || list[0].ID != 2 {
		t.Errorf("after the second hit: %+v; want the spent fault gone", list)
	}
	if a := control(t, f.srv, "DELETE", "/_mock/faults", "", nil); a.status != 204 {
		t.Errorf("clear: %d", a.status)
	}
	if len(f.srv.Faults()) != 0 {
		t.Error("faults left after DELETE")
	}
	wantControlError(t, control(t, f.srv, "POST", "/_mock/faults", `{"status":503,"latency":"soon"}`, nil), 400, `latency: invalid duration "soon"`)
	wantControlError(t, control(t, f.srv, "POST", "/_mock/faults", `{"status":503,"retry_after":"-1s"}`, nil), 400, "must not be negative")
	wantControlError(t, control(t, f.srv, "POST", "/_mock/faults", `{"status":99}`, nil), 400, "Status 99")
	wantControlError(t, control(t, f.srv, "POST", "/_mock/faults", `{"status":503,"retry-after":"1s"}`, nil), 400, `unknown field "retry-after"`)
	wantControlError(t, control(t, f.srv, "POST", "/_mock/faults", `{"latency":5}`, nil), 400, "latency: must be a string")
	if a := tracks(); a.status != 200 {
		t.Errorf("no fault left: %d", a.status)
	}
}

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

func TestControlRequestsJournal(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "ada")
	raw(t, f.srv, "GET", "/api/users/ghost/tracks?x=1", "", "Authorization", f.p.APIKey)
	control(t, f.srv, "GET", "/_mock/health", "", nil) // the control plane is not journaled
	type request struct {
		Method  string              `json:"method"`
		Path    string              `json:"path"`
		Query   string              `json:"query"`
		Headers map[string][]string `json:"headers"`
		Body    string              `json:"body"`
		Status  int                 `json:"status"`
		At      time.Time           `json:"at"`
	}
	var all []request
	control(t, f.srv, "GET", "/_mock/requests", "", &all)
	if len(all) != 2 || all[0].Method != "POST" || all[0].Status != 201 || !strings.Contains(all[0].Body, `"first_name":"Ada"`) ||
		all[0].Headers["Content-Type"][0] != "application/json" || all[1].Query != "x=1" || all[1].Status != 404 || all[0].At.Before(start) {
		t.Errorf("journal %+v", all)
	}
	for q, n := range map[string]int{"?method=post": 1, "?path_prefix=/api/users/ghost": 1, "?status=404": 1, "?status=500": 0, "?method=GET&status=404": 1, "?path_prefix=/v1/": 0} {
		var got []request
		if a := control(t, f.srv, "GET", "/_mock/requests"+q, "", &got); a.status != 200 || len(got) != n {
			t.Errorf("%s: %d, %d entries; want %d", q, a.status, len(got), n)
		}
	}
	wantControlError(t, control(t, f.srv, "GET", "/_mock/requests?status=abc", "", nil), 400, `status: "abc"`)
	wantControlError(t, control(t, f.srv, "GET", "/_mock/requests?path=/api", "", nil), 400, `unknown query parameter "path"`)
	if a := control(t, f.srv, "DELETE", "/_mock/requests", "", nil); a.status != 204 {
		t.Errorf("clear: %d", a.status)
	}
	var none []request
	if control(t, f.srv, "GET", "/_mock/requests", "", &none); len(none) != 0 || len(f.srv.Requests()) != 0 {
		t.Errorf("after DELETE: %+v", none)
	}
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
