package mockserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/internal/testenv"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// whBody decodes a delivered body, keeping api_object raw.
type whBody struct {
	Webhook struct {
		ID        string          `json:"id"`
		EventName string          `json:"event_name"`
		PartnerID string          `json:"partner_id"`
		APIID     string          `json:"api_id"`
		APIType   string          `json:"api_type"`
		APIObject json.RawMessage `json:"api_object"`
	} `json:"webhook"`
}

func decodeWHBody(t *testing.T, b []byte) whBody {
	t.Helper()
	var doc whBody
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("webhook body %s: %v", b, err)
	}
	return doc
}

var eventIDRe = regexp.MustCompile(`^[1-9][0-9]{8}$`)

// apiExampleInterview is the interview object of Big Interview's partner
// docs (its "Interviews" example: id 95607, "Top 10 Questions", Jordan).
var apiExampleInterview = partnerapi.Interview{
	ID: 95607, Title: "Top 10 Questions", InterviewerName: "Jordan",
	Category: "Top 10 Questions: 1", Completed: true,
	CreatedAt: time.Date(2015, 5, 18, 16, 37, 13, 0, time.UTC),
	UpdatedAt: time.Date(2015, 5, 25, 5, 0, 0, 0, time.UTC),
	Links:     partnerapi.InterviewLinks{Review: "/example/review/url", Retake: "/example/retake/url"},
}

func TestWebhookHeadersAndBody(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "user-1")
	rc := newWHReceiver(t, f.srv, nil)
	key := f.srv.AddWebhook(f.p, rc.URL)
	if !keyRe.MatchString(key) {
		t.Fatalf("verification key %q is not 32 hex digits", key)
	}
	if _, err := f.srv.AddInterview(f.p, "user-1", apiExampleInterview); err != nil {
		t.Fatal(err)
	}
	f.srv.Advance(0) // waits for the first attempt

	got := rc.received()
	if len(got) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(got))
	}
	r := got[0]
	if r.method != http.MethodPost || r.path != "/hooks/big-interview" {
		t.Errorf("request %s %s, want POST /hooks/big-interview", r.method, r.path)
	}
	for name, want := range map[string]string{
		"Authorization": key,
		"Content-Type":  "application/json; charset=utf-8",
		"User-Agent":    "BigInterview/1.0",
	} {
		if v := r.header.Values(name); len(v) != 1 || v[0] != want {
			t.Errorf("header %s = %q, want %q", name, v, want)
		}
	}
	ds := f.srv.Deliveries()
	if len(ds) != 1 {
		t.Fatalf("%d deliveries, want 1", len(ds))
	}
	id := ds[0].EventID
	if !eventIDRe.MatchString(id) {
		t.Fatalf("event id %q is not a string of 9 digits", id)
	}
	// Big Interview's webhook guide documents the body as {"webhook": {"id":
	// "123456789", "event_name": "interview.created", "partner_id":
	// "{partner_id}", "api_id": "95607", "api_type": "Interview",
	// "api_object": {the interview}}}, the interview as the users API shows it.
	want := `{"webhook":{"id":"` + id + `","event_name":"interview.created","partner_id":"user-1",` +
		`"api_id":"95607","api_type":"Interview","api_object":{"id":95607,"title":"Top 10 Questions",` +
		`"interviewer_name":"Jordan","category":"Top 10 Questions: 1","completed":true,` +
		`"created_at":"2015-05-18T16:37:13.000Z","updated_at":"2015-05-25T05:00:00.000Z",` +
		`"links":{"review":"/example/review/url","retake":"/example/retake/url"}}}}`
	if string(r.body) != want {
		t.Fatalf("body\n got %s\nwant %s", r.body, want)
	}

	// api_object is byte for byte what GET …/interviews shows.
	a := raw(t, f.srv, http.MethodGet, "/api/users/user-1/interviews", "", "Authorization", f.p.APIKey)
	var list struct{ Interviews []json.RawMessage }
	if err := json.Unmarshal(a.body, &list); err != nil || len(list.Interviews) != 1 {
		t.Fatalf("interviews answer %s: %v", a.body, err)
	}
	if obj := decodeWHBody(t, r.body).Webhook.APIObject; !bytes.Equal(obj, list.Interviews[0]) {
		t.Fatalf("api_object\n%s\ndiffers from the users API's\n%s", obj, list.Interviews[0])
	}
	if d := ds[0]; d.EventName != "interview.created" || d.URL != rc.URL || d.Attempt != 1 || d.Status != 200 || d.Err != "" {
		t.Fatalf("delivery %+v", d)
	}
}

