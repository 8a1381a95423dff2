// Package testenv finds what a test needs on the machine that runs it, and
// skips the test when it is missing — or fails it when the environment has
// CI=true, so that CI never counts a skipped test as a passing one. Only
// tests import it.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// Chromium returns the path of a Chromium executable (chromium,
// chromium-browser or google-chrome, the first found on PATH), or skips tb
// when there is none (fails it with CI=true).
func Chromium(tb testing.TB) string {
	tb.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "chromium not found: install Debian's chromium package (apt-get install chromium) to run the browser test"
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg + " (CI=true: the browser test may not be skipped)")
	}
	tb.Skip(msg)
	return ""
}
