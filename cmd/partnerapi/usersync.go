package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/partnerid"
)

const syncDetails = `Creates every user of the roster that does not exist and refreshes those
that do (Users.Sync), several at a time, backing off together when
rate limited.

The CSV needs a header row naming the columns partner_id, first_name,
last_name and email, in any order and any letter case; other columns are
ignored. A UTF-8 BOM, CRLF line ends, quoted fields (with commas or quotes)
and blank lines are fine; fields are trimmed of surrounding spaces. FILE
"-" reads stdin.

Every row that fails - bad partner_id, a missing field, malformed CSV, or
refused by the server - is reported on stderr as "line N: ...", N the
physical line of the file where the row starts; the others go on. The
summary goes to stdout (--json: an object with the counts and the failed
rows). Exit 1 if any row failed; 2 if the file or header is unusable.

--dry-run checks every row and sends nothing. --derive-ids replaces each
partner_id that breaks the rules (an e-mail address, say) by
partnerid.Derive(id), a stable valid id; valid ids are kept as they are.
The derived ids are not printed row by row: --map-out FILE writes them as
CSV (line,source_id,partner_id), and users tracks/interviews/sso-link take
--derive-ids to find a user by its original id.

Progress goes to stderr: a bar on a terminal, a line per tenth otherwise.
The file is read three times at most (check, send, and to match server
failures to lines), so memory stays small whatever its size.`

// rowFailure is a row that failed, as reported.
type rowFailure struct {
	Line      int    `json:"line"`
	PartnerID string `json:"partner_id,omitempty"` // the partner_id sent (after --derive-ids)
	Error     string `json:"error"`
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
	if o.concurrency < 1 {
		return usagef("users sync: --concurrency must be at least 1, got %d", o.concurrency)
	}
	if o.mapOut != "" && !o.deriveIDs {
		return usagef("users sync: --map-out needs --derive-ids")
	}
	f, done, err := openRoster(inv.args[0], inv.stdin)
	if err != nil {
		return err
	}
	defer done()

	res := &syncResult{DryRun: o.dryRun, Failed: []rowFailure{}}
	report := func(fl rowFailure) {
		res.Failed = append(res.Failed, fl)
		fmt.Fprintln(inv.stderr, fl.String())
	}

	// Pass 1: check every row, report the bad ones, count the good ones.
	valid, err := checkRoster(f, o, res, report)
	if err != nil {
		return err
	}
	if !o.dryRun && valid > 0 {
		if err := sendRoster(ctx, inv, f, valid, res, report); err != nil {
			return err
		}
	}
	sort.SliceStable(res.Failed, func(i, j int) bool { return res.Failed[i].Line < res.Failed[j].Line })

	if o.json {
		if err := writeJSON(inv.stdout, res); err != nil {
			return err
		}
	} else if o.dryRun {
		fmt.Fprintf(inv.stdout, "dry run: %d rows checked: %d ok, %d failed (%d ids derived); nothing sent\n",
			res.Rows, res.Rows-len(res.Failed), len(res.Failed), res.Derived)
	} else {
		fmt.Fprintf(inv.stdout, "users sync: %d rows: %d created, %d refreshed, %d failed (%d ids derived)\n",
			res.Rows, res.Created, res.Refreshed, len(res.Failed), res.Derived)
	}
	if n := len(res.Failed); n > 0 {
		return &exitError{code: exitFailed, msg: fmt.Sprintf("users sync: %d of %d rows failed (listed above as line N)", n, res.Rows)}
	}
	return nil
}

func (fl rowFailure) String() string {
	if fl.Line == 0 {
		return fmt.Sprintf("partner_id %q: %s", fl.PartnerID, fl.Error)
	}
	if fl.PartnerID == "" {
		return fmt.Sprintf("line %d: %s", fl.Line, fl.Error)
	}
	return fmt.Sprintf("line %d: partner_id %q: %s", fl.Line, fl.PartnerID, fl.Error)
}

// openRoster opens the roster file; "-" spools stdin to a temporary file,
// because the roster is read more than once.
func openRoster(path string, stdin io.Reader) (io.ReadSeeker, func(), error) {
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, &configError{msg: "users sync: " + err.Error()}
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
		return nil, nil, fmt.Errorf("users sync: reading stdin: %w", err)
	}
	return tmp, done, nil
}

