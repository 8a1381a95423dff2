package mockserver_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// Faults, counted exactly: two 503s that the client made by NewClient
// retries in milliseconds, then a 429 whose Retry-After is longer than its
// longest wait, which the call returns at once.
func ExampleServer_Fail() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p) // retry waits of 1 to 10 ms
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	srv.Fail(mockserver.Fault{Path: "/v1/", Status: http.StatusServiceUnavailable, Times: 2})
	keys, err := client.APIKeys.List(ctx, p.ID, nil)
	fmt.Println(len(keys), err)

	srv.Fail(mockserver.Fault{Path: "/v1/", Status: http.StatusTooManyRequests, RetryAfter: 30 * time.Second})
	_, err = client.APIKeys.List(ctx, p.ID, nil)
	var apiErr *partnerapi.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, errors.Is(err, partnerapi.ErrRateLimited), apiErr.RetryAfter, apiErr.Attempts)
	}

	for _, r := range srv.Requests() {
		fmt.Println(r.Method, strings.Replace(r.Path, p.ID, "{partner}", 1), r.Status)
	}
	// Output:
	// 1 <nil>
	// 429 true 30s 1
	// GET /v1/resources/partners/{partner}/api_keys 503
	// GET /v1/resources/partners/{partner}/api_keys 503
	// GET /v1/resources/partners/{partner}/api_keys 200
	// GET /v1/resources/partners/{partner}/api_keys 429
}

// The kinds of fault, as Faults lists them with the uses they have left.
func ExampleFault() {
	srv := mockserver.New()
	defer srv.Close()

	srv.Fail(mockserver.Fault{Path: "/api/", Status: 503, Times: 2})      // the next two /api requests
	srv.Fail(mockserver.Fault{Status: 429, RetryAfter: time.Second})      // the next request, with Retry-After: 1
	srv.Fail(mockserver.Fault{Method: "POST", Path: "/v1/", Drop: true})  // close the connection, no answer
	srv.Fail(mockserver.Fault{Latency: 50 * time.Millisecond, Times: -1}) // every request, until ClearFaults
	for _, f := range srv.Faults() {
		fmt.Printf("%d: %q %q status %d, drop %v, latency %v, %d left\n", f.ID, f.Method, f.Path, f.Status, f.Drop, f.Latency, f.Remaining)
	}
	srv.ClearFaults()
	fmt.Println(len(srv.Faults()))
	// Output:
	// 1: "" "/api/" status 503, drop false, latency 0s, 2 left
	// 2: "" "" status 429, drop false, latency 0s, 1 left
	// 3: "POST" "/v1/" status 0, drop true, latency 0s, 1 left
	// 4: "" "" status 0, drop false, latency 50ms, -1 left
	// 0
}

// The journal: every request the fake answered, faulted or not, with its
// status and its arrival on the fake's clock; ClearRequests empties it.
func ExampleServer_Requests() {
	srv := mockserver.New(mockserver.WithStartTime(time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)))
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if _, err := client.Users.CreateOrUpdate(ctx, "abc123def", &partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
	}); err != nil {
		panic(err)
	}
	_, _ = client.Users.Tracks(ctx, "nobody")

	requests := srv.Requests()
	for _, r := range requests {
		fmt.Println(r.At.Format("15:04"), r.Method, r.Path, r.Status)
	}
	fmt.Printf("%s\n", requests[0].Body) // what the code sent
	srv.ClearRequests()
	fmt.Println(len(srv.Requests()))
	// Output:
	// 09:00 POST /api/users/abc123def 201
	// 09:00 GET /api/users/nobody/tracks 404
	// {"first_name":"Ada","last_name":"Lovelace","email":"ada@example.com"}
	// 0
}

// Time passes without sleeping: a token expires 48 hours after it is issued.
func ExampleServer_Advance() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p)
	if err != nil {
		panic(err)
	}
	link, err := client.SSO.LoginURL(context.Background(), "abc123def",
		&partnerapi.UserParams{FirstName: "A", LastName: "B", Email: "a@b.example"}, nil)
	if err != nil {
		panic(err)
	}

	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(link)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Location"))

	srv.Advance(49 * time.Hour)
	if resp, err = browser.Get(link); err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// 302 /members/dashboard
	// 401
}
