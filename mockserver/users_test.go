package mockserver_test

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
	"github.com/partnerapi/go-partnerapi/partnerid"
)

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

func TestCreateThenRefresh(t *testing.T) {
	f := newFixture(t)
	first := f.mustCreate(t, "abc123def")
	if !first.Created || first.PartnerID != "abc123def" || first.Anonymous {
		t.Fatalf("create answered %+v; want Created, partner_id abc123def, not anonymous", first)
	}
	if !hex64.MatchString(first.Token.Token.Reveal()) {
		t.Errorf("token is not 64 lowercase hex digits")
	}
	if got := first.Token.ExpiresAt.Sub(first.CreatedAt); got != 48*time.Hour {
		t.Errorf("token expires %v after creation; want 48h", got)
	}
	if first.CreatedAt.Before(start) || first.CreatedAt.After(f.srv.Now()) {
		t.Errorf("created_at %v is not on the fake's clock (start %v, now %v)", first.CreatedAt, start, f.srv.Now())
	}

	again, err := f.client.Users.CreateOrUpdate(ctx, "abc123def", nil)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if again.Created || !again.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("refresh answered Created=%v created_at %v; want false and the original %v", again.Created, again.CreatedAt, first.CreatedAt)
	}
	if again.Token.Token.Reveal() == first.Token.Token.Reveal() {
		t.Error("refresh kept the old token")
	}

	// The statuses themselves, as the journal saw them.
	var statuses []int
	for _, r := range f.srv.Requests() {
		statuses = append(statuses, r.Status)
	}
	if diff := cmp.Diff([]int{http.StatusCreated, http.StatusOK}, statuses); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
}

func TestRefreshIgnoresAttributes(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "u1")
	// Only one attribute: fine for an existing user.
	u, err := f.client.Users.CreateOrUpdate(ctx, "u1", &partnerapi.UserParams{Email: "other@example.com"})
	if err != nil || u.Created {
		t.Fatalf("refresh with partial attributes: %+v, %v; want 200", u, err)
	}
}

func TestCreateNeedsEveryAttribute(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name    string
		params  *partnerapi.UserParams
		missing []string
	}{
		{"nil", nil, []string{"email", "first_name", "last_name"}},
		{"first only", &partnerapi.UserParams{FirstName: "Ada"}, []string{"email", "last_name"}},
		{"no email", &partnerapi.UserParams{FirstName: "Ada", LastName: "L"}, []string{"email"}},
		{"blank last", &partnerapi.UserParams{FirstName: "Ada", LastName: "  ", Email: "a@b.c"}, []string{"last_name"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.client.Users.CreateOrUpdate(ctx, "new-user", c.params)
			e := apiErr(t, err)
			if e.StatusCode != http.StatusUnprocessableEntity || e.Type != "validation_error" || !errors.Is(err, partnerapi.ErrValidation) {
				t.Fatalf("got %v; want 422 validation_error", err)
			}
			var got []string
			for k, v := range e.Fields {
				if v != "is required" {
					t.Errorf("field %s: message %q; want \"is required\"", k, v)
				}
				got = append(got, k)
			}
			if diff := cmp.Diff(c.missing, got, sortStrings); diff != "" {
				t.Errorf("fields named (-want +got):\n%s", diff)
			}
		})
	}
	// Explicit empty strings count as missing too (the SDK omits them, so raw).
	a := raw(t, f.srv, "POST", "/api/users/new-user", `{"first_name":"","last_name":"x","email":"e@x"}`,
		"Authorization", f.p.APIKey, "Content-Type", "application/json")
	if a.status != 422 || decodeAPIError(t, a).fieldMessages(t)["first_name"] != "is required" {
		t.Errorf("empty first_name: %d %s; want 422 naming first_name", a.status, a.body)
	}
}

