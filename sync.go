package partnerapi

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// UserRecord is one user of a roster given to UsersService.Sync: the
// partner_id and the attributes used when the user has to be created.
type UserRecord struct {
	PartnerID string
	Params    UserParams
}

// SyncOptions tunes UsersService.Sync; a nil *SyncOptions means the
// defaults.
type SyncOptions struct {
	// Concurrency is the most requests Sync has in flight at once
	// (default 8, at most MaxSyncConcurrency; outside 0..MaxSyncConcurrency
	// is an argument error). Under rate limiting Sync runs fewer, and climbs
	// back up to this figure as answers succeed.
	Concurrency int
	// OnProgress, when set, is called after each record finishes and once
	// more at the end with the final counts. Calls never overlap: they all
	// come from the goroutine that called Sync, so it needs no locking, but
	// a slow OnProgress slows the sync.
	OnProgress func(SyncProgress)
}

// SyncProgress is a running count of a Sync, passed to
// SyncOptions.OnProgress so that a caller can show a progress bar.
type SyncProgress struct {
	Done      int // records finished: Created + Refreshed + Failed
	Total     int // records in the roster, or -1 when unknown (always, for an iter.Seq)
	Created   int // users created (HTTP 201)
	Refreshed int // existing users refreshed (HTTP 200)
	Failed    int // records that failed, argument errors included
}

// SyncFailure is one record Sync could not create or refresh, with why.
type SyncFailure struct {
	PartnerID string
	Err       error // matches the usual sentinels: ErrInvalidArgument, ErrValidation, ErrRateLimited, …
}

// SyncReport says what a Sync did: how many users it created and refreshed,
// and every record that failed.
type SyncReport struct {
	Created, Refreshed int
	Failed             []SyncFailure
}

// DefaultSyncConcurrency is the Concurrency of a Sync when SyncOptions
// leaves it at zero.
const DefaultSyncConcurrency = 8

// MaxSyncConcurrency bounds SyncOptions.Concurrency: each unit is a
// goroutine, buffer slots and, at full speed, a connection.
const MaxSyncConcurrency = 1024

// syncRateLimitTries bounds how many times Sync tries one record that keeps
// being rate limited: each try is a whole call, with the client's own
// retries, made after the pause shared by every worker. A server that
// answers 429 for ever therefore fails each record after this many tries
// instead of looping; bound the whole run with the context if that matters.
const syncRateLimitTries = 4

