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

// A partner web app's "Open interview practice" link. resolve reads the
// partner's own session (here a cookie naming the user; a real app looks its
// session up); the handler answers 302 to a fresh login link, or 403 when
// nobody is signed in. The fake stands in for Big Interview: a real program
// makes its client with partnerapi.NewClient(key,
// partnerapi.WithOrganization(org)).
func ExampleSSOService_Handler() {
	fake := mockserver.New()
	defer fake.Close()
	partner := fake.AddPartner("acme")
	client, err := fake.NewClient(partner)
	if err != nil {
		log.Fatal(err)
	}

	practice := client.SSO.Handler(func(r *http.Request) (string, *partnerapi.UserParams, *partnerapi.LoginOptions, error) {
		c, err := r.Cookie("demo_user")
		if err != nil {
			return "", nil, nil, partnerapi.ErrUnauthorized // not signed in: 403
		}
		return c.Value, &partnerapi.UserParams{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"}, nil, nil
	})
	// The app serves it on its own mux: mux.Handle("/practice", practice).

	// Signed in:
	r := httptest.NewRequest("GET", "/practice", nil)
	r.AddCookie(&http.Cookie{Name: "demo_user", Value: "ada-1815"})
	w := httptest.NewRecorder()
	practice.ServeHTTP(w, r)
	link := w.Header().Get("Location")
	fmt.Println(w.Code, strings.HasPrefix(link, fake.URL+"/sso/login?token="), w.Header().Get("Cache-Control"))

	// Not signed in:
	w = httptest.NewRecorder()
	practice.ServeHTTP(w, httptest.NewRequest("GET", "/practice", nil))
	fmt.Print(w.Code, " ", w.Body.String())
	// Output:
	// 302 true no-store
	// 403 Not signed in. Sign in to this site, then try again.
}