var sortStrings = cmp.Transformer("sort", func(in []string) []string {
	out := append([]string(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
})

func TestPartnerIDRulesServerSide(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{
		"/api/users/has%20space",
		"/api/users/dot.ted",
		"/api/users/" + strings.Repeat("a", 65),
		"/api/users/%C3%A9",
		"/api/users/a%2Fb",
	} {
		a := raw(t, f.srv, "POST", path, `{"first_name":"A","last_name":"B","email":"c@d"}`,
			"Authorization", f.p.APIKey, "Content-Type", "application/json")
		if a.status != http.StatusUnprocessableEntity {
			t.Errorf("POST %s: %d %s; want 422", path, a.status, a.body)
			continue
		}
		e := decodeAPIError(t, a)
		if e.Error.Type != "validation_error" || e.fieldMessages(t)["partner_id"] == "" {
			t.Errorf("POST %s: %s; want a validation_error naming partner_id", path, a.body)
		}
	}
	a := raw(t, f.srv, "GET", "/api/users/bad.id/tracks", "", "Authorization", f.p.APIKey)
	if a.status != http.StatusUnprocessableEntity {
		t.Errorf("GET tracks of a bad partner_id: %d; want 422", a.status)
	}
	// 64 bytes is the longest allowed.
	long := strings.Repeat("Z", partnerid.MaxLen)
	if _, err := f.client.Users.CreateOrUpdate(ctx, long, params); err != nil {
		t.Errorf("a 64-byte partner_id: %v", err)
	}
}

func TestFormEncodedBody(t *testing.T) {
	f := newFixture(t)
	form := "application/x-www-form-urlencoded"
	a := raw(t, f.srv, "POST", "/api/users/formy", "first_name=Ada&last_name=Love+lace&email=ada%40example.com",
		"Authorization", f.p.APIKey, "Content-Type", form)
	if a.status != http.StatusCreated {
		t.Fatalf("form create: %d %s", a.status, a.body)
	}
	var doc struct {
		User struct {
			PartnerID string `json:"partner_id"`
		} `json:"user"`
	}
	if err := json.Unmarshal(a.body, &doc); err != nil || doc.User.PartnerID != "formy" {
		t.Errorf("form create answered %s", a.body)
	}
	a = raw(t, f.srv, "POST", "/api/users/formy2", "first_name=Ada", "Authorization", f.p.APIKey, "Content-Type", form)
	if a.status != 422 {
		t.Errorf("form with missing fields: %d; want 422", a.status)
	}
	a = raw(t, f.srv, "POST", "/api/users/formy3", "first_name=%zz", "Authorization", f.p.APIKey, "Content-Type", form)
	if a.status != 400 {
		t.Errorf("form with a bad escape: %d; want 400", a.status)
	}
	decodeAPIError(t, a)
}

func TestMalformedBodies(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name, ctype, body string
		status            int
	}{
		{"not JSON", "application/json", `{"first_name":`, 400},
		{"array", "application/json", `[1,2]`, 400},
		{"string", "application/json", `"x"`, 400},
		{"trailing garbage", "application/json", `{} {}`, 400},
		{"number name", "application/json", `{"first_name":5,"last_name":"x","email":"e"}`, 422},
		{"object email", "application/json", `{"first_name":"a","last_name":"x","email":{}}`, 422},
		{"plain text", "text/plain", `first_name=a`, 415},
		{"bad content type", "a/b; =", `{}`, 415},
	}
	for _, c := range cases {
		a := raw(t, f.srv, "POST", "/api/users/someone", c.body, "Authorization", f.p.APIKey, "Content-Type", c.ctype)
		if a.status != c.status {
			t.Errorf("%s: %d %s; want %d", c.name, a.status, a.body, c.status)
			continue
		}
		e := decodeAPIError(t, a)
		if c.status == 422 && e.Error.Type != "validation_error" {
			t.Errorf("%s: type %q", c.name, e.Error.Type)
		}
	}
	a := raw(t, f.srv, "POST", "/api/users/someone", `{"first_name":5}`, "Authorization", f.p.APIKey)
	if got := decodeAPIError(t, a).fieldMessages(t)["first_name"]; got != "must be a string" {
		t.Errorf("wrong type message %q", got)
	}
	// A body larger than 1 MiB is refused, in the family's shape.
	big := `{"first_name":"` + strings.Repeat("a", 1<<20) + `"}`
	a = raw(t, f.srv, "POST", "/api/users/someone", big, "Authorization", f.p.APIKey, "Content-Type", "application/json")
	if a.status != http.StatusRequestEntityTooLarge || decodeAPIError(t, a).Error.Type != "request_too_large" {
		t.Errorf("huge body: %d %s; want 413", a.status, a.body)
	}
	// A body on a GET is ignored.
	a = raw(t, f.srv, "POST", "/api/users/someone", `{"first_name":"a","last_name":"b","email":"c"}`, "Authorization", f.p.APIKey)
	if a.status != 201 {
		t.Fatalf("create: %d", a.status)
	}
	if a = raw(t, f.srv, "GET", "/api/users/someone/tracks", `{not json`, "Authorization", f.p.APIKey); a.status != 200 {
		t.Errorf("GET with a junk body: %d; want 200", a.status)
	}
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "u1")
	key := f.p.APIKey
	cases := []struct {
		method, path string
		status       int
	}{
		{"GET", "/api/users/u1", 405},
		{"DELETE", "/api/users/u1", 405},
		{"POST", "/api/users/u1/tracks", 405},
		{"GET", "/api/users/u1/unknown", 404},
		{"GET", "/api/users/u1/tracks/extra", 404},
		{"GET", "/api/things", 404},
		{"GET", "/api", 404},
		{"GET", "/api/users/u1//tracks", 404},
		{"POST", "/api/users/", 404}, // no partner_id segment: no route
		{"GET", "/api/users/./u1/tracks", 404},
		{"GET", "/api/users/x/../u1/tracks", 404},
		{"GET", "/nowhere", 404},
		{"GET", "/nowhere/deeper", 404},
	}
	for _, c := range cases {
		a := raw(t, f.srv, c.method, c.path, "", "Authorization", key)
		if a.status != c.status {
			t.Errorf("%s %s: %d; want %d", c.method, c.path, a.status, c.status)
			continue
		}
		decodeAPIError(t, a)
		if c.status == 405 && a.header.Get("Allow") == "" {
			t.Errorf("%s %s: 405 without Allow", c.method, c.path)
		}
	}
	// HEAD answers like GET, without a body.
	if a := raw(t, f.srv, "HEAD", "/api/users/u1/tracks", "", "Authorization", key); a.status != 200 || len(a.body) != 0 {
		t.Errorf("HEAD tracks: %d with %d bytes", a.status, len(a.body))
	}
}