func TestWebhookEachEvent(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "user-1")
	rc := newWHReceiver(t, f.srv, nil)
	f.srv.AddWebhook(f.p, rc.URL)

	iv, err := f.srv.AddInterview(f.p, "user-1", partnerapi.Interview{Title: "Behavioral", Category: "General"})
	if err != nil {
		t.Fatal(err)
	}
	created := iv
	f.srv.Advance(time.Hour)
	iv.Title, iv.Completed = "Behavioral (retake)", true
	if err := f.srv.UpdateInterview(f.p, "user-1", iv); err != nil {
		t.Fatal(err)
	}
	updateTime := f.srv.Now()
	if err := f.srv.DeleteInterview(f.p, "user-1", iv.ID); err != nil {
		t.Fatal(err)
	}
	f.srv.Advance(0)

	got := rc.received()
	if len(got) != 3 {
		t.Fatalf("receiver got %d requests, want 3", len(got))
	}
	var ids []string
	for i, want := range []string{"interview.created", "interview.updated", "interview.deleted"} {
		b := decodeWHBody(t, got[i].body).Webhook
		if b.EventName != want || b.PartnerID != "user-1" || b.APIType != "Interview" || b.APIID != itoa(iv.ID) {
			t.Errorf("event %d = %+v, want %s about interview %d of user-1", i, b, want, iv.ID)
		}
		ids = append(ids, b.ID)
		if want == "interview.deleted" {
			if string(b.APIObject) != "null" {
				t.Errorf("deleted: api_object %s, want null", b.APIObject)
			}
			continue
		}
		var obj partnerapi.Interview
		if err := json.Unmarshal(b.APIObject, &obj); err != nil {
			t.Fatal(err)
		}
		if want == "interview.updated" {
			if obj.Title != "Behavioral (retake)" || !obj.Completed || !obj.CreatedAt.Equal(iv.CreatedAt) {
				t.Errorf("updated: api_object %+v", obj)
			}
			if !obj.UpdatedAt.After(iv.UpdatedAt.Add(59*time.Minute)) || obj.UpdatedAt.After(updateTime) {
				t.Errorf("updated: updated_at %v, want the fake's time of the update (an hour after %v)", obj.UpdatedAt, iv.UpdatedAt)
			}
		} else if diff := cmp.Diff(created, obj); diff != "" {
			t.Errorf("created: api_object (-want +got):\n%s", diff)
		}
	}
	for i, id := range ids {
		if !eventIDRe.MatchString(id) {
			t.Errorf("event id %q is not 9 digits", id)
		}
		if i > 0 && id <= ids[i-1] {
			t.Errorf("event ids %v do not count up", ids)
		}
	}
}

