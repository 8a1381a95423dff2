package testenv

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

// waitDeadline is how long [WaitFor] polls: a guard against a hang on a
// shared machine under -race, never a measure of speed.
const waitDeadline = 20 * time.Second

// WaitFor polls cond until it holds, and fails tb naming what it waited
// for if that does not happen within a generous deadline. It is for
// effects that complete after the call that caused them returns (a
// server's bookkeeping, a file written in the background).
func WaitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	waitForWithin(tb, what, cond, waitDeadline)
}

func waitForWithin(tb testing.TB, what string, cond func() bool, wait time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("gave up waiting for %s", what)
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// SyncBuffer is a [bytes.Buffer] that a process or goroutine writes while
// the test reads it. Its zero value is ready to use.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p to the buffer.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what has been written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
