package partnerapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/http"
	"runtime"
	"sync"
)

// Receiving Big Interview's webhooks: Big Interview POSTs an event about
// an interview to the partner's URL with the webhook's verification key in
// Authorization, and retries every 10 minutes, 6 attempts in all, until the
// receiver answers 200 within 30 seconds.

// Limits of [WebhookHandler].
const (
	// maxWebhookBody caps a webhook's body; a larger one is answered 413.
	maxWebhookBody = 1 << 20
	// webhookDedupSize is how many acknowledged event ids a handler
	// remembers to answer redeliveries without calling fn again.
	webhookDedupSize = 10000
)

// WebhookEvent is one webhook event from Big Interview, as [WebhookHandler]
// hands it to its callback.
//
// Events can arrive out of order and more than once: a retry of an older
// event may come after a newer one. [Interview].UpdatedAt orders the states of
// one interview, so a consumer that stores interviews should drop an event
// whose UpdatedAt is not after the one it already has (and remember
// deletions, so that a late interview.updated does not bring an interview
// back).
type WebhookEvent struct {
	// ID is the event's id, unique per event and the same on every
	// redelivery (a string of digits, as Big Interview sends it).
	ID string
	// EventName is "interview.created", "interview.updated" or
	// "interview.deleted"; other names are passed on as they come.
	EventName string
	// PartnerID is the partner_id of the user the event is about.
	PartnerID string
	// APIID is the id of the object the event is about (the interview's id),
	// as text whether it came as a JSON string or a number.
	APIID string
	// APIType is the kind of that object, "Interview".
	APIType string
	// Interview is the interview as it is after the event; nil for
	// interview.deleted (whose api_object is null) and for an APIType other
	// than "Interview".
	Interview *Interview
}

// WebhookHandler returns an [http.Handler] that receives Big Interview's
// webhooks for the registration whose verification key is verificationKey
// and calls fn once for each event, with the request's context.
//
// It answers, in plain text that never contains the key:
//   - 405 (with Allow: POST) to any method but POST;
//   - 401 when Authorization is missing or is not exactly verificationKey
//     (compared in constant time). An empty verificationKey accepts no
//     request at all: every delivery gets 401, rather than a handler that
//     would accept anyone;
//   - 413 to a body larger than 1 MiB (the excess is not read);
//   - 400 to a body that is not the documented JSON, or lacks webhook.id or
//     webhook.event_name; api_id may be a JSON string or number;
//   - 500 when fn returns an error or panics, so that Big Interview
//     retries the delivery later; the error's text is not sent (a panic
//     is reported to the http.Server's ErrorLog, with its stack, as
//     net/http reports a panicking handler);
//   - 200 when fn returns nil.
//
// The handler remembers the ids of the last 10,000 events fn acknowledged:
// a redelivery of one of them is answered 200 without calling fn again.
// The id of an event fn failed is not remembered, so its retry calls fn
// again. Concurrent deliveries of one id call fn once: the later ones wait
// for the first, then answer 200 if it succeeded or try fn themselves if it
// failed (a waiting delivery whose request ends first gets 503). Different
// ids are handled concurrently, so fn must be safe for concurrent use. A
// panic in fn leaves the event unacknowledged, like an error. The ids are
// kept as SHA-256 sums, so the memory stays bounded (about a megabyte)
// however long they are.
//
// Events can arrive out of order (see [WebhookEvent]): fn should compare
// [Interview].UpdatedAt with what it has. WebhookHandler panics if fn is nil.
func WebhookHandler(verificationKey string, fn func(ctx context.Context, ev *WebhookEvent) error) http.Handler {
	if fn == nil {
		panic("partnerapi: WebhookHandler: nil fn")
	}
	h := &webhookHandler{fn: fn, seen: newEventSet(webhookDedupSize)}
	if verificationKey != "" {
		h.keySum = sha256.Sum256([]byte(verificationKey))
		h.hasKey = true
	}
	return h
}

type webhookHandler struct {
	keySum [sha256.Size]byte // the verification key's SHA-256: compared in constant time, whatever the lengths
	hasKey bool              // false: the key was empty, and nothing is accepted
	fn     func(ctx context.Context, ev *WebhookEvent) error
	seen   *eventSet
}

