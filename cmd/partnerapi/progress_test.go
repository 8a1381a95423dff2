package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

// On a terminal (stderr a pseudo-terminal) users sync draws a bar redrawn
// in place with carriage returns; stdout, a file, still gets the plain
// summary. util-linux's script(1) provides the terminal, so the test needs
// no Go dependency for it.
func TestSyncProgressBarOnTerminal(t *testing.T) {
	f := newFixture(t)
	var b strings.Builder
	b.WriteString("partner_id,first_name,last_name,email\n")
	for i := range 40 {
		b.WriteString("t" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ",F,L,e@example.com\n")
	}
	path := writeFile(t, b.String())
	term, stdout := onTerminal(t, f.env, "users", "sync", path)
	out := term
	if !strings.Contains(out, "\r[") || !strings.Contains(out, "] 100% 40/40") || !strings.Contains(out, "created 40") {
		t.Fatalf("no progress bar on the terminal: %q", out)
	}
	if strings.Contains(out, "sync: ") {
		t.Fatalf("plain progress lines on a terminal: %q", out)
	}
	if strings.Count(out, "\r[") < 2 {
		t.Fatalf("the bar was not redrawn: %q", out)
	}
	if got := strings.TrimSpace(stdout); got != "users sync: 40 rows: 40 created, 0 refreshed, 0 failed (0 ids derived)" {
		t.Fatalf("stdout: %q", got)
	}
}

// onTerminal runs the CLI with args and env on a pseudo-terminal that
// util-linux's script(1) provides (so the test needs no Go dependency for
// it), with stdout sent to a file: it returns what the terminal showed
// (stderr) and what went to stdout. The command must succeed.
func onTerminal(t *testing.T, env []string, args ...string) (term, stdout string) {
	t.Helper()
	scriptPath, err := exec.LookPath("script")
	if err != nil {
		t.Fatalf("script(1) from util-linux is needed to run the CLI on a terminal: %v", err)
	}
	stdoutPath := filepath.Join(t.TempDir(), "stdout")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a safety net, not an assertion
	defer cancel()
	// script runs the command on a new pseudo-terminal and copies what the
	// terminal shows to its own stdout; the inner shell sends the CLI's
	// stdout to a file, so only stderr is on the terminal.
	inner := shellQuote(binPath)
	for _, a := range args {
		inner += " " + shellQuote(a)
	}
	inner += " >" + shellQuote(stdoutPath)
	cmd := exec.CommandContext(ctx, scriptPath, "-q", "-e", "-c", inner, "/dev/null")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "TERM=xterm", "SHELL=/bin/sh"}, env...)
	var shown bytes.Buffer
	cmd.Stdout, cmd.Stderr = &shown, &shown
	if err := cmd.Run(); err != nil {
		t.Fatalf("partnerapi %v on a terminal: %v\n%s", args, err, shown.String())
	}
	out, err := os.ReadFile(stdoutPath)
	if err != nil {
		t.Fatal(err)
	}
	return shown.String(), string(out)
}

// shellQuote quotes s for /bin/sh.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// The bar's drawing depends only on counts: one redraw per percent on a
// terminal, one line per tenth otherwise, and the final counts always.
func TestProgressSteps(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, false, 1000)
	for i := 1; i <= 1000; i++ {
		p.update(partnerapi.SyncProgress{Done: i, Total: -1, Created: i})
	}
	p.update(partnerapi.SyncProgress{Done: 1000, Total: -1, Created: 1000})
	p.finish(partnerapi.SyncProgress{Done: 1000, Total: -1, Created: 1000})
	if n := len(lines(buf.String())); n != 11 { // 0% (first record), 10%, …, 100%
		t.Fatalf("%d plain lines:\n%s", n, buf.String())
	}
	buf.Reset()
	p = newProgress(&buf, true, 1000)
	for i := 1; i <= 1000; i++ {
		p.update(partnerapi.SyncProgress{Done: i, Total: -1, Created: i})
	}
	p.finish(partnerapi.SyncProgress{Done: 1000, Total: -1, Created: 1000})
	if n := strings.Count(buf.String(), "\r"); n != 101 {
		t.Fatalf("%d redraws, want 101", n)
	}
	if !strings.HasSuffix(buf.String(), "\n") {
		t.Fatal("the bar's line is not ended")
	}
}
