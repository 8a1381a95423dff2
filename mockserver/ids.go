package mockserver

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// WithSeed makes the fake deterministic: every id, key, token, session and
// webhook event id it makes is drawn from a generator seeded with seed, so
// that the same program, run again, meets the same values (a test suite in
// another language can write its fixtures down). ObjectIds then carry the
// start time of [WithStartTime], or 2025-01-01T00:00:00Z without one, rather
// than the time they were made. [Server.Reset] does not rewind the generator: what a
// fake hands out after a Reset continues the sequence, so that no id, key
// or event id is ever handed out twice by one fake. Without WithSeed the
// values come from crypto/rand. Times are not made reproducible: the clock
// runs in real time from its start, so created_at and expires_at differ
// from run to run by how long the calls took.
func WithSeed(seed int64) Option {
	return func(c *config) { c.seed, c.seeded = seed, true }
}

// seededIDTime is the time an ObjectId of a seeded fake made without a
// start time carries.
var seededIDTime = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// idGen makes the fake's ids and secrets. ObjectIds are made the way
// MongoDB makes them: a 4-byte big-endian Unix time, 5 random bytes fixed
// per Server, and a 3-byte counter starting at a random value. The counter
// is an atomic, so making an id takes no lock; ids stay unique unless one
// Server makes more than 16 million in one second of its clock.
//
// Random bytes come from crypto/rand (tokens, keys and session ids are
// credentials even in a fake, and a test must never meet a collision), or,
// for a fake made WithSeed, from a ChaCha8 generator under a mutex.
type idGen struct {
	process [5]byte
	counter atomic.Uint32

	idTime time.Time // the time every ObjectId of a seeded fake carries
	mu     sync.Mutex
	rng    *mrand.ChaCha8 // nil: crypto/rand, the fake is not seeded
}

func newIDGen(seeded bool, seed int64, start time.Time) *idGen {
	g := &idGen{}
	if seeded {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(seed))
		g.rng = mrand.NewChaCha8(sha256.Sum256(append([]byte("partnerapi-mock seed "), b[:]...)))
		g.idTime = seededIDTime
		if !start.IsZero() {
			g.idTime = start
		}
	}
	var b [9]byte
	g.read(b[:])
	copy(g.process[:], b[:5])
	g.counter.Store(binary.BigEndian.Uint32(b[5:]))
	return g
}

// read fills b with random bytes.
func (g *idGen) read(b []byte) {
	// rng is read under mu: Restore may set it (a seeded fake's snapshot
	// into one that was not) while a request makes a token.
	g.mu.Lock()
	seeded := g.rng != nil
	if seeded {
		_, _ = g.rng.Read(b)
	}
	g.mu.Unlock()
	if !seeded {
		// crypto/rand.Read never returns an error on supported platforms (Go 1.24+).
		_, _ = rand.Read(b)
	}
}

// hex returns n random bytes as 2n lowercase hex digits.
func (g *idGen) hex(n int) string {
	b := make([]byte, n)
	g.read(b)
	return hex.EncodeToString(b)
}

// objectID returns a new ObjectId, 24 lowercase hex digits, stamped with t
// (with the seeded time, for a seeded fake).
func (g *idGen) objectID(t time.Time) string {
	if g.rng != nil {
		t = g.idTime
	}
	var b [12]byte
	binary.BigEndian.PutUint32(b[0:4], uint32(t.Unix()))
	copy(b[4:9], g.process[:])
	c := g.counter.Add(1)
	b[9], b[10], b[11] = byte(c>>16), byte(c>>8), byte(c)
	return hex.EncodeToString(b[:])
}

// isObjectID reports whether s is 24 hex digits, in either letter case.
// The fake compares ObjectIds in lowercase (ascii.Lower).
func isObjectID(s string) bool {
	if len(s) != 24 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
