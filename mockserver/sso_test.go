package mockserver_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

func TestSSOLoginAndDashboard(t *testing.T) {
	f := newFixture(t)
	link, err := f.client.SSO.LoginURL(ctx, "sso-user", params, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := login(t, link)
	if a.status != http.StatusFound || a.header.Get("Location") != "/members/dashboard" {
		t.Fatalf("login: %d to %q; want 302 to /members/dashboard", a.status, a.header.Get("Location"))
	}
	c := sessionCookie(t, a)
	if !c.HttpOnly || c.Path != "/" {
		t.Errorf("session cookie %+v; want HttpOnly, Path /", c)
	}

	page := raw(t, f.srv, "GET", "/members/dashboard", "", "Cookie", c.Name+"="+c.Value)
	if page.status != 200 || !strings.Contains(string(page.body), `<span id="partner-id">sso-user</span>`) ||
		!strings.Contains(string(page.body), "<h1>Dashboard</h1>") {
		t.Errorf("dashboard: %d\n%s", page.status, page.body)
	}
	if ct := page.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("dashboard Content-Type %q", ct)
	}
	// Any member page works with the session; none without it.
	if p := raw(t, f.srv, "GET", "/members/curriculum?chapter=6", "", "Cookie", c.Name+"="+c.Value); p.status != 200 {
		t.Errorf("curriculum page: %d", p.status)
	}
	for _, cookie := range []string{"", c.Name + "=" + strings.Repeat("0", 64), c.Name + "=junk"} {
		var h []string
		if cookie != "" {
			h = []string{"Cookie", cookie}
		}
		p := raw(t, f.srv, "GET", "/members/dashboard", "", h...)
		if p.status != http.StatusUnauthorized || !strings.Contains(string(p.body), "<title>") {
			t.Errorf("dashboard with cookie %q: %d; want a 401 page", cookie, p.status)
		}
	}
}

func TestSSOWithCookieJarEndToEnd(t *testing.T) {
	f := newFixture(t)
	link, err := f.client.SSO.LoginURL(ctx, "jar-user", params, &partnerapi.LoginOptions{RedirectTo: "/members/curriculum?chapter=6"})
	if err != nil {
		t.Fatal(err)
	}
	jarClient := newBrowser(t)
	resp, err := jarClient.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.RequestURI() != "/members/curriculum?chapter=6" {
		t.Errorf("landed on %s with %d; want the redirect_to page", resp.Request.URL, resp.StatusCode)
	}
}

func TestSSOTokenRotationAndExpiry(t *testing.T) {
	f := newFixture(t)
	first := f.mustCreate(t, "rot")
	second, err := f.client.Users.CreateOrUpdate(ctx, "rot", nil)
	if err != nil {
		t.Fatal(err)
	}
	oldLink, _ := f.client.SSO.URL(first.Token.Token, nil)
	newLink, _ := f.client.SSO.URL(second.Token.Token, nil)
	if a := login(t, oldLink); a.status != http.StatusUnauthorized || !strings.Contains(string(a.body), "<html>") {
		t.Errorf("replaced token: %d; want a 401 page", a.status)
	}
	if a := login(t, newLink); a.status != http.StatusFound {
		t.Errorf("current token: %d; want 302", a.status)
	}
	// The token is not single-use: it works until it expires or is replaced.
	if a := login(t, newLink); a.status != http.StatusFound {
		t.Errorf("current token, second use: %d; want 302", a.status)
	}

	f.srv.Advance(47 * time.Hour)
	if a := login(t, newLink); a.status != http.StatusFound {
		t.Errorf("after 47h: %d; want 302", a.status)
	}
	f.srv.Advance(2 * time.Hour)
	if a := login(t, newLink); a.status != http.StatusUnauthorized {
		t.Errorf("after 49h: %d; want 401", a.status)
	}
	// A refresh after expiry issues a working token again.
	third, err := f.client.Users.CreateOrUpdate(ctx, "rot", nil)
	if err != nil {
		t.Fatal(err)
	}
	link, _ := f.client.SSO.URL(third.Token.Token, nil)
	if a := login(t, link); a.status != http.StatusFound {
		t.Errorf("refreshed after expiry: %d; want 302", a.status)
	}
}

