package partnerapi

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// The AIMD arithmetic of the Sync gate, attempt by attempt, with no network.

var answer200 = &http.Response{StatusCode: http.StatusOK, Header: http.Header{}}

// admit takes n slots, failing the test if the gate holds one back.
func admit(t *testing.T, g *rateGate, n int) []*admission {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out []*admission
	for range n {
		done := make(chan *admission, 1)
		go func() {
			st, _ := g.admit(ctx)
			done <- &st
		}()
		select {
		case st := <-done:
			out = append(out, st)
		case <-time.After(10 * time.Second):
			t.Fatalf("the gate held back attempt %d of %d (limit %d, in flight %d)", len(out)+1, n, g.limit, g.inflight)
		}
	}
	return out
}

func TestSyncGateHalvesOncePerBurst(t *testing.T) {
	g := newRateGate(8, 0, 0)
	first := admit(t, g, 8)
	// Three 429s to attempts sent at the same limit: one burst, one halving.
	for _, st := range first[:3] {
		g.done(st, retryAfterResponse(http.StatusTooManyRequests, "0"))
	}
	if g.limit != 4 || g.halvings != 1 {
		t.Fatalf("after one burst: limit %d, halvings %d; want 4, 1", g.limit, g.halvings)
	}
	// Successes to attempts sent before the halving do not count.
	for _, st := range first[3:] {
		g.done(st, answer200)
	}
	if g.limit != 4 || g.inflight != 0 {
		t.Fatalf("limit %d, in flight %d; want 4, 0", g.limit, g.inflight)
	}
	// A 429 to an attempt sent at the new limit is a new burst.
	second := admit(t, g, 4)
	if g.inflight != 4 {
		t.Fatalf("in flight %d, want 4", g.inflight)
	}
	g.done(second[0], retryAfterResponse(http.StatusTooManyRequests, "0"))
	g.done(second[1], retryAfterResponse(http.StatusTooManyRequests, "0"))
	if g.limit != 2 || g.halvings != 2 {
		t.Fatalf("after a second burst: limit %d, halvings %d; want 2, 2", g.limit, g.halvings)
	}
	g.done(second[2], answer200)
	g.done(second[3], answer200)
	// Never below 1.
	for range 5 {
		st := admit(t, g, 1)[0]
		g.done(st, retryAfterResponse(http.StatusTooManyRequests, "0"))
	}
	if g.limit != 1 {
		t.Fatalf("limit %d after a long storm, want 1", g.limit)
	}
}

func TestSyncGateGrowsAdditivelyUpToMax(t *testing.T) {
	g := newRateGate(4, 0, 0)
	g.done(admit(t, g, 1)[0], retryAfterResponse(http.StatusTooManyRequests, "0"))
	g.done(admit(t, g, 1)[0], retryAfterResponse(http.StatusTooManyRequests, "0"))
	if g.limit != 1 {
		t.Fatalf("limit %d, want 1", g.limit)
	}
	// A run of successes as long as the limit raises it by one.
	var limits []int
	for range 12 {
		g.done(admit(t, g, 1)[0], answer200)
		limits = append(limits, g.limit)
	}
	want := []int{2, 2, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4}
	for i := range want {
		if limits[i] != want[i] {
			t.Fatalf("limits after each success %v, want %v", limits, want)
		}
	}
}

func TestSyncGateAttemptDoneCountsOnce(t *testing.T) {
	g := newRateGate(2, 0, 0)
	st := admit(t, g, 1)[0]
	g.done(st, retryAfterResponse(http.StatusTooManyRequests, "0"))
	g.done(st, retryAfterResponse(http.StatusTooManyRequests, "0")) // checkRetry may see one attempt twice
	if g.inflight != 0 || g.halvings != 1 || g.limit != 1 {
		t.Fatalf("in flight %d, halvings %d, limit %d; want 0, 1, 1", g.inflight, g.halvings, g.limit)
	}
	g.done(&admission{}, retryAfterResponse(http.StatusTooManyRequests, "0")) // an attempt never admitted (its context ended)
	if g.inflight != 0 || g.halvings != 1 {
		t.Fatalf("an unadmitted attempt changed the gate: in flight %d, halvings %d", g.inflight, g.halvings)
	}
}

func TestSyncGatePauseHonoursRetryAfterAndEndsWithContext(t *testing.T) {
	g := newRateGate(4, time.Millisecond, time.Second)
	before := time.Now()
	g.done(admit(t, g, 1)[0], retryAfterResponse(http.StatusTooManyRequests, "3600"))
	if g.pausedUntil.Before(before.Add(time.Hour)) {
		t.Fatalf("paused until %s, want an hour from now", g.pausedUntil)
	}
	// A stale, shorter Retry-After does not shorten the pause.
	until := g.pausedUntil
	g.inflight++ // an attempt admitted before the halving
	g.done(&admission{held: true}, retryAfterResponse(http.StatusTooManyRequests, "1"))
	if !g.pausedUntil.Equal(until) {
		t.Fatalf("pause moved from %s to %s", until, g.pausedUntil)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan bool, 1)
	go func() { _, err := g.admit(ctx); done <- err == nil }()
	cancel()
	select {
	case ok := <-done:
		if ok {
			t.Fatal("admitted during the pause")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("acquire did not return when its context ended")
	}
	if g.inflight != 0 {
		t.Fatalf("in flight %d, want 0", g.inflight)
	}
}

func TestSyncGateBacksOffWithoutRetryAfter(t *testing.T) {
	g := newRateGate(4, 100*time.Millisecond, time.Second)
	before := time.Now()
	g.done(admit(t, g, 1)[0], retryAfterResponse(http.StatusTooManyRequests, ""))
	// backoff from the minimum wait, jittered over its upper half.
	if p := g.pausedUntil.Sub(before); p < 50*time.Millisecond || p > time.Second {
		t.Fatalf("paused for %s; want a backoff between 50ms and 1s", p)
	}
}

// Outside a Sync nothing gates a call: a request without a gate goes out
// while a gate is paused; the same request carrying that gate waits until
// its context ends.
func TestGateAttemptOutsideSync(t *testing.T) {
	c, mux := setup(t)
	rec := &recorder{}
	mux.Handle("/", rec)
	g := newRateGate(1, 0, 0)
	g.pausedUntil = time.Now().Add(time.Hour)
	r := request{api: &c.c.users, method: http.MethodGet, path: "/api/users/abc/tracks", idempotent: true}
	if _, err := c.c.do(context.Background(), r, nil); err != nil || rec.count() != 1 {
		t.Fatalf("an attempt outside a Sync was gated: %v, %d requests", err, rec.count())
	}
	r.pace = g
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.c.do(ctx, r, nil); !errors.Is(err, context.DeadlineExceeded) || rec.count() != 1 {
		t.Fatalf("a paced attempt during the pause: %v, %d requests; want the deadline and no request", err, rec.count())
	}
}
