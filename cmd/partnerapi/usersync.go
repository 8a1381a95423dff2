package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/partnerid"
)

const syncDetails = `Creates every user of the roster that does not exist and refreshes those
that do (Users.Sync), several at a time, backing off together when
rate limited.

The CSV needs a header row naming the columns partner_id, first_name,
last_name and email, in any order and any letter case; other columns are
ignored. A UTF-8 BOM, CRLF line ends, quoted fields (with commas, quotes
or line breaks) and blank lines are fine; fields are trimmed of
surrounding spaces. FILE "-" reads stdin.

Every row that fails - bad partner_id, a missing field, malformed CSV, a
partner_id already on an earlier line, or refused by the server - is
reported on stderr as "line N: ...", N the physical line of the file where
the row starts; the others go on. A quote that opens a field and never
properly closes fails the row of its line, and reading goes on with the
next line. A line longer than 1 MiB fails as one row; it is skipped, not
read into memory. A partner_id that repeats an earlier line's (after
--derive-ids) is not sent: it is reported as
"line N: partner_id "x" repeats line M", so a refusal from the server
names exactly one line. The summary goes to stdout (--json: an object with
the counts and the failed rows, each with its line, its partner_id when
it has one, and the error). Exit 1 if any row failed; 2 if the file or
header is unusable.

The first row to send goes alone, before the others: if the server
refuses it with 401 or 403, the key is wrong or may not use the users
API, so nothing more is sent and the one error line is "the API key was
refused (401): no row was synced" (or 403; exit 1).

--dry-run checks every row and sends nothing. --derive-ids replaces each
partner_id that breaks the rules (an e-mail address, say) by
partnerid.Derive(id), a stable valid id; valid ids are kept as they are.
The derived ids are not printed row by row: --map-out FILE writes them as
CSV (line,source_id,partner_id; a cell that starts with = + - @, a tab or
a carriage return gets a leading ' so that a spreadsheet shows it as text
instead of running it), and users tracks/interviews/sso-link take
--derive-ids to find a user by its original id.

Progress goes to stderr: a bar on a terminal, a line per tenth otherwise.
The file is read again rather than held in memory (to check, to confirm
repeated ids, to send, to match server failures to lines); what is kept is
an 8-byte hash and a line number per row to find repeated ids (about 40 MB
for a million rows), plus the failed rows.`

// rowFailure is a row that failed, as reported.
type rowFailure struct {
	Line int `json:"line"`
	// The row's partner_id, whenever it has one (after --derive-ids when
	// it was sent); as far as it could be read for a row that is not
	// valid CSV.
	PartnerID string `json:"partner_id,omitempty"`
	Error     string `json:"error"`
	// Named: Error names the partner_id itself, so the line does not
	// repeat it.
	Named bool `json:"-"`
}

// syncResult is the summary of users sync, printed with --json.
type syncResult struct {
	DryRun    bool         `json:"dry_run"`
	Rows      int          `json:"rows"`    // rows in the file, blank lines aside
	Derived   int          `json:"derived"` // partner_ids replaced by --derive-ids
	Created   int          `json:"created"`
	Refreshed int          `json:"refreshed"`
	Failed    []rowFailure `json:"failed"`
}

func usersSync(ctx context.Context, inv *invocation) error {
	o := inv.opts
	if o.mapOut != "" && !o.deriveIDs {
		return usagef("users sync: --map-out needs --derive-ids")
	}
	f, done, err := openRoster("users sync", inv.args[0], inv.stdin)
	if err != nil {
		return err
	}
	defer done()

	res := &syncResult{DryRun: o.dryRun, Failed: []rowFailure{}}
	report := func(fl rowFailure) {
		res.Failed = append(res.Failed, fl)
		inv.say("%s", fl)
	}

	// Pass 1: check every row, report the bad ones and the repeated ids,
	// count the rows to send.
	pl, err := checkRoster(inv, f, res, report)
	if err != nil {
		return err
	}
	if !o.dryRun && pl.sendable > 0 {
		if err := sendRoster(ctx, inv, f, pl, res, report); err != nil {
			return err
		}
	}
	sort.SliceStable(res.Failed, func(i, j int) bool { return res.Failed[i].Line < res.Failed[j].Line })

	if o.json {
		if err := writeJSON(inv.stdout, res); err != nil {
			return err
		}
	} else if o.dryRun {
		fmt.Fprintf(inv.stdout, "dry run: %s checked: %d ok, %d failed (%d ids derived); nothing sent\n",
			rowCount(res.Rows), res.Rows-len(res.Failed), len(res.Failed), res.Derived)
	} else {
		fmt.Fprintf(inv.stdout, "users sync: %s: %d created, %d refreshed, %d failed (%d ids derived)\n",
			rowCount(res.Rows), res.Created, res.Refreshed, len(res.Failed), res.Derived)
	}
	if n := len(res.Failed); n > 0 {
		return &exitError{code: exitFailed, msg: fmt.Sprintf("users sync: %d of %s failed (listed above as line N)", n, rowCount(res.Rows))}
	}
	return nil
}

