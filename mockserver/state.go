package mockserver

import (
	"fmt"
	"sync"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
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
	createdAt time.Time          // when AddPartner added it (microsecond precision)
	anonymous bool               // may create anonymous users
	biKeys    []string           // live Big Interview keys, in creation order
	keys      []*apiKey          // TicketsCloud keys in creation order, removed ones included
	keyByID   map[string]*apiKey // by ObjectId (lowercase)
	users     map[string]*user   // by partner_id
}

// user is one Big Interview user. Times are Unix milliseconds on the
// fake's clock, the precision the API shows.
type user struct {
	partner    *partner
	partnerID  string // shares its bytes with the users map key
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
// keys API (/v1) and nothing else. Server.NewClient makes an SDK client
// that uses each for its own API.
type Partner struct {
	ID         string // TicketsCloud partner ObjectId, 24 lowercase hex digits: the keys API's partner argument
	Org        string // Big Interview organization subdomain, lowercase
	APIKey     string // the organization's first Big Interview API key, 32 lowercase hex digits
	KeysAPIKey string // the partner's first TicketsCloud API key (named "default"), 32 lowercase hex digits
}

// PartnerOption configures a partner added with AddPartner.
type PartnerOption func(*partnerConfig)

type partnerConfig struct{ anonymous bool }

// AllowAnonymous lets the partner create anonymous users (POST
// /api/users/anonymous); without it that endpoint answers 403, as for an
// organization Big Interview has not approved.
func AllowAnonymous() PartnerOption {
	return func(c *partnerConfig) { c.anonymous = true }
}

// AddPartner adds a partner for the organization org and gives it the
// first key of each company: a Big Interview API key (Partner.APIKey, as an
// org admin makes in the admin area; AddAPIKey makes more) and a
// TicketsCloud API key named "default" (Partner.KeysAPIKey), which the keys
// API lists like any other and can rename or remove. org is stored in
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
	if !isDNSLabel(org) {
		panic(fmt.Sprintf("mockserver: AddPartner: organization %q is not a subdomain (letters, digits and '-', 1 to 63 long)", org))
	}
	org = lowerASCII(org)
	now := s.clock.now()
	p := &partner{
		id:        s.ids.objectID(now),
		org:       org,
		createdAt: now.Truncate(time.Microsecond),
		anonymous: cfg.anonymous,
		keyByID:   make(map[string]*apiKey),
		users:     make(map[string]*user),
	}
	st := &s.st
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, dup := st.orgs[org]; dup {
		panic(fmt.Sprintf("mockserver: AddPartner: organization %q was already added", org))
	}
	st.orgs[org] = p
	st.partners[p.id] = p
	biKey := s.newBIKeyLocked(p)
	k := s.newKeyLocked(p, "default", now)
	return &Partner{ID: p.id, Org: p.org, APIKey: biKey, KeysAPIKey: k.key}
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
	return s.st.partners[lowerASCII(p.ID)]
}
