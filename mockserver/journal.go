package mockserver

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The journal's default bounds: a long-running fake keeps the last 10,000
// requests, at most 64 KiB of each and 32 MiB in all, so that a flood of
// large requests cannot grow its memory.
const (
	DefaultJournalSize       = 10000
	DefaultJournalBytes      = 32 << 20
	DefaultJournalEntryBytes = 64 << 10
)

// journalEntryOverhead is what the journal counts for each entry beside its
// bytes of text: the entry itself and its header map.
const journalEntryOverhead = 512

// Request is one request the fake received, as the journal keeps it.
type Request struct {
	Method   string
	Path     string // decoded, as in URL.Path
	RawQuery string
	Header   http.Header
	Body     []byte // the request body, or as much of it as the journal keeps of one request
	// Truncated reports that the journal kept less than the request
	// brought: Body holds only the first bytes of its body (none for a
	// request refused for its key or method, whose body is not read), or
	// headers, the path or the query were cut to fit the journal's bound
	// for one request (WithJournalEntryBytes).
	Truncated bool
	Status    int       // the status answered; 0 when the connection was dropped or the client left first
	At        time.Time // when it arrived, on the fake's clock
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

// WithJournalBytes bounds the journal's memory: it keeps at most about n
// bytes of requests in all (default 32 MiB) — their method, path, query,
// headers and bodies, and 512 bytes for each entry's own cost — dropping
// the oldest requests first. Headers are counted at what they cost in
// memory: each name kept 64 bytes beside its text, each value 16, so that
// a request of many tiny headers costs what it holds. n <= 0 keeps none.
func WithJournalBytes(n int64) Option {
	return func(c *config) {
		if n < 0 {
			n = 0
		}
		c.journalBytes = n
	}
}

// WithJournalEntryBytes bounds what the journal keeps of one request: at
// most n bytes of its method, path, query, headers and body together
// (default 64 KiB), headers counted as [WithJournalBytes] counts them. A
// larger request is kept cut, with [Request.Truncated] set: its body first,
// then headers. The bound never exceeds what [WithJournalBytes] leaves for
// one entry. n <= 0 keeps nothing of bodies.
func WithJournalEntryBytes(n int) Option {
	return func(c *config) {
		if n < 0 {
			n = 0
		}
		c.journalEntryBytes = n
	}
}

// journal holds the last requests in arrival order, bounded in entries and
// in bytes. A request takes its slot when it arrives (begin) and is
// completed when its answer's status is known (finish), just before the
// first byte of the answer is written; so once a client has an answer, the
// journal has its entry. The entries kept are always the consecutive
// sequence numbers [first, first+n), oldest at ring[head].
type journal struct {
	size       int   // most entries kept
	entryBytes int   // most bytes of text kept of one request
	maxBytes   int64 // most bytes counted in all

	mu    sync.Mutex
	ring  []journalEntry // grows up to size
	head  int
	n     int
	first uint64 // sequence number of ring[head]
	next  uint64 // sequence number of the next request
	bytes int64  // counted bytes of the entries kept
}

type journalEntry struct {
	seq  uint64
	size int64 // counted bytes: overhead, text kept
	meta int   // bytes counted for the method, path, query and headers kept
	done bool
	req  Request
}

func newJournal(size, entryBytes int, maxBytes int64) *journal {
	if room := maxBytes - journalEntryOverhead; int64(entryBytes) > room {
		entryBytes = int(max(room, 0))
	}
	if maxBytes <= journalEntryOverhead {
		size = 0
	}
	return &journal{size: size, entryBytes: entryBytes, maxBytes: maxBytes}
}

// begin records a request's arrival and returns its sequence number.
func (j *journal) begin(r *http.Request, at time.Time) uint64 {
	if j.size == 0 {
		j.mu.Lock()
		seq := j.next
		j.next++
		j.mu.Unlock()
		return seq
	}
	e := journalEntry{req: Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, At: at}}
	budget := j.entryBytes
	if n := len(e.req.Method) + len(e.req.Path) + len(e.req.RawQuery); n > budget {
		e.req.Method, e.req.Path, e.req.RawQuery = cutStrings(budget, e.req.Method, e.req.Path, e.req.RawQuery)
		e.req.Truncated = true
	}
	budget -= len(e.req.Method) + len(e.req.Path) + len(e.req.RawQuery)
	var used int
	var cut bool
	e.req.Header, used, cut = cloneHeaderWithin(r.Header, budget)
	e.req.Truncated = e.req.Truncated || cut
	e.meta = j.entryBytes - budget + used
	e.size = journalEntryOverhead + int64(e.meta)

	j.mu.Lock()
	defer j.mu.Unlock()
	seq := j.next
	j.next++
	e.seq = seq
	for j.n > 0 && (j.n >= j.size || j.bytes+e.size > j.maxBytes) {
		j.dropOldest()
	}
	j.push(e)
	return seq
}

