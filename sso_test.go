package partnerapi

// SSOService.URL and SSOService.LoginURL: the login link and its options.
// The handler is tested in sso_handler_test.go.

import (
	"context"
	"errors"
	"testing"
)

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
