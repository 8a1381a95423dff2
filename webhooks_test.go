package partnerapi_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	partnerapi "github.com/partnerapi/go-partnerapi"
)

// whKey is the verification key of the handlers under test.
const whKey = "0c5e4d9f6a7b8c9d0e1f2a3b4c5d6e7f"

// whInterview is the interview object of Big Interview's webhook
// documentation.
const whInterview = `{"id": 95607, "title": "Top 10 Questions", "interviewer_name": "Jordan",
 "category": "Top 10 Questions: 1", "completed": true,
 "created_at": "2015-05-18T16:37:13.000Z", "updated_at": "2015-05-25T05:00:00.000Z",
 "links": {"review": "/example/review/url", "retake": "/example/retake/url"}}`

// whBody is a webhook body in the documented shape.
func whBody(id, event, apiObject string) string {
	return `{"webhook": {"id": "` + id + `", "event_name": "` + event + `", "partner_id": "user-1",
 "api_id": "95607", "api_type": "Interview", "api_object": ` + apiObject + `}}`
}

// whCounter is a webhook callback that counts its calls and keeps the
// events, failing while fail says so.
type whCounter struct {
	mu     sync.Mutex
	events []*partnerapi.WebhookEvent
	calls  atomic.Int32
	fail   func(call int32, ev *partnerapi.WebhookEvent) error
}

func (c *whCounter) fn(_ context.Context, ev *partnerapi.WebhookEvent) error {
	n := c.calls.Add(1)
	c.mu.Lock()
	c.events = append(c.events, ev)
	c.mu.Unlock()
	if c.fail != nil {
		return c.fail(n, ev)
	}
	return nil
}

// whPost delivers body to h with the given Authorization values (none for
// no header) and returns the answer.
func whPost(h http.Handler, body string, auth ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/webhooks", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	for _, a := range auth {
		req.Header.Add("Authorization", a)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func checkStatus(t *testing.T, what string, rec *httptest.ResponseRecorder, want int) {
	t.Helper()
	if rec.Code != want {
		t.Fatalf("%s: status %d, want %d (body %q)", what, rec.Code, want, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("%s: Content-Type %q, want text/plain", what, ct)
	}
}

func TestWebhookHandlerAcceptsDocumentedEvent(t *testing.T) {
	var c whCounter
	h := partnerapi.WebhookHandler(whKey, c.fn)
	rec := whPost(h, whBody("123456789", "interview.created", whInterview), whKey)
	checkStatus(t, "delivery", rec, http.StatusOK)
	if len(c.events) != 1 {
		t.Fatalf("fn called %d times, want 1", len(c.events))
	}
	want := &partnerapi.WebhookEvent{
		ID: "123456789", EventName: "interview.created", PartnerID: "user-1",
		APIID: "95607", APIType: "Interview",
		Interview: &partnerapi.Interview{
			ID: 95607, Title: "Top 10 Questions", InterviewerName: "Jordan",
			Category: "Top 10 Questions: 1", Completed: true,
			CreatedAt: time.Date(2015, 5, 18, 16, 37, 13, 0, time.UTC),
			UpdatedAt: time.Date(2015, 5, 25, 5, 0, 0, 0, time.UTC),
			Links:     partnerapi.InterviewLinks{Review: "/example/review/url", Retake: "/example/retake/url"},
		},
	}
	if diff := cmp.Diff(want, c.events[0]); diff != "" {
		t.Fatalf("event (-want +got):\n%s", diff)
	}
}

func TestWebhookHandlerDeletedEventHasNoInterview(t *testing.T) {
	var c whCounter
	h := partnerapi.WebhookHandler(whKey, c.fn)
	checkStatus(t, "delivery", whPost(h, whBody("7", "interview.deleted", "null"), whKey), http.StatusOK)
	if len(c.events) != 1 {
		t.Fatalf("fn called %d times, want 1", len(c.events))
	}
	ev := c.events[0]
	if ev.Interview != nil || ev.EventName != "interview.deleted" || ev.APIID != "95607" || ev.PartnerID != "user-1" {
		t.Fatalf("deleted event = %+v, want no Interview, api_id 95607, partner user-1", ev)
	}
}

func TestWebhookHandlerMethodNotAllowed(t *testing.T) {
	var c whCounter
	h := partnerapi.WebhookHandler(whKey, c.fn)
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions} {
		req := httptest.NewRequest(m, "/webhooks", strings.NewReader(whBody("1", "interview.created", whInterview)))
		req.Header.Set("Authorization", whKey)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s: status %d, want 405", m, rec.Code)
		}
		if got := rec.Header().Get("Allow"); got != http.MethodPost {
			t.Errorf("%s: Allow %q, want POST", m, got)
		}
	}
	if n := c.calls.Load(); n != 0 {
		t.Fatalf("fn called %d times for non-POST requests", n)
	}
}

