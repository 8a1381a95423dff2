package mockserver

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxBodyBytes caps a request body; a larger one is answered 413.
const maxBodyBytes = 1 << 20

// Content types of the answers.
var (
	ctAPIJSON = []string{"application/json; charset=utf-8"}
	ctV1JSON  = []string{"application/json; charset=UTF-8"} // as TicketsCloud's docs show
	ctHTML    = []string{"text/html; charset=utf-8"}
	nosniff   = []string{"nosniff"}
)

// exchange is one request and its answer in progress.
type exchange struct {
	s        *Server
	w        http.ResponseWriter
	r        *http.Request
	fam      family
	seq      uint64 // journal sequence number
	body     []byte
	answered bool
}

// serve is the fake's handler: journal, body, faults, then the routes.
// Every path through it answers exactly once (or drops the connection).
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL == nil {
		r = r.Clone(r.Context())
		r.URL = &url.URL{Path: "/"}
	}
	ex := &exchange{s: s, w: w, r: r, fam: familyOf(r.URL.Path)}
	ex.seq = s.journal.begin(r)
	readErr := ex.readBody()

	if f, ok := s.faults.take(r.Method, r.URL.Path); ok {
		if !ex.applyFault(f) {
			return
		}
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(readErr, &tooLarge):
		ex.fail(http.StatusRequestEntityTooLarge, "the request body is larger than "+strconv.Itoa(maxBodyBytes)+" bytes")
	case readErr != nil:
		ex.fail(http.StatusBadRequest, "the request body could not be read")
	default:
		s.route(ex)
	}
	if !ex.answered { // not reached by any route; kept so that no path answers an empty 200
		ex.fail(http.StatusNotFound, "no such resource")
	}
}

// readBody reads the whole body, up to the cap, for the handlers and the
// journal. A body on a GET or DELETE is read and ignored.
func (ex *exchange) readBody() error {
	if ex.r.Body == nil || ex.r.Body == http.NoBody {
		return nil
	}
	rc := http.MaxBytesReader(ex.w, ex.r.Body, maxBodyBytes)
	b, err := io.ReadAll(rc)
	if len(b) > 0 {
		ex.body = b
	}
	return err
}

// applyFault carries out f and reports whether the request goes on to the
// routes (false: it has been answered, dropped or abandoned).
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
		ex.fail(f.Status, "injected fault")
		return false
	}
	return true
}

// abandon ends an exchange whose client has gone: nothing is answered and
// the journal records status 0.
func (ex *exchange) abandon() {
	ex.answered = true
	ex.s.journal.finish(ex.seq, 0, ex.body)
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

// send answers status with body. The journal entry is completed before the
// first byte goes out, so a client that has its answer finds it there.
func (ex *exchange) send(status int, contentType []string, body []byte) {
	if ex.answered {
		return
	}
	ex.answered = true
	if bodyAllowed(status) {
		// Content-Length is left to net/http (and to the in-memory
		// transport), which sets it for a body written in one piece.
		ex.w.Header()["Content-Type"] = contentType
	}
	ex.s.journal.finish(ex.seq, status, ex.body)
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

// fail answers an error in the family's shape.
func (ex *exchange) fail(status int, msg string) {
	ex.json(status, errorBody(ex.fam, status, msg))
}

// failFields answers a Big Interview validation error naming fields.
func (ex *exchange) failFields(status int, fields ...fieldError) {
	ex.json(status, apiFieldErrorBody(status, fields))
}

// notAllowed answers 405 with the methods the route takes.
func (ex *exchange) notAllowed(allow string) {
	ex.w.Header()["Allow"] = []string{allow}
	ex.fail(http.StatusMethodNotAllowed, "method "+ex.r.Method+" is not allowed here; allowed: "+allow)
}

// html answers a small page.
func (ex *exchange) html(status int, page []byte) {
	ex.w.Header()["X-Content-Type-Options"] = nosniff
	ex.send(status, ctHTML, page)
}

// route dispatches by path prefix.
func (s *Server) route(ex *exchange) {
	p := ex.r.URL.Path
	switch {
	case p == "/api" || strings.HasPrefix(p, "/api/"):
		s.serveUsersAPI(ex)
	case ex.fam == familyV1:
		s.serveKeysAPI(ex)
	case p == "/sso/login":
		s.serveSSOLogin(ex)
	case p == "/sso/logout":
		s.serveSSOLogout(ex)
	case p == "/members" || strings.HasPrefix(p, "/members/"):
		s.serveMembers(ex)
	default:
		ex.fail(http.StatusNotFound, "no such resource")
	}
}

// segments splits the escaped path into unescaped segments, without the
// leading "/". ok is false for a bad percent-escape.
func segments(ex *exchange) (segs []string, ok bool) {
	parts := strings.Split(strings.TrimPrefix(ex.r.URL.EscapedPath(), "/"), "/")
	for i, part := range parts {
		if strings.IndexByte(part, '%') < 0 {
			continue
		}
		u, err := url.PathUnescape(part)
		if err != nil {
			return nil, false
		}
		parts[i] = u
	}
	return parts, true
}

// isGet reports whether the method reads: GET, or HEAD answered like it.
func isGet(method string) bool { return method == http.MethodGet || method == http.MethodHead }

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
