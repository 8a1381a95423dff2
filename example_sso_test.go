package partnerapi_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"strings"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// LoginURL creates or refreshes the user and returns a link that signs the
// person in to the member app; following it, a browser lands on
// RedirectTo with a session. The fake's member app stands in for Big
// Interview's.
func ExampleSSOService_LoginURL() {
	srv := mockserver.New()
	defer srv.Close()
	client, err := srv.NewClient(srv.AddPartner("xyz"))
	if err != nil {
		log.Fatal(err)
	}

	link, err := client.SSO.LoginURL(context.Background(), "abc123def",
		&partnerapi.UserParams{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"}, // creates the user if new
		&partnerapi.LoginOptions{RedirectTo: "/members/curriculum?chapter=6"})
	if err != nil {
		log.Fatal(err)
	}
	// The link holds a 48-hour credential: hand it to the person's browser,
	// never to a log.
	fmt.Println(strings.HasPrefix(link, srv.URL+"/sso/login?token="))

	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(link)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Location"))
	// Output:
	// true
	// 302 /members/curriculum?chapter=6
}

// URL builds a login link from a token the program already holds (here from
// CreateOrUpdate), with no request. A RedirectTo outside the member app is
// refused: no open redirects.
func ExampleSSOService_URL() {
	srv := mockserver.New()
	defer srv.Close()
	client, err := srv.NewClient(srv.AddPartner("xyz"))
	if err != nil {
		log.Fatal(err)
	}
	user, err := client.Users.CreateOrUpdate(context.Background(), "abc123def",
		&partnerapi.UserParams{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"})
	if err != nil {
		log.Fatal(err)
	}

	link, err := client.SSO.URL(user.Token.Token, &partnerapi.LoginOptions{RedirectTo: "/members/curriculum?chapter=6"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.NewReplacer(srv.URL, "{fake}", user.Token.Token.Reveal(), "{token}").Replace(link))

	_, err = client.SSO.URL(user.Token.Token, &partnerapi.LoginOptions{RedirectTo: "//evil.example"})
	fmt.Println(errors.Is(err, partnerapi.ErrInvalidArgument))
	// Output:
	// {fake}/sso/login?token={token}&redirect_to=%2Fmembers%2Fcurriculum%3Fchapter%3D6
	// true
}
