// Package testenv holds what the tests of more than one package need from
// the machine and the process that run them. [Chromium] finds a browser,
// and skips the test when there is none — or fails it when the environment
// has CI=true, so that CI never counts a skipped test as a passing one.
// [GoroutinesBack] checks that a test left no goroutine behind. Only tests
// import it.
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