func TestWebhookRetriedUntil200(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "user-1")
	// 500, then no answer at all, then 200.
	rc := newWHReceiver(t, f.srv, func(n int) int { return [...]int{500, 0, 200}[min(n, 3)-1] })
	key := f.srv.AddWebhook(f.p, rc.URL)
	if _, err := f.srv.AddInterview(f.p, "user-1", apiExampleInterview); err != nil {
		t.Fatal(err)
	}

	f.srv.Advance(9 * time.Minute) // waits for the first attempt; the retry is not due yet
	if n := len(f.srv.Deliveries()); n != 1 {
		t.Fatalf("after 9 minutes: %d attempts, want 1", n)
	}
	f.srv.Advance(time.Minute)
	if n := len(f.srv.Deliveries()); n != 2 {
		t.Fatalf("after 10 minutes: %d attempts, want 2", n)
	}
	f.srv.Advance(10 * time.Minute)
	f.srv.Advance(2 * time.Hour) // nothing more: the third attempt succeeded

	ds := f.srv.Deliveries()
	if len(ds) != 3 {
		t.Fatalf("%d attempts, want 3: %+v", len(ds), ds)
	}
	for i, d := range ds {
		if d.Attempt != i+1 || d.EventID != ds[0].EventID || d.EventName != "interview.created" || d.URL != rc.URL {
			t.Errorf("attempt %d: %+v", i+1, d)
		}
		if i > 0 {
			if gap := d.At.Sub(ds[i-1].At); gap != 10*time.Minute {
				t.Errorf("attempt %d came %v after the one before, want 10m", i+1, gap)
			}
		}
	}
	if ds[0].Status != 500 || ds[0].Err != "" {
		t.Errorf("attempt 1: status %d err %q, want 500 and no error", ds[0].Status, ds[0].Err)
	}
	if ds[1].Status != 0 || ds[1].Err == "" {
		t.Errorf("attempt 2 (no answer): status %d err %q, want 0 and an error", ds[1].Status, ds[1].Err)
	}
	if ds[2].Status != 200 || ds[2].Err != "" {
		t.Errorf("attempt 3: status %d err %q, want 200", ds[2].Status, ds[2].Err)
	}
	for _, d := range ds {
		if strings.Contains(d.Err, key) {
			t.Errorf("delivery error shows the verification key: %q", d.Err)
		}
	}
	got := rc.received()
	if len(got) != 3 {
		t.Fatalf("receiver got %d requests, want 3", len(got))
	}
	for i, r := range got {
		if !bytes.Equal(r.body, got[0].body) || r.header.Get("Authorization") != key {
			t.Errorf("request %d differs from the first: %s", i+1, r.body)
		}
		// A retry is made with the fake's clock at its due time.
		if i > 0 && (r.fakeNow.Before(ds[i].At) || !r.fakeNow.Before(ds[i].At.Add(10*time.Minute))) {
			t.Errorf("request %d: the fake's clock read %v, want from its due time %v", i+1, r.fakeNow, ds[i].At)
		}
	}
}

func TestWebhookGivesUpAfterSixAttempts(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "user-1")
	rc := newWHReceiver(t, f.srv, func(int) int { return http.StatusServiceUnavailable })
	f.srv.AddWebhook(f.p, rc.URL)
	if _, err := f.srv.AddInterview(f.p, "user-1", apiExampleInterview); err != nil {
		t.Fatal(err)
	}
	f.srv.Advance(2 * time.Hour) // every retry falls due within it, in one call
	ds := f.srv.Deliveries()
	if len(ds) != 6 {
		t.Fatalf("%d attempts after 2 hours, want 6", len(ds))
	}
	for i, d := range ds {
		if d.Attempt != i+1 || d.Status != 503 {
			t.Errorf("attempt %d: %+v", i+1, d)
		}
		if i > 0 && d.At.Sub(ds[i-1].At) != 10*time.Minute {
			t.Errorf("attempt %d came %v after the one before, want 10m", i+1, d.At.Sub(ds[i-1].At))
		}
	}
	f.srv.Advance(2 * time.Hour)
	if n := len(f.srv.Deliveries()); n != 6 {
		t.Fatalf("%d attempts after 4 hours, want still 6", n)
	}
	if n := len(rc.received()); n != 6 {
		t.Fatalf("receiver got %d requests, want 6", n)
	}
}

