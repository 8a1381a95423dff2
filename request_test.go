package partnerapi

// The one request path: a nil context, answers without the documented
// object, the response cap, redirects, and error text bounded for a huge
// URL.

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A 2xx answer without the object the call documents is an error that
// matches ErrBadResponse: never a zero value, never an argument error.
func TestSuccessWithoutTheDocumentedObjectIsAnError(t *testing.T) {
	userCalls := map[string]func(context.Context, *Client) error{
		"CreateOrUpdate": func(ctx context.Context, c *Client) error {
			_, err := c.Users.CreateOrUpdate(ctx, "abc", nil)
			return err
		},
		"CreateAnonymous": func(ctx context.Context, c *Client) error { _, err := c.Users.CreateAnonymous(ctx); return err },
		"SSO.LoginURL": func(ctx context.Context, c *Client) error {
			_, err := c.SSO.LoginURL(ctx, "abc", nil, nil)
			return err
		},
	}
	keyCalls := map[string]func(context.Context, *Client) error{
		"APIKeys.Create": func(ctx context.Context, c *Client) error {
			_, err := c.APIKeys.Create(ctx, seedPartner, "n")
			return err
		},
		"APIKeys.Get": func(ctx context.Context, c *Client) error {
			_, err := c.APIKeys.Get(ctx, seedPartner, seedKeyID, nil)
			return err
		},
		"APIKeys.Update": func(ctx context.Context, c *Client) error {
			_, err := c.APIKeys.Update(ctx, seedPartner, seedKeyID, &APIKeyUpdate{Name: strPtr("n")})
			return err
		},
		"Partners.Get": func(ctx context.Context, c *Client) error {
			_, err := c.Partners.Get(ctx, seedPartner, nil)
			return err
		},
	}
	// A list is documented as a JSON array: an empty one is an empty list,
	// anything else (null included) is not the answer.
	listCalls := map[string]func(context.Context, *Client) error{
		"APIKeys.List": func(ctx context.Context, c *Client) error {
			_, err := c.APIKeys.List(ctx, seedPartner, nil)
			return err
		},
		"Partners.List": func(ctx context.Context, c *Client) error {
			_, err := c.Partners.List(ctx, nil)
			return err
		},
	}
	readCalls := map[string]func(context.Context, *Client) error{
		"Tracks":     func(ctx context.Context, c *Client) error { _, err := c.Users.Tracks(ctx, "abc"); return err },
		"Progress":   func(ctx context.Context, c *Client) error { _, err := c.Users.Progress(ctx, "abc"); return err },
		"Interviews": func(ctx context.Context, c *Client) error { _, err := c.Users.Interviews(ctx, "abc"); return err },
	}
	for _, tc := range []struct {
		calls  map[string]func(context.Context, *Client) error
		status int
		bodies []string
	}{
		{userCalls, 201, []string{`{}`, `{"user": null}`, `{"user": {}}`, `{"user": {"partner_id": "abc"}}`, `{"user": {"partner_id": "abc", "token": {"token": ""}}}`, `null`, ``}},
		{keyCalls, 200, []string{`{}`, `null`, `{"name": "n"}`, `{"user": null}`}},
		{readCalls, 200, []string{`{}`, `{"tracks": null, "interviews": null}`, `null`}},
		{listCalls, 200, []string{`{}`, `{"data": null}`, `null`, ``}},
	} {
		for name, call := range tc.calls {
			for _, body := range tc.bodies {
				c, mux := setup(t)
				mux.Handle("/", answer(tc.status, body))
				err := call(context.Background(), c)
				var apiErr *Error
				if !errors.Is(err, ErrBadResponse) || errors.Is(err, ErrInvalidArgument) || errors.As(err, &apiErr) {
					t.Errorf("%s answered %d %s: %v; want ErrBadResponse, not an argument error", name, tc.status, body, err)
					continue
				}
				checkSafeMessage(t, err.Error(), 1024)
				if strings.Contains(err.Error(), "Go value") || strings.Contains(err.Error(), "partnerapi.") {
					t.Errorf("%s answered %d %s: %q names the SDK's Go types", name, tc.status, body, err)
				}
			}
		}
	}
	// A key narrowed by Fields may lack its id: that is not an error.
	c, mux := setup(t)
	mux.Handle("/", answer(200, `{"name": "n"}`))
	if k, err := c.APIKeys.Get(context.Background(), seedPartner, seedKeyID, &GetAPIKeyOptions{Fields: []string{"name"}}); err != nil || k.Name != "n" {
		t.Errorf("Get with Fields: %+v, %v", k, err)
	}
	if p, err := c.Partners.Get(context.Background(), seedPartner, &GetPartnerOptions{Fields: []string{"name"}}); err != nil || p.Name != "n" {
		t.Errorf("Partners.Get with Fields: %+v, %v", p, err)
	}
	// An empty list is a list.
	c, mux = setup(t)
	mux.Handle("/", answer(200, `[]`))
	if keys, err := c.APIKeys.List(context.Background(), seedPartner, nil); err != nil || keys == nil || len(keys) != 0 {
		t.Errorf("APIKeys.List answered []: %#v, %v; want an empty list", keys, err)
	}
	if ps, err := c.Partners.List(context.Background(), nil); err != nil || ps == nil || len(ps) != 0 {
		t.Errorf("Partners.List answered []: %#v, %v; want an empty list", ps, err)
	}
}

