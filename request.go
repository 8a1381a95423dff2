package partnerapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// request is one API call, described before it is sent.
type request struct {
	api        *endpoint
	method     string
	path       string // escaped, starting with "/"
	query      string // encoded, without "?"
	body       any    // sent as JSON when non-nil
	idempotent bool   // may be resent after it reached the server
	// pace, when set, holds back each attempt of the call until the gate
	// admits it, and learns from each answer: the calls of one
	// [UsersService.Sync] or [UsersService.Report] share a gate. A call made
	// on its own has none.
	pace *rateGate
}

// documented is implemented by the types a call decodes a success body
// into when the body must hold an object: missing names what the body
// lacked, or is "" when it is complete.
type documented interface{ missing() string }

// maxErrorBody bounds how much of an error answer is read to decode it.
const maxErrorBody = 64 << 10

// do sends r and decodes its answer into out: the one request path of the
// SDK. It checks that the call can be made, builds the HTTP request, sends
// it with retries (send), then decodes a 2xx answer into out — which must
// then be what the API documents — and any other answer into an [*Error].
// Every error it returns is made here, through the client's redactor. It
// returns the HTTP status of the final answer.
func (c *client) do(ctx context.Context, r request, out any) (int, error) {
	if ctx == nil {
		return 0, invalidArg("nil context")
	}
	if err := r.api.ready(); err != nil {
		return 0, err
	}
	rawURL := r.api.base + r.path
	if r.query != "" {
		rawURL += "?" + r.query
	}
	req, err := c.newRequest(ctx, &r, rawURL)
	if err != nil {
		return 0, err
	}

	resp, attempts, err := c.send(req, &r)
	if err != nil {
		return 0, c.transportError(r.method, rawURL, attempts, err)
	}
	defer resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, c.errorFrom(resp, r.method, rawURL, attempts)
	}
	problem, cause := c.decodeBody(resp, out)
	switch {
	case problem == "":
		return resp.StatusCode, nil
	case ctx.Err() != nil || isNetError(cause):
		// The body was cut by the context or the connection, not by the server's fault.
		return resp.StatusCode, c.transportError(r.method, rawURL, attempts, cause)
	}
	return resp.StatusCode, &responseError{
		msg: fmt.Sprintf("partnerapi: %s %s: bad response: %d %s: %s", r.method, c.red.text(rawURL, maxURLShown),
			resp.StatusCode, http.StatusText(resp.StatusCode), c.red.text(problem, maxExcerpt)),
		err: c.red.error(cause),
	}
}

var (
	acceptJSON      = []string{"application/json"}
	contentTypeJSON = []string{"application/json"}
)

// newRequest builds the HTTP request of r: the JSON body, encoded once so
// that every attempt sends the same bytes, and the headers of r's API.
func (c *client) newRequest(ctx context.Context, r *request, rawURL string) (*retryablehttp.Request, error) {
	var body any // a nil interface, not []byte(nil): a GET must not go out chunked
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, c.red.error(invalidArg("encoding the request body: %v", err))
		}
		body = b
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, rawURL, body)
	if err != nil {
		return nil, c.red.error(invalidArg("building the request: %v", err))
	}
	req.Header = http.Header{
		"Accept":        acceptJSON,
		"Authorization": r.api.auth,
		"User-Agent":    c.userAgent,
	}
	if body != nil {
		req.Header["Content-Type"] = contentTypeJSON
	}
	return req, nil
}

// call is what one call's attempts run on: a go-retryablehttp loop with
// the client's settings and the retry policy of the call's kind, over a
// copy of the client's http.Client whose transport counts, logs and (for a
// paced call) paces this call's attempts. It is made for each call, in one
// allocation, so that nothing about the call rides in its context.
type call struct {
	retry    retryablehttp.Client
	http     http.Client
	attempts attemptTransport
}

// send makes the attempts of r: the first, and the retries the policy
// allows. It returns the last answer (whatever its status) or the error
// that ended the call, and how many attempts were made.
func (c *client) send(req *retryablehttp.Request, r *request) (*http.Response, int, error) {
	cl := &call{}
	cl.attempts = attemptTransport{base: c.transport, logger: c.logger, red: c.red, pace: r.pace}
	cl.http = c.httpClient
	cl.http.Transport = &cl.attempts
	cl.retry = retryablehttp.Client{
		HTTPClient:   &cl.http,
		Logger:       nil, // its own logger writes every request to stderr
		RetryWaitMin: c.retry.waitMin,
		RetryWaitMax: c.retry.waitMax,
		RetryMax:     c.retry.max,
		CheckRetry:   c.retry.policy(r.idempotent),
		Backoff:      backoff,
		// Hand back the last answer and error as they are: by default it
		// drains the answer and returns only "giving up after N attempts".
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) { return resp, err },
	}
	resp, err := cl.retry.Do(req)
	if err != nil && resp != nil {
		resp.Body.Close()
		resp = nil
	}
	return resp, cl.attempts.n, err
}

