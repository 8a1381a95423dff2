package mockserver

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/internal/ascii"
	"github.com/partnerapi/go-partnerapi/partnerid"
)

// SnapshotVersion is the version of the snapshots [Server.Snapshot] writes
// and the newest [Server.Restore] reads.
const SnapshotVersion = 1

// A snapshot is the fake's whole state as JSON: its partners with their
// keys, users (with their tokens, progress and interviews) and webhook
// registrations, the SSO sessions, the faults with the uses they have
// left, the clock, and where the id counters (and a seeded generator)
// stand, so that a fake restored from it goes on as the one that wrote it
// would have. The journals (Requests, Deliveries) and webhook deliveries
// in progress or waiting for a retry are not part of it.
type snapshot struct {
	Version  int               `json:"version"`
	Clock    snapshotClock     `json:"clock"`
	IDs      snapshotIDs       `json:"ids"`
	Partners []snapshotPartner `json:"partners"`
	Sessions []snapshotSession `json:"sessions"`
	Faults   []snapshotFault   `json:"faults"`
	// NextInterviewID is the id AddInterview assigns next;
	// InterviewChanges counts interview changes, which order interviews
	// updated in the same millisecond.
	NextInterviewID  int64  `json:"next_interview_id"`
	InterviewChanges uint64 `json:"interview_changes"`
	LastFaultID      int64  `json:"last_fault_id"`
}

type snapshotClock struct {
	Start time.Time `json:"start"`
	Now   time.Time `json:"now"`
}

type snapshotIDs struct {
	Process     string `json:"process"`             // ObjectIds' 5 bytes per fake, 10 hex digits
	Counter     uint32 `json:"counter"`             // the last ObjectId counter value
	LastEventID uint64 `json:"last_event_id"`       // the last webhook event id
	Generator   []byte `json:"generator,omitempty"` // a seeded fake's generator state
}

type snapshotPartner struct {
	ID          string            `json:"id"`
	Org         string            `json:"org"`
	CreatedAt   time.Time         `json:"created_at"`
	Anonymous   bool              `json:"anonymous"`
	FirstAPIKey string            `json:"first_api_key"` // the Big Interview key AddPartner gave it
	APIKeys     []string          `json:"api_keys"`      // its live Big Interview keys, in creation order
	Keys        []snapshotKey     `json:"keys"`          // its TicketsCloud keys, in creation order, the first AddPartner's
	Users       []snapshotUser    `json:"users"`
	Webhooks    []snapshotWebhook `json:"webhooks"`
}

