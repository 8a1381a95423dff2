package partnerapi

// Golden tests: the exact requests of the examples in the two services'
// public documentation (Big Interview's partner API pages, TicketsCloud's
// v1 API-key pages), and their documented responses decoded to the
// documented values. Each case runs twice: on the wire against an httptest
// server (so Content-Length, chunking and the raw query are real), and in
// memory through httpmock at the documented hosts (so the default base URLs,
// scheme and host are the documented ones).

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"
)

const (
	gettingStartedKey = "935d85189822bf96c28c4fa79d3d8f31" // the Getting Started page's example key
	ticketsCloudKey   = "my-very-secret-key"               // the TicketsCloud page's example key
)

// The documented values of the testdata files.
var (
	docTrack = Track{
		Title: "Mastery Track", Progress: 0.50,
		Steps: []Step{
			{Step: 1, Title: "Job Interview Fundamentals", Link: "/members/curriculum?chapter=1", Completed: true},
			{Step: 2, Title: "Why do you want to work here?", Link: "/members/curriculum?chapter=6", Completed: false},
		},
	}
	docInterview = Interview{
		ID: 95607, Title: "Top 10 Questions", InterviewerName: "Jordan",
		Category: "Top 10 Questions: 1", Completed: true,
		CreatedAt: time.Date(2015, 5, 18, 16, 37, 13, 0, time.UTC),
		UpdatedAt: time.Date(2015, 5, 25, 5, 0, 0, 0, time.UTC),
		Links:     InterviewLinks{Review: "/example/review/url", Retake: "/example/retake/url"},
	}
	docUser = User{
		PartnerID: "anon_abc123", Anonymous: true,
		CreatedAt: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC),
		Token: Token{
			Token:     NewSecret("19633c68a809dda515d78bbee308012634b73f4142b4ae58d8790c7094c66417"),
			ExpiresAt: time.Date(2016, 5, 28, 17, 16, 18, 817_000_000, time.UTC),
		},
	}
	docCreatedKey = APIKey{
		ID: seedKeyID, Key: NewSecret("48de25a3c7f84996bc3c183c640f9948"), Name: "new-key", Partner: seedPartner,
		CreatedAt: time.Date(2014, 8, 18, 10, 42, 28, 288_420_000, time.UTC), // microseconds kept
	}
	docReadKey = APIKey{
		ID: seedKeyID, Key: NewSecret("48de25a3c7f84996bc3c183c640f9948"), Name: "new-key", Partner: seedPartner,
		CreatedAt: time.Date(2014, 8, 18, 10, 42, 28, 288_000_000, time.UTC), // truncated to ms by the server
	}
	docListedKeys = []APIKey{
		{ID: "53f1d5aa37abbd0a9da87882", Key: NewSecret("my-very-secret-key"), Name: "test", Partner: seedPartner,
			CreatedAt: time.Date(2014, 8, 18, 10, 30, 2, 516_000_000, time.UTC)},
		{ID: "53f1d5bf37abbd0a9ea87882", Key: NewSecret("5a1428de2cd84b5189453470dffa3b5d"), Name: "default", Partner: seedPartner,
			CreatedAt: time.Date(2014, 8, 18, 10, 30, 23, 487_000_000, time.UTC)},
		{ID: "53f1d5e537abbd0a9da87883", Key: NewSecret("aaef4478264a4be2b2c9838efa8df7c6"), Name: "crm", Partner: seedPartner,
			CreatedAt: time.Date(2014, 8, 18, 10, 31, 1, 930_000_000, time.UTC)},
	}
)

type goldenCase struct {
	name       string
	users      bool   // a Big Interview call (else TicketsCloud)
	method     string // the request the call must send
	path       string
	query      string // raw, exactly
	body       string // JSON the request body must decode to; "" for no body
	status     int    // the documented answer
	respBody   string
	call       func(ctx context.Context, c *Client) (any, error)
	want       any
	wantDecode bool // compare the call's result with want
}

