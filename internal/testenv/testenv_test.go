package testenv

import (
	"os"
	"path/filepath"
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