type snapshotKey struct {
	ID        string    `json:"id"`
	Key       string    `json:"key"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	Removed   bool      `json:"removed"`
}

type snapshotUser struct {
	PartnerID      string              `json:"partner_id"`
	FirstName      string              `json:"first_name,omitempty"`
	LastName       string              `json:"last_name,omitempty"`
	Email          string              `json:"email,omitempty"`
	Anonymous      bool                `json:"anonymous"`
	CreatedAt      time.Time           `json:"created_at"`
	Token          string              `json:"token"`
	TokenExpiresAt time.Time           `json:"token_expires_at"`
	Completed      map[string][]int    `json:"completed,omitempty"` // track title → completed steps
	Interviews     []snapshotInterview `json:"interviews,omitempty"`
}

type snapshotInterview struct {
	partnerapi.Interview
	Change uint64 `json:"change"` // the interview change that last touched it
}

type snapshotSession struct {
	ID        string `json:"id"` // 64 hex digits, the cookie's value
	Partner   string `json:"partner"`
	PartnerID string `json:"partner_id"`
	ReturnURL string `json:"return_url,omitempty"`
}

type snapshotWebhook struct {
	URL string `json:"url"`
	Key string `json:"key"`
}

type snapshotFault struct {
	ID         int64    `json:"id"`
	Method     string   `json:"method,omitempty"`
	Path       string   `json:"path,omitempty"`
	Status     int      `json:"status,omitempty"`
	RetryAfter duration `json:"retry_after,omitempty"`
	Latency    duration `json:"latency,omitempty"`
	Drop       bool     `json:"drop,omitempty"`
	Remaining  int      `json:"remaining"`
}

// Snapshot writes the fake's whole state to w as one JSON object with a
// top-level "version" ([SnapshotVersion]): partners, keys, users with
// their tokens, progress and interviews, webhook registrations, SSO
// sessions, faults, the clock, and where the id counters stand (for a
// fake made [WithSeed], its generator too). It holds credentials: keep it
// where the keys may be. The journals and webhook deliveries in progress
// or waiting for a retry are not part of it. [Server.Restore] reads it
// back.
func (s *Server) Snapshot(w io.Writer) error {
	snap := s.snapshot()
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(snap); err != nil {
		return fmt.Errorf("mockserver: Snapshot: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("mockserver: Snapshot: %w", err)
	}
	return nil
}

func (s *Server) snapshot() *snapshot {
	snap := &snapshot{Version: SnapshotVersion}

	// Faults and webhooks have locks of their own; the state lock is taken
	// last, and alone.
	fl := &s.faults
	fl.mu.Lock()
	snap.LastFaultID = fl.lastID
	snap.Faults = make([]snapshotFault, 0, len(fl.list))
	for _, e := range fl.list {
		snap.Faults = append(snap.Faults, snapshotFault{
			ID: e.id, Method: e.f.Method, Path: e.f.Path, Status: e.f.Status,
			RetryAfter: duration(e.f.RetryAfter), Latency: duration(e.f.Latency), Drop: e.f.Drop, Remaining: e.left,
		})
	}
	fl.mu.Unlock()

	ws := s.webhooks
	hooks := make(map[*partner][]snapshotWebhook)
	ws.mu.Lock()
	for p, ts := range ws.targets {
		for _, t := range ts {
			hooks[p] = append(hooks[p], snapshotWebhook{URL: t.url, Key: t.key})
		}
	}
	snap.IDs.LastEventID = ws.lastEventID
	ws.mu.Unlock()

	g := s.ids
	g.mu.Lock()
	snap.IDs.Process = hex.EncodeToString(g.process[:])
	snap.IDs.Counter = g.counter.Load()
	if g.rng != nil {
		snap.IDs.Generator, _ = g.rng.MarshalBinary() // it never fails
	}
	g.mu.Unlock()

	st := &s.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	now := s.clock.now()
	snap.Clock = snapshotClock{Start: s.clock.start(), Now: now}
	nowMillis := now.UnixMilli()
	snap.NextInterviewID, snap.InterviewChanges = st.ivNext, st.ivSeq
	for _, p := range st.partnersInOrder() {
		sp := snapshotPartner{
			ID: p.id, Org: p.org, CreatedAt: p.createdAt, Anonymous: p.anonymous,
			FirstAPIKey: p.firstKey, APIKeys: slices.Clone(p.biKeys), Webhooks: hooks[p],
		}
		for _, k := range p.keys {
			sp.Keys = append(sp.Keys, snapshotKey{ID: k.id, Key: k.key, Name: k.name, CreatedAt: k.createdAt, Removed: k.removed})
		}
		users := make([]*user, 0, len(p.users))
		for _, u := range p.users {
			if u.live(nowMillis) {
				users = append(users, u)
			}
		}
		sortUsers(users)
		for _, u := range users {
			su := snapshotUser{
				PartnerID: u.partnerID, FirstName: u.attrs.firstName, LastName: u.attrs.lastName, Email: u.attrs.email,
				Anonymous: u.anonymous, CreatedAt: time.UnixMilli(u.createdAt).UTC(),
				Token: hex.EncodeToString(u.token[:]), TokenExpiresAt: time.UnixMilli(u.tokenExp).UTC(),
			}
			for ti, mask := range u.completed {
				if mask == 0 {
					continue
				}
				if su.Completed == nil {
					su.Completed = make(map[string][]int)
				}
				for step := 1; step <= len(guidedTracks[ti].steps); step++ {
					if mask&(1<<(step-1)) != 0 {
						su.Completed[guidedTracks[ti].title] = append(su.Completed[guidedTracks[ti].title], step)
					}
				}
			}
			for _, iv := range u.interviews {
				su.Interviews = append(su.Interviews, snapshotInterview{Interview: iv.iv, Change: iv.seq})
			}
			sp.Users = append(sp.Users, su)
		}
		snap.Partners = append(snap.Partners, sp)
	}
	for sid, sess := range st.sessions {
		if !sess.u.live(nowMillis) || sess.u.partner.users[sess.u.partnerID] != sess.u {
			continue
		}
		snap.Sessions = append(snap.Sessions, snapshotSession{
			ID: hex.EncodeToString(sid[:]), Partner: sess.u.partner.id, PartnerID: sess.u.partnerID, ReturnURL: sess.returnURL,
		})
	}
	slices.SortFunc(snap.Sessions, func(a, b snapshotSession) int {
		if a.ID < b.ID {
			return -1
		}
		return 1
	})
	return snap
}

// Restore replaces the fake's state with a snapshot that [Server.Snapshot]
// wrote: partners, keys, users, sessions, webhook registrations, faults,
// the clock (it reads the snapshot's time from now on, and [Server.Reset] takes it
// back to the snapshot's start time) and the id counters (and, for a fake
// made [WithSeed], the generator's state, when the snapshot has one). The
// journals are kept; webhook deliveries waiting for a retry are dropped. A
// snapshot that is not valid JSON, is cut short, has fields or values this
// version does not know, or is of a newer version than
// [SnapshotVersion], is an error that says where, and changes nothing.
func (s *Server) Restore(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return &controlError{"Restore", http.StatusBadRequest, "reading the snapshot: " + err.Error()}
	}
	return s.restore(b)
}

// restore is Restore of the snapshot b, which it does not keep.
func (s *Server) restore(b []byte) error {
	snap, err := decodeSnapshot(b)
	if err != nil {
		return &controlError{"Restore", http.StatusBadRequest, err.Error()}
	}
	ns, err := s.buildState(snap)
	if err != nil {
		return &controlError{"Restore", http.StatusBadRequest, err.Error()}
	}
	s.install(snap, ns)
	return nil
}

// decodeSnapshot parses a snapshot. It is decoded once; only when that
// fails is it read again, for its version, so that a snapshot of a newer
// version is reported as newer rather than as having unknown fields.
func decodeSnapshot(b []byte) (*snapshot, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var snap snapshot
	err := dec.Decode(&snap)
	if err == nil && snap.Version >= 1 && snap.Version <= SnapshotVersion {
		if _, err := dec.Token(); err == io.EOF {
			return &snap, nil
		}
	}
	if err := checkSnapshotVersion(b); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, describeJSONError("the snapshot does not decode", b, err)
	}
	return nil, errors.New("the snapshot has data after its JSON object")
}

// checkSnapshotVersion says what is wrong with b as JSON, or with its
// version.
func checkSnapshotVersion(b []byte) error {
	var head struct {
		Version *json.RawMessage `json:"version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return describeJSONError("the snapshot is not valid JSON", b, err)
	}
	if head.Version == nil {
		return errors.New(`the snapshot has no "version"`)
	}
	v, err := strconv.Atoi(string(*head.Version))
	if err != nil || v < 1 {
		return fmt.Errorf("the snapshot's version %s is not a version number", *head.Version)
	}
	if v > SnapshotVersion {
		return fmt.Errorf("the snapshot is of version %d, newer than this fake reads (%d)", v, SnapshotVersion)
	}
	return nil
}

