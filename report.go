package partnerapi

import (
	"context"
	"iter"
)

// ReportOptions tunes [UsersService.Report]; a nil *ReportOptions means the
// defaults.
type ReportOptions struct {
	// Concurrency is the most requests Report has in flight at once
	// (default 8, at most [MaxSyncConcurrency]; outside 0..MaxSyncConcurrency
	// is an argument error). Under rate limiting Report runs fewer, and
	// climbs back up to this figure as answers succeed.
	Concurrency int
	// Interviews makes Report read each user's interviews as well as the
	// tracks: one more request a user.
	Interviews bool
}

// UserReport is where one user of a roster stands, as [UsersService.Report]
// yields it.
type UserReport struct {
	PartnerID string
	// Tracks are the guided tracks with the user's progress, as
	// [UsersService.Tracks] returns them.
	Tracks []Track
	// Interviews are the user's interviews, most recently updated first, as
	// [UsersService.Interviews] returns them; nil unless
	// [ReportOptions].Interviews is set (then empty, not nil, for a user
	// with none).
	Interviews []Interview
}

// Report reads where every user of a roster stands: the tracks of each
// partner_id that partnerIDs yields and, with [ReportOptions].Interviews,
// the interviews, several users at a time. It yields one pair per id, in
// the order of partnerIDs: the user's report and nil, or a report holding
// only PartnerID and the error that user's calls ended with. A user's
// error does not stop the report: an invalid partner_id
// ([partnerid.Validate]) fails without a request and matches
// [ErrInvalidArgument]; a user that does not exist matches [ErrNotFound];
// any other refusal is that call's [*Error].
//
//	for rep, err := range client.Users.Report(ctx, ids, nil) {
//		if err != nil {
//			log.Printf("%s: %v", rep.PartnerID, err)
//			continue
//		}
//		…
//	}
//
// Ids are pulled from partnerIDs only as workers free up, and at most two
// users per unit of Concurrency are read ahead of the one the loop is
// waiting for, so memory does not grow with the roster, however long. The
// iterator partnerIDs runs in the goroutine of the loop, between the
// loop's iterations; the calls run on Report's own goroutines. Breaking
// out of the loop interrupts the requests in flight, reads no further id
// and returns once every goroutine of Report has ended.
//
// Rate limits are handled as [UsersService.Sync] handles them, each
// Report with its own pacing: an answer 429 pauses every worker together
// until its Retry-After has passed, halves the requests in flight once
// per burst of 429s and lets them grow back after a run of successes; a
// user still rate limited when the client's retries are spent (or whose
// Retry-After is beyond the client's maximum wait) is waited out with the
// others and tried again, up to 4 tries in all, before it is yielded with
// an error matching [ErrRateLimited].
//
// When ctx ends, Report interrupts the requests in flight and yields
// (UserReport{}, ctx.Err()) once, and nothing more: users whose calls
// were cut short are not reported as failed. A nil ctx or partnerIDs, a
// Concurrency out of range or a client without the users API yields one
// (UserReport{}, err) matching [ErrInvalidArgument] and nothing else,
// before any id is read.
//
// Each loop over the returned sequence runs the report again, reading
// partnerIDs from its start.
func (s *UsersService) Report(ctx context.Context, partnerIDs iter.Seq[string], o *ReportOptions) iter.Seq2[UserReport, error] {
	n, err := s.reportArgs(ctx, partnerIDs, o)
	if err != nil {
		return func(yield func(UserReport, error) bool) { yield(UserReport{}, err) }
	}
	interviews := o != nil && o.Interviews
	return func(yield func(UserReport, error) bool) {
		if ctx.Err() != nil {
			yield(UserReport{}, ctx.Err())
			return
		}
		gate := newRateGate(n, s.c.retry.waitMin, s.c.retry.waitMax)
		// A window of two users per worker: the workers always find the
		// next user queued while the loop waits for the oldest one.
		window := 2 * n
		pool := startPool(ctx, n, window, func(ctx context.Context, j reportJob) reportResult {
			rep, err := s.reportOne(ctx, gate, j.partnerID, interviews)
			return reportResult{seq: j.seq, rep: rep, err: err}
		})
		defer pool.stop()
		r := &reportRun{ctx: ctx, pool: pool, results: pool.results, yield: yield, slots: make([]reportSlot, window)}
		r.run(partnerIDs)
	}
}

// reportArgs checks Report's arguments and returns its concurrency.
func (s *UsersService) reportArgs(ctx context.Context, partnerIDs iter.Seq[string], o *ReportOptions) (int, error) {
	if ctx == nil {
		return 0, invalidArg("Report: nil context")
	}
	if partnerIDs == nil {
		return 0, invalidArg("Report: nil partnerIDs iterator")
	}
	var concurrency int
	if o != nil {
		concurrency = o.Concurrency
	}
	return s.rosterConcurrency("Report", concurrency)
}

