package partnerapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
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
		{keyCalls, 200, []string{`{}`, `null`, `{"name": "n"}`}},
		{readCalls, 200, []string{`{}`, `{"tracks": null, "interviews": null}`, `null`}},
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
			}
		}
	}
	// A key narrowed by Fields may lack its id: that is not an error.
	c, mux := setup(t)
	mux.Handle("/", answer(200, `{"name": "n"}`))
	if k, err := c.APIKeys.Get(context.Background(), seedPartner, seedKeyID, &GetAPIKeyOptions{Fields: []string{"name"}}); err != nil || k.Name != "n" {
		t.Errorf("Get with Fields: %+v, %v", k, err)
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
