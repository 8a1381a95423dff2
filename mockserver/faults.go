package mockserver

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Fault makes the fake misbehave for matching requests, so that a test can
// see how its code copes with errors, rate limits, slowness and lost
// connections. Register one with [Server.Fail].
//
// Faults apply before authentication and routing. A Status answers with
// that status and the error body of the request's API family (the
// TicketsCloud shape under /v1, the Big Interview shape elsewhere), with
// reason or message "injected fault". Latency waits before answering (or
// before the Status or Drop); a client that gives up ends the wait and gets
// nothing, and [Server.Close] ends it early too. Drop closes the connection without
// an answer; through [Server.Transport] the round trip returns an error instead, and
// through [Server.Handler] on a ResponseWriter that cannot be hijacked (HTTP/2, a
// recorder) the handler panics with http.ErrAbortHandler, which net/http's
// servers turn into a reset. Note that net/http's Transport resends a GET
// once, on a new connection, when a reused connection closes without an
// answer: that second attempt is a new request to the fake.
type Fault struct {
	Method     string        // "" any; compared case-insensitively
	Path       string        // path prefix, as in URL.Path; "" any
	Status     int           // answer with this status (200-599); 0 answers normally
	RetryAfter time.Duration // sent as Retry-After in whole seconds, rounded up; 0 sends none
	Latency    time.Duration // delay before answering
	Drop       bool          // close the connection with no answer
	Times      int           // how many matching requests it hits; 0 means 1, < 0 every one
}

// faultList holds the registered faults in order. Uses are counted under
// its mutex, so Times is exact however many requests race for it.
type faultList struct {
	mu   sync.Mutex
	list []*faultEntry
	// registered is len(list), read without the mutex, so that a request
	// takes no lock while no fault is registered.
	registered atomic.Int64
	lastID     int64 // the id of the last fault registered
}

// setLocked makes list the registered faults. The caller holds fl.mu.
func (fl *faultList) setLocked(list []*faultEntry) {
	fl.list = list
	fl.registered.Store(int64(len(list)))
}

// clear removes every registered fault.
func (fl *faultList) clear() {
	fl.mu.Lock()
	fl.setLocked(nil)
	fl.mu.Unlock()
}

type faultEntry struct {
	id   int64
	f    Fault
	left int // uses left; < 0 unlimited
}

// ActiveFault is a registered fault with the uses it has left, as
// [Server.Faults] lists it.
type ActiveFault struct {
	ID int64 // numbered from 1 in the order faults were registered
	Fault
	Remaining int // requests it will still hit; -1: every one, until cleared
}

// Fail registers f. Where several faults match a request, the first
// registered that has uses left applies, and one use of it is spent. It is
// safe to call while requests are in flight.
//
// Fail panics, naming the field, on a fault that is a mistake in the test
// (as [Server.AddPartner] panics on a bad organization): a Status that is
// not 0 or from 200 to 599; a negative RetryAfter or Latency; a Path that
// does not start with "/" or that is under /_mock/, the control plane,
// which is never faulted; a Method that is none of the APIs' (GET, HEAD,
// POST, PATCH, DELETE, in any letter case); a fault with no effect (no
// Status, RetryAfter, Latency or Drop), which would only spend requests;
// and Drop with a Status or RetryAfter, which a dropped request never
// answers. POST /_mock/faults refuses the same faults with 400, and
// [Server.Restore] a snapshot holding one.
func (s *Server) Fail(f Fault) {
	if _, err := s.fail(f); err != nil {
		panic(err.Error())
	}
}

// fail is Fail; a bad fault is a *faultError.
func (s *Server) fail(f Fault) (ActiveFault, error) {
	if err := s.checkFault(f); err != nil {
		return ActiveFault{}, err
	}
	left := f.Times
	switch {
	case left == 0:
		left = 1
	case left < 0:
		left = -1
	}
	fl := &s.faults
	fl.mu.Lock()
	fl.lastID++
	e := &faultEntry{id: fl.lastID, f: f, left: left}
	fl.setLocked(append(fl.list, e))
	af := e.active()
	fl.mu.Unlock()
	s.changed()
	return af, nil
}

