package partnerapi_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// member is a person signed in to the partner's own site.
type member struct{ PartnerID, First, Last, Email string }

// currentMember returns the member of r's session. It stands for the site's own
// session lookup: here a cookie naming a member.
func currentMember(r *http.Request) (member, bool) {
	c, err := r.Cookie("member")
	if err != nil || c.Value != "ada-1815" {
		return member{}, false
	}
	return member{PartnerID: "ada-1815", First: "Ada", Last: "Lovelace", Email: "ada@example.com"}, true
}

// practice is a partner web app's "Open interview practice" link:
// SSO.Handler with the function that finds who is signed in.
func practice(client *partnerapi.Client) http.Handler {
	return client.SSO.Handler(func(r *http.Request) (string, *partnerapi.UserParams, *partnerapi.LoginOptions, error) {
		m, ok := currentMember(r) // your own session lookup
		if !ok {
			return "", nil, nil, partnerapi.ErrUnauthorized // → 403
		}
		return m.PartnerID, // a valid partner_id (partnerid.Derive makes one from any id)
			&partnerapi.UserParams{FirstName: m.First, LastName: m.Last, Email: m.Email}, // creates the user if new; nil only refreshes
			nil, // or &partnerapi.LoginOptions{RedirectTo: "/members/curriculum?chapter=6"}
			nil
	})
}

// The practice link against the fake: signed in, the handler answers 302
// to a fresh login link; signed out, 403.
func ExampleSSOService_Handler() {
	srv := mockserver.New()
	defer srv.Close()
	client, err := srv.NewClient(srv.AddPartner("acme"))
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/practice", practice(client))

	r := httptest.NewRequest("GET", "/practice", nil)
	r.AddCookie(&http.Cookie{Name: "member", Value: "ada-1815"})
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	link := w.Header().Get("Location")
	fmt.Println(w.Code, strings.HasPrefix(link, srv.URL+"/sso/login?token="), w.Header().Get("Cache-Control"))

	w = httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/practice", nil))
	fmt.Print(w.Code, " ", w.Body.String())
	// Output:
	// 302 true no-store
	// 403 Not signed in. Sign in to this site, then try again.
}
