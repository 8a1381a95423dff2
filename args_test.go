package partnerapi

// Every argument error is returned before any I/O and matches
// ErrInvalidArgument; partner_id errors also match partnerid.ErrInvalid and
// carry a *partnerid.Error. NewClient refuses bad configuration the same way.

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/partnerapi/go-partnerapi/partnerid"
)

// badPartnerIDs are refused by every call taking a partner_id; index is the
// *partnerid.Error's Index.
var badPartnerIDs = []struct {
	id    string
	index int
}{
	{"", -1},
	{strings.Repeat("a", 65), -1},
	{"a b", 1},
	{"ü", 0},
	{"a/b", 1},
	{"../x", 0},
	{"abc?x=1", 3},
	{"abc#x", 3},
	{"a%2Fb", 1},
	{"a\nb", 1},
	{"abc.", 3},
	{"a\x00", 1},
}

// partnerIDCalls are the calls that take a Big Interview partner_id.
var partnerIDCalls = []struct {
	name string
	call func(ctx context.Context, c *Client, id string) error
}{
	{"Users.CreateOrUpdate", func(ctx context.Context, c *Client, id string) error {
		_, err := c.Users.CreateOrUpdate(ctx, id, &UserParams{FirstName: "A", LastName: "B", Email: "a@b.example"})
		return err
	}},
	{"Users.CreateOrUpdate nil params", func(ctx context.Context, c *Client, id string) error {
		_, err := c.Users.CreateOrUpdate(ctx, id, nil)
		return err
	}},
	{"Users.Progress", func(ctx context.Context, c *Client, id string) error { _, err := c.Users.Progress(ctx, id); return err }},
	{"Users.Tracks", func(ctx context.Context, c *Client, id string) error { _, err := c.Users.Tracks(ctx, id); return err }},
	{"Users.Interviews", func(ctx context.Context, c *Client, id string) error {
		_, err := c.Users.Interviews(ctx, id)
		return err
	}},
	{"SSO.LoginURL", func(ctx context.Context, c *Client, id string) error {
		_, err := c.SSO.LoginURL(ctx, id, nil, nil)
		return err
	}},
}

func TestBadPartnerIDsAreRefusedBeforeIO(t *testing.T) {
	c, rt := noIOClient(t)
	for _, call := range partnerIDCalls {
		for _, tc := range badPartnerIDs {
			err := call.call(context.Background(), c, tc.id)
			if !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("%s(%q): %v; want ErrInvalidArgument", call.name, tc.id, err)
				continue
			}
			if !errors.Is(err, partnerid.ErrInvalid) {
				t.Errorf("%s(%q): %v does not match partnerid.ErrInvalid", call.name, tc.id, err)
			}
			var pe *partnerid.Error
			if !errors.As(err, &pe) {
				t.Errorf("%s(%q): %v is not a *partnerid.Error", call.name, tc.id, err)
				continue
			}
			if pe.Index != tc.index || pe.ID != tc.id {
				t.Errorf("%s(%q): *partnerid.Error{ID: %q, Index: %d}; want Index %d", call.name, tc.id, pe.ID, pe.Index, tc.index)
			}
		}
	}
	if n := rt.n.Load(); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}

func TestValidPartnerIDBoundariesAreSent(t *testing.T) {
	// 1 and 64 bytes, every allowed class: these reach the server, unescaped.
	rec := &recorder{next: answer(200, `{"tracks": []}`)}
	c, mux := setup(t)
	mux.Handle("/", rec)
	ids := []string{"a", strings.Repeat("Z", 64), "0123456789", "abcxyz", "ABCXYZ", "a-b_c", "-", "_", "anonymous-user", "Anonymous"}
	for _, id := range ids {
		if _, err := c.Users.Tracks(context.Background(), id); err != nil {
			t.Errorf("Tracks(%q): %v", id, err)
		}
	}
	reqs := rec.requests()
	if len(reqs) != len(ids) {
		t.Fatalf("%d requests for %d ids", len(reqs), len(ids))
	}
	for i, r := range reqs {
		if want := "/api/users/" + ids[i] + "/tracks"; r.Path != want {
			t.Errorf("path %q; want %q", r.Path, want)
		}
	}
}

