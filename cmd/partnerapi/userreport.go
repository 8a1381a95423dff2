package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

const reportDetails = `Reads where every user of a roster stands (Users.Report): each user's
progress through the guided tracks and, with --interviews, their
interviews, several users at a time, backing off together when rate
limited. Writes one row per roster row, in the roster's order, failed rows
included, as CSV for a spreadsheet (or --json), on stdout.

The roster is the CSV users sync reads (a header row naming partner_id, in
any letter case; the other columns are not needed and are ignored), or a
list of partner_ids, one a line, with no header. FILE "-" reads stdin.
--derive-ids finds users synced with users sync --derive-ids by the ids in
the file.

CSV columns: partner_id (source_id too, with --derive-ids: the id in the
file), then for each track "<title> progress" (0.00 to 1.00) and
"<title> steps completed", then with --interviews "interviews",
"completed interviews" and "last interview" (the latest update of any of
the user's interviews, UTC), then "error" (empty when the row loaded) and
"line" (the roster's physical line). The track columns come from the first
user loaded. A cell a spreadsheet would run as a formula (starting with
= + - @, a tab or a carriage return) gets a leading '. --json prints the
same rows as an array of objects:
{"line","partner_id","source_id","tracks":[{"title","progress",
"steps_completed","steps"}],"interviews":{"total","completed","last_at"},
"error"}, source_id, interviews and error only when they apply.

--html FILE also writes a one-page summary an admin reads at a glance: how
many users, how far they are along each track, interviews completed per
week (with --interviews), the users that failed to load. It is one
self-contained file (charts drawn as inline SVG; no script, nothing loaded
from anywhere) to open in any browser or attach to an e-mail.

A row fails - bad partner_id, malformed CSV, a user that does not exist,
any refusal by the server - on its own; the others go on. Exit 1 if any row
failed; 2 if the file or header is unusable. If the first user read is
refused with 401 or 403, the key is wrong or may not use the users API:
nothing more is read, and the one error line says so.

With --mock, every valid partner_id of the roster is created on the
embedded fake with demo progress and interviews drawn from the id, so that
the same roster always gives the same report.

Progress goes to stderr: a bar on a
terminal, a line per tenth otherwise. Stopped by --timeout or Ctrl-C, it
writes the rows it has (and the --html page, marked incomplete) and exits
1. The roster is read again for each pass (to count its rows, to seed
--mock, to report), never held in memory; no more than two users per unit
of --concurrency are in progress at once.`

// maxHeldRows bounds the rows the CSV holds back while its track columns
// are unknown (no user has loaded yet).
const maxHeldRows = 10_000