func TestWebhookHandlerUnauthorized(t *testing.T) {
	var c whCounter
	h := partnerapi.WebhookHandler(whKey, c.fn)
	body := whBody("1", "interview.created", whInterview)
	for name, auth := range map[string][]string{
		"missing":         nil,
		"empty":           {""},
		"wrong key":       {"ffffffffffffffffffffffffffffffff"},
		"prefix of key":   {whKey[:31]},
		"key plus a byte": {whKey + "0"},
		"other case":      {strings.ToUpper(whKey)},
		"with a scheme":   {"Bearer " + whKey},
		"key twice":       {whKey, whKey},
		"wrong then key":  {"nope", whKey},
	} {
		checkStatus(t, name, whPost(h, body, auth...), http.StatusUnauthorized)
	}
	if n := c.calls.Load(); n != 0 {
		t.Fatalf("fn called %d times for unauthorized requests", n)
	}
	// The right key still works after all that.
	checkStatus(t, "right key", whPost(h, body, whKey), http.StatusOK)
}

func TestWebhookHandlerEmptyKeyRefusesEverything(t *testing.T) {
	var c whCounter
	h := partnerapi.WebhookHandler("", c.fn)
	body := whBody("1", "interview.created", whInterview)
	for name, auth := range map[string][]string{
		"missing": nil, "empty": {""}, "any": {"anything"}, "space": {" "},
	} {
		checkStatus(t, name, whPost(h, body, auth...), http.StatusUnauthorized)
	}
	if n := c.calls.Load(); n != 0 {
		t.Fatalf("fn called %d times by a handler with no verification key", n)
	}
}

func TestWebhookHandlerNilFnPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("WebhookHandler(key, nil) did not panic")
		}
	}()
	partnerapi.WebhookHandler(whKey, nil)
}

