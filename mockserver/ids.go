package mockserver

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync/atomic"
	"time"
)

// idGen makes ObjectIds the way MongoDB does: a 4-byte big-endian Unix
// time, 5 random bytes fixed per Server, and a 3-byte counter starting at a
// random value. The counter is an atomic, so making ids takes no lock; ids
// stay unique unless one Server makes more than 16 million in one second of
// its clock.
type idGen struct {
	process [5]byte
	counter atomic.Uint32
}

func newIDGen() *idGen {
	g := &idGen{}
	var seed [9]byte
	randomBytes(seed[:])
	copy(g.process[:], seed[:5])
	g.counter.Store(binary.BigEndian.Uint32(seed[5:]))
	return g
}

// objectID returns a new ObjectId, 24 lowercase hex digits, stamped with t.
func (g *idGen) objectID(t time.Time) string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[0:4], uint32(t.Unix()))
	copy(b[4:9], g.process[:])
	c := g.counter.Add(1)
	b[9], b[10], b[11] = byte(c>>16), byte(c>>8), byte(c)
	return hex.EncodeToString(b[:])
}

// randomBytes fills b from crypto/rand: tokens, keys and session ids are
// credentials even in a fake, and a test must never meet a collision.
func randomBytes(b []byte) {
	// crypto/rand.Read never returns an error on supported platforms (Go 1.24+).
	_, _ = rand.Read(b)
}

// randomHex returns n random bytes as 2n lowercase hex digits.
func randomHex(n int) string {
	b := make([]byte, n)
	randomBytes(b)
	return hex.EncodeToString(b)
}

// isObjectID reports whether s is 24 hex digits, in either letter case.
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

// lowerASCII lowers ASCII letters; ObjectIds are compared in lowercase.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