// String is the failure as its line on stderr says it, before say makes
// it terminal-safe.
func (fl rowFailure) String() string {
	if fl.Line == 0 {
		return fmt.Sprintf("partner_id %q: %s", fl.PartnerID, fl.Error)
	}
	if fl.PartnerID == "" || fl.Named {
		return fmt.Sprintf("line %d: %s", fl.Line, fl.Error)
	}
	return fmt.Sprintf("line %d: partner_id %q: %s", fl.Line, fl.PartnerID, fl.Error)
}

// openRoster opens the roster file of the command cmd ("users sync"); "-"
// spools stdin to a temporary file, because the roster is read more than
// once.
func openRoster(cmd, path string, stdin io.Reader) (io.ReadSeeker, func(), error) {
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, &configError{msg: cmd + ": " + err.Error()}
		}
		return f, func() { f.Close() }, nil
	}
	tmp, err := os.CreateTemp("", "partnerapi-roster-*.csv")
	if err != nil {
		return nil, nil, err
	}
	done := func() { tmp.Close(); os.Remove(tmp.Name()) }
	if _, err := io.Copy(tmp, stdin); err != nil {
		done()
		return nil, nil, fmt.Errorf("%s: reading stdin: %w", cmd, err)
	}
	return tmp, done, nil
}

// forEachRow reads the roster of users sync from its start and calls fn
// for each row until fn returns false.
func forEachRow(f io.ReadSeeker, fn func(rosterRow) bool) error {
	return namedFor("users sync", eachRosterRow(f, "users sync", userColumns, fn))
}

// eachRosterRow reads a roster CSV from its start, the columns required
// as the command cmd needs them, and calls fn for each row until fn
// returns false. An unusable header is a configError (exit 2) naming
// cmd; a failure to read is "reading the roster: ...", which the caller
// names (namedFor).
func eachRosterRow(f io.ReadSeeker, cmd string, required []rosterColumn, fn func(rosterRow) bool) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("reading the roster: %w", err)
	}
	rr, err := newRosterReader(f, required...)
	if err != nil {
		var he *headerError
		if errors.As(err, &he) {
			return &configError{msg: cmd + ": " + he.msg}
		}
		return fmt.Errorf("reading the roster: %w", err)
	}
	for {
		row, err := rr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the roster: %w", err)
		}
		if !fn(row) {
			return nil
		}
	}
}

// namedFor names the command cmd ("users sync") in err, unless err is nil
// or a configError, which names it already.
func namedFor(cmd string, err error) error {
	var ce *configError
	if err == nil || errors.As(err, &ce) {
		return err
	}
	return fmt.Errorf("%s: %w", cmd, err)
}

// resolveRow returns the partner_id to send for a row, whether it was
// derived, or why the row cannot be sent.
func resolveRow(row rosterRow, derive bool) (id string, derived bool, err error) {
	if row.Err != nil {
		return "", false, row.Err
	}
	id = row.PartnerID
	if !needsDerive(id) {
		return id, false, nil
	}
	if derive {
		return partnerid.Derive(id), true, nil
	}
	if id == "anonymous" {
		return "", false, errors.New(`partner_id "anonymous" is reserved for the anonymous-user endpoint (--derive-ids gives it a valid id)`)
	}
	return "", false, fmt.Errorf("%v (--derive-ids turns such ids into valid ones)", partnerid.Validate(id))
}

// plan is what the check pass leaves for the others.
type plan struct {
	sendable int          // rows to send
	repeats  map[int]bool // lines not to send: their partner_id repeats an earlier line's
}

// repeat is a line whose partner_id repeats the one of line first.
type repeat struct {
	line, first int
	id          string
}

// hashID is the 64-bit FNV-1a hash of a partner_id: the check pass keeps
// it, not the id, to find repeated ids in little memory.
func hashID(id string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	return h
}