// whSizedBody is a valid webhook body of exactly n bytes.
func whSizedBody(t *testing.T, id string, n int) string {
	t.Helper()
	head := `{"webhook":{"id":"` + id + `","event_name":"interview.deleted","api_id":"1","api_type":"Interview","api_object":null,"pad":"`
	tail := `"}}`
	if n < len(head)+len(tail) {
		t.Fatalf("body of %d bytes is too small", n)
	}
	return head + strings.Repeat("x", n-len(head)-len(tail)) + tail
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func TestWebhookHandlerBodyCap(t *testing.T) {
	const limit = 1 << 20
	var c whCounter
	h := partnerapi.WebhookHandler(whKey, c.fn)

	checkStatus(t, "exactly 1 MiB", whPost(h, whSizedBody(t, "1", limit), whKey), http.StatusOK)
	checkStatus(t, "1 MiB + 1 with Content-Length", whPost(h, whSizedBody(t, "2", limit+1), whKey), http.StatusRequestEntityTooLarge)

	// Without a Content-Length, the body is read up to the cap and no
	// further: 10 MiB offered, at most the cap and a byte taken.
	cr := &countingReader{r: strings.NewReader(whSizedBody(t, "3", 10*limit))}
	req := httptest.NewRequest(http.MethodPost, "/webhooks", io.NopCloser(cr))
	req.ContentLength = -1
	req.Header.Set("Authorization", whKey)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	checkStatus(t, "10 MiB, length unknown", rec, http.StatusRequestEntityTooLarge)
	if n := cr.n.Load(); n > limit+4096 {
		t.Fatalf("read %d bytes of an oversized body; want at most the cap and a little", n)
	}
	if n := c.calls.Load(); n != 1 {
		t.Fatalf("fn called %d times, want 1 (for the body at the cap only)", n)
	}
}

func TestWebhookHandlerBadRequest(t *testing.T) {
	var c whCounter
	h := partnerapi.WebhookHandler(whKey, c.fn)
	for name, body := range map[string]string{
		"empty":              ``,
		"not JSON":           `webhook=1`,
		"truncated":          whBody("1", "interview.created", whInterview)[:40],
		"trailing garbage":   whBody("1", "interview.created", whInterview) + `x`,
		"array":              `[]`,
		"no webhook":         `{}`,
		"null webhook":       `{"webhook": null}`,
		"webhook not object": `{"webhook": "x"}`,
		"no id":              `{"webhook": {"event_name": "interview.created"}}`,
		"empty id":           `{"webhook": {"id": "", "event_name": "interview.created"}}`,
		"null id":            `{"webhook": {"id": null, "event_name": "interview.created"}}`,
		"id is bool":         `{"webhook": {"id": true, "event_name": "interview.created"}}`,
		"no event_name":      `{"webhook": {"id": "1"}}`,
		"empty event_name":   `{"webhook": {"id": "1", "event_name": ""}}`,
		"api_id is object":   `{"webhook": {"id": "1", "event_name": "interview.created", "api_id": {}}}`,
		"api_object bad":     `{"webhook": {"id": "1", "event_name": "interview.created", "api_type": "Interview", "api_object": {"id": "x"}}}`,
		"api_object array":   `{"webhook": {"id": "1", "event_name": "interview.created", "api_type": "Interview", "api_object": []}}`,
	} {
		checkStatus(t, name, whPost(h, body, whKey), http.StatusBadRequest)
	}
	if n := c.calls.Load(); n != 0 {
		t.Fatalf("fn called %d times for bad bodies", n)
	}
}

func TestWebhookHandlerIDsAsStringOrNumber(t *testing.T) {
	var c whCounter
	h := partnerapi.WebhookHandler(whKey, c.fn)
	bodies := []string{
		`{"webhook": {"id": "11", "event_name": "interview.deleted", "api_id": "95607", "api_type": "Interview", "api_object": null}}`,
		`{"webhook": {"id": 12, "event_name": "interview.deleted", "api_id": 95607, "api_type": "Interview", "api_object": null}}`,
	}
	for i, b := range bodies {
		checkStatus(t, fmt.Sprint("body ", i), whPost(h, b, whKey), http.StatusOK)
	}
	if len(c.events) != 2 {
		t.Fatalf("fn called %d times, want 2", len(c.events))
	}
	for i, want := range []string{"11", "12"} {
		if ev := c.events[i]; ev.ID != want || ev.APIID != "95607" {
			t.Errorf("event %d: id %q api_id %q, want %q and \"95607\"", i, ev.ID, ev.APIID, want)
		}
	}
}

func TestWebhookHandlerFnErrorIsRetried(t *testing.T) {
	const secretDetail = "database password hunter2 rejected"
	c := whCounter{fail: func(call int32, _ *partnerapi.WebhookEvent) error {
		if call == 1 {
			return errors.New(secretDetail)
		}
		return nil
	}}
	h := partnerapi.WebhookHandler(whKey, c.fn)
	body := whBody("42", "interview.updated", whInterview)

	rec := whPost(h, body, whKey)
	checkStatus(t, "first delivery", rec, http.StatusInternalServerError)
	if strings.Contains(rec.Body.String(), "hunter2") || strings.Contains(rec.Body.String(), "database") {
		t.Fatalf("the 500 answer shows fn's error: %q", rec.Body.String())
	}
	checkStatus(t, "redelivery after the failure", whPost(h, body, whKey), http.StatusOK)
	if n := c.calls.Load(); n != 2 {
		t.Fatalf("fn called %d times, want 2: a failed event is not remembered", n)
	}
	checkStatus(t, "redelivery after the success", whPost(h, body, whKey), http.StatusOK)
	if n := c.calls.Load(); n != 2 {
		t.Fatalf("fn called %d times, want still 2: an acknowledged event is not processed again", n)
	}
}

func TestWebhookHandlerPanicLeavesEventUnacknowledged(t *testing.T) {
	var calls atomic.Int32
	h := partnerapi.WebhookHandler(whKey, func(context.Context, *partnerapi.WebhookEvent) error {
		if calls.Add(1) == 1 {
			panic("boom")
		}
		return nil
	})
	body := whBody("9", "interview.created", whInterview)
	func() {
		defer func() { _ = recover() }()
		whPost(h, body, whKey)
	}()
	checkStatus(t, "redelivery after a panic", whPost(h, body, whKey), http.StatusOK)
	if n := calls.Load(); n != 2 {
		t.Fatalf("fn called %d times, want 2", n)
	}
}

func TestWebhookHandlerRedeliveryCallsFnOnce(t *testing.T) {
	var c whCounter
	h := partnerapi.WebhookHandler(whKey, c.fn)
	a := whBody("100", "interview.created", whInterview)
	checkStatus(t, "first delivery", whPost(h, a, whKey), http.StatusOK)
	checkStatus(t, "redelivery", whPost(h, a, whKey), http.StatusOK)
	if n := c.calls.Load(); n != 1 {
		t.Fatalf("fn called %d times for two deliveries of one event, want 1", n)
	}
	checkStatus(t, "another event", whPost(h, whBody("101", "interview.created", whInterview), whKey), http.StatusOK)
	if n := c.calls.Load(); n != 2 {
		t.Fatalf("fn called %d times after a second event, want 2", n)
	}
}

func TestWebhookHandlerRemembersTheLast10000IDs(t *testing.T) {
	var c whCounter
	h := partnerapi.WebhookHandler(whKey, c.fn)
	ev := func(id int) string {
		return `{"webhook":{"id":"` + fmt.Sprint(id) + `","event_name":"interview.deleted","api_object":null}}`
	}
	for id := 0; id <= 10000; id++ { // 10,001 distinct ids
		if rec := whPost(h, ev(id), whKey); rec.Code != http.StatusOK {
			t.Fatalf("id %d: status %d", id, rec.Code)
		}
	}
	if n := c.calls.Load(); n != 10001 {
		t.Fatalf("fn called %d times for 10,001 distinct ids", n)
	}
	// id 1 is among the last 10,000: still remembered.
	checkStatus(t, "redelivery of id 1", whPost(h, ev(1), whKey), http.StatusOK)
	if n := c.calls.Load(); n != 10001 {
		t.Fatalf("redelivery of id 1 called fn (%d calls): it should be remembered", n)
	}
	// id 0 was the oldest, forgotten when id 10000 came.
	checkStatus(t, "redelivery of id 0", whPost(h, ev(0), whKey), http.StatusOK)
	if n := c.calls.Load(); n != 10002 {
		t.Fatalf("redelivery of id 0 did not call fn (%d calls): it should be forgotten", n)
	}
}

// waitForClaimWaiters waits until n goroutines are blocked waiting for
// another delivery of the same event, as their stacks show.
func waitForClaimWaiters(t *testing.T, n int) {
	t.Helper()
	buf := make([]byte, 1<<20)
	for deadline := time.Now().Add(20 * time.Second); ; {
		stacks := string(buf[:runtime.Stack(buf, true)])
		got := 0
		for _, g := range strings.Split(stacks, "\n\n") {
			if strings.Contains(g, "partnerapi.(*eventSet).claim") && strings.Contains(g, "[select") {
				got++
			}
		}
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries waiting for the one in progress, want %d", got, n)
		}
		runtime.Gosched()
	}
}