// forEachRow reads the roster from its start and calls fn for each row
// until fn returns false.
func forEachRow(f io.ReadSeeker, fn func(rosterRow) bool) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	rr, err := newRosterReader(f)
	if err != nil {
		var he *headerError
		if errors.As(err, &he) {
			return &configError{msg: "users sync: " + he.msg}
		}
		return fmt.Errorf("users sync: reading the roster: %w", err)
	}
	for {
		row, err := rr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("users sync: reading the roster: %w", err)
		}
		if !fn(row) {
			return nil
		}
	}
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

// checkRoster is the first pass: it reports every row that cannot be sent,
// writes the --map-out file, and returns how many rows can be sent.
func checkRoster(f io.ReadSeeker, o *options, res *syncResult, report func(rowFailure)) (int, error) {
	var mapW *csv.Writer
	if o.mapOut != "" {
		mf, err := os.Create(o.mapOut)
		if err != nil {
			return 0, &configError{msg: "users sync: --map-out: " + err.Error()}
		}
		defer mf.Close()
		mapW = csv.NewWriter(mf)
		mapW.Write([]string{"line", "source_id", "partner_id"})
	}
	valid := 0
	err := forEachRow(f, func(row rosterRow) bool {
		res.Rows++
		id, derived, err := resolveRow(row, o.deriveIDs)
		if err != nil {
			fl := rowFailure{Line: row.Line, Error: err.Error()}
			if row.Err != nil { // an invalid id names itself in its message
				fl.PartnerID = row.PartnerID
			}
			report(fl)
			return true
		}
		valid++
		if derived {
			res.Derived++
			if mapW != nil {
				mapW.Write([]string{strconv.Itoa(row.Line), row.PartnerID, id})
			}
		}
		return true
	})
	if err != nil {
		return 0, err
	}
	if mapW != nil {
		mapW.Flush()
		if err := mapW.Error(); err != nil {
			return 0, fmt.Errorf("users sync: --map-out: %w", err)
		}
	}
	return valid, nil
}

// sendRoster is the second pass, Users.Sync over the good rows with
// progress on stderr, and, when the server refused some, the third: the
// failures' partner_ids are matched back to their lines. Only the failures
// are kept in memory.
func sendRoster(ctx context.Context, inv *invocation, f io.ReadSeeker, valid int, res *syncResult, report func(rowFailure)) error {
	c, err := inv.connect(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	derive := inv.opts.deriveIDs
	var readErr error
	roster := func(yield func(partnerapi.UserRecord) bool) {
		readErr = forEachRow(f, func(row rosterRow) bool {
			id, _, err := resolveRow(row, derive)
			if err != nil {
				return true // reported by the first pass
			}
			return yield(partnerapi.UserRecord{PartnerID: id, Params: row.Params})
		})
	}
	bar := newProgress(inv.stderr, isTerminal(inv.stderr, inv.getenv), valid)
	var last partnerapi.SyncProgress
	sr, syncErr := c.client.Users.Sync(ctx, roster, &partnerapi.SyncOptions{
		Concurrency: inv.opts.concurrency,
		OnProgress: func(p partnerapi.SyncProgress) {
			last = p
			bar.update(p)
		},
	})
	bar.finish(last)
	if readErr != nil {
		return readErr
	}
	if sr != nil {
		res.Created, res.Refreshed = sr.Created, sr.Refreshed
		if len(sr.Failed) > 0 {
			if err := matchFailures(f, derive, sr.Failed, report); err != nil {
				return err
			}
		}
	}
	if syncErr != nil {
		return fmt.Errorf("users sync stopped: %w (created %d, refreshed %d before it stopped; running the roster again is safe)",
			syncErr, res.Created, res.Refreshed)
	}
	return nil
}

// matchFailures reads the roster again to report each failure of Sync at
// its line. A partner_id on several lines takes its failures in line
// order.
func matchFailures(f io.ReadSeeker, derive bool, failed []partnerapi.SyncFailure, report func(rowFailure)) error {
	byID := make(map[string][]error, len(failed))
	for _, sf := range failed {
		byID[sf.PartnerID] = append(byID[sf.PartnerID], sf.Err)
	}
	err := forEachRow(f, func(row rosterRow) bool {
		id, _, err := resolveRow(row, derive)
		if err != nil {
			return true
		}
		if errs := byID[id]; len(errs) > 0 {
			report(rowFailure{Line: row.Line, PartnerID: id, Error: oneLine(errs[0].Error())})
			if len(errs) == 1 {
				delete(byID, id)
			} else {
				byID[id] = errs[1:]
			}
		}
		return len(byID) > 0
	})
	for id, errs := range byID { // not found again: reported without a line
		for _, e := range errs {
			report(rowFailure{PartnerID: id, Error: oneLine(e.Error())})
		}
	}
	return err
}
