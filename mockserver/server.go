package mockserver

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/jarcoal/httpmock"
)

// Server is a stateful fake of both partner APIs — Big Interview's users
// API with its SSO pages, and TicketsCloud's v1 partners and API keys — on
// one base URL, with a control plane for tests: a clock, faults, a journal
// and seeding.
// Make it with [New]; it is safe for concurrent use.
type Server struct {
	// URL is the fake's base URL, http://127.0.0.1:PORT: pass it to
	// partnerapi.WithBaseURL. It is "" for a Server made WithoutListener.
	URL string

	ts       *httptest.Server
	handler  http.Handler
	router   *router
	mock     *httpmock.MockTransport
	clock    *clock
	ids      *idGen
	faults   faultList
	journal  *journal
	webhooks *webhookSender
	st       state
	changes  chan struct{} // Changes: a value waits here after any change
	// adminToken, when set, is the bearer token the control plane
	// (/_mock/) requires (WithAdminToken).
	adminToken string
	closed     chan struct{}
	closeOnce  sync.Once
}

// Option configures a Server made with [New].
type Option func(*config)

type config struct {
	start             time.Time
	journalSize       int
	journalBytes      int64
	journalEntryBytes int
	noListener        bool
	seed              int64
	seeded            bool
	adminToken        string
}

// WithStartTime sets the fake's clock to t when the Server is made
// (default: the real time), so that times in answers are predictable. The
// clock then runs in real time, plus every [Server.Advance].
func WithStartTime(t time.Time) Option {
	return func(c *config) { c.start = t }
}

// WithoutListener makes [New] open no socket: the fake is reached through
// [Server.Handler] (served on a listener of your own, as cmd/partnerapi-mock does
// with its own http.Server) or [Server.Transport], and URL is "". With Transport,
// any loopback base URL, such as http://127.0.0.1, reaches the fake.
func WithoutListener() Option {
	return func(c *config) { c.noListener = true }
}

// New returns a fake with no partners, serving on 127.0.0.1 at s.URL
// (unless [WithoutListener]), ready to use. Add partners with [Server.AddPartner] and
// call [Server.Close] when done.
func New(opts ...Option) *Server {
	cfg := config{journalSize: DefaultJournalSize, journalBytes: DefaultJournalBytes, journalEntryBytes: DefaultJournalEntryBytes}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	s := &Server{
		clock:      newClock(cfg.start),
		ids:        newIDGen(cfg.seeded, cfg.seed, cfg.start),
		journal:    newJournal(cfg.journalSize, cfg.journalEntryBytes, cfg.journalBytes),
		changes:    make(chan struct{}, 1),
		adminToken: cfg.adminToken,
		closed:     make(chan struct{}),
	}
	s.webhooks = newWebhookSender(s.clock, s.ids, cfg.journalSize)
	s.st.init()
	s.router = s.newRouter(s.routes())
	s.handler = http.HandlerFunc(s.serve)
	s.mock = httpmock.NewMockTransport()
	s.mock.RegisterNoResponder(s.respond)
	if !cfg.noListener {
		s.ts = httptest.NewServer(s.handler)
		s.URL = s.ts.URL
	}
	return s
}

// Close stops the listener, ends any fault Latency still waiting, and
// waits for requests in progress to finish. It stops the webhook sender:
// deliveries in progress are cancelled, pending retries dropped, and no
// event is sent afterwards. The state stays: [Server.Handler] and [Server.Transport] keep
// working. Close may be called more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.webhooks.close()
		if s.ts != nil {
			s.ts.Close()
		}
	})
}

// Changes returns a channel that receives a value after the fake's state
// changes — anything a [Server.Snapshot] holds: a partner, key, user,
// token, session, interview, progress, webhook or fault added, changed or
// removed, the clock advanced, a [Server.Reset] or [Server.Restore]. Changes coalesce: one
// value waiting stands for every change since it was sent, so a reader
// that takes a snapshot after each receive never misses one. It is meant
// for one reader (cmd/partnerapi-mock saves its -state file this way).
func (s *Server) Changes() <-chan struct{} { return s.changes }

// changed signals Changes without blocking.
func (s *Server) changed() {
	select {
	case s.changes <- struct{}{}:
	default:
	}
}

// Handler returns the fake as an http.Handler, to serve on a listener of
// your own or call directly. It shares its state and control plane with
// URL and [Server.Transport].
func (s *Server) Handler() http.Handler { return s.handler }

// Transport returns the fake in memory, with no socket: an
// http.RoundTripper (an httpmock.MockTransport handing every request to
// [Server.Handler]) for an http.Client, e.g. [partnerapi.WithHTTPClient](&http.Client{
// Transport: srv.Transport()}). The host of the request URL is ignored. It
// shares its state and control plane with URL and Handler. A Drop fault
// makes its RoundTrip return an error.
func (s *Server) Transport() http.RoundTripper { return s.mock }