func TestUsersArePerOrganization(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "shared-id")
	other := f.srv.AddPartner("other")
	oc := newClient(t, f.srv, other)
	if _, err := oc.Users.Tracks(ctx, "shared-id"); !errors.Is(err, partnerapi.ErrNotFound) {
		t.Errorf("another org's tracks: %v; want 404", err)
	}
	if _, err := oc.Users.Interviews(ctx, "shared-id"); !errors.Is(err, partnerapi.ErrNotFound) {
		t.Errorf("another org's interviews: %v; want 404", err)
	}
	if _, err := oc.Users.CreateOrUpdate(ctx, "shared-id", nil); apiErr(t, err).StatusCode != 422 {
		t.Errorf("refreshing another org's user: %v; want 422 (no such user here)", err)
	}
	u, err := oc.Users.CreateOrUpdate(ctx, "shared-id", params)
	if err != nil || !u.Created {
		t.Errorf("the same partner_id in another org: %+v, %v; want a new user", u, err)
	}
	// Seeding one org does not touch the other.
	if err := f.srv.SetProgress(f.p, "shared-id", "Fast Track", 1); err != nil {
		t.Fatal(err)
	}
	tr, err := oc.Users.Tracks(ctx, "shared-id")
	if err != nil || tr[0].Progress != 0 {
		t.Errorf("other org's progress: %v, %v; want 0", tr, err)
	}
}