func TestAnonymousIsRefusedByCreateOrUpdate(t *testing.T) {
	c, rt := noIOClient(t)
	for _, p := range []*UserParams{nil, {FirstName: "A", LastName: "B", Email: "a@b.example"}} {
		if _, err := c.Users.CreateOrUpdate(context.Background(), "anonymous", p); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("CreateOrUpdate(\"anonymous\", %v): %v; want ErrInvalidArgument", p, err)
		}
	}
	if _, err := c.SSO.LoginURL(context.Background(), "anonymous", nil, nil); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("SSO.LoginURL(\"anonymous\"): %v; want ErrInvalidArgument", err)
	}
	if n := rt.n.Load(); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}

var badObjectIDs = []string{
	"",
	"535fb19bdca6a9d1638f200",   // 23
	"535fb19bdca6a9d1638f20070", // 25
	"535fb19bdca6a9d1638f200g",  // not hex
	"535fb19bdca6a9d1638f200 ",
	"535fb19bdca6a9d1638f/007",
	"../../../../../../../etc",
	"535fb19bdca6a9d1638f200\n",
	"５35fb19bdca6a9d1638f20",
}

// keyCalls are the calls that take a partner ObjectId and possibly a key id.
var keyCalls = []struct {
	name  string
	call  func(ctx context.Context, c *Client, partner, keyID string) error
	keyID bool // whether it takes a key id
}{
	{"List", func(ctx context.Context, c *Client, p, _ string) error {
		_, err := c.APIKeys.List(ctx, p, nil)
		return err
	}, false},
	{"Create", func(ctx context.Context, c *Client, p, _ string) error {
		_, err := c.APIKeys.Create(ctx, p, "n")
		return err
	}, false},
	{"Get", func(ctx context.Context, c *Client, p, k string) error {
		_, err := c.APIKeys.Get(ctx, p, k, nil)
		return err
	}, true},
	{"Update", func(ctx context.Context, c *Client, p, k string) error {
		_, err := c.APIKeys.Update(ctx, p, k, &APIKeyUpdate{Name: strPtr("n")})
		return err
	}, true},
	{"Delete", func(ctx context.Context, c *Client, p, k string) error { return c.APIKeys.Delete(ctx, p, k) }, true},
}

func TestBadObjectIDsAreRefusedBeforeIO(t *testing.T) {
	c, rt := noIOClient(t)
	for _, kc := range keyCalls {
		for _, bad := range badObjectIDs {
			if err := kc.call(context.Background(), c, bad, seedKeyID); !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("%s(partner %q): %v; want ErrInvalidArgument", kc.name, bad, err)
			}
			if !kc.keyID {
				continue
			}
			if err := kc.call(context.Background(), c, seedPartner, bad); !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("%s(key id %q): %v; want ErrInvalidArgument", kc.name, bad, err)
			}
		}
	}
	for _, bad := range badObjectIDs {
		o := &ListAPIKeysOptions{IDs: []string{seedKeyID, bad}}
		if _, err := c.APIKeys.List(context.Background(), seedPartner, o); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("List(IDs [.., %q]): %v; want ErrInvalidArgument", bad, err)
		}
	}
	if n := rt.n.Load(); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}

func TestUppercaseObjectIDsAreAccepted(t *testing.T) {
	rec := &recorder{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/api_keys") {
			writeJSON(w, 200, `[]`)
			return
		}
		writeJSON(w, 200, `{"id": "`+seedKeyID+`", "key": "k"}`)
	})}
	c, mux := setup(t)
	mux.Handle("/", rec)
	upP, upK := strings.ToUpper(seedPartner), strings.ToUpper(seedKeyID)
	for _, kc := range keyCalls {
		if err := kc.call(context.Background(), c, upP, upK); err != nil {
			t.Errorf("%s with uppercase hex: %v", kc.name, err)
		}
	}
	if _, err := c.APIKeys.List(context.Background(), upP, &ListAPIKeysOptions{IDs: []string{upK}}); err != nil {
		t.Errorf("List(IDs uppercase): %v", err)
	}
	if got := rec.count(); got != len(keyCalls)+1 {
		t.Errorf("%d requests; want %d", got, len(keyCalls)+1)
	}
}

