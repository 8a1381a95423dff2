package partnerapi

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnerapi/go-partnerapi/internal/testenv"
)

// collectResults reads p's results until the pool closes them, failing the
// test if that has not happened after a generous deadline (a hang, not
// slowness).
func collectResults[J, R any](t *testing.T, p *workerPool[J, R]) []poolResult[R] {
	t.Helper()
	var got []poolResult[R]
	timeout := time.After(20 * time.Second)
	for {
		select {
		case r, ok := <-p.results:
			if !ok {
				return got
			}
			got = append(got, r)
		case <-timeout:
			t.Fatalf("results not closed after %d results: the workers did not end", len(got))
		}
	}
}

// stopWithin runs p.stop, failing the test if it has not returned after a
// generous deadline: the work in progress did not end.
func stopWithin[J, R any](t *testing.T, p *workerPool[J, R]) {
	t.Helper()
	stopped := make(chan struct{})
	go func() { defer close(stopped); p.stop() }()
	select {
	case <-stopped:
	case <-time.After(20 * time.Second):
		t.Fatal("stop did not return: the work in progress was not interrupted")
	}
}

// The result of every job comes out, once, and results is closed after the
// last.
func TestPoolResultsOfEveryJob(t *testing.T) {
	const jobs = 100
	p := startPool(context.Background(), 4, jobs, func(_ context.Context, j int) int { return j * j })
	defer p.stop()
	for j := range jobs {
		p.jobs <- j
	}
	p.closeJobs()
	var got, want []int
	for _, r := range collectResults(t, p) {
		if r.panicked {
			t.Fatalf("a result panicked: %+v", r)
		}
		got = append(got, r.value)
	}
	for j := range jobs {
		want = append(want, j*j)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("results %v, want the square of every job once", got)
	}
}

// A panic in work does not kill the program: it comes out of results as
// panicked, with the panic's value, and the other jobs go on.
func TestPoolPanicComesOutAsResult(t *testing.T) {
	const jobs = 10
	p := startPool(context.Background(), 3, jobs, func(_ context.Context, j int) int {
		if j == 4 {
			panic("work broke on 4")
		}
		return j + 100
	})
	defer p.stop()
	for j := range jobs {
		p.jobs <- j
	}
	p.closeJobs()
	var values []int
	var panics []any
	for _, r := range collectResults(t, p) {
		if r.panicked {
			if r.value != 0 {
				t.Errorf("a panicked result carries value %d", r.value)
			}
			panics = append(panics, r.panicVal)
			continue
		}
		values = append(values, r.value)
	}
	if len(panics) != 1 || panics[0] != "work broke on 4" {
		t.Errorf("panics %v, want the one of job 4 with its value", panics)
	}
	slices.Sort(values)
	if want := []int{100, 101, 102, 103, 105, 106, 107, 108, 109}; !slices.Equal(values, want) {
		t.Errorf("values %v, want %v", values, want)
	}
}

// stop cancels the workers' context: the work in progress sees ctx.Done and
// ends, the jobs still queued and the results nobody read are discarded,
// and no goroutine of the pool is left. The caller's context is not
// cancelled.
func TestPoolStopInterruptsWorkAndLeavesNoGoroutine(t *testing.T) {
	const workers = 3
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runtime.GC()
	before := runtime.NumGoroutine()

	started := make(chan struct{}, workers)
	var interrupted atomic.Int32
	p := startPool(ctx, workers, workers, func(ctx context.Context, j int) error {
		if j >= workers { // queued behind the held jobs
			return ctx.Err()
		}
		started <- struct{}{}
		<-ctx.Done()
		if errors.Is(ctx.Err(), context.Canceled) {
			interrupted.Add(1)
		}
		return ctx.Err()
	})
	for j := range workers {
		p.jobs <- j
	}
	for range workers {
		<-started // every worker holds a job
	}
	for j := workers; j < 2*workers; j++ {
		p.jobs <- j // more jobs than results has room for: nobody reads them
	}
	stopWithin(t, p)

	if n := interrupted.Load(); n != workers {
		t.Errorf("%d jobs in progress saw their context cancelled, want %d", n, workers)
	}
	if _, open := <-p.results; open {
		t.Error("results still open after stop")
	}
	if ctx.Err() != nil {
		t.Errorf("the caller's context: %v", ctx.Err())
	}
	testenv.GoroutinesBack(t, before)
}

// The workers' context is derived from the caller's: cancelling it reaches
// the work in progress.
func TestPoolCallerContextReachesWork(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := make(chan struct{})
	p := startPool(ctx, 1, 1, func(ctx context.Context, _ int) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	defer p.stop()
	p.jobs <- 1
	p.closeJobs()
	<-started
	cancel()
	if got := collectResults(t, p); len(got) != 1 || !errors.Is(got[0].value, context.Canceled) {
		t.Errorf("results %+v, want the job's context cancelled", got)
	}
}

// closeJobs and stop may each be called again: the second call does
// nothing.
func TestPoolCloseJobsAndStopTwice(t *testing.T) {
	p := startPool(context.Background(), 2, 1, func(_ context.Context, j int) int { return j })
	p.jobs <- 7
	p.closeJobs()
	p.closeJobs()
	if got := collectResults(t, p); len(got) != 1 || got[0].value != 7 {
		t.Errorf("results %+v, want the one job's", got)
	}
	stopWithin(t, p)
	stopWithin(t, p)
}
