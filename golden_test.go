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
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"
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
