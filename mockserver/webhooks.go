package mockserver

import (
	"bytes"
	"container/heap"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

// Outbound webhooks, as Big Interview's webhook guide describes them: the
// fake sends interview events to the URLs registered with AddWebhook, with
// the headers of the guide's delivery example (Authorization: the
// verification key; Accept: */*; q=0.5, application/xml; Accept-Encoding:
// gzip, deflate; Cache-Control: no-cache; Connection: close; Content-Type:
// application/json; charset=utf-8; User-Agent: BigInterview/1.0) and a
// Content-Length that is the body's own (the example's 158 is not its
// 565-byte body's).
//
// Each event goes to each of its partner's URLs. The first attempt is made
// at once by a goroutine of that URL (one per URL, so that the events reach
// a URL in the order they happened and a slow receiver holds up no other),
// without blocking the seeding call. An attempt succeeds when the receiver
// answers 200 within 30 s; any other answer, a connection error or a
// timeout is a failure, retried 10 minutes later on the fake's clock, 6
// attempts in all, then dropped. Retries are made only by Advance: it
// first waits for the first attempts in progress, then performs every
// retry that falls due up to its new time, in due order, moving the clock
// to each one's due time as it goes. A retry whose due time the clock
// reaches by real time alone waits for the next Advance (Advance(0) will
// do). Close stops the sender: attempts in progress are cancelled and
// pending retries dropped.

// Delivery rules, from the webhook guide.
const (
	webhookAttempts   = 6                // attempts in all, the first included
	webhookRetryEvery = 10 * time.Minute // on the fake's clock
	webhookTimeout    = 30 * time.Second // for a whole attempt, on the real clock
	webhookUserAgent  = "BigInterview/1.0"
	webhookAnswerCap  = 64 << 10 // how much of a receiver's answer is read, so the connection can be reused
)

// Delivery is one attempt to deliver a webhook event to a URL, as
// Deliveries records it.
type Delivery struct {
	EventID   string    // the event's webhook.id, the same on every attempt and every URL
	EventName string    // interview.created, interview.updated or interview.deleted
	URL       string    // the URL registered with AddWebhook
	Attempt   int       // 1 for the first attempt, up to 6
	Status    int       // the receiver's status; 0 when no answer came
	Err       string    // why no answer came (connection error, timeout); "" when one did
	At        time.Time // when the attempt was made, on the fake's clock (a retry: its due time)
}

// webhookTarget is one URL registered with AddWebhook.
type webhookTarget struct {
	url     string
	key     string      // the verification key, sent as Authorization
	queue   []*outbound // first attempts waiting for this URL's goroutine, in event order
	running bool        // the URL's goroutine is running
}

// webhookEvent is one event, built once for all its URLs and attempts.
type webhookEvent struct {
	id, name string
	body     []byte
}

// outbound is one event on its way to one URL.
type outbound struct {
	ev       *webhookEvent
	t        *webhookTarget
	epoch    uint64    // the sender's epoch when the event was emitted
	attempts int       // attempts made
	due      time.Time // when the next attempt falls due (a retry)
	seq      uint64    // scheduling order, to keep retries due at one time in order
}

// webhookSender delivers the events of one Server.
type webhookSender struct {
	clock     *clock
	client    *http.Client
	transport *http.Transport
	ctx       context.Context // cancelled by close: ends every attempt in progress
	cancel    context.CancelFunc
	advanceMu sync.Mutex     // one Advance performs retries at a time
	wg        sync.WaitGroup // the URL goroutines and the attempts Advance makes

	mu           sync.Mutex
	idle         *sync.Cond // broadcast when firstPending drops to 0 and on close
	targets      map[*partner][]*webhookTarget
	firstPending int        // first attempts queued or in progress
	retries      retryQueue // earliest due first
	seq          uint64
	lastEventID  uint64
	epoch        uint64 // counts Resets and Restores: an attempt of an older epoch is not journaled or retried
	closed       bool
	journal      deliveryJournal
}

func newWebhookSender(c *clock, ids *idGen, journalSize int) *webhookSender {
	tr := &http.Transport{
		Proxy:                 nil, // receivers are reached directly
		DialContext:           (&net.Dialer{Timeout: webhookTimeout, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	ctx, cancel := context.WithCancel(context.Background())
	ws := &webhookSender{
		clock:     c,
		transport: tr,
		client: &http.Client{
			Transport: tr,
			Timeout:   webhookTimeout,
			// A redirect is an answer other than 200: a failed attempt, and
			// the verification key goes nowhere else.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		ctx:     ctx,
		cancel:  cancel,
		targets: make(map[*partner][]*webhookTarget),
		journal: deliveryJournal{size: journalSize},
	}
	ws.idle = sync.NewCond(&ws.mu)
	// Event ids are 9 digits counting up from a random start, so that a
	// receiver shared by several fakes (its dedup memory included) does not
	// take one fake's events for another's.
	var b [4]byte
	ids.read(b[:])
	ws.lastEventID = 100000000 + uint64(binary.BigEndian.Uint32(b[:])%800000000)
	return ws
}

// AddWebhook registers rawURL to receive the webhook events of p's
// organization (interview.created, interview.updated, interview.deleted,
// sent when [Server.AddInterview], [Server.UpdateInterview] and
// [Server.DeleteInterview] change an interview) and returns the
// registration's verification key, a new random 32-hex-digit string that
// every delivery carries as its Authorization header; pass it to
// [partnerapi.WebhookHandler]. A partner may register several URLs, each
// with its own key; every event goes to each of them. Deliveries are made
// with the fake's own HTTP client over the network (typically to an
// httptest.Server), never through [Server.Transport]; an https URL needs a
// certificate the system trusts. AddWebhook panics if p is not a partner
// of this Server or rawURL is not an absolute http or https URL: both are
// mistakes in a test's setup.
func (s *Server) AddWebhook(p *Partner, rawURL string) (verificationKey string) {
	key, err := s.addWebhook(p, rawURL, nil)
	if err != nil {
		panic(err.Error())
	}
	return key
}

// AddWebhookWithKey is [Server.AddWebhook] with the verification key
// chosen by the caller, so that a receiver made first with
// [partnerapi.WebhookHandler](verificationKey, fn) can be registered as it
// is. It panics on what [Server.AddWebhook] panics on, and on a verification key
// that is empty or holds white space or control characters (it is sent
// as a header value).
func (s *Server) AddWebhookWithKey(p *Partner, rawURL, verificationKey string) {
	if _, err := s.addWebhook(p, rawURL, &verificationKey); err != nil {
		panic(err.Error())
	}
}

// checkWebhook says what is wrong with a webhook registration, if
// anything: the field ("url" or "key", when key is not nil) and the
// problem, as a message that never holds the URL's password.
func checkWebhook(rawURL string, key *string) (field, msg string) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// Not err's text: it quotes the URL, password included.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "url", "the webhook URL does not parse: " + err.Error()
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "url", fmt.Sprintf("%q is not an absolute http or https URL", u.Redacted())
	}
	if key != nil && !isHeaderToken(*key) {
		return "key", "the verification key must be non-empty, without white space or control characters"
	}
	return "", ""
}

// addWebhook registers rawURL for p with the verification key *key, or a
// new random one when key is nil, and returns the key. Its errors are
// *controlError: 400 for a bad URL or key, 404 for an unknown partner.
func (s *Server) addWebhook(p *Partner, rawURL string, key *string) (string, error) {
	const op = "AddWebhook"
	if _, msg := checkWebhook(rawURL, key); msg != "" {
		return "", &controlError{op, http.StatusBadRequest, msg}
	}
	s.st.mu.RLock()
	sp, err := s.lookupPartnerLocked(op, p)
	s.st.mu.RUnlock()
	if err != nil {
		return "", err
	}
	k := ""
	if key != nil {
		k = *key
	} else {
		k = s.ids.hex(16)
	}
	ws := s.webhooks
	ws.mu.Lock()
	ws.targets[sp] = append(ws.targets[sp], &webhookTarget{url: rawURL, key: k})
	ws.mu.Unlock()
	s.changed()
	return k, nil
}

// Webhook is a URL registered to receive a partner's webhook events, with
// the verification key its deliveries carry.
type Webhook struct {
	URL             string
	VerificationKey string
}

// Webhooks returns the URLs registered for p's events, in the order they
// were registered. It is an error if p is not a partner of this Server.
func (s *Server) Webhooks(p *Partner) ([]Webhook, error) {
	s.st.mu.RLock()
	sp, err := s.lookupPartnerLocked("Webhooks", p)
	s.st.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	ws := s.webhooks
	ws.mu.Lock()
	defer ws.mu.Unlock()
	out := make([]Webhook, 0, len(ws.targets[sp]))
	for _, t := range ws.targets[sp] {
		out = append(out, Webhook{URL: t.url, VerificationKey: t.key})
	}
	return out, nil
}

// isHeaderToken reports whether v is a non-empty header value of printable
// ASCII without spaces.
func isHeaderToken(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] >= 0x7f {
			return false
		}
	}
	return true
}

// Deliveries returns the journal of webhook delivery attempts, in the
// order they finished, each with the receiver's status or the error that
// took its place. Like the request journal it keeps the last n attempts,
// n set by [WithJournalSize] (default 10,000), so that memory stays bounded.
// Attempts still in progress are not included. The result is a copy.
func (s *Server) Deliveries() []Delivery { return s.webhooks.journal.list(&s.webhooks.mu) }

// emit sends event about partnerID's interview iv to each URL p has
// registered. It does not wait for any delivery.
func (ws *webhookSender) emit(p *partner, partnerID, event string, iv *partnerapi.Interview) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	targets := ws.targets[p]
	if len(targets) == 0 || ws.closed {
		return
	}
	ws.lastEventID++
	ev := &webhookEvent{id: strconv.FormatUint(ws.lastEventID, 10), name: event}
	ivID := iv.ID
	if event == eventInterviewDeleted {
		iv = nil // api_object is null
	}
	ev.body = appendWebhookBody(nil, ev.id, event, partnerID, ivID, iv)
	for _, t := range targets {
		t.queue = append(t.queue, &outbound{ev: ev, t: t, epoch: ws.epoch})
		ws.firstPending++
		if !t.running {
			t.running = true
			ws.wg.Add(1)
			go ws.work(t)
		}
	}
}