// describeJSONError says what is wrong with JSON b, and where.
func describeJSONError(what string, b []byte, err error) error {
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || err.Error() == "unexpected end of JSON input":
		return fmt.Errorf("%s: it ends early, after %d bytes (truncated?)", what, len(b))
	case errors.As(err, &syn):
		return fmt.Errorf("%s: %v at byte %d", what, syn, syn.Offset)
	}
	return fmt.Errorf("%s: %v", what, err)
}

// builtState is a snapshot turned into the fake's own structures, ready to
// be installed.
type builtState struct {
	st     state
	hooks  map[*partner][]*webhookTarget
	faults []*faultEntry
	rng    *mrand.ChaCha8 // nil: keep the fake's own generator
	proc   [5]byte
}

// buildState checks every value of snap and builds the state it
// describes, without touching the fake's.
func (s *Server) buildState(snap *snapshot) (*builtState, error) {
	ns := &builtState{hooks: make(map[*partner][]*webhookTarget)}
	st := &ns.st
	st.init()
	if snap.Clock.Start.IsZero() || snap.Clock.Now.IsZero() {
		return nil, errors.New("clock: start and now are required")
	}
	if p, err := hex.DecodeString(snap.IDs.Process); err != nil || len(p) != len(ns.proc) {
		return nil, errors.New("ids.process: not 10 hex digits")
	} else {
		copy(ns.proc[:], p)
	}
	if snap.IDs.Generator != nil && s.ids.rng != nil {
		ns.rng = new(mrand.ChaCha8)
		if err := ns.rng.UnmarshalBinary(snap.IDs.Generator); err != nil {
			return nil, fmt.Errorf("ids.generator: %v", err)
		}
	}
	if snap.NextInterviewID < 1 {
		return nil, errors.New("next_interview_id: must be at least 1")
	}
	st.ivNext, st.ivSeq = snap.NextInterviewID, snap.InterviewChanges
	secrets := make(map[string]string) // every key, of both companies, to where it is
	claim := func(key, where string) error {
		if !isHeaderToken(key) {
			return fmt.Errorf("%s: a key must be non-empty, without white space or control characters", where)
		}
		if key == s.adminToken {
			return fmt.Errorf("%s: the key is the control plane's admin token", where)
		}
		if other, dup := secrets[key]; dup {
			return fmt.Errorf("%s: the same key as %s", where, other)
		}
		secrets[key] = where
		return nil
	}
	for i, sp := range snap.Partners {
		at := fmt.Sprintf("partners[%d]", i)
		id := ascii.Lower(sp.ID)
		switch {
		case !isObjectID(sp.ID):
			return nil, fmt.Errorf("%s.id: %q is not an ObjectId", at, sp.ID)
		case st.partners[id] != nil:
			return nil, fmt.Errorf("%s.id: %s is there twice", at, id)
		case !isDNSLabel(sp.Org):
			return nil, fmt.Errorf("%s.org: %q is not a subdomain", at, sp.Org)
		case st.orgs[ascii.Lower(sp.Org)] != nil:
			return nil, fmt.Errorf("%s.org: %q is there twice", at, sp.Org)
		case len(sp.Keys) == 0:
			return nil, fmt.Errorf("%s.keys: the partner's first TicketsCloud key is missing", at)
		case !isHeaderToken(sp.FirstAPIKey):
			return nil, fmt.Errorf("%s.first_api_key: missing or not a key", at)
		}
		p := &partner{
			id: id, org: ascii.Lower(sp.Org), order: i, createdAt: sp.CreatedAt.UTC(), anonymous: sp.Anonymous,
			firstKey: sp.FirstAPIKey, keyByID: make(map[string]*apiKey), users: make(map[string]*user),
		}
		st.partners[id], st.orgs[p.org] = p, p
		st.partnersAdded = i + 1
		for j, k := range sp.APIKeys {
			if err := claim(k, fmt.Sprintf("%s.api_keys[%d]", at, j)); err != nil {
				return nil, err
			}
			p.biKeys = append(p.biKeys, k)
			st.biKeys[k] = p
		}
		if _, live := st.biKeys[sp.FirstAPIKey]; !live {
			if err := claim(sp.FirstAPIKey, at+".first_api_key"); err != nil {
				return nil, err
			}
		}
		for j, sk := range sp.Keys {
			kat := fmt.Sprintf("%s.keys[%d]", at, j)
			kid := ascii.Lower(sk.ID)
			switch {
			case !isObjectID(sk.ID):
				return nil, fmt.Errorf("%s.id: %q is not an ObjectId", kat, sk.ID)
			case p.keyByID[kid] != nil:
				return nil, fmt.Errorf("%s.id: %s is there twice", kat, kid)
			case sk.Name == "":
				return nil, fmt.Errorf("%s.name: empty", kat)
			}
			if err := claim(sk.Key, kat+".key"); err != nil {
				return nil, err
			}
			k := &apiKey{id: kid, key: sk.Key, name: sk.Name, partner: p, createdAt: sk.CreatedAt.UTC(), removed: sk.Removed}
			p.keys = append(p.keys, k)
			p.keyByID[kid] = k
			st.keys[k.key] = k
		}
		for j, su := range sp.Users {
			u, err := buildUser(st, p, su, fmt.Sprintf("%s.users[%d]", at, j))
			if err != nil {
				return nil, err
			}
			p.users[u.partnerID] = u
			st.tokens[u.token] = u
		}
		for j, h := range sp.Webhooks {
			hat := fmt.Sprintf("%s.webhooks[%d]", at, j)
			if field, msg := checkWebhook(h.URL, &h.Key); msg != "" {
				return nil, fmt.Errorf("%s.%s: %s", hat, field, msg)
			}
			ns.hooks[p] = append(ns.hooks[p], &webhookTarget{url: h.URL, key: h.Key})
		}
	}
	for i, ss := range snap.Sessions {
		at := fmt.Sprintf("sessions[%d]", i)
		var sid [32]byte
		if len(ss.ID) != 64 || !decodeHex(sid[:], ss.ID) {
			return nil, fmt.Errorf("%s.id: not 64 hex digits", at)
		}
		p := st.partners[ascii.Lower(ss.Partner)]
		if p == nil {
			return nil, fmt.Errorf("%s.partner: no partner %q in the snapshot", at, ss.Partner)
		}
		u := p.users[ss.PartnerID]
		if u == nil {
			return nil, fmt.Errorf("%s.partner_id: no user %q of that partner in the snapshot", at, ss.PartnerID)
		}
		if st.sessions[sid] != nil {
			return nil, fmt.Errorf("%s.id: there twice", at)
		}
		st.sessions[sid] = &session{u: u, returnURL: ss.ReturnURL}
	}
	for i, sf := range snap.Faults {
		at := fmt.Sprintf("faults[%d]", i)
		f := Fault{Method: sf.Method, Path: sf.Path, Status: sf.Status, RetryAfter: time.Duration(sf.RetryAfter), Latency: time.Duration(sf.Latency), Drop: sf.Drop}
		if err := s.checkFault(f); err != nil {
			return nil, fmt.Errorf("%s.%s", at, err.(*faultError).controlMessage())
		}
		switch {
		case sf.Remaining == 0 || sf.Remaining < -1:
			return nil, fmt.Errorf("%s.remaining: %d is neither a count of uses left nor -1 (unlimited)", at, sf.Remaining)
		case sf.ID < 1 || sf.ID > snap.LastFaultID:
			return nil, fmt.Errorf("%s.id: %d is not between 1 and last_fault_id", at, sf.ID)
		}
		ns.faults = append(ns.faults, &faultEntry{id: sf.ID, f: f, left: sf.Remaining})
	}
	return ns, nil
}