func usersReport(ctx context.Context, inv *invocation) error {
	o := inv.opts
	f, done, err := openRoster("users report", inv.args[0], inv.stdin)
	if err != nil {
		return err
	}
	defer done()
	in, err := newReportInput(f, o.deriveIDs)
	if err != nil {
		return err
	}
	// The page's file is made first, so that a path that cannot be
	// written fails before any request; it is removed again unless the
	// page is written.
	var page io.WriteCloser
	if o.htmlOut != "" {
		if page, err = inv.createFile(o.htmlOut); err != nil {
			return &configError{msg: "users report: --html: " + err.Error()}
		}
		defer func() {
			if page != nil { // not written
				page.Close()
				os.Remove(o.htmlOut)
			}
		}()
	}
	c, err := inv.connect(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	if c.mock != nil {
		if err := seedReportDemo(ctx, c.mock, c.mockPartner, c.client, in.validIDs()); err != nil {
			return fmt.Errorf("users report: seeding the embedded fake: %w", err)
		}
		inv.say("the embedded fake has every valid partner_id of the roster as a user, with demo progress and interviews dated up to %s", demoReportEnd.Format(time.DateOnly))
	}

	source := inv.args[0]
	if source == "-" {
		source = "stdin"
	}
	run := &reportRun{inv: inv, out: newReportWriter(inv, o.json), summary: newReportSummary(source, o.interviews),
		bar: newProgressOf("report", inv.stderr, inv.stderrTTY, in.rows)}
	runErr := run.run(ctx, c.client, in) // why the report stopped, bare
	var refused *keyRefusedError
	if errors.As(runErr, &refused) {
		return runErr // nothing was read: no output
	}
	if err := run.out.finish(); err != nil && runErr == nil {
		runErr = err
	}
	run.bar.end(run.done, run.counts())
	if page != nil {
		if runErr != nil {
			run.summary.stopped = fmt.Sprintf("The report stopped after %d of %s: %s.", run.done, rowCount(in.rows), errText(runErr))
		}
		err := renderSummary(page, run.summary, time.Now())
		switch err = errors.Join(err, page.Close()); {
		case err == nil:
			page = nil // written: it stays
		case runErr == nil:
			return fmt.Errorf("users report: --html: %w", err)
		}
	}
	if runErr != nil {
		return fmt.Errorf("users report stopped: %w", runErr)
	}
	inv.say("users report: %s: %d loaded, %d failed", rowCount(run.done), run.done-run.failed, run.failed)
	if run.failed > 0 {
		return &exitError{code: exitFailed, msg: fmt.Sprintf("users report: %d of %s failed (each failed row says why)", run.failed, rowCount(run.done))}
	}
	return nil
}

// keyRefusedError is a report whose first user was refused with 401 or
// 403: the key is wrong, or may not use the users API.
type keyRefusedError struct{ status int }

func (e *keyRefusedError) Error() string {
	return fmt.Sprintf("users report: the API key was refused (%d): no user was read", e.status)
}

// validIDs yields the partner_id of every row of the roster that can be
// read (for --mock to seed).
func (in *reportInput) validIDs() func(yield func(string) bool) {
	return func(yield func(string) bool) {
		_ = in.each(func(r inputRow) bool { return r.err != nil || yield(r.id) })
	}
}

// reportRun is one users report: the rows in flight, the outputs and the
// counts.
type reportRun struct {
	inv          *invocation
	out          reportWriter
	summary      *reportSummary
	bar          *progress
	done, failed int
}

func (r *reportRun) counts() string {
	return fmt.Sprintf("loaded %d, failed %d", r.done-r.failed, r.failed)
}

// run reads the roster through Users.Report and writes each row as its
// pair comes, in the roster's order. A row that cannot be read (a bad
// partner_id, malformed CSV) goes to Report as "", an id Report fails
// without a request, so that every row keeps its place; the row's own
// error is shown. The rows between the reading and the writing are those
// Report has in progress: at most two per unit of concurrency. An error
// is why the report stopped early, bare (the context's end, a failure to
// write or to read the roster); a refused key is a keyRefusedError.
func (r *reportRun) run(ctx context.Context, client *partnerapi.Client, in *reportInput) error {
	o := r.inv.opts
	var pending []inputRow // read, not yet written: in the roster's order
	var readErr error
	ids := func(yield func(string) bool) {
		readErr = in.each(func(row inputRow) bool {
			pending = append(pending, row)
			if row.err != nil {
				return yield("")
			}
			return yield(row.id)
		})
	}
	requested := false // a user has been read from the server
	for rep, err := range client.Users.Report(ctx, ids, &partnerapi.ReportOptions{Concurrency: o.concurrency, Interviews: o.interviews}) {
		if err != nil && err == ctx.Err() {
			return err
		}
		if len(pending) == 0 {
			return errors.New("Users.Report gave more results than the roster has rows")
		}
		in := pending[0]
		pending = pending[1:]
		text := ""
		switch {
		case in.err != nil:
			text = in.err.Error()
		case err != nil:
			if status, ok := refusedStatus(err); ok && !requested {
				return &keyRefusedError{status: status}
			}
			text = errText(err)
		}
		if in.err == nil {
			requested = true
		}
		row := newReportRow(in.line, rep, text, o.interviews)
		row.PartnerID = in.id
		if in.err != nil {
			row.PartnerID = in.source
		} else if o.deriveIDs {
			row.SourceID = in.source
		}
		if err := r.out.write(row); err != nil {
			return err
		}
		r.summary.add(row)
		r.done++
		if row.Error != "" {
			r.failed++
		}
		if requested { // not before: a refused key shows no progress
			r.bar.advance(r.done, r.counts())
		}
	}
	return readErr
}

// reportWriter writes the rows of users report on stdout.
type reportWriter interface {
	write(row reportRow) error
	finish() error // after the last row
}

func newReportWriter(inv *invocation, asJSON bool) reportWriter {
	if asJSON {
		return &reportJSON{w: inv.stdout, enc: newJSONEncoder("")}
	}
	return &reportCSV{inv: inv, w: newSafeCSVWriter(inv.stdout)}
}

// reportJSON writes the rows as a JSON array, an object a line, as they
// come. Each line goes out whole, its comma included, when the next row
// comes (or the last at the end), so that a reader of the stream (or a
// terminal that stderr shares) never sees half a line.
type reportJSON struct {
	w       io.Writer
	enc     *jsonEncoder
	started bool
	prev    []byte // the last row, encoded: written when the next comes
	buf     bytes.Buffer
}

func (j *reportJSON) write(row reportRow) error {
	j.buf.Reset()
	if !j.started {
		j.started = true
		j.buf.WriteString("[\n")
	}
	if j.prev != nil {
		j.buf.WriteString("  ")
		j.buf.Write(j.prev)
		j.buf.WriteString(",\n")
	}
	b, err := j.enc.encode(row)
	if err != nil {
		return err
	}
	j.prev = append(j.prev[:0], bytes.TrimSuffix(b, []byte("\n"))...) // b is the encoder's until the next row
	_, err = j.w.Write(j.buf.Bytes())
	return err
}

func (j *reportJSON) finish() error {
	if !j.started {
		_, err := io.WriteString(j.w, "[]\n")
		return err
	}
	_, err := fmt.Fprintf(j.w, "  %s\n]\n", j.prev)
	return err
}

// reportCSV writes the rows as CSV. Its track columns are those of the
// first user loaded: until one has, rows are held back (at most
// maxHeldRows; past that the header goes out without track columns).
type reportCSV struct {
	inv    *invocation
	w      *safeCSVWriter
	header bool     // written
	tracks []string // the track columns' titles
	held   []reportRow
	warned bool     // about a track not in the columns
	cells  []string // a row's cells, reused from row to row
}

func (c *reportCSV) write(row reportRow) error {
	if !c.header {
		if row.Error != "" && len(c.held) < maxHeldRows {
			c.held = append(c.held, row)
			return nil
		}
		if row.Error == "" {
			for _, t := range row.Tracks {
				c.tracks = append(c.tracks, t.Title)
			}
		}
		if err := c.writeHeader(); err != nil {
			return err
		}
	}
	return c.writeRow(row)
}

func (c *reportCSV) finish() error {
	if !c.header {
		if err := c.writeHeader(); err != nil {
			return err
		}
	}
	return c.w.Flush()
}

// writeHeader writes the header row, then the rows held back.
func (c *reportCSV) writeHeader() error {
	o := c.inv.opts
	cells := []string{"partner_id"}
	if o.deriveIDs {
		cells = append(cells, "source_id")
	}
	for _, t := range c.tracks {
		cells = append(cells, t+" progress", t+" steps completed")
	}
	if o.interviews {
		cells = append(cells, "interviews", "completed interviews", "last interview")
	}
	cells = append(cells, "error", "line")
	c.header = true
	if err := c.w.Write(cells...); err != nil {
		return err
	}
	held := c.held
	c.held = nil
	for _, row := range held {
		if err := c.writeRow(row); err != nil {
			return err
		}
	}
	return nil
}

func (c *reportCSV) writeRow(row reportRow) error {
	o := c.inv.opts
	cells := append(c.cells[:0], row.PartnerID)
	if o.deriveIDs {
		cells = append(cells, row.SourceID)
	}
	for _, title := range c.tracks {
		progress, steps := "", ""
		for _, t := range row.Tracks {
			if t.Title == title {
				progress, steps = strconv.FormatFloat(t.Progress, 'f', 2, 64), strconv.Itoa(t.StepsCompleted)
				break
			}
		}
		cells = append(cells, progress, steps)
	}
	if !c.warned {
		for _, t := range row.Tracks {
			if !c.hasTrack(t.Title) {
				c.warned = true
				c.inv.say("users report: line %d: track %q has no column in the CSV, whose columns come from the first user loaded; --json shows every track", row.Line, t.Title)
				break
			}
		}
	}
	if o.interviews {
		if iv := row.Interviews; iv != nil {
			last := ""
			if iv.Last != nil {
				last = iv.Last.UTC().Format(time.RFC3339)
			}
			cells = append(cells, strconv.Itoa(iv.Total), strconv.Itoa(iv.Completed), last)
		} else {
			cells = append(cells, "", "", "")
		}
	}
	cells = append(cells, row.Error, strconv.Itoa(row.Line))
	c.cells = cells
	return c.w.Write(cells...)
}

func (c *reportCSV) hasTrack(title string) bool {
	for _, t := range c.tracks {
		if t == title {
			return true
		}
	}
	return false
}
