package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	partnerapi "github.com/partnerapi/go-partnerapi"
)

// On a terminal (stderr a pseudo-terminal) users sync draws a bar redrawn
// in place with carriage returns; stdout, a pipe, still gets the plain
// summary.
func TestSyncProgressBarOnTerminal(t *testing.T) {
	f := newFixture(t)
	var b strings.Builder
	b.WriteString("partner_id,first_name,last_name,email\n")
	for i := range 40 {
		b.WriteString("t" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ",F,L,e@example.com\n")
	}
	path := writeFile(t, b.String())

	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("opening a pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a safety net, not an assertion
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, "users", "sync", path)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "TERM=xterm"}, f.env...)
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, tty
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close() // the child has its own copy; EOF (EIO) comes when it exits
	var term bytes.Buffer
	copied := make(chan error, 1)
	go func() { _, err := io.Copy(&term, ptmx); copied <- err }()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("sync on a terminal: %v\n%s", err, term.String())
	}
	if err := <-copied; err != nil && !errors.Is(err, syscall.EIO) {
		t.Fatalf("reading the terminal: %v", err)
	}
	out := term.String()
	if !strings.Contains(out, "\r[") || !strings.Contains(out, "] 100% 40/40") || !strings.Contains(out, "created 40") {
		t.Fatalf("no progress bar on the terminal: %q", out)
	}
	if strings.Contains(out, "sync: ") {
		t.Fatalf("plain progress lines on a terminal: %q", out)
	}
	if strings.Count(out, "\r[") < 2 {
		t.Fatalf("the bar was not redrawn: %q", out)
	}
	if got := strings.TrimSpace(stdout.String()); got != "users sync: 40 rows: 40 created, 0 refreshed, 0 failed (0 ids derived)" {
		t.Fatalf("stdout: %q", got)
	}
}

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