func TestUnknownUser(t *testing.T) {
	f := newFixture(t)
	for name, call := range map[string]func() error{
		"progress":   func() error { _, err := f.client.Users.Progress(ctx, "ghost"); return err },
		"tracks":     func() error { _, err := f.client.Users.Tracks(ctx, "ghost"); return err },
		"interviews": func() error { _, err := f.client.Users.Interviews(ctx, "ghost"); return err },
	} {
		err := call()
		if e := apiErr(t, err); e.StatusCode != 404 || e.Type != "not_found" {
			t.Errorf("%s of an unknown user: %v; want 404 not_found", name, err)
		}
	}
}

func TestAnonymousUsers(t *testing.T) {
	f := newFixture(t, mockserver.AllowAnonymous())
	u, err := f.client.Users.CreateAnonymous(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !u.Created || !u.Anonymous || !strings.HasPrefix(u.PartnerID, "anon_") || partnerid.Validate(u.PartnerID) != nil {
		t.Fatalf("anonymous user %+v; want Created, Anonymous and a valid generated anon_ partner_id", u)
	}
	if u.Token.ExpiresAt.Sub(u.CreatedAt) != 48*time.Hour {
		t.Errorf("anonymous token lifetime %v", u.Token.ExpiresAt.Sub(u.CreatedAt))
	}
	u2, err := f.client.Users.CreateAnonymous(ctx)
	if err != nil || u2.PartnerID == u.PartnerID {
		t.Fatalf("second anonymous user: %+v, %v; want another id", u2, err)
	}
	// Usable anywhere a partner_id is.
	if _, err := f.client.Users.Tracks(ctx, u.PartnerID); err != nil {
		t.Fatalf("tracks of an anonymous user: %v", err)
	}
	if err := f.srv.SetProgress(f.p, u.PartnerID, "Mastery Track", 2); err != nil {
		t.Fatal(err)
	}
	if r, err := f.client.Users.CreateOrUpdate(ctx, u.PartnerID, nil); err != nil || r.Created || !r.Anonymous {
		t.Fatalf("refreshing an anonymous user: %+v, %v", r, err)
	}

	f.srv.Advance(23 * time.Hour)
	if _, err := f.client.Users.Tracks(ctx, u.PartnerID); err != nil {
		t.Fatalf("after 23h: %v; the user lasts 24h", err)
	}
	f.srv.Advance(2 * time.Hour)
	if _, err := f.client.Users.Tracks(ctx, u.PartnerID); !errors.Is(err, partnerapi.ErrNotFound) {
		t.Errorf("after 25h: %v; want 404", err)
	}
	if _, err := f.client.Users.Interviews(ctx, u.PartnerID); !errors.Is(err, partnerapi.ErrNotFound) {
		t.Errorf("interviews after 25h: %v; want 404", err)
	}
	if err := f.srv.SetProgress(f.p, u.PartnerID, "Fast Track", 1); err == nil {
		t.Error("seeding a gone anonymous user succeeded")
	}
}

func TestAnonymousNeedsApproval(t *testing.T) {
	f := newFixture(t) // no AllowAnonymous
	_, err := f.client.Users.CreateAnonymous(ctx)
	e := apiErr(t, err)
	if e.StatusCode != http.StatusForbidden || e.Type != "forbidden" || !errors.Is(err, partnerapi.ErrForbidden) {
		t.Fatalf("anonymous without approval: %v; want 403 in the /api shape", err)
	}
	a := raw(t, f.srv, "POST", "/api/users/anonymous", "{}", "Authorization", f.p.APIKey)
	if decodeAPIError(t, a).Error.Type != "forbidden" {
		t.Errorf("body %s", a.body)
	}
}

func TestTracksAndProgress(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "learner")
	tracks, err := f.client.Users.Tracks(ctx, "learner")
	if err != nil {
		t.Fatal(err)
	}
	if len(tracks) != 2 || tracks[0].Title != "Fast Track" || tracks[1].Title != "Mastery Track" {
		t.Fatalf("tracks %+v; want Fast Track and Mastery Track", tracks)
	}
	for _, tr := range tracks {
		if tr.Progress != 0 || len(tr.Steps) == 0 {
			t.Errorf("new user's %s: progress %v, %d steps", tr.Title, tr.Progress, len(tr.Steps))
		}
		for i, st := range tr.Steps {
			if st.Step != i+1 || st.Title == "" || !strings.HasPrefix(st.Link, "/members/") || st.Completed {
				t.Errorf("%s step %d: %+v", tr.Title, i+1, st)
			}
		}
	}

	n := len(tracks[0].Steps)
	if err := f.srv.SetProgress(f.p, "learner", "Fast Track", 1, 3, 3); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.SetProgress(f.p, "learner", "Mastery Track", 2); err != nil {
		t.Fatal(err)
	}
	tracks, err = f.client.Users.Tracks(ctx, "learner")
	if err != nil {
		t.Fatal(err)
	}
	// Progress is written with two decimals, as the docs write it.
	if want := math.Round(200/float64(n)) / 100; tracks[0].Progress != want {
		t.Errorf("Fast Track progress %v; want %v", tracks[0].Progress, want)
	}
	if want := math.Round(100/float64(len(tracks[1].Steps))) / 100; tracks[1].Progress != want {
		t.Errorf("Mastery Track progress %v; want %v", tracks[1].Progress, want)
	}
	var done []int
	for _, st := range tracks[0].Steps {
		if st.Completed {
			done = append(done, st.Step)
		}
	}
	if diff := cmp.Diff([]int{1, 3}, done); diff != "" {
		t.Errorf("completed Fast Track steps (-want +got):\n%s", diff)
	}
	progress, err := f.client.Users.Progress(ctx, "learner")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tracks, progress); diff != "" {
		t.Errorf("/progress differs from /tracks (-tracks +progress):\n%s", diff)
	}

	// SetProgress replaces the set; none clears it; all completes it.
	all := make([]int, n)
	for i := range all {
		all[i] = i + 1
	}
	if err := f.srv.SetProgress(f.p, "learner", "Fast Track", all...); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.SetProgress(f.p, "learner", "Mastery Track"); err != nil {
		t.Fatal(err)
	}
	tracks, _ = f.client.Users.Tracks(ctx, "learner")
	if tracks[0].Progress != 1 || tracks[1].Progress != 0 {
		t.Errorf("after replacing: progress %v and %v; want 1 and 0", tracks[0].Progress, tracks[1].Progress)
	}

	// Other users share the steps but not the progress.
	f.mustCreate(t, "other")
	other, _ := f.client.Users.Tracks(ctx, "other")
	if other[0].Progress != 0 || other[0].Steps[0].Title != tracks[0].Steps[0].Title {
		t.Errorf("another user: %+v", other[0])
	}
}