// buildUser checks one user of a snapshot and builds it.
func buildUser(st *state, p *partner, su snapshotUser, at string) (*user, error) {
	if err := partnerid.Validate(su.PartnerID); err != nil {
		return nil, fmt.Errorf("%s.partner_id: %v", at, err)
	}
	if p.users[su.PartnerID] != nil {
		return nil, fmt.Errorf("%s.partner_id: %q is there twice", at, su.PartnerID)
	}
	u := &user{
		partner: p, partnerID: su.PartnerID, anonymous: su.Anonymous,
		attrs:     userParams{su.FirstName, su.LastName, su.Email},
		createdAt: su.CreatedAt.UnixMilli(), tokenExp: su.TokenExpiresAt.UnixMilli(),
	}
	if len(su.Token) != 64 || !decodeHex(u.token[:], su.Token) {
		return nil, fmt.Errorf("%s.token: not 64 hex digits", at)
	}
	if st.tokens[u.token] != nil {
		return nil, fmt.Errorf("%s.token: the same token as another user's", at)
	}
	for track, steps := range su.Completed {
		ti, mask, err := completedMask(track, steps)
		if err != nil {
			return nil, fmt.Errorf("%s.completed: %s", at, err.(*controlError).msg)
		}
		u.completed[ti] = mask
	}
	for j, si := range su.Interviews {
		iv := si.Interview
		if iv.ID < 1 {
			return nil, fmt.Errorf("%s.interviews[%d].id: %d is not a positive id", at, j, iv.ID)
		}
		if u.interviewIndex(iv.ID) >= 0 {
			return nil, fmt.Errorf("%s.interviews[%d].id: %d is there twice", at, j, iv.ID)
		}
		if iv.ID >= st.ivNext {
			return nil, fmt.Errorf("%s.interviews[%d].id: %d is not below next_interview_id", at, j, iv.ID)
		}
		iv.CreatedAt, iv.UpdatedAt = normalizeTime(iv.CreatedAt), normalizeTime(iv.UpdatedAt)
		u.interviews = append(u.interviews, storedInterview{iv: iv, seq: si.Change})
	}
	return u, nil
}

