package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestChromiumFound(t *testing.T) {
	dir := t.TempDir()
	want := filepath.Join(dir, "chromium-browser")
	if err := os.WriteFile(want, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	if got := Chromium(t); got != want {
		t.Fatalf("Chromium = %q, want %q", got, want)
	}
}

// Without a Chromium, and outside CI, the test that needs one is skipped:
// the subtest's skip is what this test checks.
func TestChromiumMissingSkips(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("CI", "")
	var inner *testing.T
	reached := false
	t.Run("needs chromium", func(t *testing.T) {
		inner = t
		Chromium(t)
		reached = true
	})
	if !inner.Skipped() || reached {
		t.Fatalf("without a Chromium: skipped %v, went on %v; want skipped", inner.Skipped(), reached)
	}
}

// GoroutinesBack returns once the goroutines started after the count have
// ended.
func TestGoroutinesBackWaits(t *testing.T) {
	before := runtime.NumGoroutine()
	release := make(chan struct{})
	for range 3 {
		go func() { <-release }()
	}
	close(release)
	GoroutinesBack(t, before)
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("returned with %d goroutines, %d before", n, before)
	}
}

// fatalRecorder is a testing.TB whose Fatalf records the message instead of
// ending the test.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Fatalf(format string, args ...any) { r.msg = fmt.Sprintf(format, args...) }

// A goroutine that does not end fails the test, with its stack.
func TestGoroutinesBackFailsWithStacks(t *testing.T) {
	before := runtime.NumGoroutine()
	release := make(chan struct{})
	defer close(release)
	go func() { <-release }()
	rec := &fatalRecorder{TB: t}
	goroutinesBackWithin(rec, before, 0)
	if !strings.Contains(rec.msg, fmt.Sprintf("goroutines, %d before:", before)) || !strings.Contains(rec.msg, "TestGoroutinesBackFailsWithStacks") {
		t.Fatalf("a goroutine left behind: %q; want the count and the stacks", rec.msg)
	}
}

// WaitFor returns once the condition holds.
func TestWaitForReturnsOnceTrue(t *testing.T) {
	calls := 0
	WaitFor(t, "the third call", func() bool { calls++; return calls == 3 })
	if calls != 3 {
		t.Fatalf("returned after %d calls, want 3", calls)
	}
}

// A condition that never holds fails the test, naming what was awaited.
func TestWaitForFailsNamingWhat(t *testing.T) {
	rec := &fatalRecorder{TB: t}
	waitForWithin(rec, "the moon", func() bool { return false }, 0)
	if rec.msg != "gave up waiting for the moon" {
		t.Fatalf("message %q", rec.msg)
	}
}

// SyncBuffer holds every write made from other goroutines (pinned under
// -race).
func TestSyncBufferConcurrentWrites(t *testing.T) {
	var b SyncBuffer
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				b.Write([]byte("x"))
				_ = b.String()
			}
		}()
	}
	wg.Wait()
	if n := len(b.String()); n != 800 {
		t.Fatalf("%d bytes, want 800", n)
	}
}