func TestBadKeyNamesAndUpdatesAreRefusedBeforeIO(t *testing.T) {
	c, rt := noIOClient(t)
	for _, name := range []string{"", " ", "\t", "  \n ", "a\x00b", "new\r\nX-Injected: 1"} {
		if _, err := c.APIKeys.Create(context.Background(), seedPartner, name); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Create(%q): %v; want ErrInvalidArgument", name, err)
		}
		if _, err := c.APIKeys.Update(context.Background(), seedPartner, seedKeyID, &APIKeyUpdate{Name: strPtr(name)}); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Update(Name %q): %v; want ErrInvalidArgument", name, err)
		}
	}
	for _, u := range []*APIKeyUpdate{nil, {}} {
		if _, err := c.APIKeys.Update(context.Background(), seedPartner, seedKeyID, u); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Update(%v): %v; want ErrInvalidArgument", u, err)
		}
	}
	for _, fields := range [][]string{{""}, {"id", " name"}, {"a b"}, {"id\n"}} {
		if _, err := c.APIKeys.List(context.Background(), seedPartner, &ListAPIKeysOptions{Fields: fields}); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("List(Fields %q): %v; want ErrInvalidArgument", fields, err)
		}
		if _, err := c.APIKeys.Get(context.Background(), seedPartner, seedKeyID, &GetAPIKeyOptions{Fields: fields}); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Get(Fields %q): %v; want ErrInvalidArgument", fields, err)
		}
	}
	if n := rt.n.Load(); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}

var badLoginOptions = []LoginOptions{
	{RedirectTo: "//evil.com"},
	{RedirectTo: "https://evil.com"},
	{RedirectTo: "/\\evil.com"},
	{RedirectTo: "evil"},
	{RedirectTo: " /x"},
	{RedirectTo: "/x y"},
	{RedirectTo: "/\t/evil.com"},
	{RedirectTo: "javascript:alert(1)"},
	{RedirectTo: "///evil.com"},
	{ReturnURL: "javascript:alert(1)"},
	{ReturnURL: "/relative"},
	{ReturnURL: "ftp://x"},
	{ReturnURL: "https://"},
	{ReturnURL: "https://user:pw@partner.example/"},
	{ReturnURL: "https://partner.example/a b"},
	{ReturnURL: "//partner.example/"},
}

func TestBadSSOOptionsAreRefusedBeforeIO(t *testing.T) {
	c, rt := noIOClient(t)
	for _, o := range badLoginOptions {
		if u, err := c.SSO.URL(NewSecret("token"), &o); !errors.Is(err, ErrInvalidArgument) || u != "" {
			t.Errorf("SSO.URL(%+v): %q, %v; want ErrInvalidArgument", o, u, err)
		}
		if u, err := c.SSO.LoginURL(context.Background(), "abc", nil, &o); !errors.Is(err, ErrInvalidArgument) || u != "" {
			t.Errorf("SSO.LoginURL(%+v): %q, %v; want ErrInvalidArgument", o, u, err)
		}
	}
	if _, err := c.SSO.URL(NewSecret(""), nil); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("SSO.URL with an empty token: %v; want ErrInvalidArgument", err)
	}
	if n := rt.n.Load(); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}

func TestGoodSSOOptionsAreAccepted(t *testing.T) {
	c, _ := noIOClient(t)
	for _, o := range []LoginOptions{
		{RedirectTo: "/members/dashboard"},
		{RedirectTo: "/members/curriculum?chapter=6"},
		{RedirectTo: "/"},
		{ReturnURL: "https://partner.example/"},
		{ReturnURL: "http://localhost:3000/logout?next=%2F"},
	} {
		if _, err := c.SSO.URL(NewSecret("token"), &o); err != nil {
			t.Errorf("SSO.URL(%+v): %v", o, err)
		}
	}
}

func TestNilContextIsAnArgumentError(t *testing.T) {
	c, rt := noIOClient(t)
	//lint:ignore SA1012 a nil context is what this test is about
	if _, err := c.Users.Tracks(nil, "abc"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("nil context: %v; want ErrInvalidArgument", err)
	}
	if n := rt.n.Load(); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}

func TestUsersCallsWithoutUsersBase(t *testing.T) {
	// Only the keys API is configured (its default base): every users call
	// is an argument error, with no request.
	rt := &noRequestTransport{t: t}
	c := newTestClient(t, testKey, WithHTTPClient(&http.Client{Transport: rt}))
	ctx := context.Background()
	for name, err := range map[string]error{
		"CreateOrUpdate":  second(c.Users.CreateOrUpdate(ctx, "abc", nil)),
		"CreateAnonymous": second(c.Users.CreateAnonymous(ctx)),
		"Progress":        second(c.Users.Progress(ctx, "abc")),
		"Tracks":          second(c.Users.Tracks(ctx, "abc")),
		"Interviews":      second(c.Users.Interviews(ctx, "abc")),
		"SSO.LoginURL":    second(c.SSO.LoginURL(ctx, "abc", nil, nil)),
		"SSO.URL":         second(c.SSO.URL(NewSecret("token"), nil)),
	} {
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s without a users base: %v; want ErrInvalidArgument", name, err)
		}
	}
	if n := rt.n.Load(); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}