// Sync creates or refreshes every user of a roster with CreateOrUpdate,
// several at a time, and reports what it did. It is how a partner pushes its
// whole user list: a user that exists is refreshed (its attributes are
// ignored by the API), one that does not is created from Params.
//
// Records are pulled from users only as workers free up, so memory does not
// grow with the roster: a few records per worker are read ahead, and only
// the failures are kept. The iterator and OnProgress both run in the
// calling goroutine.
//
// Each record ends in one of three counts: Created (HTTP 201), Refreshed
// (HTTP 200) or Failed. A record whose partner_id is invalid
// (partnerid.Validate, or "anonymous") fails without a request; a record
// the server refuses fails with its *Error. Failures are listed in
// SyncReport.Failed with an error that matches the usual sentinels with
// errors.Is.
//
// Rate limits: an answer 429 pauses every worker of this Sync together
// until the Retry-After it carries has passed (or, without one, a backoff
// from the client's minimum wait), and halves the number of requests in
// flight, once per burst of 429s rather than once per 429; after a run of
// successful answers as long as the current limit, the limit grows by one
// again, never beyond Concurrency and never below 1. A Retry-After longer
// than the client's maximum wait (WithRetry) makes the call return at once;
// Sync then waits it out itself, with every worker, and tries the record
// again, up to 4 tries in all for one record before it counts as failed.
// This pacing belongs to the Sync call alone: other calls on the same
// Client are not slowed.
//
// When ctx ends, Sync stops reading the roster, interrupts the requests in
// flight and returns promptly with the report of what had finished and an
// error wrapping ctx.Err() (errors.Is(err, context.Canceled) holds). Records
// that were read but had not finished are neither done nor failed: they
// appear nowhere in the report, and since create/refresh is idempotent,
// running the roster again is safe. Done in the last OnProgress call is
// always Created + Refreshed + Failed; when the roster ran to its end it is
// also the number of records read. If the iterator itself blocks, Sync
// returns once it yields or returns.
//
// The returned report is never nil. The error is nil unless ctx ended before
// every record finished, or an argument is wrong (a nil ctx or users, a
// negative Concurrency, no users API configured), which is reported before
// any record is read and matches ErrInvalidArgument.
func (s *UsersService) Sync(ctx context.Context, users iter.Seq[UserRecord], o *SyncOptions) (*SyncReport, error) {
	report := &SyncReport{}
	if ctx == nil {
		return report, invalidArg("Sync: nil context")
	}
	if users == nil {
		return report, invalidArg("Sync: nil users iterator")
	}
	n := DefaultSyncConcurrency
	var onProgress func(SyncProgress)
	if o != nil {
		if o.Concurrency < 0 || o.Concurrency > MaxSyncConcurrency {
			return report, invalidArg("Sync: Concurrency must be between 0 (the default, %d) and %d, got %d", DefaultSyncConcurrency, MaxSyncConcurrency, o.Concurrency)
		}
		if o.Concurrency > 0 {
			n = o.Concurrency
		}
		onProgress = o.OnProgress
	}
	if s.c.users.base == "" {
		return report, invalidArg("Sync: no users API base URL configured: use WithOrganization, WithUsersBaseURL or WithBaseURL")
	}

	gate := newSyncGate(n, s.c.http.RetryWaitMin, s.c.http.RetryWaitMax)
	runCtx, cancel := context.WithCancel(withSyncGate(ctx, gate))
	defer cancel()

	// Workers take records from jobs and answer on results. Outstanding
	// records are bounded by the two buffers and the workers, whatever the
	// roster's length.
	jobs := make(chan UserRecord, n)
	results := make(chan syncResult, n)
	var wg sync.WaitGroup
	wg.Add(n)
	for range n {
		go func() {
			defer wg.Done()
			for rec := range jobs {
				results <- s.syncOneRecovering(runCtx, rec)
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	tally := syncTally{report: report, progress: SyncProgress{Total: -1}, onProgress: onProgress}
	jobsOpen, finished := true, false
	defer func() {
		// Reached unfinished only when the iterator, OnProgress or a worker
		// (re-raised by syncTally.add) panicked: stop the workers and let them end before the panic goes on, so
		// that no goroutine outlives the call.
		if !finished {
			cancel()
			if jobsOpen {
				close(jobs)
			}
			for range results {
			}
		}
	}()

	stopped := false
read:
	for rec := range users {
		if ctx.Err() != nil {
			stopped = true
			break
		}
		for {
			select {
			case jobs <- rec:
				continue read
			case r := <-results:
				tally.add(r)
			case <-ctx.Done():
				stopped = true
				break read
			}
		}
	}
	close(jobs)
	jobsOpen = false
	for r := range results {
		tally.add(r)
	}
	if onProgress != nil {
		onProgress(tally.progress)
	}
	finished = true
	if stopped || tally.interrupted > 0 {
		return report, fmt.Errorf("partnerapi: sync stopped after %d records: %w", tally.progress.Done, ctx.Err())
	}
	return report, nil
}

// syncOutcome is how one record of a Sync ended.
type syncOutcome uint8

const (
	syncCreated syncOutcome = iota
	syncRefreshed
	syncFailed
	syncInterrupted // the Sync's context ended first: not counted
	syncPanicked    // the call panicked on a worker: re-raised on the caller's goroutine
)

type syncResult struct {
	outcome   syncOutcome
	partnerID string // for a failure
	err       error  // for a failure
	panicked  any    // for syncPanicked
}

// syncOneRecovering is syncOne on a worker goroutine: a panic there (from a
// custom transport, say) would kill the program beyond the caller's reach,
// so it is caught and handed to the calling goroutine, which re-raises it
// once the workers have stopped, as a plain CreateOrUpdate call would.
func (s *UsersService) syncOneRecovering(ctx context.Context, rec UserRecord) (r syncResult) {
	defer func() {
		if v := recover(); v != nil {
			r = syncResult{outcome: syncPanicked, panicked: v}
		}
	}()
	return s.syncOne(ctx, rec)
}

// syncOne creates or refreshes one record, trying it again while the answer
// is a 429 (the gate in ctx holds the attempt back until the shared pause
// is over), at most syncRateLimitTries times.
func (s *UsersService) syncOne(ctx context.Context, rec UserRecord) syncResult {
	for try := 1; ; try++ {
		if ctx.Err() != nil {
			return syncResult{outcome: syncInterrupted}
		}
		u, err := s.CreateOrUpdate(ctx, rec.PartnerID, &rec.Params)
		switch {
		case err == nil && u.Created:
			return syncResult{outcome: syncCreated}
		case err == nil:
			return syncResult{outcome: syncRefreshed}
		case ctx.Err() != nil && errors.Is(err, ctx.Err()):
			return syncResult{outcome: syncInterrupted}
		case errors.Is(err, ErrRateLimited) && try < syncRateLimitTries:
			continue
		}
		return syncResult{outcome: syncFailed, partnerID: rec.PartnerID, err: err}
	}
}

// syncTally counts results as they come; only the calling goroutine of Sync
// touches it, so OnProgress calls never overlap.
type syncTally struct {
	report      *SyncReport
	progress    SyncProgress
	onProgress  func(SyncProgress)
	interrupted int
}

func (t *syncTally) add(r syncResult) {
	switch r.outcome {
	case syncCreated:
		t.report.Created++
		t.progress.Created++
	case syncRefreshed:
		t.report.Refreshed++
		t.progress.Refreshed++
	case syncFailed:
		t.report.Failed = append(t.report.Failed, SyncFailure{PartnerID: r.partnerID, Err: r.err})
		t.progress.Failed++
	case syncPanicked:
		panic(r.panicked)
	default:
		t.interrupted++
		return
	}
	t.progress.Done++
	if t.onProgress != nil {
		t.onProgress(t.progress)
	}
}

// syncGate paces the attempts of one Sync call. It travels in the request
// context; the client's RequestLogHook (gateAttempt) holds every attempt,
// the first and each retry inside go-retryablehttp alike, until the shared
// pause is over and a slot is free, and checkRetry reports each attempt's
// answer back (attemptDone). Concurrency follows AIMD: halved once per burst
// of 429s, grown by one after a run of successful answers as long as the
// current limit.
type syncGate struct {
	max              int
	waitMin, waitMax time.Duration

	mu          sync.Mutex
	limit       int       // attempts allowed in flight, 1..max
	inflight    int       // attempts admitted and not yet answered
	epoch       uint64    // bumped at each halving; a 429 to an attempt admitted earlier is part of a burst already answered
	pausedUntil time.Time // no attempt starts before this
	successes   int       // answers other than 429, to attempts admitted at the current limit, since it last changed
	bursts      int       // bursts since the last success, for the backoff when a 429 has no Retry-After
	wake        chan struct{}
	halvings    int // for tests
}

func newSyncGate(concurrency int, waitMin, waitMax time.Duration) *syncGate {
	return &syncGate{max: concurrency, limit: concurrency, waitMin: waitMin, waitMax: waitMax}
}

type syncGateKey struct{}

func withSyncGate(ctx context.Context, g *syncGate) context.Context {
	return context.WithValue(ctx, syncGateKey{}, g)
}

// syncGateFrom is read once per call, by the request path, into its
// callState; the per-attempt hooks use that.
func syncGateFrom(ctx context.Context) *syncGate {
	g, _ := ctx.Value(syncGateKey{}).(*syncGate)
	return g
}

// gateAttempt is the client's RequestLogHook: inside a Sync it waits for
// the gate before each attempt. It cannot fail the attempt, so when ctx
// ends it returns at once, unadmitted, and the HTTP client then refuses to
// send for the ended context.
func gateAttempt(_ retryablehttp.Logger, req *http.Request, _ int) {
	ctx := req.Context()
	st := callStateFrom(ctx)
	if st == nil || st.gate == nil {
		return
	}
	if epoch, ok := st.gate.acquire(ctx); ok {
		st.gated, st.gateEpoch = true, epoch
	}
}

// acquire waits until no pause is on and a slot is free, takes the slot and
// returns the epoch it was taken in; false when ctx ended first.
func (g *syncGate) acquire(ctx context.Context) (uint64, bool) {
	g.mu.Lock()
	for {
		if ctx.Err() != nil {
			g.mu.Unlock()
			return 0, false
		}
		var wait time.Duration
		if !g.pausedUntil.IsZero() {
			wait = time.Until(g.pausedUntil)
		}
		if wait <= 0 && g.inflight < g.limit {
			g.inflight++
			epoch := g.epoch
			g.mu.Unlock()
			return epoch, true
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

// attemptDone gives back the slot of the attempt st was admitted for and
// learns from its answer (resp is nil when the transport failed). It runs
// once per attempt: checkRetry may see one attempt twice, and the second
// call finds the slot already returned.
func (g *syncGate) attemptDone(st *callState, resp *http.Response) {
	if st == nil || !st.gated {
		return
	}
	st.gated = false
	g.mu.Lock()
	defer g.mu.Unlock()
	g.inflight--
	switch {
	case resp != nil && resp.StatusCode == http.StatusTooManyRequests:
		now := time.Now()
		g.successes = 0
		if st.gateEpoch == g.epoch { // the first 429 of a new burst
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
		if st.gateEpoch != g.epoch {
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
