package mockserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// start is the fixed start time of most tests' clocks.
var start = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)

// fixture is a fake with one partner and an SDK client for it.
type fixture struct {
	srv    *mockserver.Server
	p      *mockserver.Partner
	client *partnerapi.Client
}

func newFixture(t *testing.T, popts ...mockserver.PartnerOption) fixture {
	t.Helper()
	srv := mockserver.New(mockserver.WithStartTime(start))
	t.Cleanup(srv.Close)
	p := srv.AddPartner("xyz", popts...)
	return fixture{srv: srv, p: p, client: newClient(t, srv, p)}
}

// newClient is an SDK client for partner p at srv's URL, each API on its
// own key, that never retries, so that every call is exactly one request.
// opts come last (WithKeysAPIKey(k) puts another key on the keys API).
func newClient(t *testing.T, srv *mockserver.Server, p *mockserver.Partner, opts ...partnerapi.Option) *partnerapi.Client {
	t.Helper()
	c, err := srv.NewClient(p, append([]partnerapi.Option{partnerapi.WithRetry(0, 0, 0)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var ctx = context.Background()

// params are valid attributes for creating a user.
var params = &partnerapi.UserParams{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"}

// mustCreate creates the user id through the SDK.
func (f fixture) mustCreate(t *testing.T, id string) *partnerapi.User {
	t.Helper()
	u, err := f.client.Users.CreateOrUpdate(ctx, id, params)
	if err != nil {
		t.Fatalf("create %s: %v", id, err)
	}
	return u
}

// answer is a raw HTTP answer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// rawClient does not follow redirects and shares no connections with other
// tests.
func rawClient() *http.Client {
	return &http.Client{
		Transport:     &http.Transport{},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// raw sends one request to srv's URL; headers alternate name, value.
func raw(t *testing.T, srv *mockserver.Server, method, path, body string, headers ...string) answer {
	t.Helper()
	return rawVia(t, rawClient(), srv.URL, method, path, body, headers...)
}

func rawVia(t *testing.T, hc *http.Client, base, method, path, body string, headers ...string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// apiError decodes a Big Interview error body; it fails the test for any
// other shape.
type apiErrorBody struct {
	Error struct {
		Type    string          `json:"type"`
		Message json.RawMessage `json:"message"`
	} `json:"error"`
}

func decodeAPIError(t *testing.T, a answer) apiErrorBody {
	t.Helper()
	var e apiErrorBody
	if err := json.Unmarshal(a.body, &e); err != nil || e.Error.Type == "" {
		t.Fatalf("status %d: body is not a Big Interview error (%v): %s", a.status, err, a.body)
	}
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type %q; want JSON", ct)
	}
	return e
}

// fieldMessages decodes a validation message object.
func (e apiErrorBody) fieldMessages(t *testing.T) map[string]string {
	t.Helper()
	var m map[string]string
	if err := json.Unmarshal(e.Error.Message, &m); err != nil {
		t.Fatalf("message is not an object of field messages: %s", e.Error.Message)
	}
	return m
}

type v1ErrorBody struct {
	Error  string `json:"error"`
	Reason string `json:"reason"`
}

func decodeV1Error(t *testing.T, a answer) v1ErrorBody {
	t.Helper()
	var e v1ErrorBody
	if err := json.Unmarshal(a.body, &e); err != nil || !strings.HasPrefix(e.Error, "HTTP") || e.Reason == "" {
		t.Fatalf("status %d: body is not a TicketsCloud error (%v): %s", a.status, err, a.body)
	}
	return e
}

// apiErr returns err as a *partnerapi.Error, failing the test otherwise.
func apiErr(t *testing.T, err error) *partnerapi.Error {
	t.Helper()
	var e *partnerapi.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *partnerapi.Error", err, err)
	}
	return e
}

func keysPath(partner string, rest ...string) string {
	p := "/v1/resources/partners/" + partner + "/api_keys"
	for _, r := range rest {
		p += "/" + r
	}
	return p
}

// newBrowser is an http.Client with a cookie jar that follows redirects.
func newBrowser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Transport: &http.Transport{}}
}