// work makes the first attempts queued for t, one at a time, until the
// queue is empty or the sender is closed.
func (ws *webhookSender) work(t *webhookTarget) {
	defer ws.wg.Done()
	for {
		ws.mu.Lock()
		if ws.closed || len(t.queue) == 0 {
			ws.firstPending -= len(t.queue)
			t.queue, t.running = nil, false
			ws.idle.Broadcast()
			ws.mu.Unlock()
			return
		}
		o := t.queue[0]
		t.queue[0] = nil
		t.queue = t.queue[1:]
		ws.mu.Unlock()

		ws.attempt(o, ws.clock.now())

		ws.mu.Lock()
		ws.firstPending--
		if ws.firstPending == 0 {
			ws.idle.Broadcast()
		}
		ws.mu.Unlock()
	}
}

// attempt makes one attempt of o at the fake time at, journals it, and
// schedules the next one if it failed and attempts remain.
func (ws *webhookSender) attempt(o *outbound, at time.Time) {
	o.attempts++
	status, errText := ws.post(o)
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if o.epoch != ws.epoch { // a Reset or Restore came in between: this attempt is of another state
		return
	}
	ws.journal.add(Delivery{
		EventID: o.ev.id, EventName: o.ev.name, URL: o.t.url,
		Attempt: o.attempts, Status: status, Err: errText, At: at,
	})
	if status != http.StatusOK && o.attempts < webhookAttempts && !ws.closed {
		o.due = at.Add(webhookRetryEvery)
		ws.seq++
		o.seq = ws.seq
		heap.Push(&ws.retries, o)
	}
}