func TestWebhookConnectionErrorAndRedirectAreFailures(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "user-1")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + ln.Addr().String() + "/hook"
	ln.Close() // nothing listens there now
	moved := newWHReceiver(t, f.srv, func(int) int { return http.StatusFound })
	deadKey := f.srv.AddWebhook(f.p, deadURL)
	f.srv.AddWebhook(f.p, moved.URL)
	if _, err := f.srv.AddInterview(f.p, "user-1", apiExampleInterview); err != nil {
		t.Fatal(err)
	}
	f.srv.Advance(10 * time.Minute)
	byURL := map[string][]mockserver.Delivery{}
	for _, d := range f.srv.Deliveries() {
		byURL[d.URL] = append(byURL[d.URL], d)
	}
	if ds := byURL[deadURL]; len(ds) != 2 || ds[0].Status != 0 || ds[0].Err == "" || ds[1].Attempt != 2 {
		t.Fatalf("deliveries to a closed port: %+v, want two failed attempts with errors", ds)
	} else if strings.Contains(ds[0].Err, deadKey) {
		t.Fatalf("error shows the verification key: %q", ds[0].Err)
	}
	if ds := byURL[moved.URL]; len(ds) != 2 || ds[0].Status != 302 || ds[1].Status != 302 {
		t.Fatalf("deliveries to a redirect: %+v, want two attempts answered 302", ds)
	}
}

func TestWebhookSeedingDoesNotWaitForTheReceiver(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "user-1")
	release := make(chan struct{})
	arrived := make(chan struct{}, 10)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
	}))
	t.Cleanup(slow.Close)
	f.srv.AddWebhook(f.p, slow.URL)

	// The receiver does not answer until release: if seeding waited for
	// it, these calls would never return.
	iv, err := f.srv.AddInterview(f.p, "user-1", apiExampleInterview)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.srv.UpdateInterview(f.p, "user-1", iv); err != nil {
		t.Fatal(err)
	}
	<-arrived // the first attempt is made without anyone calling Advance
	if n := len(f.srv.Deliveries()); n != 0 {
		t.Fatalf("%d deliveries journaled while the receiver has not answered", n)
	}
	close(release)
	f.srv.Advance(0) // waits for both first attempts
	ds := f.srv.Deliveries()
	if len(ds) != 2 || ds[0].EventName != "interview.created" || ds[1].EventName != "interview.updated" ||
		ds[0].Status != 200 || ds[1].Status != 200 {
		t.Fatalf("deliveries %+v, want created then updated, both 200", ds)
	}
}

func TestWebhookURLsPerPartner(t *testing.T) {
	srv := mockserver.New(mockserver.WithStartTime(start))
	t.Cleanup(srv.Close)
	pa, pb := srv.AddPartner("alpha"), srv.AddPartner("beta")
	for _, p := range []*mockserver.Partner{pa, pb} {
		c := newClient(t, srv, p)
		if _, err := c.Users.CreateOrUpdate(ctx, "user-1", params); err != nil {
			t.Fatal(err)
		}
	}
	a1, a2, b1 := newWHReceiver(t, srv, nil), newWHReceiver(t, srv, nil), newWHReceiver(t, srv, nil)
	k1, k2 := srv.AddWebhook(pa, a1.URL), srv.AddWebhook(pa, a2.URL)
	srv.AddWebhook(pb, b1.URL)
	if k1 == k2 {
		t.Fatal("two registrations got the same verification key")
	}
	if _, err := srv.AddInterview(pa, "user-1", apiExampleInterview); err != nil {
		t.Fatal(err)
	}
	srv.Advance(0)
	for _, c := range []struct {
		rc  *whReceiver
		key string
	}{{a1, k1}, {a2, k2}} {
		got := c.rc.received()
		if len(got) != 1 || got[0].header.Get("Authorization") != c.key {
			t.Fatalf("alpha's receiver got %d requests (want 1, with its own key)", len(got))
		}
	}
	if !bytes.Equal(a1.received()[0].body, a2.received()[0].body) {
		t.Fatal("one event, two bodies")
	}
	if n := len(b1.received()); n != 0 {
		t.Fatalf("beta's receiver got %d of alpha's events", n)
	}
}

