package mockserver_test

// Golden tests: the examples of Big Interview's partner docs and of
// TicketsCloud's v1 docs, reproduced by the fake. Each example is copied
// here as the docs print it; the fake's answer must equal it byte for byte
// once both are written the same way (the docs pretty-print, the services
// answer on one line), except where a value is the call's own (an id, a
// key, a token, a time): there the fake's value must have the documented
// form and takes the example's place. Where the docs contradict themselves,
// the test says which reading the fake takes, and why.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// compact is a docs example on one line, as a service answers it.
func compact(t *testing.T, pretty string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(pretty)); err != nil {
		t.Fatalf("the example does not parse: %v\n%s", err, pretty)
	}
	return b.String()
}

// spaced is a docs example on one line as TicketsCloud writes it (Python's
// json.dumps): ", " and ": " between items, no other white space.
func spaced(t *testing.T, pretty string) string {
	t.Helper()
	c := compact(t, pretty)
	var b strings.Builder
	inString, escaped := false, false
	for i := 0; i < len(c); i++ {
		ch := c[i]
		b.WriteByte(ch)
		switch {
		case inString && escaped:
			escaped = false
		case inString && ch == '\\':
			escaped = true
		case ch == '"':
			inString = !inString
		case !inString && (ch == ',' || ch == ':'):
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// substitute replaces the call's own values in got with the example's, in
// order, after checking each has the documented form.
func substitute(t *testing.T, got string, subs ...[3]string) string {
	t.Helper()
	for _, s := range subs {
		re := regexp.MustCompile(s[0])
		m := re.FindStringSubmatchIndex(got)
		if len(m) < 4 {
			t.Fatalf("%s: no match of %s in\n%s", s[2], s[0], got)
		}
		got = got[:m[2]] + s[1] + got[m[3]:]
	}
	return got
}

// Forms of the call's own values.
const (
	biTimeForm = `(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)`
	tcTimeForm = `(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00)`
	tokenForm  = `([0-9a-f]{64})`
	idForm     = `([0-9a-f]{24})`
	keyForm    = `([0-9a-f]{32})`
)

// Big Interview, "Track Progress": the track object, and the answer of
// GET /api/users/{partner_id}/tracks.
const (
	docTrackObject = `{
  "title": "Fast Track",
  "progress": 1.00,
  "tracks": [
    {
      "step": 1,
      "title": "Tell me about yourself",
      "link": "/members/curriculum?chapter=5",
      "completed": true
    }
  ]
}`
	docMasteryTrack = `{
      "title": "Mastery Track",
      "progress": 0.50,
      "tracks": [
        {
          "step": 1,
          "title": "Job Interview Fundamentals",
          "link": "/members/curriculum?chapter=1",
          "completed": true
        },
        {
          "step": 2,
          "title": "Why do you want to work here?",
          "link": "/members/curriculum?chapter=6",
          "completed": false
        }
      ]
    }`
)

// The docs show the Fast Track with its first step and the Mastery Track
// with its first two; the fake's tracks have more steps (5 and 8), so each
// example is the start of the fake's track, byte for byte, up to where its
// list of steps is cut: the title, the progress written as the docs write
// it (1.00, 0.50), and the steps shown.
func TestDocsTrackExamples(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "abc123def")
	if err := f.srv.SetProgress(f.p, "abc123def", "Fast Track", 1, 2, 3, 4, 5); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.SetProgress(f.p, "abc123def", "Mastery Track", 1, 3, 4, 5); err != nil { // 4 of 8, step 2 not done
		t.Fatal(err)
	}
	var answers []string
	for _, path := range []string{"tracks", "track", "progress"} {
		a := raw(t, f.srv, "GET", "/api/users/abc123def/"+path, "", "Accept", "application/json", "Authorization", f.p.APIKey)
		if a.status != 200 {
			t.Fatalf("GET …/%s: %d %s", path, a.status, a.body)
		}
		answers = append(answers, string(a.body))
	}
	// /track (the Getting Started example today), /tracks (the reference)
	// and /progress (the Getting Started example before June 2015): one answer.
	if answers[1] != answers[0] || answers[2] != answers[0] {
		t.Errorf("/tracks, /track and /progress answer differently:\n%s\n%s\n%s", answers[0], answers[1], answers[2])
	}
	var doc struct{ Tracks []json.RawMessage }
	if err := json.Unmarshal([]byte(answers[0]), &doc); err != nil || len(doc.Tracks) != 2 || !strings.HasPrefix(answers[0], `{"tracks":[`) {
		t.Fatalf("tracks answer %s: %v", answers[0], err)
	}
	for i, example := range []string{docTrackObject, docMasteryTrack} {
		shown := strings.TrimSuffix(compact(t, example), "]}") // the steps the docs show, then the fake's others
		if got := string(doc.Tracks[i]); !strings.HasPrefix(got, shown) {
			t.Errorf("track %d\n got %s\nwant it to start with the docs' %s", i, got, shown)
		}
	}
}

// Big Interview, "Interviews": the list example, with interviews 95607 and
// 91412, most recently updated first — byte for byte.
func TestDocsInterviewsExample(t *testing.T) {
	const example = `{
   "interviews": [
      {
         "id": 95607,
         "title": "Top 10 Questions",
         "interviewer_name": "Jordan",
         "category": "Top 10 Questions: 1",
         "completed": true,
         "created_at": "2015-05-18T16:37:13.000Z",
         "updated_at": "2015-05-25T05:00:00.000Z",
         "links": {
           "review": "/example/review/url",
           "retake": "/example/retake/url"
         }
      },
      {
         "id": 91412,
         "title": "My Best Analytical Interview",
         "interviewer_name": "Mark",
         "category": "Competency/Skillset: Analytical Skills",
         "completed": false,
         "created_at": "2015-04-30T20:44:21.000Z",
         "updated_at": "2015-05-01T21:00:10.000Z",
         "links": {
            "review": "/example/review/url",
            "retake": "/example/retake/url"
         }
      }
   ]
}`
	f := newFixture(t)
	f.mustCreate(t, "abc123def")
	links := partnerapi.InterviewLinks{Review: "/example/review/url", Retake: "/example/retake/url"}
	for _, iv := range []partnerapi.Interview{
		{ID: 91412, Title: "My Best Analytical Interview", InterviewerName: "Mark", Category: "Competency/Skillset: Analytical Skills",
			CreatedAt: time.Date(2015, 4, 30, 20, 44, 21, 0, time.UTC), UpdatedAt: time.Date(2015, 5, 1, 21, 0, 10, 0, time.UTC), Links: links},
		{ID: 95607, Title: "Top 10 Questions", InterviewerName: "Jordan", Category: "Top 10 Questions: 1", Completed: true,
			CreatedAt: time.Date(2015, 5, 18, 16, 37, 13, 0, time.UTC), UpdatedAt: time.Date(2015, 5, 25, 5, 0, 0, 0, time.UTC), Links: links},
	} {
		if _, err := f.srv.AddInterview(f.p, "abc123def", iv); err != nil {
			t.Fatal(err)
		}
	}
	a := raw(t, f.srv, "GET", "/api/users/abc123def/interviews", "", "Accept", "application/json", "Authorization", f.p.APIKey)
	if want := compact(t, example); a.status != 200 || string(a.body) != want {
		t.Errorf("interviews: %d\n got %s\nwant %s", a.status, a.body, want)
	}
}

// Big Interview, "Create an Anonymous User": the request has no body; the
// answer's example shows "anonymous": false. The reading taken: true — the
// user object's own example shows an anonymous user as true, the section
// says these users are anonymous, and a false here would make a client
// that checks the flag wrong; the example's false is a slip.
func TestDocsAnonymousCreateExample(t *testing.T) {
	const example = `{
  "user": {
    "partner_id": "{partner_id}",
    "anonymous": false,
    "created_at": "2015-01-01T00:00:00.000Z",
    "token": {
      "token": "19633c68a809dda515d78bbee308012634b73f4142b4ae58d8790c7094c66417",
      "expires_at": "2016-05-28T17:16:18.817Z"
    }
  }
}`
	f := newFixture(t, mockserver.AllowAnonymous())
	a := raw(t, f.srv, "POST", "/api/users/anonymous", "", "Accept", "application/json", "Authorization", f.p.APIKey)
	if a.status != http.StatusCreated {
		t.Fatalf("anonymous create: %d %s", a.status, a.body)
	}
	got := substitute(t, string(a.body),
		[3]string{`"partner_id":"(anon_[0-9a-f]{32})"`, "{partner_id}", "partner_id"},
		[3]string{`"created_at":"` + biTimeForm + `"`, "2015-01-01T00:00:00.000Z", "created_at"},
		[3]string{`"token":"` + tokenForm + `"`, "19633c68a809dda515d78bbee308012634b73f4142b4ae58d8790c7094c66417", "token"},
		[3]string{`"expires_at":"` + biTimeForm + `"`, "2016-05-28T17:16:18.817Z", "expires_at"},
	)
	want := strings.Replace(compact(t, example), `"anonymous":false`, `"anonymous":true`, 1) // the slip, read as true
	if got != want {
		t.Errorf("anonymous create\n got %s\nwant %s", got, want)
	}
}

// Big Interview, "Single Sign On", step 1: POST /api/users/abc123 (no body:
// the user exists, so this refreshes it) and the user it answers. Two
// contradictions: the example's token is "19633c68", 8 characters, where
// every other example's is 64 hex digits — the fake issues 64, and its
// token takes the example's place; and the example lists created_at before
// anonymous, where the user object's example and the anonymous-create
// example list anonymous first — the fake writes the order of those two,
// so this example is compared as a JSON value, and the order is checked
// against the user object's.
func TestDocsSSOStep1User(t *testing.T) {
	const example = `{
  "user": {
    "partner_id": "abc123",
    "created_at": "2015-01-01T00:00:00.000Z",
    "anonymous": false,
    "token": {
      "token": "19633c68",
      "expires_at": "2016-05-28T17:16:18.817Z"
    }
  }
}`
	f := newFixture(t)
	f.mustCreate(t, "abc123")
	a := raw(t, f.srv, "POST", "/api/users/abc123", "", "Accept", "application/json", "Authorization", f.p.APIKey)
	if a.status != http.StatusOK {
		t.Fatalf("refresh: %d %s", a.status, a.body)
	}
	got := substitute(t, string(a.body),
		[3]string{`"created_at":"` + biTimeForm + `"`, "2015-01-01T00:00:00.000Z", "created_at"},
		[3]string{`"token":"` + tokenForm + `"`, "19633c68", "token"},
		[3]string{`"expires_at":"` + biTimeForm + `"`, "2016-05-28T17:16:18.817Z", "expires_at"},
	)
	var gotV, wantV any
	if err := json.Unmarshal([]byte(got), &gotV); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal([]byte(example), &wantV)
	if !jsonEqual(gotV, wantV) {
		t.Errorf("refresh answer\n got %s\nwant %s", got, compact(t, example))
	}
	if !strings.HasPrefix(got, `{"user":{"partner_id":"abc123","anonymous":false,"created_at":`) {
		t.Errorf("key order %s; want the user object's: partner_id, anonymous, created_at, token", got)
	}
}

// Big Interview, "Single Sign On": the URLs the guide builds from token
// 935d85189822bf9c, and what the member app does with their parameters:
// redirect_to after login, return_url after logout, and by default the
// organization's landing page after logout.
func TestDocsSSOURLs(t *testing.T) {
	sdk, err := partnerapi.NewClient("935d85189822bf96c28c4fa79d3d8f31", partnerapi.WithOrganization("xyz"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		o    *partnerapi.LoginOptions
		want string
	}{
		{nil, "https://xyz.biginterview.com/sso/login?token=935d85189822bf9c"},
		{&partnerapi.LoginOptions{RedirectTo: "/members/curriculum?chapter=6"}, "https://xyz.biginterview.com/sso/login?token=935d85189822bf9c&redirect_to=%2Fmembers%2Fcurriculum%3Fchapter%3D6"},
		{&partnerapi.LoginOptions{ReturnURL: "https://google.com/"}, "https://xyz.biginterview.com/sso/login?token=935d85189822bf9c&return_url=https%3A%2F%2Fgoogle.com%2F"},
	} {
		if got, err := sdk.SSO.URL(partnerapi.NewSecret("935d85189822bf9c"), c.o); err != nil || got != c.want {
			t.Errorf("SSO.URL(%+v) = %s, %v; want the guide's %s", c.o, got, err, c.want)
		}
	}

	// The fake's member app, with a live token in the guide's queries.
	f := newFixture(t)
	u := f.mustCreate(t, "abc123")
	tok := u.Token.Token.Reveal()
	a := raw(t, f.srv, "GET", "/sso/login?token="+tok+"&redirect_to=%2Fmembers%2Fcurriculum%3Fchapter%3D6", "")
	if a.status != http.StatusFound || a.header.Get("Location") != "/members/curriculum?chapter=6" {
		t.Errorf("login with redirect_to: %d to %q", a.status, a.header.Get("Location"))
	}
	for _, c := range []struct {
		query, wantLocation string
	}{
		{"&return_url=https%3A%2F%2Fgoogle.com%2F", "https://google.com/"},
		{"", "/"}, // "By default, your users will be redirected to the Big Interview landing page for your organization after they logout"
	} {
		u = f.mustCreate(t, "abc123") // a fresh token for each login
		a := raw(t, f.srv, "GET", "/sso/login?token="+u.Token.Token.Reveal()+c.query, "")
		cookie := sessionCookie(t, a)
		out := raw(t, f.srv, "GET", "/sso/logout", "", "Cookie", cookie.Name+"="+cookie.Value)
		if out.status != http.StatusFound || out.header.Get("Location") != c.wantLocation {
			t.Errorf("logout after a login with %q: %d to %q; want 302 to %q", c.query, out.status, out.header.Get("Location"), c.wantLocation)
		}
	}
	if landing := raw(t, f.srv, "GET", "/", ""); landing.status != 200 || !strings.HasPrefix(landing.header.Get("Content-Type"), "text/html") {
		t.Errorf("the landing page: %d %q", landing.status, landing.header.Get("Content-Type"))
	}
	// Signing out without a session lands there too.
	if out := raw(t, f.srv, "GET", "/sso/logout", ""); out.status != http.StatusFound || out.header.Get("Location") != "/" {
		t.Errorf("logout without a session: %d to %q", out.status, out.header.Get("Location"))
	}
}

// Big Interview, "Webhooks": the delivery request, headers and body. One
// contradiction: the example's Content-Length is 158, but its body is 565
// bytes as printed and 414 on one line; a Content-Length must be the
// body's own, so the fake's is (and the body is the example's, on one
// line). The example's "Host: https://app.mywebsite.com" is the URL's host
// as HTTP sends it.
func TestDocsWebhookDeliveryExample(t *testing.T) {
	const example = `{
  "webhook": {
    "id": "123456789",
    "event_name": "interview.created",
    "partner_id": "{partner_id}",
    "api_id": "95607",
    "api_type": "Interview",
    "api_object": {
       "id": 95607,
       "title": "Top 10 Questions",
       "interviewer_name": "Jordan",
       "category": "Top 10 Questions: 1",
       "completed": true,
       "created_at": "2015-05-18T16:37:13.000Z",
       "updated_at": "2015-05-18T16:37:13.000Z",
       "links": {
         "review": "/example/review/url",
         "retake": "/example/retake/url"
       }
    }
  }
}`
	var mu sync.Mutex
	var got *http.Request
	var body []byte
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got, body = r, b
		mu.Unlock()
	}))
	t.Cleanup(receiver.Close)

	f := newFixture(t)
	f.mustCreate(t, "abc123def")
	key := f.srv.AddWebhook(f.p, receiver.URL+"/webhooks/biginterview")
	_, err := f.srv.AddInterview(f.p, "abc123def", partnerapi.Interview{
		ID: 95607, Title: "Top 10 Questions", InterviewerName: "Jordan", Category: "Top 10 Questions: 1", Completed: true,
		CreatedAt: time.Date(2015, 5, 18, 16, 37, 13, 0, time.UTC), UpdatedAt: time.Date(2015, 5, 18, 16, 37, 13, 0, time.UTC),
		Links: partnerapi.InterviewLinks{Review: "/example/review/url", Retake: "/example/retake/url"},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Advance(0)
	mu.Lock()
	defer mu.Unlock()
	if got == nil {
		t.Fatal("no delivery")
	}
	if got.Method != "POST" || got.URL.Path != "/webhooks/biginterview" || got.Host != strings.TrimPrefix(receiver.URL, "http://") {
		t.Errorf("request %s %s (Host %s)", got.Method, got.URL.Path, got.Host)
	}
	want := http.Header{
		"Authorization":   {key},
		"Accept":          {"*/*; q=0.5, application/xml"},
		"Accept-Encoding": {"gzip, deflate"},
		"Cache-Control":   {"no-cache"},
		"Connection":      {"close"},
		"Content-Length":  {strconv.Itoa(len(body))},
		"Content-Type":    {"application/json; charset=utf-8"},
		"User-Agent":      {"BigInterview/1.0"},
	}
	if !jsonEqual(got.Header, want) {
		t.Errorf("headers\n got %v\nwant %v", got.Header, want)
	}
	gotBody := substitute(t, string(body),
		[3]string{`"id":"([1-9][0-9]{8})"`, "123456789", "event id"},
		[3]string{`"partner_id":"(abc123def)"`, "{partner_id}", "partner_id"},
	)
	if w := compact(t, example); gotBody != w {
		t.Errorf("body\n got %s\nwant %s", gotBody, w)
	}
}

// TicketsCloud v1, "API Keys": the create answer — 201, Content-Length:
// 203, Content-Type: application/json; charset=UTF-8 — exactly its 203
// bytes once the key's own values take the example's place; the other
// answers chunked, with their examples' bodies.
func TestDocsTicketsCloudKeyExamples(t *testing.T) {
	const (
		createExample = `{"created_at": "2014-08-18T10:42:28.288420+00:00", "id": "53f1d89437abbd0a9ca87882", "key": "48de25a3c7f84996bc3c183c640f9948", "name": "new-key", "partner": "535fb19bdca6a9d1638f2007", "removed": false}`
		getExample    = `{
            "created_at": "2014-08-18T10:42:28.288000+00:00",
            "id": "53f1d89437abbd0a9ca87882",
            "key": "48de25a3c7f84996bc3c183c640f9948",
            "name": "new-key",
            "partner": "535fb19bdca6a9d1638f2007",
            "removed": false
        }`
	)
	if len(createExample) != 203 {
		t.Fatalf("the example is %d bytes; the docs' Content-Length is 203", len(createExample))
	}
	f := newFixture(t)
	auth := []string{"Accept", "application/json", "Authorization", "key " + f.p.KeysAPIKey, "Content-Type", "application/json; charset=utf-8"}
	ownValues := func(body string) string {
		return substitute(t, body,
			[3]string{`"created_at": "` + tcTimeForm + `"`, "CREATED", "created_at"},
			[3]string{`"id": "` + idForm + `"`, "53f1d89437abbd0a9ca87882", "id"},
			[3]string{`"key": "` + keyForm + `"`, "48de25a3c7f84996bc3c183c640f9948", "key"},
			[3]string{`"partner": "` + idForm + `"`, "535fb19bdca6a9d1638f2007", "partner"},
		)
	}

	a := raw(t, f.srv, "POST", keysPath(f.p.ID), "{\n    \"name\": \"new-key\"\n}", auth...)
	if a.status != http.StatusCreated || a.header.Get("Content-Length") != "203" || len(a.body) != 203 ||
		a.header.Get("Content-Type") != "application/json; charset=UTF-8" || a.header.Get("Transfer-Encoding") != "" {
		t.Fatalf("create: %d, headers %v, %d bytes", a.status, a.header, len(a.body))
	}
	if got, want := ownValues(string(a.body)), strings.Replace(createExample, "2014-08-18T10:42:28.288420+00:00", "CREATED", 1); got != want {
		t.Errorf("create\n got %s\nwant %s", got, want)
	}
	var created struct{ ID string }
	_ = json.Unmarshal(a.body, &created)

	// GET one, PATCH, DELETE and the list: chunked, the bodies spaced alike.
	wantGet := strings.Replace(spaced(t, getExample), "2014-08-18T10:42:28.288000+00:00", "CREATED", 1)
	for _, c := range []struct {
		method, path, body, want string
	}{
		{"GET", keysPath(f.p.ID, created.ID), "", wantGet},
		{"PATCH", keysPath(f.p.ID, created.ID), "{\n    \"name\": \"new-name\"\n}", strings.Replace(wantGet, `"new-key"`, `"new-name"`, 1)},
		{"GET", keysPath(f.p.ID) + "?ids=" + created.ID, "", "[" + strings.Replace(wantGet, `"new-key"`, `"new-name"`, 1) + "]"},
		{"DELETE", keysPath(f.p.ID, created.ID), "", "{}"},
	} {
		res := chunkedRequest(t, f.srv, c.method, c.path, c.body, auth...)
		if res.status != 200 || res.contentLength != -1 || !slices.Equal(res.transferEncoding, []string{"chunked"}) ||
			res.header.Get("Content-Type") != "application/json; charset=UTF-8" {
			t.Errorf("%s %s: %d, length %d, transfer encoding %v, %v", c.method, c.path, res.status, res.contentLength, res.transferEncoding, res.header)
		}
		got := res.body
		if c.method != "DELETE" {
			got = ownValues(got)
		}
		if got != c.want {
			t.Errorf("%s %s\n got %s\nwant %s", c.method, c.path, got, c.want)
		}
	}
}

type framedAnswer struct {
	status           int
	header           http.Header
	contentLength    int64
	transferEncoding []string
	body             string
}

// chunkedRequest sends one request over the socket and through Transport,
// checks both frame the answer alike, and returns the socket's.
func chunkedRequest(t *testing.T, srv *mockserver.Server, method, path, body string, headers ...string) framedAnswer {
	t.Helper()
	var out []framedAnswer
	for _, hc := range []*http.Client{rawClient(), {Transport: srv.Transport()}} {
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Add(headers[i], headers[i+1])
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		out = append(out, framedAnswer{resp.StatusCode, resp.Header, resp.ContentLength, resp.TransferEncoding, string(b)})
	}
	if s, m := out[0], out[1]; s.contentLength != m.contentLength || !slices.Equal(s.transferEncoding, m.transferEncoding) || s.status != m.status {
		t.Errorf("%s %s: over the socket %d/%d/%v, in memory %d/%d/%v", method, path,
			s.status, s.contentLength, s.transferEncoding, m.status, m.contentLength, m.transferEncoding)
	}
	return out[0]
}

// TicketsCloud v1 basics: "If resource is unable to return the response in
// the accepted MIME type, the 406 response will be returned instead."
func TestDocsTicketsCloudNotAcceptable(t *testing.T) {
	f := newFixture(t)
	for accept, want := range map[string]int{
		"":                                  200, // no Accept: anything goes
		"application/json":                  200,
		"application/*":                     200,
		"*/*":                               200,
		"text/html, application/json;q=0.1": 200,
		"Application/JSON":                  200,
		"text/html":                         406,
		"application/xml":                   406,
		"application/json;q=0":              406,
		"application/json; q=0.0, text/*":   406,
	} {
		h := []string{"Authorization", "key " + f.p.KeysAPIKey}
		if accept != "" {
			h = append(h, "Accept", accept)
		}
		a := raw(t, f.srv, "GET", keysPath(f.p.ID), "", h...)
		if a.status != want {
			t.Errorf("Accept %q: %d %s; want %d", accept, a.status, a.body, want)
		}
		if want == 406 && decodeV1Error(t, a).Error != "HTTPNotAcceptable" {
			t.Errorf("Accept %q: %s", accept, a.body)
		}
	}
	// Without a valid key it is 401 first; Big Interview documents no 406.
	if a := raw(t, f.srv, "GET", keysPath(f.p.ID), "", "Accept", "text/html"); a.status != 401 {
		t.Errorf("no key, Accept text/html: %d; want 401", a.status)
	}
	f.mustCreate(t, "u1")
	if a := raw(t, f.srv, "GET", "/api/users/u1/tracks", "", "Accept", "text/html", "Authorization", f.p.APIKey); a.status != 200 {
		t.Errorf("/api with Accept text/html: %d; want 200", a.status)
	}
}
