package partnerapi_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/partnerid"
)

// A Big Interview user's create/refresh, against a small local stand-in for
// the API (a real program uses WithOrganization instead of WithBaseURL).
func ExampleNewClient() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != "POST" || r.URL.Path != "/api/users/abc123def" || r.Header.Get("Authorization") != "935d85189822bf96c28c4fa79d3d8f31" {
			http.Error(w, `{"error": {"type": "not_found", "message": "no such route"}}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"user": {"partner_id": "abc123def", "anonymous": false,
			"created_at": "2015-01-01T00:00:00.000Z",
			"token": {"token": "19633c68a809dda515d78bbee308012634b73f4142b4ae58d8790c7094c66417",
			          "expires_at": "2016-05-28T17:16:18.817Z"}}}`)
	}))
	defer srv.Close()

	client, err := partnerapi.NewClient("935d85189822bf96c28c4fa79d3d8f31", partnerapi.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	user, err := client.Users.CreateOrUpdate(context.Background(), "abc123def", &partnerapi.UserParams{
		FirstName: "Jane", LastName: "Doe", Email: "jane@example.com",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(user.PartnerID, "created:", user.Created)
	fmt.Println("token:", user.Token.Token, "expires:", user.Token.ExpiresAt.Format(time.RFC3339Nano))
	// Output:
	// abc123def created: true
	// token: [REDACTED] expires: 2016-05-28T17:16:18.817Z
}

// Argument errors come back before any request is sent.
func ExampleUsersService_CreateOrUpdate_invalidPartnerID() {
	client, err := partnerapi.NewClient("935d85189822bf96c28c4fa79d3d8f31", partnerapi.WithOrganization("xyz"))
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.Users.CreateOrUpdate(context.Background(), "jane doe", nil)
	var pe *partnerid.Error
	fmt.Println(errors.Is(err, partnerapi.ErrInvalidArgument), errors.Is(err, partnerid.ErrInvalid), errors.As(err, &pe) && pe.Index == 4)
	fmt.Println(partnerid.Derive("jane doe"))
	// Output:
	// true true true
	// jane-doe_ed37d99b1445238af338
}

func ExampleSSOService_URL() {
	client, err := partnerapi.NewClient("935d85189822bf96c28c4fa79d3d8f31", partnerapi.WithOrganization("xyz"))
	if err != nil {
		log.Fatal(err)
	}
	token := partnerapi.NewSecret("19633c68a809dda515d78bbee308012634b73f4142b4ae58d8790c7094c66417")
	link, err := client.SSO.URL(token, &partnerapi.LoginOptions{RedirectTo: "/members/curriculum?chapter=6"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(link)

	_, err = client.SSO.URL(token, &partnerapi.LoginOptions{RedirectTo: "//evil.example"})
	fmt.Println(errors.Is(err, partnerapi.ErrInvalidArgument))
	// Output:
	// https://xyz.biginterview.com/sso/login?token=19633c68a809dda515d78bbee308012634b73f4142b4ae58d8790c7094c66417&redirect_to=%2Fmembers%2Fcurriculum%3Fchapter%3D6
	// true
}

func ExampleAPIKeysService_Create() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != "POST" || r.Header.Get("Authorization") != "key my-very-secret-key" {
			http.Error(w, `{"error": "HTTPUnauthorized", "reason": "Authentication required"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"created_at": "2014-08-18T10:42:28.288420+00:00", "id": "53f1d89437abbd0a9ca87882",
			"key": "48de25a3c7f84996bc3c183c640f9948", "name": "new-key",
			"partner": "535fb19bdca6a9d1638f2007", "removed": false}`)
	}))
	defer srv.Close()

	client, err := partnerapi.NewClient("my-very-secret-key", partnerapi.WithKeysBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	key, err := client.APIKeys.Create(context.Background(), "535fb19bdca6a9d1638f2007", "new-key")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(key.ID, key.Name, key.CreatedAt.UTC().Format("2006-01-02 15:04:05.000000"))
	fmt.Printf("printed: %v\n", key.Key)
	fmt.Println("revealed once:", key.Key.Reveal())
	// Output:
	// 53f1d89437abbd0a9ca87882 new-key 2014-08-18 10:42:28.288420
	// printed: [REDACTED]
	// revealed once: 48de25a3c7f84996bc3c183c640f9948
}

// Answers that are not a success are an *Error; errors.Is tells the kind.
func ExampleError() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-42")
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = io.WriteString(w, `{"error": {"type": "validation_error", "message": {"email": "is required"}}}`)
	}))
	defer srv.Close()

	client, err := partnerapi.NewClient("935d85189822bf96c28c4fa79d3d8f31", partnerapi.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.Users.CreateOrUpdate(context.Background(), "abc123def", &partnerapi.UserParams{FirstName: "Jane"})
	switch {
	case errors.Is(err, partnerapi.ErrValidation):
		var apiErr *partnerapi.Error
		errors.As(err, &apiErr)
		fmt.Println("refused:", apiErr.StatusCode, apiErr.Type, apiErr.Fields["email"], apiErr.RequestID)
	case errors.Is(err, partnerapi.ErrNotFound), errors.Is(err, partnerapi.ErrRateLimited):
		fmt.Println("other")
	}
	// Output:
	// refused: 422 validation_error is required req-42
}

func ExampleSecret() {
	s := partnerapi.NewSecret("935d85189822bf96c28c4fa79d3d8f31")
	fmt.Println(s)
	fmt.Printf("%v %s %q %#v %+v\n", s, s, s, s, struct{ Key partnerapi.Secret }{s})
	fmt.Println(len(s.Reveal()))
	// Output:
	// [REDACTED]
	// [REDACTED] [REDACTED] "[REDACTED]" [REDACTED] {Key:[REDACTED]}
	// 32
}
