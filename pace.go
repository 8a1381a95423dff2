package partnerapi

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

// rateGate paces the calls of a group of workers that share one rate
// limit: the workers of one [UsersService.Sync] or one [UsersService.Report].
// Each call of the group carries the gate in its request (request.pace);
// the request path asks the gate before each attempt, the first and every
// retry alike (admit), and tells it each answer (done). A call made on its
// own carries no gate and is never held back.
//
// The gate's rules:
//   - One pause for all: a 429 pauses every worker of the group until its
//     Retry-After has passed (without one, a backoff from the client's
//     minimum wait), however long that is.
//   - Concurrency follows AIMD: the attempts in flight are halved once per
//     burst of 429s (a 429 to an attempt admitted before the last halving
//     belongs to the burst already answered), never below 1, and grow by
//     one after a run of successful answers as long as the current limit,
//     never beyond the group's concurrency.
//   - A unit of work still rate limited after the client's own retries
//     (their budget spent, or a Retry-After longer than the maximum wait)
//     is run again by [rateGate.retry] after the shared pause, up to
//     rateLimitTries times in all.
type rateGate struct {
	max              int
	waitMin, waitMax time.Duration

	mu          sync.Mutex
	limit       int       // attempts allowed in flight, 1..max
	inflight    int       // attempts admitted and not yet answered
	epoch       uint64    // bumped at each halving
	pausedUntil time.Time // no attempt starts before this
	successes   int       // answers other than 429, to attempts admitted at the current limit, since it last changed
	bursts      int       // bursts since the last success, for the backoff when a 429 has no Retry-After
	wake        chan struct{}
	halvings    int // for tests
}

// rateLimitTries bounds how many times [rateGate.retry] runs one unit of
// work that keeps being rate limited: a server that answers 429 for ever
// fails each unit after this many tries instead of looping.
const rateLimitTries = 4

// newRateGate returns the gate of a group of concurrency workers on a
// client whose waits run from waitMin to waitMax.
func newRateGate(concurrency int, waitMin, waitMax time.Duration) *rateGate {
	return &rateGate{max: concurrency, limit: concurrency, waitMin: waitMin, waitMax: waitMax}
}

// admission is the gate's answer to one attempt: whether the attempt holds
// a slot, and the gate's epoch when it got it.
type admission struct {
	held  bool
	epoch uint64
}

// retry runs try, and runs it again while it fails with [ErrRateLimited] and
// ctx lasts, up to rateLimitTries times in all. The 429 behind such a
// failure has already paused the gate, so the next try's first attempt
// waits out the pause with every other worker. It returns try's last error.
func (g *rateGate) retry(ctx context.Context, try func() error) error {
	for n := 1; ; n++ {
		err := try()
		if err == nil || n == rateLimitTries || ctx.Err() != nil || !errors.Is(err, ErrRateLimited) {
			return err
		}
	}
}

// admit waits until no pause is on and a slot is free, and takes the
// slot. It returns ctx's error if ctx ends first.
func (g *rateGate) admit(ctx context.Context) (admission, error) {
	g.mu.Lock()
	for {
		if err := ctx.Err(); err != nil {
			g.mu.Unlock()
			return admission{}, err
		}
		var wait time.Duration
		if !g.pausedUntil.IsZero() {
			wait = time.Until(g.pausedUntil)
		}
		if wait <= 0 && g.inflight < g.limit {
			g.inflight++
			a := admission{held: true, epoch: g.epoch}
			g.mu.Unlock()
			return a, nil
		}
		if g.wake == nil {
			g.wake = make(chan struct{})
		}
		wake := g.wake
		g.mu.Unlock()
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-wake:
			case <-ctx.Done():
			}
			t.Stop()
		} else {
			select {
			case <-wake:
			case <-ctx.Done():
			}
		}
		g.mu.Lock()
	}
}

// done gives back the slot of the attempt a was admitted for and learns
// from its answer (resp is nil when the transport failed). A second call
// for the same admission does nothing.
func (g *rateGate) done(a *admission, resp *http.Response) {
	if a == nil || !a.held {
		return
	}
	a.held = false
	g.mu.Lock()
	defer g.mu.Unlock()
	g.inflight--
	switch {
	case resp != nil && resp.StatusCode == http.StatusTooManyRequests:
		now := time.Now()
		g.successes = 0
		if a.epoch == g.epoch { // the first 429 of a new burst
			g.epoch++
			g.limit = max(1, g.limit/2)
			g.halvings++
			g.bursts++
		}
		pause, ok := retryAfter(resp.Header, now)
		if !ok {
			pause = backoff(g.waitMin, g.waitMax, g.bursts-1, nil)
		}
		if until := now.Add(pause); until.After(g.pausedUntil) {
			g.pausedUntil = until
		}
	case resp != nil:
		g.bursts = 0
		if a.epoch != g.epoch {
			break // sent before the last halving: says nothing of the new limit
		}
		g.successes++
		if g.limit < g.max && g.successes >= g.limit {
			g.limit++
			g.successes = 0
		}
	}
	if g.wake != nil { // a slot is free, and the limit may have grown
		close(g.wake)
		g.wake = nil
	}
}
