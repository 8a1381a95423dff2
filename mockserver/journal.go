package mockserver

import (
	"bytes"
	"net/http"
	"sync"
)

// DefaultJournalSize is how many requests the journal keeps unless
// WithJournalSize says otherwise.
const DefaultJournalSize = 10000

// Request is one request the fake received, as the journal keeps it.
type Request struct {
	Method   string
	Path     string // decoded, as in URL.Path
	RawQuery string
	Header   http.Header
	Body     []byte // up to the body cap (1 MiB)
	Status   int    // the status answered; 0 when the connection was dropped or the client left first
}

// WithJournalSize makes the journal keep the last n requests (default
// 10,000), so that a long-running fake's memory stays bounded. n <= 0 keeps
// none.
func WithJournalSize(n int) Option {
	return func(c *config) {
		if n < 0 {
			n = 0
		}
		c.journalSize = n
	}
}

// journal is a ring buffer of requests in arrival order. A request takes
// its slot when it arrives (begin) and is completed when its answer's
// status is known (finish), just before the first byte of the answer is
// written; so once a client has an answer, the journal has its entry.
type journal struct {
	mu      sync.Mutex
	size    int
	entries []journalEntry // grows up to size, then wraps
	next    uint64         // sequence number of the next request
}

type journalEntry struct {
	seq  uint64
	done bool
	req  Request
}

func newJournal(size int) *journal { return &journal{size: size} }

// begin records a request's arrival and returns its sequence number.
func (j *journal) begin(r *http.Request) uint64 {
	e := journalEntry{req: Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
		Header:   r.Header.Clone(),
	}}
	j.mu.Lock()
	defer j.mu.Unlock()
	seq := j.next
	j.next++
	if j.size == 0 {
		return seq
	}
	e.seq = seq
	if len(j.entries) < j.size {
		j.entries = append(j.entries, e)
	} else {
		j.entries[seq%uint64(j.size)] = e
	}
	return seq
}

// finish completes the entry of request seq, unless it has already left
// the ring. body is kept as is: it is the request's own copy, never
// modified after it was read.
func (j *journal) finish(seq uint64, status int, body []byte) {
	if j.size == 0 {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	i := seq % uint64(j.size)
	if i < uint64(len(j.entries)) && j.entries[i].seq == seq && !j.entries[i].done {
		e := &j.entries[i]
		e.done, e.req.Status, e.req.Body = true, status, body
	}
}

// Requests returns the journal: the last requests answered (or dropped),
// in the order they arrived, each with the status of its answer. Requests
// still in progress are not included. The result is a copy that the caller
// may keep and modify.
func (s *Server) Requests() []Request {
	j := s.journal
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]Request, 0, len(j.entries))
	first := uint64(0)
	if j.next > uint64(len(j.entries)) {
		first = j.next - uint64(len(j.entries))
	}
	for seq := first; seq < j.next; seq++ {
		e := &j.entries[seq%uint64(j.size)]
		if e.seq != seq || !e.done {
			continue
		}
		r := e.req
		r.Header = r.Header.Clone()
		r.Body = bytes.Clone(r.Body)
		out = append(out, r)
	}
	return out
}