func goldenCases(t *testing.T) []goldenCase {
	track := testdata(t, "bi_track.json")
	user := `{"user": ` + testdata(t, "bi_user.json") + `}`
	ctxUser := func(p *UserParams) func(context.Context, *Client) (any, error) {
		return func(ctx context.Context, c *Client) (any, error) { return c.Users.CreateOrUpdate(ctx, "abc123def", p) }
	}
	created, refreshed := docUser, docUser
	created.Created = true
	return []goldenCase{
		{
			name: "Getting Started: GET progress", users: true,
			method: "GET", path: "/api/users/abc123def/progress",
			status: 200, respBody: `{"tracks": [` + track + `]}`,
			call: func(ctx context.Context, c *Client) (any, error) { return c.Users.Progress(ctx, "abc123def") },
			want: []Track{docTrack}, wantDecode: true,
		},
		{
			name: "tracks", users: true,
			method: "GET", path: "/api/users/abc123def/tracks",
			status: 200, respBody: `{"tracks": [` + track + `, ` + track + `]}`,
			call: func(ctx context.Context, c *Client) (any, error) { return c.Users.Tracks(ctx, "abc123def") },
			want: []Track{docTrack, docTrack}, wantDecode: true,
		},
		{
			name: "interviews", users: true,
			method: "GET", path: "/api/users/abc123def/interviews",
			status: 200, respBody: `{"interviews": [` + testdata(t, "bi_interview.json") + `]}`,
			call: func(ctx context.Context, c *Client) (any, error) { return c.Users.Interviews(ctx, "abc123def") },
			want: []Interview{docInterview}, wantDecode: true,
		},
		{
			name: "create user: 201 is Created", users: true,
			method: "POST", path: "/api/users/abc123def",
			body:   `{"first_name": "Jane", "last_name": "Doe", "email": "jane@example.com"}`,
			status: 201, respBody: user,
			call: ctxUser(&UserParams{FirstName: "Jane", LastName: "Doe", Email: "jane@example.com"}),
			want: &created, wantDecode: true,
		},
		{
			name: "refresh user: 200 is not Created", users: true,
			method: "POST", path: "/api/users/abc123def",
			body:   `{"first_name": "Jane", "last_name": "Doe", "email": "jane@example.com"}`,
			status: 200, respBody: user,
			call: ctxUser(&UserParams{FirstName: "Jane", LastName: "Doe", Email: "jane@example.com"}),
			want: &refreshed, wantDecode: true,
		},
		{
			name: "refresh with nil params sends {}", users: true,
			method: "POST", path: "/api/users/abc123def", body: `{}`,
			status: 200, respBody: user, call: ctxUser(nil),
			want: &refreshed, wantDecode: true,
		},
		{
			name: "empty params fields are omitted", users: true,
			method: "POST", path: "/api/users/abc123def", body: `{"email": "jane@example.com"}`,
			status: 200, respBody: user, call: ctxUser(&UserParams{Email: "jane@example.com"}),
			want: &refreshed, wantDecode: true,
		},
		{
			name: "all-empty params send {}", users: true,
			method: "POST", path: "/api/users/abc123def", body: `{}`,
			status: 200, respBody: user, call: ctxUser(&UserParams{}),
			want: &refreshed, wantDecode: true,
		},
		{
			name: "create anonymous", users: true,
			method: "POST", path: "/api/users/anonymous", body: `{}`,
			status: 201, respBody: user,
			call: func(ctx context.Context, c *Client) (any, error) { return c.Users.CreateAnonymous(ctx) },
			want: &created, wantDecode: true,
		},
		{
			name:   "TicketsCloud: list",
			method: "GET", path: "/v1/resources/partners/535fb19bdca6a9d1638f2007/api_keys",
			status: 200, respBody: testdata(t, "ticketscloud_list.json"),
			call: func(ctx context.Context, c *Client) (any, error) { return c.APIKeys.List(ctx, seedPartner, nil) },
			want: docListedKeys, wantDecode: true,
		},
		{
			name:   "TicketsCloud: list with ids and fields-schema",
			method: "GET", path: "/v1/resources/partners/535fb19bdca6a9d1638f2007/api_keys",
			query:  "ids=53f1d5aa37abbd0a9da87882,53f1d5bf37abbd0a9ea87882&fields-schema=id,name",
			status: 200, respBody: `[{"id": "53f1d5aa37abbd0a9da87882", "name": "test"}, {"id": "53f1d5bf37abbd0a9ea87882", "name": "default"}]`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.APIKeys.List(ctx, seedPartner, &ListAPIKeysOptions{
					IDs: []string{"53f1d5aa37abbd0a9da87882", "53f1d5bf37abbd0a9ea87882"}, Fields: []string{"id", "name"},
				})
			},
			want:       []APIKey{{ID: "53f1d5aa37abbd0a9da87882", Name: "test"}, {ID: "53f1d5bf37abbd0a9ea87882", Name: "default"}},
			wantDecode: true,
		},
		{
			name:   "TicketsCloud: create",
			method: "POST", path: "/v1/resources/partners/535fb19bdca6a9d1638f2007/api_keys",
			body:   `{"name": "new-key"}`,
			status: 201, respBody: testdata(t, "ticketscloud_create.json"),
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.APIKeys.Create(ctx, seedPartner, "new-key")
			},
			want: &docCreatedKey, wantDecode: true,
		},
		{
			name:   "TicketsCloud: get",
			method: "GET", path: "/v1/resources/partners/535fb19bdca6a9d1638f2007/api_keys/53f1d89437abbd0a9ca87882",
			status: 200, respBody: testdata(t, "ticketscloud_get.json"),
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.APIKeys.Get(ctx, seedPartner, seedKeyID, nil)
			},
			want: &docReadKey, wantDecode: true,
		},
		{
			name:   "TicketsCloud: get with nested fields-schema",
			method: "GET", path: "/v1/resources/partners/535fb19bdca6a9d1638f2007/api_keys/53f1d89437abbd0a9ca87882",
			query:  "fields-schema=id,ref%7Ba,b%7Bc%7D%7D",
			status: 200, respBody: `{"id": "53f1d89437abbd0a9ca87882"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.APIKeys.Get(ctx, seedPartner, seedKeyID, &GetAPIKeyOptions{Fields: []string{"id", "ref{a,b{c}}"}})
			},
			want: &APIKey{ID: seedKeyID}, wantDecode: true,
		},
		{
			name:   "TicketsCloud: patch",
			method: "PATCH", path: "/v1/resources/partners/535fb19bdca6a9d1638f2007/api_keys/53f1d89437abbd0a9ca87882",
			body:   `{"name": "new-name"}`,
			status: 200, respBody: testdata(t, "ticketscloud_patch.json"),
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.APIKeys.Update(ctx, seedPartner, seedKeyID, &APIKeyUpdate{Name: strPtr("new-name")})
			},
			want: func() *APIKey { k := docReadKey; k.Name = "new-name"; return &k }(), wantDecode: true,
		},
		{
			name:   "TicketsCloud: delete",
			method: "DELETE", path: "/v1/resources/partners/535fb19bdca6a9d1638f2007/api_keys/53f1d89437abbd0a9ca87882",
			status: 200, respBody: testdata(t, "ticketscloud_delete.json"),
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.APIKeys.Delete(ctx, seedPartner, seedKeyID)
			},
		},
	}
}

// checkGoldenRequest asserts that r is exactly the documented request of gc.
func checkGoldenRequest(t *testing.T, gc goldenCase, r seenRequest) {
	t.Helper()
	if r.Method != gc.method || r.Path != gc.path || r.RawQuery != gc.query {
		t.Errorf("request %s %s?%s; want %s %s?%s", r.Method, r.Path, r.RawQuery, gc.method, gc.path, gc.query)
	}
	wantAuth := "key " + ticketsCloudKey
	if gc.users {
		wantAuth = gettingStartedKey // raw, no scheme word
	}
	checkCommonHeaders(t, r, wantAuth, gc.body != "")
	if gc.body != "" {
		checkJSON(t, gc.name, r.Body, gc.body)
	}
}

func checkGoldenResult(t *testing.T, gc goldenCase, got any, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("call failed: %v", err)
	}
	if !gc.wantDecode {
		return
	}
	if diff := cmp.Diff(gc.want, got); diff != "" {
		t.Errorf("decoded answer mismatch (-want +got):\n%s", diff)
	}
}

func TestGoldenOnTheWire(t *testing.T) {
	for _, gc := range goldenCases(t) {
		t.Run(gc.name, func(t *testing.T) {
			key := ticketsCloudKey
			if gc.users {
				key = gettingStartedKey
			}
			rec := &recorder{next: answer(gc.status, gc.respBody)}
			c, mux, _ := setupServer(t, key)
			mux.Handle("/", rec)

			got, err := gc.call(context.Background(), c)
			checkGoldenResult(t, gc, got, err)
			reqs := rec.requests()
			if len(reqs) != 1 {
				t.Fatalf("the server saw %d requests; want 1", len(reqs))
			}
			checkGoldenRequest(t, gc, reqs[0])
		})
	}
}

func TestGoldenAtTheDocumentedHosts(t *testing.T) {
	for _, gc := range goldenCases(t) {
		t.Run(gc.name, func(t *testing.T) {
			rec := &recorder{}
			mock := httpmock.NewMockTransport()
			mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				rec.add(r)
				resp := httpmock.NewStringResponse(gc.status, gc.respBody)
				resp.Header.Set("Content-Type", "application/json; charset=UTF-8")
				return resp, nil
			})
			opts := []Option{WithHTTPClient(&http.Client{Transport: mock}), WithRetry(0, 0, 0)}
			key := ticketsCloudKey
			wantHost := "ticketscloud.org"
			if gc.users {
				key, wantHost = gettingStartedKey, "xyz.biginterview.com" // XYZ Corporation of the Getting Started page
				opts = append(opts, WithOrganization("xyz"))
			}
			c := newTestClient(t, key, opts...)

			got, err := gc.call(context.Background(), c)
			checkGoldenResult(t, gc, got, err)
			reqs := rec.requests()
			if len(reqs) != 1 {
				t.Fatalf("the transport saw %d requests; want 1", len(reqs))
			}
			if reqs[0].Scheme != "https" || reqs[0].Host != wantHost {
				t.Errorf("request went to %s://%s; want https://%s", reqs[0].Scheme, reqs[0].Host, wantHost)
			}
			checkGoldenRequest(t, gc, reqs[0])
		})
	}
}

func TestGoldenGettingStartedRawRequest(t *testing.T) {
	// The request line and headers of the Getting Started example, as the
	// server reads them off the wire.
	var got *http.Request
	c, mux, _ := setupServer(t, gettingStartedKey)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		got = r
		writeJSON(w, 200, `{"tracks": []}`)
	})
	tracks, err := c.Users.Progress(context.Background(), "abc123def")
	if err != nil {
		t.Fatal(err)
	}
	if tracks == nil || len(tracks) != 0 {
		t.Errorf("an empty track list decoded as %#v; want an empty, non-nil slice", tracks)
	}
	if got == nil {
		t.Fatal("no request")
	}
	if got.Method != "GET" || got.RequestURI != "/api/users/abc123def/progress" || got.Proto != "HTTP/1.1" {
		t.Errorf("request line %s %s %s; want GET /api/users/abc123def/progress HTTP/1.1", got.Method, got.RequestURI, got.Proto)
	}
	if a := got.Header["Authorization"]; len(a) != 1 || a[0] != "935d85189822bf96c28c4fa79d3d8f31" {
		t.Errorf("Authorization %q; want the raw key", a)
	}
	if a := got.Header["Accept"]; len(a) != 1 || a[0] != "application/json" {
		t.Errorf("Accept %q", a)
	}
}

func TestGoldenTimestampsKeepMicroseconds(t *testing.T) {
	c, mux := setup(t)
	mux.Handle("/v1/resources/partners/"+seedPartner+"/api_keys", answer(201, testdata(t, "ticketscloud_create.json")))
	mux.Handle("/v1/resources/partners/"+seedPartner+"/api_keys/"+seedKeyID, answer(200, testdata(t, "ticketscloud_get.json")))
	created, err := c.APIKeys.Create(context.Background(), seedPartner, "new-key")
	if err != nil {
		t.Fatal(err)
	}
	read, err := c.APIKeys.Get(context.Background(), seedPartner, seedKeyID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if us := created.CreatedAt.Nanosecond() / 1000; us != 288420 {
		t.Errorf("created_at …28.288420 decoded with %d µs", us)
	}
	if us := read.CreatedAt.Nanosecond() / 1000; us != 288000 {
		t.Errorf("created_at …28.288000 decoded with %d µs", us)
	}
	if _, off := created.CreatedAt.Zone(); off != 0 {
		t.Errorf("+00:00 decoded with offset %d", off)
	}
	// The two reads of one key differ only by the server's truncation.
	if d := created.CreatedAt.Sub(read.CreatedAt); d != 420*time.Microsecond {
		t.Errorf("create and read differ by %s; want 420µs", d)
	}
}

func TestProgressAnswerShapes(t *testing.T) {
	// /progress's answer is not documented: the documented {"tracks": …},
	// a {"progress": …} envelope and a bare array all decode.
	track := testdata(t, "bi_track.json")
	for _, body := range []string{
		`{"tracks": [` + track + `]}`,
		`{"progress": [` + track + `]}`,
		`[` + track + `]`,
		"  \n[" + track + "]\n",
	} {
		c, mux := setup(t)
		mux.Handle("/api/users/abc123def/progress", answer(200, body))
		got, err := c.Users.Progress(context.Background(), "abc123def")
		if err != nil {
			t.Errorf("body %.40q: %v", body, err)
			continue
		}
		if diff := cmp.Diff([]Track{docTrack}, got); diff != "" {
			t.Errorf("body %.40q (-want +got):\n%s", body, diff)
		}
	}
	for _, body := range []string{`{}`, `{"other": []}`, `{"tracks": "yes"}`, `[1]`} {
		c, mux := setup(t)
		mux.Handle("/api/users/abc123def/progress", answer(200, body))
		if got, err := c.Users.Progress(context.Background(), "abc123def"); err == nil {
			t.Errorf("body %q decoded as %#v; want an error", body, got)
		}
	}
}

func TestInterviewsWithoutTheListIsAnError(t *testing.T) {
	c, mux := setup(t)
	mux.Handle("/api/users/abc123def/interviews", answer(200, `{"tracks": []}`))
	if got, err := c.Users.Interviews(context.Background(), "abc123def"); err == nil {
		t.Fatalf("an answer without \"interviews\" decoded as %#v", got)
	}
	mux.Handle("/api/users/empty/interviews", answer(200, `{"interviews": []}`))
	got, err := c.Users.Interviews(context.Background(), "empty")
	if err != nil || got == nil || len(got) != 0 {
		t.Fatalf("an empty list: %#v, %v; want an empty, non-nil slice", got, err)
	}
}

func TestUserAgent(t *testing.T) {
	for _, tc := range []struct {
		opts []Option
		want string
	}{
		{nil, "go-partnerapi/" + Version},
		{[]Option{WithUserAgent("acme-sync/2.1")}, "go-partnerapi/" + Version + " acme-sync/2.1"},
	} {
		rec := &recorder{next: answer(200, `{"tracks": []}`)}
		c, mux := setup(t, tc.opts...)
		mux.Handle("/", rec)
		if _, err := c.Users.Tracks(context.Background(), "abc"); err != nil {
			t.Fatal(err)
		}
		if got := rec.requests()[0].Header.Get("User-Agent"); got != tc.want {
			t.Errorf("User-Agent %q; want %q", got, tc.want)
		}
	}
}

func TestSeparateKeysAPIKey(t *testing.T) {
	// WithKeysAPIKey gives the keys API its own credential; the users API
	// keeps the main one.
	rec := &recorder{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/") {
			writeJSON(w, 200, `[]`)
			return
		}
		writeJSON(w, 200, `{"tracks": []}`)
	})}
	c, mux := setup(t, WithKeysAPIKey("another-keys-api-key"))
	mux.Handle("/", rec)
	if _, err := c.Users.Tracks(context.Background(), "abc"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.APIKeys.List(context.Background(), seedPartner, nil); err != nil {
		t.Fatal(err)
	}
	reqs := rec.requests()
	if got := reqs[0].Header.Get("Authorization"); got != testKey {
		t.Errorf("users API Authorization %q; want the raw main key", got)
	}
	if got := reqs[1].Header.Get("Authorization"); got != "key another-keys-api-key" {
		t.Errorf("keys API Authorization %q; want %q", got, "key another-keys-api-key")
	}
}

func TestSSOURLGolden(t *testing.T) {
	c := newTestClient(t, gettingStartedKey, WithOrganization("XYZ"))
	token := NewSecret("19633c68a809dda515d78bbee308012634b73f4142b4ae58d8790c7094c66417")
	for _, tc := range []struct {
		o    *LoginOptions
		want string
	}{
		{nil, "https://xyz.biginterview.com/sso/login?token=19633c68a809dda515d78bbee308012634b73f4142b4ae58d8790c7094c66417"},
		{&LoginOptions{}, "https://xyz.biginterview.com/sso/login?token=19633c68a809dda515d78bbee308012634b73f4142b4ae58d8790c7094c66417"},
		{
			&LoginOptions{RedirectTo: "/members/curriculum?chapter=6", ReturnURL: "https://partner.example/logout?a=1&b=2"},
			"https://xyz.biginterview.com/sso/login?token=19633c68a809dda515d78bbee308012634b73f4142b4ae58d8790c7094c66417" +
				"&redirect_to=%2Fmembers%2Fcurriculum%3Fchapter%3D6&return_url=https%3A%2F%2Fpartner.example%2Flogout%3Fa%3D1%26b%3D2",
		},
	} {
		got, err := c.SSO.URL(token, tc.o)
		if err != nil {
			t.Fatalf("URL(%+v): %v", tc.o, err)
		}
		if got != tc.want {
			t.Errorf("URL(%+v)\n got %s\nwant %s", tc.o, got, tc.want)
		}
	}
}

func TestSSOLoginURLRefreshesThenLinks(t *testing.T) {
	user := `{"user": ` + testdata(t, "bi_user.json") + `}`
	rec := &recorder{next: answer(200, user)}
	c, mux, srv := setupServer(t, testKey)
	mux.Handle("/", rec)
	link, err := c.SSO.LoginURL(context.Background(), "abc123def", nil, &LoginOptions{RedirectTo: "/members/curriculum?chapter=1"})
	if err != nil {
		t.Fatal(err)
	}
	want := srv.URL + "/sso/login?token=" + docUser.Token.Token.Reveal() + "&redirect_to=%2Fmembers%2Fcurriculum%3Fchapter%3D1"
	if link != want {
		t.Errorf("link\n got %s\nwant %s", link, want)
	}
	reqs := rec.requests()
	if len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].Path != "/api/users/abc123def" {
		t.Fatalf("requests %v; want one POST /api/users/abc123def", reqs)
	}
	checkJSON(t, "refresh body", reqs[0].Body, `{}`)
}