// post sends o's event to its URL and returns the status of the answer,
// or 0 and why there was none.
func (ws *webhookSender) post(o *outbound) (status int, errText string) {
	req, err := http.NewRequestWithContext(ws.ctx, http.MethodPost, o.t.url, bytes.NewReader(o.ev.body))
	if err != nil {
		return 0, "the request could not be made: " + unwrapURLError(err)
	}
	// The headers of the docs' delivery example; Connection: close is
	// req.Close, which net/http writes as that header.
	req.Header = http.Header{
		"Authorization":   {o.t.key},
		"Accept":          {"*/*; q=0.5, application/xml"},
		"Accept-Encoding": {"gzip, deflate"},
		"Cache-Control":   {"no-cache"},
		"Content-Type":    {"application/json; charset=utf-8"},
		"User-Agent":      {webhookUserAgent},
	}
	req.Close = true
	resp, err := ws.client.Do(req)
	if err != nil {
		if ws.ctx.Err() != nil {
			return 0, "the fake was closed during the attempt"
		}
		return 0, unwrapURLError(err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, webhookAnswerCap))
	resp.Body.Close()
	return resp.StatusCode, ""
}

// unwrapURLError drops the method and URL that *url.Error adds: the
// Delivery names the URL already.
func unwrapURLError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