func TestWebhookHandlerConcurrentDeliveriesCallFnOnce(t *testing.T) {
	for _, tc := range []struct {
		name      string
		failFirst bool
		wantCalls int32
		want500   int
	}{
		{name: "fn succeeds", wantCalls: 1},
		{name: "fn fails first", failFirst: true, wantCalls: 2, want500: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const deliveries = 8
			entered, release := make(chan struct{}), make(chan struct{})
			var calls atomic.Int32
			h := partnerapi.WebhookHandler(whKey, func(context.Context, *partnerapi.WebhookEvent) error {
				n := calls.Add(1)
				if n == 1 {
					close(entered)
					<-release
					if tc.failFirst {
						return errors.New("temporary failure")
					}
				}
				return nil
			})
			body := whBody("555", "interview.updated", whInterview)
			codes := make(chan int, deliveries)
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { defer wg.Done(); codes <- whPost(h, body, whKey).Code }()
			<-entered // the first delivery is in fn
			for i := 1; i < deliveries; i++ {
				wg.Add(1)
				go func() { defer wg.Done(); codes <- whPost(h, body, whKey).Code }()
			}
			waitForClaimWaiters(t, deliveries-1)
			close(release)
			wg.Wait()
			close(codes)
			var n500, n200 int
			for c := range codes {
				switch c {
				case http.StatusOK:
					n200++
				case http.StatusInternalServerError:
					n500++
				default:
					t.Errorf("status %d", c)
				}
			}
			if got := calls.Load(); got != tc.wantCalls {
				t.Errorf("fn called %d times for %d concurrent deliveries, want %d", got, deliveries, tc.wantCalls)
			}
			if n500 != tc.want500 || n200 != deliveries-tc.want500 {
				t.Errorf("%d answered 200 and %d 500, want %d and %d", n200, n500, deliveries-tc.want500, tc.want500)
			}
		})
	}
}

