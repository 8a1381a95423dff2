package partnerapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// ErrResponseTooLarge is returned when a response body is larger than the
// limit set with WithMaxResponseBytes (default 10 MiB).
var ErrResponseTooLarge = errors.New("partnerapi: response body too large")

// request is one API call, described before it is sent.
type request struct {
	api        *endpoint
	method     string
	path       string // escaped, starting with "/"
	query      string // encoded, without "?"
	body       any    // sent as JSON when non-nil
	idempotent bool   // may be resent after it reached the server
}

// maxErrorBody bounds how much of an error answer is read to decode it.
const maxErrorBody = 64 << 10

// do sends r — the one request path of the SDK — and decodes a 2xx answer
// into out (when out is non-nil). Any other answer becomes an *Error. It
// returns the HTTP status of the final answer.
func (c *client) do(ctx context.Context, r request, out any) (int, error) {
	if ctx == nil {
		return 0, invalidArg("nil context")
	}
	if r.api.base == "" {
		return 0, invalidArg("no %s API base URL configured: use WithOrganization, WithUsersBaseURL or WithBaseURL", r.api.name)
	}
	rawURL := r.api.base + r.path
	if r.query != "" {
		rawURL += "?" + r.query
	}

	var body any // a nil interface, not []byte(nil): a GET must not go out chunked
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return 0, invalidArg("encoding the request body: %v", err)
		}
		body = b
	}

	st := &callState{idempotent: r.idempotent, gate: syncGateFrom(ctx)}
	req, err := retryablehttp.NewRequestWithContext(withCallState(ctx, st), r.method, rawURL, body)
	if err != nil {
		return 0, invalidArg("building the request: %v", err)
	}
	req.Header = http.Header{
		"Accept":        acceptJSON,
		"Authorization": r.api.auth,
		"User-Agent":    c.userAgent,
	}
	if body != nil {
		req.Header["Content-Type"] = contentTypeJSON
	}

	resp, err := c.http.Do(req)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return 0, &transportError{method: r.method, url: rawURL, attempts: st.attempts, err: err, scrub: c.scrub}
	}
	defer resp.Body.Close()

	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		if err := c.decodeBody(resp, out); err != nil {
			// The decoder's message may quote the body: scrub it.
			return resp.StatusCode, &scrubbedError{msg: c.scrub(fmt.Sprintf("partnerapi: %s %s: %v", r.method, rawURL, err)), err: err}
		}
		return resp.StatusCode, nil
	}
	return resp.StatusCode, c.errorFrom(resp, r.method, rawURL, st.attempts)
}

var (
	acceptJSON      = []string{"application/json"}
	contentTypeJSON = []string{"application/json"}
)

// decodeBody decodes a success body into out, reading at most maxResponse
// bytes; one byte more is ErrResponseTooLarge, and the rest is never read.
func (c *client) decodeBody(resp *http.Response, out any) error {
	capped := &cappedReader{r: resp.Body, left: c.maxResponse}
	if out == nil {
		_, err := io.Copy(io.Discard, capped)
		return err
	}
	if err := json.NewDecoder(capped).Decode(out); err != nil {
		if errors.Is(err, ErrResponseTooLarge) {
			return fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, c.maxResponse)
		}
		var pe *time.ParseError
		if errors.As(err, &pe) {
			// Its message quotes the value, which may be a token: leave it out.
			return &scrubbedError{msg: "decoding the response: a timestamp is not in RFC 3339 format", err: err}
		}
		return fmt.Errorf("decoding the response: %w", err)
	}
	if capped.tooLarge {
		return fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, c.maxResponse)
	}
	return nil
}

// errorFrom builds the *Error for a non-2xx answer.
func (c *client) errorFrom(resp *http.Response, method, rawURL string, attempts int) *Error {
	limit := int64(maxErrorBody)
	if c.maxResponse < limit {
		limit = c.maxResponse
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, limit))
	e := decodeError(resp, body, c.scrub)
	e.Method, e.URL, e.Attempts = method, rawURL, attempts
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		if d, ok := retryAfter(resp.Header, time.Now()); ok {
			e.RetryAfter = d
		}
	}
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		// Say so even when the body has text: a redirect's body is usually
		// boilerplate ("Found."), and the reason the call failed is ours.
		note := "redirect not followed"
		if loc, err := url.Parse(resp.Header.Get("Location")); err == nil && loc.Host != "" {
			note += " (to " + loc.Scheme + "://" + c.scrub(loc.Host) + ")"
		}
		if e.Message != "" {
			note += "; " + e.Message
		}
		e.Message = note
	}
	return e
}

// cappedReader reads at most left bytes from r; past that it reports
// ErrResponseTooLarge if r has more, without reading the rest.
type cappedReader struct {
	r        io.Reader
	left     int64
	tooLarge bool
}

func (cr *cappedReader) Read(p []byte) (int, error) {
	if cr.left <= 0 {
		var one [1]byte
		n, err := cr.r.Read(one[:])
		if n > 0 {
			cr.tooLarge = true
			return 0, ErrResponseTooLarge
		}
		if err == nil {
			err = io.EOF // a reader may answer 0, nil; treat the cap as the end
		}
		return 0, err
	}
	if int64(len(p)) > cr.left {
		p = p[:cr.left]
	}
	n, err := cr.r.Read(p)
	cr.left -= int64(n)
	return n, err
}

// transportError is a call that got no HTTP answer: the connection failed,
// or the context ended. It unwraps to the cause, so context errors stay
// matchable with errors.Is.
type transportError struct {
	method, url string
	attempts    int
	err         error
	scrub       func(string) string // removes the client's keys; a custom transport may quote them
}

func (e *transportError) Error() string {
	s := fmt.Sprintf("partnerapi: %s %s: ", e.method, e.url)
	if e.attempts > 1 {
		s += fmt.Sprintf("after %d attempts: ", e.attempts)
	}
	var ue *url.Error
	if errors.As(e.err, &ue) {
		s += ue.Err.Error() // url.Error repeats method and URL
	} else {
		s += e.err.Error()
	}
	if e.scrub != nil {
		s = e.scrub(s)
	}
	return s
}

func (e *transportError) Unwrap() error { return e.err }

// scrubbedError is a failure whose message was made safe to show (scrubbed
// of credentials, values left out); it unwraps to the original error.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }
