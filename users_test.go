package partnerapi

// UsersService: the partner_id checks every users call makes before any
// I/O, and the decoding of the progress and interview answers. The
// documented requests and answers are in golden_test.go.

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
