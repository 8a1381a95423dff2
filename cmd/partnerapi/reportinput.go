package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// reportInput is the roster of users report: a roster CSV (the one users
// sync reads: a header row naming partner_id, other columns ignored) or a
// list of partner_ids, one a line. Which one is told by the first line:
// a roster's header names a column partner_id. In a list, a line is an id
// as it stands, spaces around it aside, not a CSV record: quotes and
// commas are the id's (and fail its validation, unless --derive-ids).
// It is read again for each pass, never held in memory.
type reportInput struct {
	f      io.ReadSeeker
	csv    bool // a roster CSV; false: one partner_id a line
	derive bool // --derive-ids
	rows   int  // rows in the roster, blank lines aside
}

// inputRow is one row of the roster as users report reads it.
type inputRow struct {
	line   int    // the physical line where the row starts
	id     string // the partner_id to read (after --derive-ids)
	source string // the partner_id as in the file
	err    error  // why the row cannot be read: no request is made for it
}

// newReportInput tells the roster's kind and counts its rows. An empty
// file, or a roster whose header cannot be used, is a configError.
func newReportInput(f io.ReadSeeker, derive bool) (*reportInput, error) {
	in := &reportInput{f: f, derive: derive}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	first, err := newRecordReader(f).Read()
	switch {
	case errors.Is(err, io.EOF):
		return nil, &configError{msg: "users report: the roster is empty: give a roster CSV (a header row naming partner_id) or one partner_id a line"}
	case err != nil:
		return nil, fmt.Errorf("users report: reading the roster: %w", err)
	}
	for _, name := range first.Fields {
		if strings.EqualFold(strings.TrimSpace(name), "partner_id") {
			in.csv = true
		}
	}
	if !in.csv && first.Err == nil && len(first.Fields) > 1 {
		return nil, &configError{msg: fmt.Sprintf("users report: line %d: the first line has %d fields and none is named partner_id: "+
			"a roster CSV needs a header row naming partner_id; a list of partner_ids has one a line", first.Line, len(first.Fields))}
	}
	if err := in.each(func(inputRow) bool { in.rows++; return true }); err != nil {
		return nil, namedFor("users report", err)
	}
	return in, nil
}

// each reads the roster from its start and calls fn with each row, in
// order, until fn returns false. A failure to read is "reading the
// roster: ...", without the command's name.
func (in *reportInput) each(fn func(inputRow) bool) error {
	resolve := func(row rosterRow) bool {
		id, _, err := resolveRow(row, in.derive)
		return fn(inputRow{line: row.Line, id: id, source: row.PartnerID, err: err})
	}
	if in.csv {
		return eachRosterRow(in.f, "users report", nil, resolve)
	}
	if _, err := in.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("reading the roster: %w", err)
	}
	lines := newRecordReader(in.f)
	for {
		l, err := lines.nextLine()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the roster: %w", err)
		}
		row := rosterRow{Line: l.n}
		if l.tooLong > 0 {
			row.Err = tooLongError(l.tooLong, lines.maxRecord)
		} else {
			row.PartnerID = strings.TrimSpace(string(l.text))
			if row.PartnerID == "" {
				continue // a blank line
			}
		}
		if !resolve(row) {
			return nil
		}
	}
}