func TestWebhookHandlerWaitingDeliveryEndsWithItsRequest(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	h := partnerapi.WebhookHandler(whKey, func(context.Context, *partnerapi.WebhookEvent) error {
		close(entered)
		<-release
		return nil
	})
	body := whBody("77", "interview.created", whInterview)
	done := make(chan int)
	go func() { done <- whPost(h, body, whKey).Code }()
	<-entered

	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/webhooks", strings.NewReader(body))
	req.Header.Set("Authorization", whKey)
	rec := httptest.NewRecorder()
	waiting := make(chan struct{})
	go func() { h.ServeHTTP(rec, req); close(waiting) }()
	waitForClaimWaiters(t, 1)
	cancel()
	<-waiting // returns although the first delivery is still in fn
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("a waiting delivery whose request ended: status %d, want 503", rec.Code)
	}
	close(release)
	if code := <-done; code != http.StatusOK {
		t.Fatalf("first delivery: status %d", code)
	}
}

func TestWebhookHandlerNeverShowsTheKey(t *testing.T) {
	fail := true
	h := partnerapi.WebhookHandler(whKey, func(_ context.Context, ev *partnerapi.WebhookEvent) error {
		if fail {
			return fmt.Errorf("cannot handle event signed with %s", whKey)
		}
		return nil
	})
	good := whBody("1", "interview.created", whInterview)
	var answers []*httptest.ResponseRecorder
	get := httptest.NewRequest(http.MethodGet, "/webhooks", nil)
	get.Header.Set("Authorization", whKey)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, get)
	answers = append(answers,
		rec,
		whPost(h, good, whKey[:16]+"ffffffffffffffff"), // 401 for a near miss
		whPost(h, good),
		whPost(h, whSizedBody(t, "2", 1<<20+1), whKey),                   // 413
		whPost(h, `{"webhook":{"id":"`+whKey+`"}}`, whKey),               // 400, the key inside the body
		whPost(h, `{"webhook":{"id":"3","event_name":"`+whKey+``, whKey), // 400, bad JSON around the key
		whPost(h, good, whKey),                                           // 500, fn's error names the key
	)
	fail = false
	answers = append(answers, whPost(h, good, whKey), whPost(h, good, whKey)) // 200, then 200 already done
	wantCodes := []int{405, 401, 401, 413, 400, 400, 500, 200, 200}
	for i, a := range answers {
		if a.Code != wantCodes[i] {
			t.Errorf("answer %d: status %d, want %d", i, a.Code, wantCodes[i])
		}
		for _, piece := range []string{whKey, whKey[:8], whKey[8:16], whKey[16:24], whKey[24:]} {
			if strings.Contains(strings.ToLower(a.Body.String()), piece) {
				t.Errorf("answer %d (%d) shows the key: %q", i, a.Code, a.Body.String())
			}
			for name, vals := range a.Header() {
				if strings.Contains(strings.ToLower(strings.Join(vals, " ")), piece) {
					t.Errorf("answer %d header %s shows the key", i, name)
				}
			}
		}
		if len(a.Body.String()) > 120 {
			t.Errorf("answer %d is not short: %q", i, a.Body.String())
		}
	}
}

// A panicking fn is answered 500, so that the sender retries, whether the
// handler runs in a server or is called directly; a server's ErrorLog
// records the panic.
func TestWebhookHandlerPanicAnswers500(t *testing.T) {
	var calls atomic.Int32
	h := partnerapi.WebhookHandler(whKey, func(context.Context, *partnerapi.WebhookEvent) error {
		if calls.Add(1)%2 == 1 {
			panic("boom")
		}
		return nil
	})

	// Through ServeHTTP: no panic reaches the caller.
	rec := whPost(h, whBody("p1", "interview.created", whInterview), whKey)
	checkStatus(t, "ServeHTTP, fn panicked", rec, http.StatusInternalServerError)
	checkStatus(t, "ServeHTTP, redelivery", whPost(h, whBody("p1", "interview.created", whInterview), whKey), http.StatusOK)

	// Over a real server.
	var logs strings.Builder // read after Close, which waits for the handlers
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(&logs, "", 0)
	srv.Start()
	defer srv.Close()
	post := func(id string) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(whBody(id, "interview.created", whInterview)))
		req.Header.Set("Authorization", whKey)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatalf("delivery of %s: %v", id, err)
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}
	if got := post("p2"); got != http.StatusInternalServerError {
		t.Fatalf("over a server, fn panicked: status %d, want 500", got)
	}
	if got := post("p2"); got != http.StatusOK {
		t.Fatalf("over a server, redelivery: status %d, want 200", got)
	}
	srv.Close()
	if out := logs.String(); !strings.Contains(out, "panic") || !strings.Contains(out, "boom") {
		t.Errorf("the server's ErrorLog has %q; want the panic", out)
	}
}