// faultError is what is wrong with a fault: the field, as the control
// plane and snapshots name it ("retry_after") and as Go does
// ("RetryAfter"), and the problem.
type faultError struct {
	field, goField string
	problem        string
}

// Error is the message of [Server.Fail]'s panic.
func (e *faultError) Error() string {
	return "mockserver: Fail: Fault." + e.goField + ": " + e.problem
}

// controlMessage is the message of the control plane's 400.
func (e *faultError) controlMessage() string { return e.field + ": " + e.problem }

// checkFault returns a *faultError when f could never fire or would do
// nothing: every fault, from [Server.Fail], the control plane or a
// snapshot, is checked here.
func (s *Server) checkFault(f Fault) error {
	bad := func(field, goField, format string, args ...any) error {
		return &faultError{field, goField, fmt.Sprintf(format, args...)}
	}
	switch {
	case f.Status != 0 && (f.Status < 200 || f.Status > 599):
		return bad("status", "Status", "%d is not 0 or an HTTP status from 200 to 599", f.Status)
	case f.RetryAfter < 0:
		return bad("retry_after", "RetryAfter", "must not be negative")
	case f.Latency < 0:
		return bad("latency", "Latency", "must not be negative")
	case f.Path != "" && !strings.HasPrefix(f.Path, "/"):
		return bad("path", "Path", "%q does not start with \"/\": it is a prefix of a request's path, such as \"/api/\"", f.Path)
	case f.Path == "/_mock" || strings.HasPrefix(f.Path, "/_mock/"):
		return bad("path", "Path", "%q is the control plane's, which is never faulted", f.Path)
	case f.Method != "" && !slices.Contains(s.router.apiMethods, strings.ToUpper(f.Method)):
		return bad("method", "Method", "%q is none of the APIs' methods (%s)", f.Method, strings.Join(s.router.apiMethods, ", "))
	case f.Drop && (f.Status != 0 || f.RetryAfter != 0):
		return bad("drop", "Drop", "a dropped request is never answered: set drop, or a status and retry_after, not both")
	case f.Status == 0 && f.RetryAfter == 0 && f.Latency == 0 && !f.Drop:
		return bad("status", "Status", "the fault does nothing: give it a status, a retry_after, a latency or drop")
	}
	return nil
}

func (e *faultEntry) active() ActiveFault {
	return ActiveFault{ID: e.id, Fault: e.f, Remaining: e.left}
}

// Faults returns the registered faults that have uses left, in the order
// they were registered: the order in which they are tried.
func (s *Server) Faults() []ActiveFault {
	fl := &s.faults
	fl.mu.Lock()
	defer fl.mu.Unlock()
	out := make([]ActiveFault, len(fl.list))
	for i, e := range fl.list {
		out[i] = e.active()
	}
	return out
}

// ClearFaults removes every registered fault; requests already being
// delayed or failed by one are not affected.
func (s *Server) ClearFaults() {
	s.faults.clear()
	s.changed()
}

// take returns the first fault that matches and has uses left (ok), and
// spends one of its uses unless it has unlimited ones (spent: the faults
// changed).
func (fl *faultList) take(method, path string) (f Fault, spent, ok bool) {
	if fl.registered.Load() == 0 {
		return Fault{}, false, false
	}
	fl.mu.Lock()
	defer fl.mu.Unlock()
	for i, e := range fl.list {
		if e.f.Method != "" && !strings.EqualFold(e.f.Method, method) {
			continue
		}
		if !strings.HasPrefix(path, e.f.Path) {
			continue
		}
		if e.left < 0 {
			return e.f, false, true
		}
		e.left--
		if e.left == 0 { // spent: drop it so the list stays short
			fl.setLocked(append(fl.list[:i:i], fl.list[i+1:]...))
		}
		return e.f, true, true
	}
	return Fault{}, false, false
}

// retryAfterSeconds renders d as Retry-After seconds, rounded up.
func retryAfterSeconds(d time.Duration) int64 {
	secs := int64(d / time.Second)
	if d%time.Second != 0 {
		secs++
	}
	return secs
}