// A List of 100,000 ids makes a URL of 2.5 MB: its error string stays short.
func TestErrorTextIsBoundedForAHugeURL(t *testing.T) {
	ids := make([]string, 100000)
	for i := range ids {
		ids[i] = seedKeyID
	}
	for name, rt := range map[string]http.RoundTripper{
		"an error answer": answerInMemory(414, `{"error": "HTTPRequestURITooLong", "reason": "`+strings.Repeat("r", 5000)+`"}`),
		"no answer":       dnsFailure,
	} {
		c := newTestClient(t, testKey, WithBaseURL("https://partnerapi.invalid"), WithHTTPClient(&http.Client{Transport: rt}), WithRetry(0, 0, 0))
		_, err := c.APIKeys.List(context.Background(), seedPartner, &ListAPIKeysOptions{IDs: ids})
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		checkSafeMessage(t, err.Error(), 1024)
		for e := err; e != nil; e = errors.Unwrap(e) {
			if n := len(e.Error()); n > 4096 {
				t.Errorf("%s: the error %T in the chain is %d bytes long", name, e, n)
			}
		}
	}
}

func TestNilContextIsAnArgumentError(t *testing.T) {
	c, rt := noIOClient(t)
	//lint:ignore SA1012 a nil context is what this test is about
	if _, err := c.Users.Tracks(nil, "abc"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("nil context: %v; want ErrInvalidArgument", err)
	}
	if n := rt.n.Load(); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}

func TestResponseBodiesAreCapped(t *testing.T) {
	big := `{"tracks": [` + strings.Repeat(`{"title": "x"},`, (1<<20)/15) + `{"title": "x"}]}` // ~1 MiB
	var n atomic.Int32
	c, mux := setup(t, WithMaxResponseBytes(1024), WithRetry(3, time.Millisecond, 2*time.Millisecond))
	mux.HandleFunc("/api/users/abc/tracks", func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		writeJSON(w, 200, big)
	})
	_, err := c.Users.Tracks(context.Background(), "abc")
	if !errors.Is(err, ErrResponseTooLarge) {
		t.Fatalf("a 1 MiB body with a 1 KiB cap: %v; want ErrResponseTooLarge", err)
	}
	if got := n.Load(); got != 1 {
		t.Errorf("the oversized answer was fetched %d times; want once", got)
	}
}

func TestResponseCapBoundary(t *testing.T) {
	body := `{"tracks": [` + strings.Repeat(" ", 1000) + `]}`
	for _, tc := range []struct {
		limit    int64
		tooLarge bool
	}{
		{int64(len(body)), false},
		{int64(len(body)) + 1, false},
		{int64(len(body)) - 1, true},
		{1, true},
	} {
		c, mux := setup(t, WithMaxResponseBytes(tc.limit))
		mux.Handle("/api/users/abc/tracks", answer(200, body))
		mux.Handle("/v1/resources/partners/"+seedPartner+"/api_keys/"+seedKeyID, answer(200, body))
		_, err := c.Users.Tracks(context.Background(), "abc")
		if got := errors.Is(err, ErrResponseTooLarge); got != tc.tooLarge {
			t.Errorf("a %d-byte body with a %d-byte cap: %v; want too large: %v", len(body), tc.limit, err, tc.tooLarge)
		}
		// Delete reads and discards the body: the same cap applies.
		err = c.APIKeys.Delete(context.Background(), seedPartner, seedKeyID)
		if got := errors.Is(err, ErrResponseTooLarge); got != tc.tooLarge {
			t.Errorf("DELETE: a %d-byte body with a %d-byte cap: %v; want too large: %v", len(body), tc.limit, err, tc.tooLarge)
		}
	}
}

func TestLargeErrorBodyStillGivesError(t *testing.T) {
	var n atomic.Int32
	c, mux := setup(t, WithMaxResponseBytes(1024), matrixRetry())
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(404)
		_, _ = io.WriteString(w, "<html><head><title>Not Found</title></head><body>"+strings.Repeat("x", 1<<20)+"</body></html>")
	})
	_, err := c.Users.Tracks(context.Background(), "abc")
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || !errors.Is(err, ErrNotFound) {
		t.Fatalf("%v; want a 404 *Error", err)
	}
	if apiErr.Message != "Not Found" {
		t.Errorf("message %q; want the page title", apiErr.Message)
	}
	if n.Load() != 1 {
		t.Errorf("%d requests; want 1", n.Load())
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, withHTTPClient := range []bool{false, true} {
			var elsewhere atomic.Int32
			target := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				elsewhere.Add(1)
				writeJSON(w, 200, `{"tracks": []}`)
			}))
			var n atomic.Int32
			opts := []Option{matrixRetry()}
			if withHTTPClient {
				opts = append(opts, WithHTTPClient(&http.Client{})) // CheckRedirect nil: would follow
			}
			c, mux := setup(t, opts...)
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				http.Redirect(w, r, target.URL+r.URL.Path, status)
			})
			for _, row := range []callKind{callKinds[0], callKinds[5], callKinds[7]} {
				err := row.call(context.Background(), c)
				var apiErr *Error
				if !errors.As(err, &apiErr) || apiErr.StatusCode != status || apiErr.Attempts != 1 {
					t.Errorf("%d %s (WithHTTPClient %v): %v; want an *Error with status %d", status, row.name, withHTTPClient, err, status)
					continue
				}
				if !strings.Contains(apiErr.Message, "redirect") {
					t.Errorf("%d: message %q does not say a redirect was not followed", status, apiErr.Message)
				}
			}
			if got := elsewhere.Load(); got != 0 {
				t.Errorf("%d (WithHTTPClient %v): the redirect target received %d requests", status, withHTTPClient, got)
			}
			if got := n.Load(); got != 3 {
				t.Errorf("%d: the server saw %d requests for 3 calls", status, got)
			}
		}
	}
}
