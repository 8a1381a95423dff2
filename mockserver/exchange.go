package mockserver

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxBodyBytes caps a request body; a larger one is answered 413.
const maxBodyBytes = 1 << 20

// Content types of the answers, and the other fixed header values.
var (
	ctAPIJSON = []string{"application/json; charset=utf-8"}
	ctV1JSON  = []string{"application/json; charset=UTF-8"} // as TicketsCloud's docs show
	ctHTML    = []string{"text/html; charset=utf-8"}
	nosniff   = []string{"nosniff"}
	chunked   = []string{"chunked"}
)

// exchange is one request and its answer in progress.
type exchange struct {
	s        *Server
	w        http.ResponseWriter
	r        *http.Request
	fam      family
	p        *partner // the partner the request's key belongs to (surfaces that take a key)
	seq      uint64   // journal sequence number
	tracked  bool     // journaled
	maxBody  int64    // the largest body taken: the route's cap, once the method has chosen it
	body     []byte   // what was read of the request body
	bodyRead bool     // body holds the whole request body (else the journal says it was cut)
	answered bool
}

// serveRoute answers r on surface sf with the routes of its path (nil: the
// path is unknown, 404). It is the one place where what routes share is
// applied, in this order: journal, faults, API key, method, Accept, body.
// Every path through it answers exactly once (or drops the connection).
func (s *Server) serveRoute(w http.ResponseWriter, r *http.Request, sf *surface, pr *pathRoutes) {
	ex := &exchange{s: s, w: w, r: r, fam: sf.fam, maxBody: sf.bodyCap()}
	if sf.tracked {
		ex.tracked = true
		ex.seq = s.journal.begin(r, s.clock.now())
		if f, spent, ok := s.faults.take(r.Method, r.URL.Path); ok {
			if spent {
				s.changed() // the fault has one use less
			}
			if !ex.applyFault(f) {
				return
			}
		}
	}
	if sf.auth != nil {
		var ok bool
		if ex.p, ok = sf.auth(s, r); !ok {
			ex.unauthorized()
			return
		}
	}
	handle := notFound
	if pr != nil {
		mr := pr.route(r.Method)
		if mr == nil {
			ex.notAllowed(pr.allow)
			return
		}
		handle, ex.maxBody = mr.handle, mr.maxBody
	}
	if ex.fam == familyV1 && !acceptsJSON(r.Header["Accept"]) {
		ex.fail(http.StatusNotAcceptable, "the Accept header excludes application/json, the only type this resource answers in")
		return
	}
	if !ex.readBody() {
		return
	}
	handle(ex)
	if !ex.answered { // no handler leaves a request unanswered; kept so that none answers an empty 200
		notFound(ex)
	}
}

// hasBody reports whether the request came with a body (or may have: an
// unknown length).
func hasBody(r *http.Request) bool {
	return r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0
}

// readBody reads the whole body, up to the cap, for the handler and the
// journal, answering 413 or 400 itself when it cannot. The APIs ignore a
// body on a GET or DELETE; the control plane's routes refuse one that is
// not empty or {} (exchange.input).
func (ex *exchange) readBody() bool {
	if !hasBody(ex.r) {
		ex.bodyRead = true
		return true
	}
	b, err := readAll(http.MaxBytesReader(ex.w, ex.r.Body, ex.maxBody), ex.r.ContentLength, ex.maxBody)
	if len(b) > 0 {
		ex.body = b
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		ex.fail(http.StatusRequestEntityTooLarge, "the request body is larger than "+strconv.FormatInt(ex.maxBody, 10)+" bytes")
		return false
	case err != nil:
		ex.fail(http.StatusBadRequest, "the request body could not be read")
		return false
	}
	ex.bodyRead = true
	return true
}

// readAll is io.ReadAll starting from a buffer sized for a body of the
// declared length (when it is known and within the cap): a large body is
// not copied as the buffer grows, and a small one, which the journal keeps,
// takes no more memory than it needs.
func readAll(r io.Reader, declared, limit int64) ([]byte, error) {
	if declared <= 0 || declared > limit {
		return io.ReadAll(r)
	}
	b := make([]byte, 0, declared+1) // one byte more: the end is seen without growing
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// readForJournal reads as much of the body as the journal keeps of it (one
// byte more, to know whether it was all), for a request answered without
// its handler: a fault.
func (ex *exchange) readForJournal() {
	if !ex.tracked || ex.bodyRead || ex.body != nil || !hasBody(ex.r) {
		return
	}
	limit := ex.s.journal.entryBytes
	b, err := io.ReadAll(io.LimitReader(ex.r.Body, int64(limit)+1))
	if len(b) > 0 {
		ex.body = b
	}
	ex.bodyRead = err == nil && len(b) <= limit
}

// applyFault carries out f and reports whether the request goes on to its
// route (false: it has been answered, dropped or abandoned).
func (ex *exchange) applyFault(f Fault) bool {
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-ex.r.Context().Done():
			t.Stop()
			ex.abandon()
			return false
		case <-ex.s.closed:
			t.Stop() // the server is closing: answer now
		}
	}
	if f.Drop {
		ex.drop()
		return false
	}
	if f.RetryAfter > 0 {
		ex.w.Header()["Retry-After"] = []string{strconv.FormatInt(retryAfterSeconds(f.RetryAfter), 10)}
	}
	if f.Status != 0 {
		ex.readForJournal()
		if ex.fam == familyPage { // faults answer in an API family's shape, never as a page
			ex.fam = familyAPI
		}
		ex.fail(f.Status, "injected fault")
		return false
	}
	return true
}

