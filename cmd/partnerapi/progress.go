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

// progress reports the progress of a roster command (users sync, users
// report) on stderr: a bar redrawn in place with carriage returns on a
// terminal, plain lines at every tenth otherwise (a log, a pipe, CI). What
// is printed depends only on the counts, never on timing.
type progress struct {
	w     io.Writer
	tty   bool
	what  string // the command's word in plain lines: "sync", "report"
	total int    // rows expected
	last  int    // last step drawn (a percent on a terminal, a tenth otherwise); -1 before the first
	done  int    // rows done at the last line drawn
	drawn bool
}

const barWidth = 30

// newProgress returns the progress of users sync.
func newProgress(w io.Writer, tty bool, total int) *progress {
	return newProgressOf("sync", w, tty, total)
}

// newProgressOf returns the progress of the command what.
func newProgressOf(what string, w io.Writer, tty bool, total int) *progress {
	return &progress{w: w, tty: tty, what: what, total: total, last: -1, done: -1}
}

// update is Sync's OnProgress: called from one goroutine at a time.
func (p *progress) update(sp partnerapi.SyncProgress) { p.advance(sp.Done, syncCounts(sp)) }

// finish draws a sync's final counts, if not drawn yet, and ends the bar's
// line.
func (p *progress) finish(sp partnerapi.SyncProgress) { p.end(sp.Done, syncCounts(sp)) }

func syncCounts(sp partnerapi.SyncProgress) string {
	return fmt.Sprintf("created %d, refreshed %d, failed %d", sp.Created, sp.Refreshed, sp.Failed)
}

// advance notes that done rows are done, counts saying how they went, and
// draws when the output's next step is reached.
func (p *progress) advance(done int, counts string) {
	step := p.step(done)
	if step == p.last {
		return
	}
	p.last = step
	p.draw(done, counts)
}

// step is how far along done is, in the units the output advances by.
func (p *progress) step(done int) int {
	units := 10
	if p.tty {
		units = 100
	}
	if p.total <= 0 {
		return done // no rows expected: a step a row
	}
	if done >= p.total {
		return units
	}
	return done * units / p.total
}

func (p *progress) draw(done int, counts string) {
	p.done, p.drawn = done, true
	if !p.tty {
		if p.total > 0 {
			fmt.Fprintf(p.w, "%s: %d/%s (%d%%): %s\n", p.what, done, rowCount(p.total), done*100/p.total, counts)
		} else {
			fmt.Fprintf(p.w, "%s: %s: %s\n", p.what, rowCount(done), counts)
		}
		return
	}
	filled := 0
	if p.total > 0 {
		filled = min(done, p.total) * barWidth / p.total
	}
	bar := strings.Repeat("=", filled) + strings.Repeat(" ", barWidth-filled)
	if filled > 0 && filled < barWidth {
		bar = strings.Repeat("=", filled-1) + ">" + strings.Repeat(" ", barWidth-filled)
	}
	pct := 0
	if p.total > 0 {
		pct = min(done, p.total) * 100 / p.total
	}
	// \r returns to the line's start; \x1b[K clears what a longer line left.
	fmt.Fprintf(p.w, "\r[%s] %3d%% %d/%d  %s\x1b[K", bar, pct, done, p.total, counts)
	// A frame is whole: what the redactor holds back of its end, in case a
	// credential went on past it, goes out with it, not with the next one.
	if f, ok := p.w.(interface{ Flush() error }); ok {
		_ = f.Flush()
	}
}

// end draws the final counts, if not drawn yet, and ends the bar's line.
func (p *progress) end(done int, counts string) {
	if !p.drawn || p.done != done {
		p.draw(done, counts)
	}
	if p.tty && p.drawn {
		fmt.Fprintln(p.w)
	}
}