func TestInterviews(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "iv-user")
	got, err := f.client.Users.Interviews(ctx, "iv-user")
	if err != nil || got == nil || len(got) != 0 {
		t.Fatalf("a new user's interviews: %#v, %v; want an empty list", got, err)
	}

	day := func(d int) time.Time { return time.Date(2015, 5, d, 16, 37, 13, 0, time.UTC) }
	a, err := f.srv.AddInterview(f.p, "iv-user", partnerapi.Interview{
		ID: 95607, Title: "Top 10 Questions", InterviewerName: "Jordan", Category: "Top 10 Questions: 1",
		Completed: true, CreatedAt: day(18), UpdatedAt: day(25),
		Links: partnerapi.InterviewLinks{Review: "/example/review/url", Retake: "/example/retake/url"},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.srv.AddInterview(f.p, "iv-user", partnerapi.Interview{Title: "Behavioral <\"quoted\"> & more", CreatedAt: day(1), UpdatedAt: day(27)})
	if err != nil {
		t.Fatal(err)
	}
	if b.ID != a.ID+1 {
		t.Errorf("assigned id %d; want the next after %d", b.ID, a.ID)
	}
	c, err := f.srv.AddInterview(f.p, "iv-user", partnerapi.Interview{Title: "Fresh"}) // times: the fake's now (2015-01-01…)
	if err != nil {
		t.Fatal(err)
	}
	if c.CreatedAt.IsZero() || !c.CreatedAt.Equal(c.UpdatedAt) || c.CreatedAt.Before(start) {
		t.Errorf("assigned times %v / %v; want the fake's now", c.CreatedAt, c.UpdatedAt)
	}

	got, err = f.client.Users.Interviews(ctx, "iv-user")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]partnerapi.Interview{b, a, c}, got); diff != "" {
		t.Errorf("interviews, most recently updated first (-want +got):\n%s", diff)
	}

	// Updating moves it first, keeps CreatedAt.
	f.srv.Advance(365 * 24 * time.Hour)
	c.Title, c.Completed = "Fresh, finished", true
	if err := f.srv.UpdateInterview(f.p, "iv-user", c); err != nil {
		t.Fatal(err)
	}
	got, _ = f.client.Users.Interviews(ctx, "iv-user")
	if got[0].ID != c.ID || got[0].Title != "Fresh, finished" || !got[0].CreatedAt.Equal(c.CreatedAt) || !got[0].UpdatedAt.After(c.UpdatedAt) {
		t.Errorf("after update, first is %+v", got[0])
	}

	if err := f.srv.DeleteInterview(f.p, "iv-user", a.ID); err != nil {
		t.Fatal(err)
	}
	got, _ = f.client.Users.Interviews(ctx, "iv-user")
	if len(got) != 2 || got[0].ID != c.ID || got[1].ID != b.ID {
		t.Errorf("after delete: %+v", got)
	}

	// The wire format: Big Interview's milliseconds and Z.
	ans := raw(t, f.srv, "GET", "/api/users/iv-user/interviews", "", "Authorization", f.p.APIKey)
	if !strings.Contains(string(ans.body), `"created_at":"2015-05-01T16:37:13.000Z"`) {
		t.Errorf("interview times not in the documented format: %s", ans.body)
	}
}