func TestSSOBadTokensAndParameters(t *testing.T) {
	f := newFixture(t)
	u := f.mustCreate(t, "params")
	tok := url.QueryEscape(u.Token.Token.Reveal())
	cases := []struct {
		query  string
		status int
	}{
		{"", 401},
		{"token=", 401},
		{"token=abc", 401},
		{"token=" + strings.Repeat("ab", 32), 401},
		{"token=" + strings.Repeat("zz", 32), 401},
		{"token=" + tok + "&redirect_to=//evil.example/x", 400},
		{"token=" + tok + "&redirect_to=https://evil.example/", 400},
		{"token=" + tok + "&redirect_to=javascript:alert(1)", 400},
		{"token=" + tok + "&redirect_to=" + url.QueryEscape(`/\evil.example`), 400},
		{"token=" + tok + "&redirect_to=members", 400},
		{"token=" + tok + "&redirect_to=" + url.QueryEscape("/a b"), 400},
		{"token=" + tok + "&return_url=/relative", 400},
		{"token=" + tok + "&return_url=" + url.QueryEscape("ftp://x.example/"), 400},
		{"token=" + tok + "&redirect_to=%zz", 400},
		{"token=" + tok + "&redirect_to=" + url.QueryEscape("/members/curriculum?chapter=6") + "&return_url=" + url.QueryEscape("https://partner.example/bye"), 302},
	}
	for _, c := range cases {
		a := raw(t, f.srv, "GET", "/sso/login?"+c.query, "")
		if a.status != c.status {
			t.Errorf("?%s: %d; want %d", c.query, a.status, c.status)
			continue
		}
		if c.status != 302 && !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
			t.Errorf("?%s: error page Content-Type %q", c.query, a.header.Get("Content-Type"))
		}
	}
	if a := raw(t, f.srv, "POST", "/sso/login?token="+tok, ""); a.status != 405 {
		t.Errorf("POST /sso/login: %d; want 405", a.status)
	}
}

func TestSSOLogoutReturnsToReturnURL(t *testing.T) {
	f := newFixture(t)
	link, err := f.client.SSO.LoginURL(ctx, "bye", params, &partnerapi.LoginOptions{ReturnURL: "https://partner.example/after"})
	if err != nil {
		t.Fatal(err)
	}
	c := sessionCookie(t, login(t, link))
	a := raw(t, f.srv, "GET", "/sso/logout", "", "Cookie", c.Name+"="+c.Value)
	if a.status != http.StatusFound || a.header.Get("Location") != "https://partner.example/after" {
		t.Errorf("logout: %d to %q", a.status, a.header.Get("Location"))
	}
	if p := raw(t, f.srv, "GET", "/members/dashboard", "", "Cookie", c.Name+"="+c.Value); p.status != 401 {
		t.Errorf("dashboard after logout: %d; want 401", p.status)
	}
}

func TestSSOForGoneAnonymousUser(t *testing.T) {
	f := newFixture(t, mockserver.AllowAnonymous())
	srv, ac := f.srv, f.client
	u, err := ac.Users.CreateAnonymous(ctx)
	if err != nil {
		t.Fatal(err)
	}
	anonLink, _ := ac.SSO.URL(u.Token.Token, nil)
	c := sessionCookie(t, login(t, anonLink))
	srv.Advance(25 * time.Hour)
	if a := login(t, anonLink); a.status != 401 {
		t.Errorf("token of a gone anonymous user: %d; want 401", a.status)
	}
	if p := raw(t, srv, "GET", "/members/dashboard", "", "Cookie", c.Name+"="+c.Value); p.status != 401 {
		t.Errorf("session of a gone anonymous user: %d; want 401", p.status)
	}
}
