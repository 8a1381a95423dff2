package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

// isTerminal reports whether w is a terminal (a character device), with
// the standard library only. TERM=dumb counts as no terminal.
func isTerminal(w io.Writer, getenv func(string) string) bool {
	f, ok := w.(*os.File)
	if !ok || getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progress reports a sync's progress on stderr: a bar redrawn in place
// with carriage returns on a terminal, plain lines at every tenth
// otherwise (a log, a pipe, CI). What is printed depends only on the
// counts, never on timing.
type progress struct {
	w     io.Writer
	tty   bool
	total int // rows expected; -1 when unknown
	last  int // last step drawn (a percent on a terminal, a tenth otherwise); -1 before the first
	done  int // Done of the last line drawn
	drawn bool
}

const barWidth = 30

func newProgress(w io.Writer, tty bool, total int) *progress {
	return &progress{w: w, tty: tty, total: total, last: -1, done: -1}
}

// update is Sync's OnProgress: called from one goroutine at a time.
func (p *progress) update(sp partnerapi.SyncProgress) {
	step := p.step(sp.Done)
	if step == p.last {
		return
	}
	p.last = step
	p.draw(sp)
}

// step is how far along done is, in the units the output advances by.
func (p *progress) step(done int) int {
	units := 10
	if p.tty {
		units = 100
	}
	if p.total <= 0 {
		return done // unknown total: every record
	}
	if done >= p.total {
		return units
	}
	return done * units / p.total
}

func (p *progress) draw(sp partnerapi.SyncProgress) {
	p.done, p.drawn = sp.Done, true
	counts := fmt.Sprintf("created %d, refreshed %d, failed %d", sp.Created, sp.Refreshed, sp.Failed)
	if !p.tty {
		if p.total > 0 {
			fmt.Fprintf(p.w, "sync: %d/%d rows (%d%%): %s\n", sp.Done, p.total, sp.Done*100/p.total, counts)
		} else {
			fmt.Fprintf(p.w, "sync: %d rows: %s\n", sp.Done, counts)
		}
		return
	}
	filled := 0
	if p.total > 0 {
		filled = min(sp.Done, p.total) * barWidth / p.total
	}
	bar := strings.Repeat("=", filled) + strings.Repeat(" ", barWidth-filled)
	if filled > 0 && filled < barWidth {
		bar = strings.Repeat("=", filled-1) + ">" + strings.Repeat(" ", barWidth-filled)
	}
	pct := 0
	if p.total > 0 {
		pct = min(sp.Done, p.total) * 100 / p.total
	}
	// \r returns to the line's start; \x1b[K clears what a longer line left.
	fmt.Fprintf(p.w, "\r[%s] %3d%% %d/%d  %s\x1b[K", bar, pct, sp.Done, p.total, counts)
}

// finish draws the final counts, if not drawn yet, and ends the bar's line.
func (p *progress) finish(sp partnerapi.SyncProgress) {
	if !p.drawn || p.done != sp.Done {
		p.draw(sp)
	}
	if p.tty && p.drawn {
		fmt.Fprintln(p.w)
	}
}