// Answers of the handler: short, fixed, and free of anything the request
// carried.
const (
	msgOK            = "ok"
	msgAlreadyDone   = "ok (event already processed)"
	msgMethod        = "method not allowed: webhooks are delivered with POST"
	msgUnauthorized  = "unauthorized: missing or wrong verification key"
	msgTooLarge      = "request body too large (limit 1 MiB)"
	msgUnreadable    = "the request body could not be read"
	msgNotJSON       = `bad request: the body is not a JSON object {"webhook": {...}}`
	msgNoID          = "bad request: webhook.id is missing"
	msgNoEventName   = "bad request: webhook.event_name is missing"
	msgBadObject     = "bad request: webhook.api_object is not an interview"
	msgHandlerFailed = "the event could not be processed; retry later"
	msgBusy          = "a delivery of this event is in progress; retry later"
)

func (h *webhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, msgMethod, http.StatusMethodNotAllowed)
		return
	}
	if !h.authorized(r.Header) {
		http.Error(w, msgUnauthorized, http.StatusUnauthorized)
		return
	}
	if r.ContentLength > maxWebhookBody {
		http.Error(w, msgTooLarge, http.StatusRequestEntityTooLarge)
		return
	}
	src := r.Body
	if src == nil { // a request made by hand rather than by a server
		src = http.NoBody
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, src, maxWebhookBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, msgTooLarge, http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, msgUnreadable, http.StatusBadRequest)
		return
	}
	ev, msg := decodeWebhook(body)
	if ev == nil {
		http.Error(w, msg, http.StatusBadRequest)
		return
	}

	id := sha256.Sum256([]byte(ev.ID))
	switch err := h.seen.claim(r.Context(), id); {
	case errors.Is(err, errAlreadyDone):
		writePlain(w, http.StatusOK, msgAlreadyDone)
		return
	case err != nil: // the request ended while another delivery of the event was in progress
		http.Error(w, msgBusy, http.StatusServiceUnavailable)
		return
	}
	ok := false
	defer func() { h.seen.release(id, ok) }()
	if err := h.call(r, ev); err != nil {
		http.Error(w, msgHandlerFailed, http.StatusInternalServerError)
		return
	}
	ok = true
	writePlain(w, http.StatusOK, msgOK)
}

// call runs fn for ev. A panic in fn becomes an error, so that the
// delivery is answered 500 and sent again later rather than cut off with
// no answer; when an http.Server runs the handler, the panic and its stack
// go to the server's ErrorLog, as net/http reports a panicking handler.
// http.ErrAbortHandler is let through: it asks net/http to abort the
// answer.
func (h *webhookHandler) call(r *http.Request, ev *WebhookEvent) (err error) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if v == http.ErrAbortHandler {
			panic(v)
		}
		err = errHandlerPanicked
		srv, _ := r.Context().Value(http.ServerContextKey).(*http.Server)
		if srv == nil {
			return
		}
		stack := make([]byte, 64<<10)
		stack = stack[:runtime.Stack(stack, false)]
		const format = "partnerapi: WebhookHandler: panic in the event handler: %v\n%s"
		if srv.ErrorLog != nil {
			srv.ErrorLog.Printf(format, v, stack)
		} else {
			log.Printf(format, v, stack)
		}
	}()
	return h.fn(r.Context(), ev)
}

// errHandlerPanicked stands for a panic in a [WebhookHandler]'s fn.
var errHandlerPanicked = errors.New("the event handler panicked")

// authorized reports whether the request carries exactly one Authorization
// header equal to the verification key. The comparison is of SHA-256 sums
// in constant time, so that neither the key's bytes nor its length show in
// the time taken.
func (h *webhookHandler) authorized(hdr http.Header) bool {
	vals := hdr.Values("Authorization")
	if !h.hasKey || len(vals) != 1 || vals[0] == "" {
		return false
	}
	got := sha256.Sum256([]byte(vals[0]))
	return subtle.ConstantTimeCompare(got[:], h.keySum[:]) == 1
}

