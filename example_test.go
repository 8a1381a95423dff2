package partnerapi_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/partnerid"
)

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