func TestUserTimeFormat(t *testing.T) {
	f := newFixture(t)
	a := raw(t, f.srv, "POST", "/api/users/fmt", `{"first_name":"a","last_name":"b","email":"c"}`, "Authorization", f.p.APIKey)
	re := regexp.MustCompile(`^\{"user":\{"partner_id":"fmt","anonymous":false,"created_at":"2015-01-01T00:\d\d:\d\d\.\d{3}Z","token":\{"token":"[0-9a-f]{64}","expires_at":"2015-01-03T00:\d\d:\d\d\.\d{3}Z"\}\}\}$`)
	if !re.Match(a.body) {
		t.Errorf("user body %s does not match the documented shape", a.body)
	}
}

// Users created with form bodies carrying a large field the fake ignores
// keep only their attributes: at most 1 KiB of memory a stored user, not
// the body that created it.
func TestFormCreatedUsersDoNotKeepTheirBodies(t *testing.T) {
	srv := mockserver.New(mockserver.WithoutListener(), mockserver.WithJournalBytes(0))
	p := srv.AddPartner("forms")
	h := srv.Handler()
	pad := strings.Repeat("p", 512<<10)
	create := func(i int) {
		body := "first_name=Ada&last_name=Lovelace&email=ada%40example.com&pad=" + pad
		req := httptest.NewRequest("POST", "/api/users/user"+strconv.Itoa(i), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", p.APIKey)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			t.Fatalf("a form create with a 512 KiB field: %d %s", rec.Code, rec.Body)
		}
	}
	create(0)
	before := heapAlloc()
	const users = 50
	for i := 1; i <= users; i++ {
		create(i)
	}
	grown := int64(heapAlloc()) - int64(before)
	t.Logf("%d users created with 512 KiB form bodies: the heap grew %.1f KiB", users, float64(grown)/(1<<10))
	if grown > users<<10+1<<20 { // 1 MiB for the heap's own noise; a body kept would be 25 MiB
		t.Errorf("the heap grew %d KiB for %d stored users; want at most 1 KiB a user", grown>>10, users)
	}
	if u, err := srv.User(p, "user7"); err != nil || u.FirstName != "Ada" || u.Email != "ada@example.com" {
		t.Errorf("User(user7) = %+v, %v; want Ada, ada@example.com", u, err)
	}
	runtime.KeepAlive(srv)
}
