package partnerapi

import (
	"context"
	"errors"
	"fmt"
	"iter"
)

// UserRecord is one user of a roster given to [UsersService.Sync]: the
// partner_id and the attributes used when the user has to be created.
type UserRecord struct {
	PartnerID string
	Params    UserParams
}

// SyncOptions tunes [UsersService.Sync]; a nil *SyncOptions means the
// defaults.
type SyncOptions struct {
	// Concurrency is the most requests Sync has in flight at once
	// (default 8, at most [MaxSyncConcurrency]; outside 0..MaxSyncConcurrency
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
// [SyncOptions].OnProgress so that a caller can show a progress bar.
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

// DefaultSyncConcurrency is the Concurrency of a Sync when [SyncOptions]
// leaves it at zero.
const DefaultSyncConcurrency = 8

// MaxSyncConcurrency bounds [SyncOptions].Concurrency: each unit is a
// goroutine, buffer slots and, at full speed, a connection.
const MaxSyncConcurrency = 1024

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
// ([partnerid.Validate], or "anonymous") fails without a request; a record
// the server refuses fails with its [*Error]. Failures are listed in
// [SyncReport].Failed with an error that matches the usual sentinels with
// [errors.Is].
//
// Rate limits: an answer 429 pauses every worker of this Sync together
// until the Retry-After it carries has passed (or, without one, a backoff
// from the client's minimum wait), and halves the number of requests in
// flight, once per burst of 429s rather than once per 429; after a run of
// successful answers as long as the current limit, the limit grows by one
// again, never beyond Concurrency and never below 1. A Retry-After longer
// than the client's maximum wait ([WithRetry]) makes the call return at once;
// Sync then waits it out itself, with every worker, and tries the record
// again, up to 4 tries in all for one record before it counts as failed.
// This pacing belongs to the Sync call alone: other calls on the same
// [Client] are not slowed.
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
// any record is read and matches [ErrInvalidArgument].
func (s *UsersService) Sync(ctx context.Context, users iter.Seq[UserRecord], o *SyncOptions) (*SyncReport, error) {
	report := &SyncReport{}
	if ctx == nil {
		return report, invalidArg("Sync: nil context")
	}
	if users == nil {
		return report, invalidArg("Sync: nil users iterator")
	}
	var concurrency int
	var onProgress func(SyncProgress)
	if o != nil {
		concurrency, onProgress = o.Concurrency, o.OnProgress
	}
	n, err := s.rosterConcurrency("Sync", concurrency)
	if err != nil {
		return report, err
	}

	gate := newRateGate(n, s.c.retry.waitMin, s.c.retry.waitMax)
	// Outstanding records are bounded by the pool's two buffers and its
	// workers, whatever the roster's length. Every way out of Sync (a panic
	// from the iterator, OnProgress or a worker included) stops the workers
	// first, so that no goroutine outlives the call.
	pool := startPool(ctx, n, n, func(ctx context.Context, rec UserRecord) syncResult {
		return s.syncOne(ctx, gate, rec)
	})
	defer pool.stop()

	tally := syncTally{report: report, progress: SyncProgress{Total: -1}, onProgress: onProgress}
	stopped := false
read:
	for rec := range users {
		if ctx.Err() != nil {
			stopped = true
			break
		}
		for {
			select {
			case pool.jobs <- rec:
				continue read
			case r := <-pool.results:
				tally.add(r)
			case <-ctx.Done():
				stopped = true
				break read
			}
		}
	}
	pool.closeJobs()
	for r := range pool.results {
		tally.add(r)
	}
	if onProgress != nil {
		onProgress(tally.progress)
	}
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
)

type syncResult struct {
	outcome   syncOutcome
	partnerID string // for a failure
	err       error  // for a failure
}

// syncOne creates or refreshes one record, its calls paced by gate, and
// tries it again while it is rate limited ([rateGate.retry]).
func (s *UsersService) syncOne(ctx context.Context, gate *rateGate, rec UserRecord) syncResult {
	if ctx.Err() != nil {
		return syncResult{outcome: syncInterrupted}
	}
	var u *User
	err := gate.retry(ctx, func() (err error) {
		u, err = s.createOrUpdate(ctx, rec.PartnerID, &rec.Params, gate)
		return err
	})
	switch {
	case err == nil && u.Created:
		return syncResult{outcome: syncCreated}
	case err == nil:
		return syncResult{outcome: syncRefreshed}
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return syncResult{outcome: syncInterrupted}
	}
	return syncResult{outcome: syncFailed, partnerID: rec.PartnerID, err: err}
}

// syncTally counts results as they come; only the calling goroutine of Sync
// touches it, so OnProgress calls never overlap.
type syncTally struct {
	report      *SyncReport
	progress    SyncProgress
	onProgress  func(SyncProgress)
	interrupted int
}

// add counts one record's result; a worker's panic is re-raised here, on
// the goroutine that called Sync.
func (t *syncTally) add(pr poolResult[syncResult]) {
	if pr.panicked {
		panic(pr.panicVal)
	}
	r := pr.value
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
	default:
		t.interrupted++
		return
	}
	t.progress.Done++
	if t.onProgress != nil {
		t.onProgress(t.progress)
	}
}

// rosterConcurrency checks the Concurrency given to call (Sync or Report),
// 0 meaning [DefaultSyncConcurrency], and that the users API is configured:
// the checks the two roster calls make before they read a record.
func (s *UsersService) rosterConcurrency(call string, concurrency int) (int, error) {
	if concurrency < 0 || concurrency > MaxSyncConcurrency {
		return 0, invalidArg("%s: Concurrency must be between 0 (the default, %d) and %d, got %d", call, DefaultSyncConcurrency, MaxSyncConcurrency, concurrency)
	}
	if err := s.c.users.ready(); err != nil {
		return 0, err
	}
	if concurrency == 0 {
		return DefaultSyncConcurrency, nil
	}
	return concurrency, nil
}
