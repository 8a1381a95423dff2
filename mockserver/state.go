package mockserver

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/internal/ascii"
)

// state is everything the fake stores, behind one RWMutex: reads (auth,
// tracks, interviews, key lists) share it, writes (create/refresh, key
// changes, seeding) take it alone. It is kept small per user: the 100,000
// users of a load test should cost well under 1 KiB each.
type state struct {
	mu       sync.RWMutex
	partners map[string]*partner // by ObjectId (lowercase)
	orgs     map[string]*partner // by org subdomain (lowercase)
	keys     map[string]*apiKey  // TicketsCloud keys, by the secret itself (removed ones included)
	biKeys   map[string]*partner // live Big Interview keys, by the secret itself
	tokens   map[[32]byte]*user  // live and expired SSO tokens; replaced ones are deleted
	sessions map[[32]byte]*session
	ivNext   int64  // the next interview id AddInterview assigns
	ivSeq    uint64 // counts interview changes, to order equal UpdatedAt

	partnersAdded int // counts AddPartner calls, to list partners in the order they were added
}

func (st *state) init() {
	st.partners = make(map[string]*partner)
	st.orgs = make(map[string]*partner)
	st.keys = make(map[string]*apiKey)
	st.biKeys = make(map[string]*partner)
	st.tokens = make(map[[32]byte]*user)
	st.sessions = make(map[[32]byte]*session)
	st.ivNext = 1
}

// partner is a TicketsCloud partner and the Big Interview organization it
// stands for: the fake links the two one to one, but their credentials
// stay apart (biKeys for /api, keys for /v1).
type partner struct {
	id        string
	org       string
	order     int                // the partner's place in the order partners were added
	createdAt time.Time          // when AddPartner added it (microsecond precision)
	anonymous bool               // may create anonymous users
	biKeys    []string           // live Big Interview keys, in creation order
	firstKey  string             // the Big Interview key AddPartner gave it, which Reset makes live again
	keys      []*apiKey          // TicketsCloud keys in creation order, removed ones included
	keyByID   map[string]*apiKey // by ObjectId (lowercase)
	users     map[string]*user   // by partner_id
}

// user is one Big Interview user. Times are Unix milliseconds on the
// fake's clock, the precision the API shows.
type user struct {
	partner    *partner
	partnerID  string     // shares its bytes with the users map key
	attrs      userParams // what the create request sent; empty for an anonymous user
	createdAt  int64
	tokenExp   int64
	token      [32]byte
	anonymous  bool
	completed  [len(guidedTracks)]uint32 // completed steps per guided track: bit i-1 for step i
	interviews []storedInterview         // nil until seeded
}

type storedInterview struct {
	iv  partnerapi.Interview
	seq uint64 // when it was last added or updated, to order equal UpdatedAt
}

// Lifetimes on the fake's clock, as Big Interview documents them.
const (
	tokenLifetime     = 48 * time.Hour
	anonymousLifetime = 24 * time.Hour
)

// live reports whether u still exists at now: an anonymous user is gone 24
// hours after it was created.
func (u *user) live(now int64) bool {
	return !u.anonymous || now < u.createdAt+anonymousLifetime.Milliseconds()
}

// lookupUser returns the live user partnerID of p, or nil. Callers hold
// st.mu (read or write).
func (p *partner) lookupUser(partnerID string, now int64) *user {
	u := p.users[partnerID]
	if u == nil || !u.live(now) {
		return nil
	}
	return u
}

// Partner is one partner of the fake: a TicketsCloud partner (ID, its
// ObjectId) and the Big Interview organization it works with (Org, its
// subdomain), with the first key of each. The two companies' keys are
// separate credentials, as in production: APIKey authenticates the Big
// Interview users API (/api) and nothing else, KeysAPIKey the TicketsCloud
// keys API (/v1) and nothing else. [Server.NewClient] makes an SDK client
// that uses each for its own API.
type Partner struct {
	ID         string // TicketsCloud partner ObjectId, 24 lowercase hex digits: the keys API's partner argument
	Org        string // Big Interview organization subdomain, lowercase
	APIKey     string // the organization's first Big Interview API key, 32 lowercase hex digits
	KeysAPIKey string // the partner's first TicketsCloud API key (named "default"), 32 lowercase hex digits
}