// advance moves c forward by d, performing on the way every retry that
// falls due by the new time, in due order, each with the clock moved to
// its due time. It first waits for the first attempts in progress, so
// that their failures are retried too.
func (ws *webhookSender) advance(d time.Duration) {
	ws.advanceMu.Lock()
	defer ws.advanceMu.Unlock()
	if d < 0 {
		ws.clock.advance(d)
		d = 0
	}
	for {
		o := ws.nextDue(d)
		if o == nil {
			break
		}
		if step := o.due.Sub(ws.clock.now()); step > 0 {
			step = min(step, d)
			ws.clock.advance(step)
			d -= step
		}
		ws.attempt(o, o.due)
		ws.wg.Done()
	}
	ws.clock.advance(d)
}

// nextDue waits until no first attempt is in progress, then takes the
// earliest retry due within d of now. It returns nil when none is, or the
// sender is closed. For a retry it returns, it has counted an attempt in
// wg.
func (ws *webhookSender) nextDue(d time.Duration) *outbound {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for ws.firstPending > 0 && !ws.closed {
		ws.idle.Wait()
	}
	if ws.closed || len(ws.retries) == 0 {
		return nil
	}
	if o := ws.retries[0]; o.due.After(ws.clock.now().Add(d)) {
		return nil
	}
	ws.wg.Add(1) // under mu, before close can start waiting
	return heap.Pop(&ws.retries).(*outbound)
}

// close stops the sender: no more events are sent, attempts in progress
// are cancelled, pending retries are dropped, and it returns once every
// goroutine of the sender has ended and its idle connections are closed.
func (ws *webhookSender) close() {
	ws.mu.Lock()
	ws.closed = true
	ws.retries = nil
	ws.idle.Broadcast()
	ws.mu.Unlock()
	ws.cancel()
	ws.wg.Wait()
	ws.transport.CloseIdleConnections()
}

// appendWebhookBody appends the documented body of an event:
// {"webhook":{"id":…,"event_name":…,"partner_id":…,"api_id":…,
// "api_type":"Interview","api_object":{…} or null}}, the interview written
// as the users API writes it.
func appendWebhookBody(b []byte, id, event, partnerID string, ivID int64, iv *partnerapi.Interview) []byte {
	b = append(b, `{"webhook":{"id":`...)
	b = appendString(b, id)
	b = append(b, `,"event_name":`...)
	b = appendString(b, event)
	b = append(b, `,"partner_id":`...)
	b = appendString(b, partnerID)
	b = append(b, `,"api_id":"`...)
	b = strconv.AppendInt(b, ivID, 10)
	b = append(b, `","api_type":"Interview","api_object":`...)
	if iv == nil {
		b = append(b, "null"...)
	} else {
		b = appendInterview(b, iv)
	}
	return append(b, '}', '}')
}

// retryQueue is a heap of retries, earliest due first, then in scheduling
// order.
type retryQueue []*outbound

func (q retryQueue) Len() int { return len(q) }
func (q retryQueue) Less(i, j int) bool {
	if !q[i].due.Equal(q[j].due) {
		return q[i].due.Before(q[j].due)
	}
	return q[i].seq < q[j].seq
}
func (q retryQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *retryQueue) Push(x any)   { *q = append(*q, x.(*outbound)) }
func (q *retryQueue) Pop() any {
	old := *q
	o := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return o
}

// deliveryJournal is a ring of the last size attempts, in the order they
// finished. It is guarded by webhookSender.mu.
type deliveryJournal struct {
	size    int
	entries []Delivery // grows up to size, then wraps
	next    uint64     // how many attempts were ever added
}

func (j *deliveryJournal) add(d Delivery) {
	if j.size <= 0 {
		return
	}
	if len(j.entries) < j.size {
		j.entries = append(j.entries, d)
	} else {
		j.entries[j.next%uint64(j.size)] = d
	}
	j.next++
}

// list returns the journal in order, taking mu.
func (j *deliveryJournal) list(mu *sync.Mutex) []Delivery {
	mu.Lock()
	defer mu.Unlock()
	out := make([]Delivery, 0, len(j.entries))
	if j.size <= 0 || len(j.entries) < j.size {
		return append(out, j.entries...)
	}
	i := int(j.next % uint64(j.size))
	out = append(out, j.entries[i:]...)
	return append(out, j.entries[:i]...)
}