func TestNewClientRefusesBadConfiguration(t *testing.T) {
	key := canaryKey
	for _, tc := range []struct {
		name string
		key  string
		opts []Option
	}{
		{"empty key", "", nil},
		{"key with a space", "abc def", nil},
		{"key with a tab", "abc\tdef", nil},
		{"key with a newline", "abc\ndef", nil},
		{"key with CRLF header injection", "abc\r\nX-Evil: 1", nil},
		{"key with NUL", "abc\x00def", nil},
		{"key with DEL", "abc\x7fdef", nil},
		{"key with non-ASCII", "abcdéf", nil},
		{"empty keys API key", key, []Option{WithKeysAPIKey("")}},
		{"keys API key with a newline", key, []Option{WithKeysAPIKey("a\nb")}},
		{"plain http to a remote users base", key, []Option{WithUsersBaseURL("http://xyz.biginterview.com")}},
		{"plain http to a remote keys base", key, []Option{WithKeysBaseURL("http://ticketscloud.org")}},
		{"plain http to a remote base", key, []Option{WithBaseURL("http://10.0.0.1:8080")}},
		{"plain http to a loopback-looking name", key, []Option{WithBaseURL("http://localhost.evil.example")}},
		{"plain http to 127.0.0.1 as a subdomain", key, []Option{WithBaseURL("http://127.0.0.1.nip.io")}},
		{"org -x", key, []Option{WithOrganization("-x")}},
		{"org x-", key, []Option{WithOrganization("x-")}},
		{"org a.b", key, []Option{WithOrganization("a.b")}},
		{"org a/b", key, []Option{WithOrganization("a/b")}},
		{"org empty", key, []Option{WithOrganization("")}},
		{"org 64 characters", key, []Option{WithOrganization(strings.Repeat("a", 64))}},
		{"org with a space", key, []Option{WithOrganization("x y")}},
		{"ftp base", key, []Option{WithBaseURL("ftp://example.com")}},
		{"file base", key, []Option{WithBaseURL("file:///etc/passwd")}},
		{"base without scheme", key, []Option{WithBaseURL("example.com")}},
		{"base host:port without scheme", key, []Option{WithBaseURL("localhost:8080")}},
		{"relative base", key, []Option{WithBaseURL("/api")}},
		{"empty base", key, []Option{WithBaseURL("")}},
		{"base with user info", key, []Option{WithBaseURL("https://user:pass@example.com")}},
		{"base with a user", key, []Option{WithBaseURL("https://user@example.com")}},
		{"base with a query", key, []Option{WithBaseURL("https://example.com/?a=b")}},
		{"base with a fragment", key, []Option{WithBaseURL("https://example.com/#x")}},
		{"base that does not parse", key, []Option{WithBaseURL("https://exa mple.com\x00")}},
		{"nil *http.Client", key, []Option{WithHTTPClient(nil)}},
		{"negative retries", key, []Option{WithRetry(-1, time.Millisecond, time.Second)}},
		{"negative wait", key, []Option{WithRetry(1, -time.Millisecond, time.Second)}},
		{"wait min above max", key, []Option{WithRetry(1, time.Second, time.Millisecond)}},
		{"zero response cap", key, []Option{WithMaxResponseBytes(0)}},
		{"negative response cap", key, []Option{WithMaxResponseBytes(-1)}},
		{"user agent with a newline", key, []Option{WithUserAgent("x\r\nX-Evil: 1")}},
		// The key inside the bad value must not come back in the message.
		{"key in a remote http base path", key, []Option{WithBaseURL("http://example.com/" + key)}},
		{"key in a base query", key, []Option{WithBaseURL("https://example.com/?key=" + key)}},
		{"key as a base scheme", key, []Option{WithBaseURL("ftp://" + key + "@example.com")}},
		{"key in an org", key, []Option{WithOrganization(key + ".x")}},
		{"key as user info", key, []Option{WithBaseURL("https://" + key + "@example.com")}},
		{"keys API key in a bad base", key, []Option{WithKeysAPIKey("KEYSapiKEYzyxwvutsrqponmlkjihgfe"), WithKeysBaseURL("http://example.com/KEYSapiKEYzyxwvutsrqponmlkjihgfe")}},
		{"keys API key in a bad org, given after", key, []Option{WithOrganization("KEYSapiKEYzyxwvutsrqponmlkjihgfe.x"), WithKeysAPIKey("KEYSapiKEYzyxwvutsrqponmlkjihgfe")}},
	} {
		c, err := NewClient(tc.key, tc.opts...)
		if !errors.Is(err, ErrInvalidArgument) || c != nil {
			t.Errorf("%s: %v, %v; want ErrInvalidArgument and no client", tc.name, c, err)
			continue
		}
		if len(tc.key) > 3 && strings.Contains(err.Error(), tc.key) {
			t.Errorf("%s: the error %q repeats the key", tc.name, err)
		}
		for _, secret := range []string{canaryKey, "KEYSapiKEYzyxwvutsrqponmlkjihgfe"} {
			if leaks(err.Error(), secret) {
				t.Errorf("%s: the error %q shows the key", tc.name, err)
			}
		}
	}
}