// PartnerOption configures a partner added with [Server.AddPartner].
type PartnerOption func(*partnerConfig)

type partnerConfig struct{ anonymous bool }

// AllowAnonymous lets the partner create anonymous users (POST
// /api/users/anonymous); without it that endpoint answers 403, as for an
// organization Big Interview has not approved.
func AllowAnonymous() PartnerOption {
	return func(c *partnerConfig) { c.anonymous = true }
}

// AddPartner adds a partner for the organization org and gives it the
// first key of each company: a Big Interview API key ([Partner].APIKey, as
// an org admin makes in the admin area; [Server.AddAPIKey] makes more) and a
// TicketsCloud API key named "default" ([Partner].KeysAPIKey), which the
// keys API lists like any other and can rename or remove. org is stored in
// lowercase. AddPartner panics if org is not a DNS label (letters, digits
// and '-', 1 to 63 long, no '-' at either end) or was already added: both
// are mistakes in a test's setup.
func (s *Server) AddPartner(org string, opts ...PartnerOption) *Partner {
	var cfg partnerConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	p, err := s.addPartner(org, cfg.anonymous)
	if err != nil {
		panic(err.Error())
	}
	return p
}

// addPartner is AddPartner, with an error for a bad or repeated org: a
// *controlError, 400 or 409.
func (s *Server) addPartner(org string, anonymous bool) (*Partner, error) {
	if !isDNSLabel(org) {
		return nil, &controlError{"AddPartner", http.StatusBadRequest, fmt.Sprintf("organization %q is not a subdomain (letters, digits and '-', 1 to 63 long)", org)}
	}
	org = ascii.Lower(org)
	now := s.clock.now()
	st := &s.st
	st.mu.Lock()
	if _, dup := st.orgs[org]; dup {
		st.mu.Unlock()
		return nil, &controlError{"AddPartner", http.StatusConflict, fmt.Sprintf("organization %q was already added", org)}
	}
	p := &partner{
		id:        s.ids.objectID(now),
		order:     st.partnersAdded,
		org:       org,
		createdAt: now.Truncate(time.Microsecond),
		anonymous: anonymous,
		keyByID:   make(map[string]*apiKey),
		users:     make(map[string]*user),
	}
	st.partnersAdded++
	st.orgs[org] = p
	st.partners[p.id] = p
	p.firstKey = s.newBIKeyLocked(p)
	s.newKeyLocked(p, "default", now)
	pub := p.public()
	st.mu.Unlock()
	s.changed()
	return pub, nil
}

// public is the Partner a caller holds for p. The caller holds st.mu.
func (p *partner) public() *Partner {
	return &Partner{ID: p.id, Org: p.org, APIKey: p.firstKey, KeysAPIKey: p.keys[0].key}
}

// Partners returns every partner of the fake, in the order they were
// added, as [Server.AddPartner] returned them: with the first key of each
// company (APIKey and KeysAPIKey), even when it has since been removed.
func (s *Server) Partners() []*Partner {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	out := make([]*Partner, 0, len(s.st.partners))
	for _, p := range s.st.partnersInOrder() {
		out = append(out, p.public())
	}
	return out
}

// partnersInOrder returns the partners in the order they were added. The
// caller holds st.mu.
func (st *state) partnersInOrder() []*partner {
	ps := make([]*partner, 0, len(st.partners))
	for _, p := range st.partners {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b *partner) int { return cmp.Compare(a.order, b.order) })
	return ps
}

func isDNSLabel(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// partnerOfLocked returns the stored partner p stands for, or nil. The caller
// holds st.mu.
func (s *Server) partnerOfLocked(p *Partner) *partner {
	if p == nil {
		return nil
	}
	return s.st.partners[ascii.Lower(p.ID)]
}

// lookupPartnerLocked returns the stored partner p stands for, or a
// *controlError (404) for op saying why there is none. The caller holds
// st.mu.
func (s *Server) lookupPartnerLocked(op string, p *Partner) (*partner, error) {
	if sp := s.partnerOfLocked(p); sp != nil {
		return sp, nil
	}
	return nil, &controlError{op, http.StatusNotFound, describeMissing(p)}
}