// reportOne reads one user's tracks and, if asked, interviews, each call
// paced by gate and tried again while it is rate limited
// ([rateGate.retry]). On an error the report holds only the partner_id.
func (s *UsersService) reportOne(ctx context.Context, gate *rateGate, partnerID string, interviews bool) (UserReport, error) {
	if ctx.Err() != nil {
		return UserReport{PartnerID: partnerID}, ctx.Err()
	}
	rep := UserReport{PartnerID: partnerID}
	err := gate.retry(ctx, func() (err error) {
		rep.Tracks, err = s.tracks(ctx, partnerID, gate)
		return err
	})
	if err == nil && interviews {
		err = gate.retry(ctx, func() (err error) {
			rep.Interviews, err = s.interviews(ctx, partnerID, gate)
			return err
		})
	}
	if err != nil {
		return UserReport{PartnerID: partnerID}, err
	}
	return rep, nil
}

// reportJob is one user handed to a worker, with its place in the roster.
type reportJob struct {
	seq       int
	partnerID string
}

// reportResult is one user's report, with its place in the roster.
type reportResult struct {
	seq int
	rep UserReport
	err error
}

// reportSlot holds a finished user until the users before it are yielded.
type reportSlot struct {
	full bool
	rep  UserReport
	err  error
}

// reportRun puts a roster in order: users go to the pool as they are read,
// and their reports, which finish in any order, wait in a ring of slots
// (one per user outstanding, indexed by the user's place in the roster)
// until every user before them has been yielded.
type reportRun struct {
	ctx     context.Context
	pool    *workerPool[reportJob, reportResult]
	results <-chan poolResult[reportResult] // the pool's; nil once it is closed
	yield   func(UserReport, error) bool
	slots   []reportSlot
	sent    int // users handed to the pool
	next    int // the place of the next user to yield
}

// run reads partnerIDs into the pool and yields the reports in order,
// until the roster is done, the loop breaks or the context ends.
func (r *reportRun) run(partnerIDs iter.Seq[string]) {
	for id := range partnerIDs {
		if r.ctx.Err() != nil {
			r.yield(UserReport{}, r.ctx.Err())
			return
		}
		for r.sent-r.next == len(r.slots) { // the window is full: wait for the oldest
			if !r.await() {
				return
			}
		}
		r.pool.jobs <- reportJob{seq: r.sent, partnerID: id} // never blocks: the buffer holds the window
		r.sent++
		// Hand over what is ready without waiting, so that the loop sees
		// each report as soon as the ones before it are done.
		if !r.collect(false) || !r.flush() {
			return
		}
	}
	r.pool.closeJobs()
	for r.next < r.sent {
		if !r.await() {
			return
		}
	}
}

// await waits for the oldest outstanding user's report and yields it, with
// any that follow it and are ready. It reports whether to go on.
func (r *reportRun) await() bool {
	for !r.slots[r.next%len(r.slots)].full {
		if !r.collect(true) {
			return false
		}
	}
	return r.flush()
}

// collect moves finished reports into their slots: every one ready, and
// with wait, at least one (or the context's end). It reports whether to go
// on; when the context has ended it has yielded its error.
func (r *reportRun) collect(wait bool) bool {
	if wait {
		select {
		case res, ok := <-r.results:
			r.store(res, ok)
		case <-r.ctx.Done():
			r.yield(UserReport{}, r.ctx.Err())
			return false
		}
	}
	for {
		select {
		case res, ok := <-r.results:
			r.store(res, ok)
		default:
			return true
		}
	}
}

// store puts a worker's result in its slot; a worker's panic is re-raised
// here, on the loop's goroutine (the deferred stop ends the pool first).
// Once the pool has closed its results (every worker has ended, and every
// user handed over has its result), receiving stops.
func (r *reportRun) store(res poolResult[reportResult], ok bool) {
	if !ok {
		r.results = nil
		return
	}
	if res.panicked {
		panic(res.panicVal)
	}
	v := res.value
	r.slots[v.seq%len(r.slots)] = reportSlot{full: true, rep: v.rep, err: v.err}
}

// flush yields the ready reports at the head of the ring, in order. It
// reports whether to go on. A report is yielded only while ctx lasts: once
// it has ended, a user's error may be the context's, so the context's
// error is yielded instead, once.
func (r *reportRun) flush() bool {
	for {
		slot := &r.slots[r.next%len(r.slots)]
		if !slot.full {
			return true
		}
		if err := r.ctx.Err(); err != nil {
			r.yield(UserReport{}, err)
			return false
		}
		rep, err := slot.rep, slot.err
		*slot = reportSlot{} // let the report go once yielded
		r.next++
		if !r.yield(rep, err) {
			return false
		}
	}
}