// abandon ends an exchange whose client has gone, or that a fault drops:
// nothing is answered and the journal records status 0.
func (ex *exchange) abandon() {
	ex.answered = true
	ex.readForJournal()
	ex.finishJournal(0)
}

// drop closes the connection with no answer. In memory it marks the
// round trip as failed; over a socket it hijacks and closes the
// connection; where neither is possible (HTTP/2, a recorder), it aborts
// the handler with http.ErrAbortHandler, which net/http's servers turn
// into a reset.
func (ex *exchange) drop() {
	ex.abandon()
	if mw, ok := ex.w.(*memWriter); ok {
		mw.dropped = true
		return
	}
	if hj, ok := ex.w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// finishJournal completes the request's journal entry with its status.
func (ex *exchange) finishJournal(status int) {
	if ex.tracked {
		ex.s.journal.finish(ex.seq, status, ex.body, ex.bodyRead || !hasBody(ex.r))
	}
}

// send answers status with body. The journal entry is completed before the
// first byte goes out, so a client that has its answer finds it there.
//
// TicketsCloud's answers are framed as its docs show them: the answer to a
// POST with a Content-Length, every other answer chunked.
func (ex *exchange) send(status int, contentType []string, body []byte) {
	if ex.answered {
		return
	}
	ex.answered = true
	if bodyAllowed(status) {
		h := ex.w.Header()
		h["Content-Type"] = contentType
		if ex.fam == familyV1 {
			if ex.r.Method == http.MethodPost {
				h["Content-Length"] = []string{strconv.Itoa(len(body))}
			} else {
				h["Transfer-Encoding"] = chunked
			}
		}
		// Otherwise Content-Length is left to net/http (and to the
		// in-memory transport), which sets it for a body written in one
		// piece.
	}
	ex.finishJournal(status)
	ex.w.WriteHeader(status)
	if bodyAllowed(status) && ex.r.Method != http.MethodHead {
		_, _ = ex.w.Write(body)
	}
}

// json answers a JSON body in the family's content type.
func (ex *exchange) json(status int, body []byte) {
	if ex.fam == familyV1 {
		ex.send(status, ctV1JSON, body)
		return
	}
	ex.send(status, ctAPIJSON, body)
}

// fail answers an error in the family's shape: a JSON body, or for the
// member app a small page.
func (ex *exchange) fail(status int, msg string) {
	if ex.fam == familyPage {
		ex.page(status, http.StatusText(status), msg)
		return
	}
	ex.json(status, errorBody(ex.fam, status, msg))
}

// failFields answers a Big Interview validation error naming fields.
func (ex *exchange) failFields(status int, fields ...fieldError) {
	ex.json(status, apiFieldErrorBody(status, fields))
}

// unauthorized answers 401 to a request without a valid key. Its body is
// not read: the journal keeps none of it.
func (ex *exchange) unauthorized() {
	switch ex.fam {
	case familyV1:
		ex.w.Header()["Www-Authenticate"] = wwwAuthenticateKey
	case familyControl:
		ex.w.Header()["Www-Authenticate"] = wwwAuthenticateBearer
		ex.fail(http.StatusUnauthorized, "missing or invalid admin token: the control plane needs Authorization: Bearer TOKEN (-admin-token)")
		return
	}
	ex.fail(http.StatusUnauthorized, unauthorizedMsg)
}

// notAllowed answers 405 with the methods the path takes.
func (ex *exchange) notAllowed(allow string) {
	ex.w.Header()["Allow"] = []string{allow}
	ex.fail(http.StatusMethodNotAllowed, "method "+ex.r.Method+" is not allowed here; allowed: "+allow)
}

// html answers a small page.
func (ex *exchange) html(status int, page []byte) {
	ex.w.Header()["X-Content-Type-Options"] = nosniff
	ex.send(status, ctHTML, page)
}

// mediaType returns the request's media type in lowercase, "" when none.
func mediaType(r *http.Request) (string, bool) {
	ct := r.Header.Get("Content-Type")
	switch ct {
	case "", "application/json", "application/x-www-form-urlencoded":
		return ct, true // the common cases, without parsing
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", false
	}
	return mt, true
}

func isJSONMediaType(mt string) bool {
	return mt == "" || mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// acceptsJSON reports whether Accept header values admit application/json:
// no header at all, or a media range application/json, application/* or
// */* with a q above 0. TicketsCloud's docs: "If resource is unable to
// return the response in the accepted MIME type, the 406 response will be
// returned instead."
func acceptsJSON(values []string) bool {
	if !slices.ContainsFunc(values, func(v string) bool { return strings.TrimSpace(v) != "" }) {
		return true // no Accept, or an empty one: anything goes
	}
	for _, v := range values {
		for rng := range strings.SplitSeq(v, ",") {
			mt, params, _ := strings.Cut(rng, ";")
			mt = strings.TrimSpace(mt)
			if !strings.EqualFold(mt, "application/json") && !strings.EqualFold(mt, "application/*") && mt != "*/*" {
				continue
			}
			if qZero(params) {
				continue
			}
			return true
		}
	}
	return false
}

// qZero reports whether media-range parameters give q=0 (q=0, 0.0, 0.000).
func qZero(params string) bool {
	for p := range strings.SplitSeq(params, ";") {
		name, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		val = strings.TrimSpace(val)
		if val == "" || val[0] != '0' {
			return false
		}
		return strings.Trim(val[1:], ".0") == ""
	}
	return false
}
