package mockserver

import (
	"sync/atomic"
	"time"
)

// clock is the fake's time: it runs in real time from a start time, plus
// every Advance. Reading it takes no lock: its reading is one immutable
// value behind an atomic pointer, replaced whole by Advance, Reset and
// Restore.
type clock struct {
	state atomic.Pointer[clockState]
}

type clockState struct {
	start     time.Time     // the fake's start time (wall clock only): where Reset takes it back to
	realStart time.Time     // time.Now() when start was set, with its monotonic reading
	offset    time.Duration // every Advance since then
}

func newClock(start time.Time) *clock {
	now := time.Now()
	if start.IsZero() {
		start = now
	}
	c := &clock{}
	c.state.Store(&clockState{start: start.UTC().Round(0), realStart: now})
	return c
}

func (c *clock) now() time.Time {
	cs := c.state.Load()
	return cs.start.Add(time.Since(cs.realStart) + cs.offset)
}

// start returns the fake's start time.
func (c *clock) start() time.Time { return c.state.Load().start }

func (c *clock) advance(d time.Duration) {
	for {
		old := c.state.Load()
		next := *old
		next.offset += d
		if c.state.CompareAndSwap(old, &next) {
			return
		}
	}
}

// set makes the clock read now from this moment on, with start as its
// start time.
func (c *clock) set(start, now time.Time) {
	c.state.Store(&clockState{start: start.UTC().Round(0), realStart: time.Now(), offset: now.Sub(start)})
}

// Now returns the fake's current time, in UTC: the start time (see
// [WithStartTime]) plus the real time elapsed since [New], plus every
// [Server.Advance]. Token and anonymous-user expiry are measured on this
// clock.
func (s *Server) Now() time.Time { return s.clock.now() }

// Advance moves the fake's clock forward by d without sleeping, so that a
// test can see a token expire (48 h) or an anonymous user disappear (24 h)
// at once. A negative d moves the clock back. It is safe to call while
// requests are in flight.
//
// Webhook deliveries (see [Server.AddWebhook]): Advance first waits for the
// first attempts in progress to finish, then performs, before it returns,
// every retry that falls due by the new time, in due order, with the clock
// moved to each one's due time as it goes. So it can take as long as the
// receivers take to answer (up to 30 s each); do not call it from a
// webhook receiver.
func (s *Server) Advance(d time.Duration) {
	s.webhooks.advance(d)
	s.changed()
}