func TestWebhookDeliveriesJournalIsBounded(t *testing.T) {
	srv := mockserver.New(mockserver.WithStartTime(start), mockserver.WithJournalSize(3))
	t.Cleanup(srv.Close)
	p := srv.AddPartner("xyz")
	if _, err := newClient(t, srv, p).Users.CreateOrUpdate(ctx, "user-1", params); err != nil {
		t.Fatal(err)
	}
	rc := newWHReceiver(t, srv, nil)
	srv.AddWebhook(p, rc.URL)
	var ivs []int64
	for i := 0; i < 5; i++ {
		iv, err := srv.AddInterview(p, "user-1", partnerapi.Interview{Title: "t"})
		if err != nil {
			t.Fatal(err)
		}
		ivs = append(ivs, iv.ID)
		srv.Advance(0) // one at a time, so the journal's order is known
	}
	ds := srv.Deliveries()
	if len(ds) != 3 {
		t.Fatalf("%d deliveries kept with a journal of 3", len(ds))
	}
	got := rc.received()
	for i, d := range ds {
		b := decodeWHBody(t, got[i+2].body).Webhook
		if d.EventID != b.ID || b.APIID != itoa(ivs[i+2]) {
			t.Errorf("journal entry %d is event %s, want the %d-th event %s", i, d.EventID, i+3, b.ID)
		}
	}
}

func TestAddWebhookRefusesBadSetup(t *testing.T) {
	srv := mockserver.New()
	t.Cleanup(srv.Close)
	other := mockserver.New()
	t.Cleanup(other.Close)
	p := srv.AddPartner("xyz")
	stranger := other.AddPartner("abc")
	for name, fn := range map[string]func(){
		"nil partner":      func() { srv.AddWebhook(nil, "http://127.0.0.1/hook") },
		"unknown partner":  func() { srv.AddWebhook(stranger, "http://127.0.0.1/hook") },
		"relative URL":     func() { srv.AddWebhook(p, "/hook") },
		"empty URL":        func() { srv.AddWebhook(p, "") },
		"ftp URL":          func() { srv.AddWebhook(p, "ftp://127.0.0.1/hook") },
		"unparseable URL":  func() { srv.AddWebhook(p, "http://[::1/hook") },
		"no host":          func() { srv.AddWebhook(p, "http:///hook") },
		"scheme-less host": func() { srv.AddWebhook(p, "127.0.0.1:8080/hook") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: AddWebhook did not panic", name)
				}
			}()
			fn()
		}()
	}
}

func TestWebhookNothingWithoutRegistration(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "user-1")
	if _, err := f.srv.AddInterview(f.p, "user-1", apiExampleInterview); err != nil {
		t.Fatal(err)
	}
	f.srv.Advance(2 * time.Hour)
	if ds := f.srv.Deliveries(); len(ds) != 0 {
		t.Fatalf("deliveries with no webhook registered: %+v", ds)
	}
}

// senderGoroutines counts the goroutines running the fake's webhook
// sender or an HTTP client connection.
func senderGoroutines() (sender, conns int) {
	buf := make([]byte, 1<<22)
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		switch {
		case strings.Contains(g, "mockserver.(*webhookSender)"):
			sender++
		case strings.Contains(g, "net/http.(*persistConn)"):
			conns++
		}
	}
	return sender, conns
}

