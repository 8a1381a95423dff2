package scenario_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

func TestSSOLink(t *testing.T) {
	eachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		id := uniqueID(t)
		link, err := tg.client.SSO.LoginURL(ctx, id,
			&partnerapi.UserParams{FirstName: "Alan", LastName: "Turing", Email: id + "@example.com"},
			&partnerapi.LoginOptions{RedirectTo: "/members/dashboard", ReturnURL: "https://partner.example/after-logout"})
		if err != nil {
			t.Fatalf("login URL: %v", err)
		}
		u, err := url.Parse(link)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if u.Path != "/sso/login" || len(q.Get("token")) == 0 || q.Get("redirect_to") != "/members/dashboard" ||
			q.Get("return_url") != "https://partner.example/after-logout" {
			t.Fatalf("login URL has the wrong shape: path %q, query keys %v", u.Path, keys(q))
		}
		if tg.fake == nil {
			return // following the link needs a browser session on the real service
		}

		jar, _ := cookiejar.New(nil)
		browser := &http.Client{Jar: jar}
		resp, err := browser.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), id) {
			t.Fatalf("following the link: %d, page without the partner_id:\n%s", resp.StatusCode, page)
		}
		if resp.Request.URL.Path != "/members/dashboard" {
			t.Errorf("landed on %s; want /members/dashboard", resp.Request.URL.Path)
		}
	})
}

func keys(q url.Values) []string {
	var out []string
	for k := range q {
		out = append(out, k)
	}
	return out
}