func TestNewClientAccepts(t *testing.T) {
	for _, tc := range []struct {
		name      string
		opts      []Option
		wantUsers string
		wantKeys  string
	}{
		{"defaults", nil, "", "https://ticketscloud.org"},
		{"organization", []Option{WithOrganization("xyz")}, "https://xyz.biginterview.com", "https://ticketscloud.org"},
		{"organization in capitals", []Option{WithOrganization("XyZ-1")}, "https://xyz-1.biginterview.com", "https://ticketscloud.org"},
		{"organization of 63", []Option{WithOrganization(strings.Repeat("a", 63))}, "https://" + strings.Repeat("a", 63) + ".biginterview.com", "https://ticketscloud.org"},
		{"http to localhost", []Option{WithBaseURL("http://localhost:8080")}, "http://localhost:8080", "http://localhost:8080"},
		{"http to LOCALHOST", []Option{WithBaseURL("http://LOCALHOST:8080")}, "http://LOCALHOST:8080", "http://LOCALHOST:8080"},
		{"http to 127.0.0.1", []Option{WithBaseURL("http://127.0.0.1:1234/")}, "http://127.0.0.1:1234", "http://127.0.0.1:1234"},
		{"http to 127.1.2.3", []Option{WithBaseURL("http://127.1.2.3")}, "http://127.1.2.3", "http://127.1.2.3"},
		{"http to [::1]", []Option{WithBaseURL("http://[::1]:9/")}, "http://[::1]:9", "http://[::1]:9"},
		{"http remote, allowed", []Option{WithBaseURL("http://proxy.internal"), WithAllowInsecureHTTP()}, "http://proxy.internal", "http://proxy.internal"},
		{"allowed before the base", []Option{WithAllowInsecureHTTP(), WithUsersBaseURL("http://proxy.internal/bi/")}, "http://proxy.internal/bi", "https://ticketscloud.org"},
		{"base path prefix", []Option{WithBaseURL("https://proxy.example/prefix//")}, "https://proxy.example/prefix", "https://proxy.example/prefix"},
		{"base URL wins over organization", []Option{WithOrganization("xyz"), WithUsersBaseURL("https://bi.example")}, "https://bi.example", "https://ticketscloud.org"},
		{"separate keys base", []Option{WithUsersBaseURL("https://bi.example"), WithKeysBaseURL("https://tc.example")}, "https://bi.example", "https://tc.example"},
		{"nil option ignored", []Option{nil, WithOrganization("xyz")}, "https://xyz.biginterview.com", "https://ticketscloud.org"},
		{"retries off", []Option{WithRetry(0, 0, 0)}, "", "https://ticketscloud.org"},
	} {
		c, err := NewClient(testKey, tc.opts...)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if c.c.users.base != tc.wantUsers || c.c.keys.base != tc.wantKeys {
			t.Errorf("%s: users base %q, keys base %q; want %q, %q", tc.name, c.c.users.base, c.c.keys.base, tc.wantUsers, tc.wantKeys)
		}
	}
}
