package mockserver

import (
	"sync/atomic"
	"time"
)

// clock is the fake's time: it runs in real time from a start time, plus
// every Advance. Reading it takes no lock.
type clock struct {
	start     time.Time // the fake's time when the Server was made (wall clock only)
	realStart time.Time // time.Now() then, with its monotonic reading
	offset    atomic.Int64
}

func newClock(start time.Time) *clock {
	now := time.Now()
	if start.IsZero() {
		start = now
	}
	return &clock{start: start.UTC(), realStart: now}
}

func (c *clock) now() time.Time {
	return c.start.Add(time.Since(c.realStart) + time.Duration(c.offset.Load()))
}

func (c *clock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// Now returns the fake's current time, in UTC: the start time (see
// WithStartTime) plus the real time elapsed since New, plus every Advance.
// Token and anonymous-user expiry are measured on this clock.
func (s *Server) Now() time.Time { return s.clock.now() }

// Advance moves the fake's clock forward by d without sleeping, so that a
// test can see a token expire (48 h) or an anonymous user disappear (24 h)
// at once. A negative d moves the clock back. It is safe to call while
// requests are in flight.
//
// Webhook deliveries (see AddWebhook): Advance first waits for the first
// attempts in progress to finish, then performs, before it returns, every
// retry that falls due by the new time, in due order, with the clock moved
// to each one's due time as it goes. So it can take as long as the
// receivers take to answer (up to 30 s each); do not call it from a
// webhook receiver.
func (s *Server) Advance(d time.Duration) {
	s.webhooks.advance(d)
}