// attemptTransport carries the attempts of one call to the client's
// transport: it counts them, waits for the call's pacing gate if it has
// one, and with a logger writes one Debug record for each. It does not pass
// CloseIdleConnections on: go-retryablehttp calls that after failures, and
// emptying a pool shared by every goroutine of the [Client] would cost them
// all new connections.
type attemptTransport struct {
	base   http.RoundTripper
	logger *slog.Logger
	red    *redactor
	pace   *rateGate
	n      int // attempts so far; the retry loop makes them one after another
}

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.n++
	ctx := req.Context()
	var admitted admission
	if t.pace != nil {
		var err error
		if admitted, err = t.pace.admit(ctx); err != nil {
			return nil, err
		}
	}
	logging := t.logger != nil && t.logger.Enabled(ctx, slog.LevelDebug)
	var start time.Time
	if logging {
		start = time.Now()
	}
	resp, err := t.base.RoundTrip(req)
	if t.pace != nil {
		t.pace.done(&admitted, resp)
	}
	if logging {
		t.log(ctx, req, resp, err, time.Since(start))
	}
	return resp, err
}

// log writes the Debug record of one attempt: method, path without the
// query, duration, attempt, status (0 without an answer) and the error.
func (t *attemptTransport) log(ctx context.Context, req *http.Request, resp *http.Response, err error, took time.Duration) {
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", t.red.text(req.URL.Path, maxURLShown)),
		slog.Duration("duration", took),
		slog.Int("attempt", t.n),
		slog.Int("status", status),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", t.red.text(err.Error(), maxCauseShown)))
	}
	t.logger.LogAttrs(ctx, slog.LevelDebug, "partnerapi attempt", attrs...)
}

// maxCauseShown bounds the text of an underlying error (a transport's, a
// decoder's) in an error or a log record.
const maxCauseShown = 300

// decodeBody reads a success body into out (or discards it when out is
// nil), at most maxResponse bytes: one byte more is [ErrResponseTooLarge],
// and the rest is never read. It returns why the body is not the documented
// answer ("" when it is) and the error behind that, if any.
func (c *client) decodeBody(resp *http.Response, out any) (problem string, cause error) {
	capped := &cappedReader{r: resp.Body, left: c.maxResponse}
	var err error
	if out == nil {
		_, err = io.Copy(io.Discard, capped)
	} else {
		err = json.NewDecoder(capped).Decode(out)
	}
	if err != nil || capped.tooLarge {
		return c.decodeFailure(capped.tooLarge, err)
	}
	if d, ok := out.(documented); ok {
		if what := d.missing(); what != "" {
			return "no " + what + " in the answer", nil
		}
	}
	return "", nil
}

// decodeFailure says why a success body could not be read: the problem
// decodeBody returns, and the error behind it. It is apart from
// decodeBody so that a call that succeeds pays for none of it.
func (c *client) decodeFailure(tooLarge bool, err error) (problem string, cause error) {
	var parseErr *time.ParseError
	var typeErr *json.UnmarshalTypeError
	switch {
	case tooLarge || errors.Is(err, ErrResponseTooLarge):
		return fmt.Sprintf("more than %d bytes", c.maxResponse), ErrResponseTooLarge
	case errors.As(err, &parseErr):
		// Its text quotes the value, which may be a token: leave it out.
		return "a timestamp is not in RFC 3339 format", err
	case errors.As(err, &typeErr):
		// Its text names this package's Go types, which tell a caller nothing.
		if typeErr.Field == "" {
			return fmt.Sprintf("decoding the response: it is a JSON %s, not the documented shape", typeErr.Value), err
		}
		return fmt.Sprintf("decoding the response: %q is a JSON %s, not the documented type", typeErr.Field, typeErr.Value), err
	case err == io.EOF:
		return "an empty body", err
	default:
		return "decoding the response: " + err.Error(), err
	}
}

// isNetError reports whether err is a connection's failure.
func isNetError(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr)
}

// errorFrom builds the *Error for a non-2xx answer.
func (c *client) errorFrom(resp *http.Response, method, rawURL string, attempts int) *Error {
	limit := min(int64(maxErrorBody), c.maxResponse)
	body, _ := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if int64(len(body)) > limit {
		body = []byte(c.red.cutShort(string(body[:limit])))
	}
	e := decodeError(resp, body, c.red)
	e.Method, e.URL, e.Attempts = method, c.red.scrub(rawURL), attempts
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
			note += " (to " + loc.Scheme + "://" + c.red.text(loc.Host, maxFieldName) + ")"
		}
		if e.Message != "" {
			note += "; " + e.Message
		}
		e.Message = note
	}
	return e
}

// transportError builds the error of a call that got no usable answer.
func (c *client) transportError(method, rawURL string, attempts int, err error) error {
	msg := "partnerapi: " + method + " " + c.red.text(rawURL, maxURLShown) + ": "
	if attempts > 1 {
		msg += fmt.Sprintf("after %d attempts: ", attempts)
	}
	cause := err.Error()
	if ue, ok := err.(*url.Error); ok {
		cause = ue.Err.Error() // url.Error repeats method and URL
		if len(ue.URL) > maxURLShown {
			// Its text would be as long as the URL (a List of many ids).
			err = &url.Error{Op: ue.Op, URL: c.red.text(ue.URL, maxURLShown), Err: ue.Err}
		}
	}
	return &transportError{msg: msg + c.red.text(cause, maxCauseShown), attempts: attempts, err: c.red.error(err)}
}

// cappedReader reads at most left bytes from r; past that it reports
// [ErrResponseTooLarge] if r has more, without reading the rest.
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
