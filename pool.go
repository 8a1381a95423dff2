package partnerapi

import (
	"context"
	"sync"
)

// workerPool runs work on a fixed number of goroutines for the roster
// calls ([UsersService.Sync], [UsersService.Report]): the caller puts jobs
// on jobs and reads what each one came to from results, in the order they
// finish. Both channels are buffered; the caller bounds how many jobs are
// outstanding, and so the memory a roster takes.
//
// The workers run work with the pool's own context, which stop cancels,
// so that stopping interrupts the requests in flight. A panic in work
// does not kill the program from a goroutine the caller cannot reach: it
// comes out of results as a poolResult with panicked set, for the caller
// to re-raise on its own goroutine once the pool has stopped, as a plain
// call would have panicked there.
type workerPool[J, R any] struct {
	jobs       chan J
	results    chan poolResult[R]
	cancel     context.CancelFunc
	jobsClosed bool
}

// poolResult is what one job came to: work's answer, or the value of its
// panic.
type poolResult[R any] struct {
	value    R
	panicked bool
	panicVal any
}

// startPool starts workers goroutines running work on the jobs put on the
// pool, with a context derived from ctx. Both channels hold buffer items.
func startPool[J, R any](ctx context.Context, workers, buffer int, work func(context.Context, J) R) *workerPool[J, R] {
	runCtx, cancel := context.WithCancel(ctx)
	p := &workerPool[J, R]{
		jobs:    make(chan J, buffer),
		results: make(chan poolResult[R], buffer),
		cancel:  cancel,
	}
	var wg sync.WaitGroup
	wg.Add(workers)
	for range workers {
		go func() {
			defer wg.Done()
			for j := range p.jobs {
				p.results <- runRecovering(runCtx, work, j)
			}
		}()
	}
	go func() { wg.Wait(); close(p.results) }()
	return p
}

func runRecovering[J, R any](ctx context.Context, work func(context.Context, J) R, j J) (r poolResult[R]) {
	defer func() {
		if v := recover(); v != nil {
			r = poolResult[R]{panicked: true, panicVal: v}
		}
	}()
	return poolResult[R]{value: work(ctx, j)}
}

// closeJobs tells the workers that no job will come: each ends once the
// queue is empty, and results is closed after the last one. Calling it
// again does nothing.
func (p *workerPool[J, R]) closeJobs() {
	if !p.jobsClosed {
		close(p.jobs)
		p.jobsClosed = true
	}
}

// stop cancels the workers' context, so that the jobs in progress end
// promptly, discards what is left and returns once every worker has
// ended. The caller defers it: on every way out — the work done, the
// caller stopping early, a panic in the caller's iterator or callback — no
// goroutine of the pool outlives the call. Calling it again does nothing.
func (p *workerPool[J, R]) stop() {
	p.cancel()
	p.closeJobs()
	for range p.results {
	}
}
