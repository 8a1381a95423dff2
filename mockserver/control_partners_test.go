//go:build !nocontrol

package mockserver_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// controlPartner is a partner as the control plane answers it.
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
	wantControlError(t, control(t, srv, "POST", "/_mock/partners", `["acme"]`, nil), 400, "the body must be an object, not array")
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