// install replaces the fake's state with ns, built from snap.
func (s *Server) install(snap *snapshot, ns *builtState) {
	ws := s.webhooks
	ws.reset(true)
	ws.mu.Lock()
	ws.targets = ns.hooks
	ws.lastEventID = snap.IDs.LastEventID
	ws.mu.Unlock()

	fl := &s.faults
	fl.mu.Lock()
	fl.setLocked(ns.faults)
	fl.lastID = snap.LastFaultID
	fl.mu.Unlock()

	st := &s.st
	st.mu.Lock()
	g := s.ids // ObjectIds are made under st.mu, so its process bytes change under it
	g.mu.Lock()
	g.process = ns.proc
	g.counter.Store(snap.IDs.Counter)
	if ns.rng != nil {
		g.rng = ns.rng
	}
	g.mu.Unlock()
	st.partners, st.orgs, st.keys, st.biKeys = ns.st.partners, ns.st.orgs, ns.st.keys, ns.st.biKeys
	st.tokens, st.sessions = ns.st.tokens, ns.st.sessions
	st.ivNext, st.ivSeq, st.partnersAdded = ns.st.ivNext, ns.st.ivSeq, ns.st.partnersAdded
	st.mu.Unlock()

	s.clock.set(snap.Clock.Start, snap.Clock.Now)
	s.changed()
}
