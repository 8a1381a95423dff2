package testenv

import (
	"runtime"
	"testing"
	"time"
)

// goroutinesDeadline is how long [GoroutinesBack] waits: generous, for a
// shared machine under -race.
const goroutinesDeadline = 20 * time.Second

// GoroutinesBack waits until no more goroutines run than before (a count
// the test took with [runtime.NumGoroutine] before starting its work),
// and fails tb with every goroutine's stack if that does not happen within
// a generous deadline. Goroutines that end on their own a moment after
// the call that started them returns (both sides of an abandoned loopback
// request, say) are given that moment.
func GoroutinesBack(tb testing.TB, before int) {
	tb.Helper()
	goroutinesBackWithin(tb, before, goroutinesDeadline)
}

func goroutinesBackWithin(tb testing.TB, before int, wait time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(wait)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			tb.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
			return
		}
		time.Sleep(time.Millisecond)
	}
}