// checkRoster is the first pass: it reports every row that cannot be sent
// and every row whose partner_id repeats an earlier row's (it would only
// refresh the same user, and a refusal from the server could not be told
// apart from the first one's), writes the --map-out file, and returns the
// plan of what to send.
//
// Repeats are found with a map from the hash of each partner_id to its
// first line, about 40 bytes a row; the ids themselves are not kept. A
// hash seen before makes the line a suspect, and the suspects are
// confirmed by reading the ids of the lines they would repeat, so a
// collision of hashes never drops a row.
func checkRoster(inv *invocation, f io.ReadSeeker, res *syncResult, report func(rowFailure)) (pl *plan, err error) {
	o := inv.opts
	var mapW *safeCSVWriter
	if o.mapOut != "" {
		mf, err := inv.createFile(o.mapOut)
		if err != nil {
			return nil, &configError{msg: "users sync: --map-out: " + err.Error()}
		}
		defer func() {
			if cerr := mf.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("users sync: --map-out: %w", cerr)
			}
		}()
		mapW = newSafeCSVWriter(mf)
		mapW.Write("line", "source_id", "partner_id")
	}
	pl = &plan{}
	seen := make(map[uint64]int) // hash of a partner_id → the first line with it
	var suspects []repeat
	err = forEachRow(f, func(row rosterRow) bool {
		res.Rows++
		id, derived, err := resolveRow(row, o.deriveIDs)
		if err != nil {
			// The error of an invalid id names the id; the others do not.
			report(rowFailure{Line: row.Line, PartnerID: row.PartnerID, Error: err.Error(), Named: row.Err == nil})
			return true
		}
		pl.sendable++
		if derived {
			res.Derived++
			if mapW != nil {
				mapW.Write(strconv.Itoa(row.Line), row.PartnerID, id)
			}
		}
		h := hashID(id)
		if first, ok := seen[h]; ok {
			// strings.Clone: the id shares its row's memory.
			suspects = append(suspects, repeat{line: row.Line, first: first, id: strings.Clone(id)})
		} else {
			seen[h] = row.Line
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if mapW != nil {
		if err := mapW.Flush(); err != nil {
			return nil, fmt.Errorf("users sync: --map-out: %w", err)
		}
	}
	if len(suspects) > 0 {
		repeats, err := confirmRepeats(f, o.deriveIDs, suspects)
		if err != nil {
			return nil, err
		}
		pl.repeats = make(map[int]bool, len(repeats))
		for _, r := range repeats {
			pl.repeats[r.line] = true
			pl.sendable--
			report(rowFailure{Line: r.line, PartnerID: r.id, Named: true,
				Error: fmt.Sprintf("partner_id %q repeats line %d", r.id, r.first)})
		}
	}
	return pl, nil
}

// confirmRepeats reads the ids of the lines the suspects' hashes point to
// and returns the suspects that truly repeat an earlier line, in line
// order. A suspect whose hash only collides with another id's is a row
// like any other: it is sent, unless it repeats such a row itself.
func confirmRepeats(f io.ReadSeeker, derive bool, suspects []repeat) ([]repeat, error) {
	firstIDs := make(map[int]string, len(suspects))
	for _, s := range suspects {
		firstIDs[s.first] = ""
	}
	left := len(firstIDs)
	err := forEachRow(f, func(row rosterRow) bool {
		if _, ok := firstIDs[row.Line]; ok {
			if id, _, err := resolveRow(row, derive); err == nil {
				firstIDs[row.Line] = strings.Clone(id)
			}
			left--
		}
		return left > 0
	})
	if err != nil {
		return nil, err
	}
	var repeats []repeat
	collided := map[string]int{} // id → the first line of an id that only collided
	for _, s := range suspects {
		switch first, ok := collided[s.id]; {
		case firstIDs[s.first] == s.id:
			repeats = append(repeats, s)
		case ok:
			repeats = append(repeats, repeat{line: s.line, first: first, id: s.id})
		default:
			collided[s.id] = s.line
		}
	}
	return repeats, nil
}

// sendableRows calls fn with every row to send after line after, in
// order, until fn returns false: rows the check pass reported are skipped.
func sendableRows(f io.ReadSeeker, derive bool, pl *plan, after int, fn func(line int, rec partnerapi.UserRecord) bool) error {
	return forEachRow(f, func(row rosterRow) bool {
		if row.Line <= after || pl.repeats[row.Line] {
			return true
		}
		id, _, err := resolveRow(row, derive)
		if err != nil {
			return true // reported by the first pass
		}
		return fn(row.Line, partnerapi.UserRecord{PartnerID: id, Params: row.Params})
	})
}

// sendRoster sends the rows with Users.Sync, progress on stderr, in two
// steps. The first row goes alone: if the server refuses it with 401 or
// 403, the key is wrong or may not use the users API, and the sync stops
// with one line instead of a refusal per row. Then the rest, several at a
// time. When the server refused some rows, the roster is read again to
// match their partner_ids back to their lines; only the failures are kept
// in memory.
func sendRoster(ctx context.Context, inv *invocation, f io.ReadSeeker, pl *plan, res *syncResult, report func(rowFailure)) error {
	c, err := inv.connect(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	derive := inv.opts.deriveIDs

	// Step 1: the first row alone.
	firstLine := 0
	var readErr error
	first := func(yield func(partnerapi.UserRecord) bool) {
		readErr = sendableRows(f, derive, pl, 0, func(line int, rec partnerapi.UserRecord) bool {
			firstLine = line
			yield(rec)
			return false
		})
	}
	sr, syncErr := c.client.Users.Sync(ctx, first, &partnerapi.SyncOptions{Concurrency: 1})
	if readErr != nil {
		return readErr
	}
	if syncErr == nil && len(sr.Failed) == 1 {
		if status, ok := refusedStatus(sr.Failed[0].Err); ok {
			return fmt.Errorf("users sync: the API key was refused (%d): no row was synced", status)
		}
	}
	failed := sr.Failed
	done := partnerapi.SyncProgress{Done: sr.Created + sr.Refreshed + len(sr.Failed), Created: sr.Created, Refreshed: sr.Refreshed, Failed: len(sr.Failed)}

	// Step 2: the rest, with the first row's counts in the progress.
	if syncErr == nil {
		rest := func(yield func(partnerapi.UserRecord) bool) {
			readErr = sendableRows(f, derive, pl, firstLine, func(_ int, rec partnerapi.UserRecord) bool {
				return yield(rec)
			})
		}
		bar := newProgress(inv.stderr, inv.stderrTTY, pl.sendable)
		bar.update(done) // drawn only now: a refused key shows no progress
		last := done
		sr, syncErr = c.client.Users.Sync(ctx, rest, &partnerapi.SyncOptions{
			Concurrency: inv.opts.concurrency,
			OnProgress: func(p partnerapi.SyncProgress) {
				p.Done += done.Done
				p.Created += done.Created
				p.Refreshed += done.Refreshed
				p.Failed += done.Failed
				last = p
				bar.update(p)
			},
		})
		bar.finish(last)
		if readErr != nil {
			return readErr
		}
		done.Created += sr.Created
		done.Refreshed += sr.Refreshed
		failed = append(failed, sr.Failed...)
	}
	res.Created, res.Refreshed = done.Created, done.Refreshed
	if len(failed) > 0 {
		if err := matchFailures(f, derive, pl, failed, report); err != nil {
			return err
		}
	}
	if syncErr != nil {
		return fmt.Errorf("users sync stopped: %w (created %d, refreshed %d before it stopped; running the roster again is safe)",
			syncErr, res.Created, res.Refreshed)
	}
	return nil
}

// matchFailures reads the roster again to report each failure of Sync at
// its line. Repeated partner_ids were not sent, so each failure has one
// line; should one id still come back twice, its failures go to its lines
// in order.
func matchFailures(f io.ReadSeeker, derive bool, pl *plan, failed []partnerapi.SyncFailure, report func(rowFailure)) error {
	byID := make(map[string][]error, len(failed))
	for _, sf := range failed {
		byID[sf.PartnerID] = append(byID[sf.PartnerID], sf.Err)
	}
	err := sendableRows(f, derive, pl, 0, func(line int, rec partnerapi.UserRecord) bool {
		if errs := byID[rec.PartnerID]; len(errs) > 0 {
			report(rowFailure{Line: line, PartnerID: rec.PartnerID, Error: errText(errs[0])})
			if len(errs) == 1 {
				delete(byID, rec.PartnerID)
			} else {
				byID[rec.PartnerID] = errs[1:]
			}
		}
		return len(byID) > 0
	})
	for id, errs := range byID { // not found again: reported without a line
		for _, e := range errs {
			report(rowFailure{PartnerID: id, Error: errText(e)})
		}
	}
	return err
}