func TestWebhookCloseWithPendingRetriesLeaksNothing(t *testing.T) {
	baseline := runtime.NumGoroutine()
	_, baseConns := senderGoroutines()

	srv := mockserver.New(mockserver.WithStartTime(start))
	p := srv.AddPartner("xyz")
	c, err := srv.NewClient(p, partnerapi.WithHTTPClient(&http.Client{Transport: srv.Transport()}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Users.CreateOrUpdate(ctx, "user-1", params); err != nil {
		t.Fatal(err)
	}
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	stuck := make(chan struct{}, 10)
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // so that the server notices the client leaving
		stuck <- struct{}{}
		<-r.Context().Done() // answers only when the fake gives up the request
	}))
	srv.AddWebhook(p, failing.URL)
	iv, err := srv.AddInterview(p, "user-1", apiExampleInterview)
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(15 * time.Minute) // two failed attempts; the next retry is pending
	srv.AddWebhook(p, hanging.URL)
	if err := srv.UpdateInterview(p, "user-1", iv); err != nil {
		t.Fatal(err)
	}
	<-stuck // an attempt is in progress and will not end by itself

	srv.Close() // returns although a receiver hangs and retries are pending
	n := len(srv.Deliveries())
	srv.Advance(2 * time.Hour)
	if err := srv.DeleteInterview(p, "user-1", iv.ID); err != nil {
		t.Fatal(err)
	}
	srv.Advance(2 * time.Hour)
	if got := len(srv.Deliveries()); got != n {
		t.Fatalf("%d deliveries after Close, %d at Close: the sender kept going", got, n)
	}
	// A goroutine that has signalled its end may still be returning when
	// Close does: give it that moment, not more.
	testenv.WaitFor(t, "the sender goroutines to end after Close", func() bool {
		sender, _ := senderGoroutines()
		return sender == 0
	})
	failing.Close()
	hanging.Close()

	deadline := time.Now().Add(10 * time.Second)
	for {
		_, conns := senderGoroutines()
		if conns <= baseConns && runtime.NumGoroutine() <= baseline {
			break
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines after Close (%d before), %d client connections (%d before):\n%s",
				runtime.NumGoroutine(), baseline, conns, baseConns, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestWebhookEndToEndWithWebhookHandler(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "user-1")

	var (
		mu     sync.Mutex
		events []*partnerapi.WebhookEvent
		failed bool
	)
	fn := func(_ context.Context, ev *partnerapi.WebhookEvent) error {
		mu.Lock()
		defer mu.Unlock()
		if ev.EventName == "interview.updated" && !failed {
			failed = true
			return errors.New("storage unavailable")
		}
		events = append(events, ev)
		return nil
	}
	// The handler needs the key, and the key needs the URL: listen first.
	ts := httptest.NewUnstartedServer(nil)
	url := "http://" + ts.Listener.Addr().String() + "/webhooks"
	key := f.srv.AddWebhook(f.p, url)
	ts.Config.Handler = partnerapi.WebhookHandler(key, fn)
	ts.Start()
	t.Cleanup(ts.Close)

	iv, err := f.srv.AddInterview(f.p, "user-1", apiExampleInterview)
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Advance(time.Minute)
	iv.Title = "Top 10 Questions (retake)"
	if err := f.srv.UpdateInterview(f.p, "user-1", iv); err != nil {
		t.Fatal(err)
	}
	f.srv.Advance(0)
	stored, err := f.client.Users.Interviews(ctx, "user-1")
	if err != nil || len(stored) != 1 {
		t.Fatalf("interviews: %v %v", stored, err)
	}
	f.srv.Advance(10 * time.Minute) // the failed interview.updated is delivered again
	if err := f.srv.DeleteInterview(f.p, "user-1", iv.ID); err != nil {
		t.Fatal(err)
	}
	f.srv.Advance(0)

	var got []string
	for _, d := range f.srv.Deliveries() {
		got = append(got, d.EventName+" "+itoa(int64(d.Attempt))+" "+itoa(int64(d.Status)))
	}
	want := []string{"interview.created 1 200", "interview.updated 1 500", "interview.updated 2 200", "interview.deleted 1 200"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("deliveries (-want +got):\n%s", diff)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(events) != 3 {
		t.Fatalf("fn acknowledged %d events, want 3", len(events))
	}
	created := apiExampleInterview
	if diff := cmp.Diff(&created, events[0].Interview); diff != "" {
		t.Errorf("created: interview (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&stored[0], events[1].Interview); diff != "" {
		t.Errorf("updated: interview differs from the users API's (-api +webhook):\n%s", diff)
	}
	if ev := events[2]; ev.EventName != "interview.deleted" || ev.Interview != nil || ev.APIID != "95607" {
		t.Errorf("deleted: %+v", ev)
	}
	for _, ev := range events {
		if ev.PartnerID != "user-1" || ev.APIType != "Interview" || !eventIDRe.MatchString(ev.ID) {
			t.Errorf("event %+v", ev)
		}
	}
}