// finish completes the entry of request seq, unless it has already left
// the journal. body is what was read of the request's body (kept as is
// when it fits: it is the request's own copy, never modified after it was
// read); whole reports whether that was all of it.
func (j *journal) finish(seq uint64, status int, body []byte, whole bool) {
	if j.size == 0 {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if seq < j.first || seq >= j.first+uint64(j.n) {
		return
	}
	e := &j.ring[(j.head+int(seq-j.first))%len(j.ring)]
	if e.done {
		return
	}
	if room := j.entryBytes - e.meta; len(body) > room {
		body = bytes.Clone(body[:max(room, 0)]) // a copy, so the whole body can be freed
		whole = false
	}
	e.done, e.req.Status, e.req.Body = true, status, body
	e.req.Truncated = e.req.Truncated || !whole
	e.size += int64(len(body))
	j.bytes += int64(len(body))
	for j.bytes > j.maxBytes && j.n > 0 {
		j.dropOldest()
	}
}

// push appends e, the newest entry; the caller has made room. Callers hold
// j.mu.
func (j *journal) push(e journalEntry) {
	if j.n == len(j.ring) { // grow, oldest first
		grown := make([]journalEntry, min(j.size, max(64, 2*len(j.ring))))
		for i := 0; i < j.n; i++ {
			grown[i] = j.ring[(j.head+i)%len(j.ring)]
		}
		j.ring, j.head = grown, 0
	}
	if j.n == 0 {
		j.first = e.seq
	}
	j.ring[(j.head+j.n)%len(j.ring)] = e
	j.n++
	j.bytes += e.size
}

// dropOldest forgets the oldest entry. Callers hold j.mu.
func (j *journal) dropOldest() {
	e := &j.ring[j.head]
	j.bytes -= e.size
	*e = journalEntry{}
	j.head = (j.head + 1) % len(j.ring)
	j.n--
	j.first++
}

// What the journal counts for each header name and each header value it
// keeps beside their text, as they cost memory: a name takes a map slot (its
// string and its values' slice headers, with the map's spare room) and its
// own allocation; a value takes a string header. So a request of a million
// empty headers is not free: it is cut like a large body.
const (
	journalHeaderNameOverhead  = 64
	journalHeaderValueOverhead = 16
)

// cloneHeaderWithin copies h (as http.Header.Clone does) keeping values
// while the names and values kept, each counted with its overhead, total at
// most budget bytes. It returns the copy, the bytes counted, and whether
// anything was left out. The copy is allocated for what it keeps, never
// for all of h, and shares no array with h.
func cloneHeaderWithin(h http.Header, budget int) (http.Header, int, bool) {
	if h == nil {
		return nil, 0, false
	}
	cost := 0
	for k, vv := range h {
		cost += journalHeaderNameOverhead + len(k)
		for _, v := range vv {
			cost += journalHeaderValueOverhead + len(v)
		}
		if cost > budget {
			break
		}
	}
	if cost <= budget {
		return h.Clone(), cost, false
	}
	// Cut: first what fits, looking no further than the budget allows (a
	// flood of headers costs what the bound keeps), then one allocation
	// for the values kept.
	type kept struct {
		name string
		n    int // values kept
	}
	var keep []kept
	used, nv := 0, 0
	for k, vv := range h {
		if budget-used <= journalHeaderNameOverhead+journalHeaderValueOverhead {
			break // not even one more name with an empty value fits
		}
		if used+journalHeaderNameOverhead+len(k) > budget {
			continue
		}
		n, size := 0, journalHeaderNameOverhead+len(k)
		for _, v := range vv {
			if used+size+journalHeaderValueOverhead+len(v) > budget {
				break
			}
			size += journalHeaderValueOverhead + len(v)
			n++
		}
		if n == 0 && vv != nil {
			continue
		}
		used += size
		nv += n
		keep = append(keep, kept{k, n})
	}
	sv := make([]string, nv)
	h2 := make(http.Header, len(keep))
	for _, k := range keep {
		vv := h[k.name]
		if vv == nil {
			h2[k.name] = nil
			continue
		}
		copy(sv, vv[:k.n])
		h2[k.name] = sv[:k.n:k.n]
		sv = sv[k.n:]
	}
	return h2, used, true
}

// cutStrings shortens the strings, last first, until together they are at
// most budget bytes long; a cut string is copied, so that the original can
// be freed.
func cutStrings(budget int, ss ...string) (string, string, string) {
	total := 0
	for _, s := range ss {
		total += len(s)
	}
	for i := len(ss) - 1; i >= 0 && total > budget; i-- {
		keep := max(len(ss[i])-(total-budget), 0)
		total -= len(ss[i]) - keep
		ss[i] = strings.Clone(ss[i][:keep])
	}
	return ss[0], ss[1], ss[2]
}

// clear forgets every entry; requests in progress are not recorded when
// they finish.
func (j *journal) clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.ring)
	j.head, j.n, j.bytes = 0, 0, 0
	j.first = j.next
}

// ClearRequests empties the journal of requests. Requests in progress
// when it is called are not recorded.
func (s *Server) ClearRequests() { s.journal.clear() }

// Requests returns the journal: the last requests answered (or dropped),
// in the order they arrived, each with the status of its answer. Requests
// still in progress are not included. The result is a copy that the caller
// may keep and modify.
func (s *Server) Requests() []Request {
	out := []Request{}
	s.journal.each(func(r *Request) {
		c := *r
		c.Header = r.Header.Clone()
		c.Body = bytes.Clone(r.Body)
		out = append(out, c)
	})
	return out
}

// each calls visit with every finished entry, in the order they arrived,
// under the journal's lock: visit copies what it keeps of an entry, which
// is the journal's own.
func (j *journal) each(visit func(*Request)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for i := 0; i < j.n; i++ {
		if e := &j.ring[(j.head+i)%len(j.ring)]; e.done {
			visit(&e.req)
		}
	}
}