// webhookBody is the documented body: {"webhook": {...}}.
type webhookBody struct {
	Webhook *struct {
		ID        flexString      `json:"id"`
		EventName string          `json:"event_name"`
		PartnerID string          `json:"partner_id"`
		APIID     flexString      `json:"api_id"`
		APIType   string          `json:"api_type"`
		APIObject json.RawMessage `json:"api_object"`
	} `json:"webhook"`
}

// decodeWebhook parses a webhook body. It returns the event, or nil and the
// message of a 400 answer. The message never quotes the body.
func decodeWebhook(body []byte) (*WebhookEvent, string) {
	var doc webhookBody
	if err := json.Unmarshal(body, &doc); err != nil || doc.Webhook == nil {
		return nil, msgNotJSON
	}
	wh := doc.Webhook
	switch {
	case wh.ID == "":
		return nil, msgNoID
	case wh.EventName == "":
		return nil, msgNoEventName
	}
	ev := &WebhookEvent{
		ID: string(wh.ID), EventName: wh.EventName, PartnerID: wh.PartnerID,
		APIID: string(wh.APIID), APIType: wh.APIType,
	}
	obj := bytes.TrimSpace(wh.APIObject)
	if wh.APIType == "Interview" && len(obj) > 0 && !bytes.Equal(obj, []byte("null")) {
		ev.Interview = new(Interview)
		if err := json.Unmarshal(obj, ev.Interview); err != nil {
			return nil, msgBadObject
		}
	}
	return ev, ""
}

// flexString is an id that Big Interview documents as a JSON string
// ("95607") but that a JSON number (95607) must not break: either becomes
// the text of the id. null becomes "".
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	switch {
	case bytes.Equal(b, []byte("null")):
		*s = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("an id must be a JSON string or number")
	}
	*s = flexString(n.String())
	return nil
}

// errAlreadyDone is what eventSet.claim returns for an event already
// acknowledged.
var errAlreadyDone = errors.New("event already acknowledged")

// eventSet remembers the last size acknowledged event ids (their SHA-256
// sums, so that memory stays bounded however long the ids), forgetting the
// oldest first, and which ids have a delivery in progress.
type eventSet struct {
	mu       sync.Mutex
	size     int
	acked    map[[sha256.Size]byte]struct{}
	order    [][sha256.Size]byte // a ring of the acknowledged ids, oldest at next once full
	next     int
	inFlight map[[sha256.Size]byte]chan struct{} // closed when that delivery ends
}

func newEventSet(size int) *eventSet {
	return &eventSet{
		size:     size,
		acked:    make(map[[sha256.Size]byte]struct{}, size),
		inFlight: make(map[[sha256.Size]byte]chan struct{}),
	}
}

// claim makes the caller the one delivery of id in progress. It returns
// errAlreadyDone if id was acknowledged, and ctx's error if ctx ends while
// it waits for another delivery of id to finish. After a nil return the
// caller must call release.
func (s *eventSet) claim(ctx context.Context, id [sha256.Size]byte) error {
	for {
		s.mu.Lock()
		if _, ok := s.acked[id]; ok {
			s.mu.Unlock()
			return errAlreadyDone
		}
		busy, ok := s.inFlight[id]
		if !ok {
			s.inFlight[id] = make(chan struct{})
			s.mu.Unlock()
			return nil
		}
		s.mu.Unlock()
		select {
		case <-busy: // the other delivery ended: acknowledged, or ours to try
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// release ends the delivery of id in progress, remembering id if it was
// acknowledged, and wakes the deliveries of id waiting in claim.
func (s *eventSet) release(id [sha256.Size]byte, acked bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if acked {
		s.remember(id)
	}
	if ch, ok := s.inFlight[id]; ok {
		delete(s.inFlight, id)
		close(ch)
	}
}

// remember adds id, forgetting the oldest id once size are kept. The
// caller holds mu.
func (s *eventSet) remember(id [sha256.Size]byte) {
	if s.size <= 0 {
		return
	}
	if _, ok := s.acked[id]; ok {
		return
	}
	if len(s.order) < s.size {
		s.order = append(s.order, id)
	} else {
		delete(s.acked, s.order[s.next])
		s.order[s.next] = id
		s.next = (s.next + 1) % s.size
	}
	s.acked[id] = struct{}{}
}
