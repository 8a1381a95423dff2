package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
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
