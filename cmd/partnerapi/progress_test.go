package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

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

// Plain progress lines count rows in words: one row is "1 row".
func TestProgressLinesCountRows(t *testing.T) {
	for _, tc := range []struct {
		total, done int
		want        string
	}{
		{1, 1, "report: 1/1 row (100%): loaded 1, failed 0\n"},
		{2, 2, "report: 1/2 rows (50%): loaded 1, failed 0\nreport: 2/2 rows (100%): loaded 2, failed 0\n"},
		{0, 0, "report: 0 rows: loaded 0, failed 0\n"},
	} {
		var buf bytes.Buffer
		p := newProgressOf("report", &buf, false, tc.total)
		for i := 1; i <= tc.done; i++ {
			p.advance(i, fmt.Sprintf("loaded %d, failed 0", i))
		}
		p.end(tc.done, fmt.Sprintf("loaded %d, failed 0", tc.done))
		if buf.String() != tc.want {
			t.Errorf("%d of %d rows:\n got %q\nwant %q", tc.done, tc.total, buf.String(), tc.want)
		}
	}
}
