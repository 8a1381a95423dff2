package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

// rosterColumn is a column of a roster CSV that the CLI reads.
type rosterColumn int

// The roster's columns.
const (
	colPartnerID rosterColumn = iota
	colFirstName
	colLastName
	colEmail
	numRosterColumns
)

var rosterColumnNames = [numRosterColumns]string{"partner_id", "first_name", "last_name", "email"}

// userColumns are the columns a roster needs to create users (users sync).
var userColumns = []rosterColumn{colPartnerID, colFirstName, colLastName, colEmail}

// rosterReader reads a roster CSV: a header row naming the columns
// partner_id, first_name, last_name and email in any order, in any letter
// case, other columns ignored; then one user per row. A UTF-8 BOM, CRLF
// line ends, quoted fields (with commas, quotes or line breaks in them) and
// blank lines are accepted. Every row carries the physical line of the
// file it starts on. It reads one row at a time, through a recordReader:
// memory does not grow with the file, and a malformed line (an unbalanced
// quote, a line of hundreds of megabytes) fails that row only.
type rosterReader struct {
	records  *recordReader
	col      [numRosterColumns]int  // index of each column in a row; -1 when the header lacks it
	required [numRosterColumns]bool // a row without a value there fails
}

// rosterRow is one row of a roster: the user it describes, or why it
// cannot be used.
type rosterRow struct {
	Line      int    // physical line (from 1) where the row starts
	PartnerID string // as in the file, trimmed; with Err set, whatever could be read of it
	Params    partnerapi.UserParams
	Err       error // a malformed row or missing fields; nil for a usable row
}

// headerError is a roster whose header cannot be used: nothing is sent.
type headerError struct{ msg string }

func (e *headerError) Error() string { return e.msg }

// newRosterReader reads the header row of r. The header must name every
// required column (partner_id always is), and every row must have a value
// in each; a column that is not required may be absent.
func newRosterReader(r io.Reader, required ...rosterColumn) (*rosterReader, error) {
	rr := &rosterReader{records: newRecordReader(r)}
	rr.required[colPartnerID] = true
	for _, c := range required {
		rr.required[c] = true
	}
	header, err := rr.records.Read()
	if errors.Is(err, io.EOF) {
		return nil, &headerError{msg: "the file is empty: it needs a header row naming " + rr.needed()}
	}
	if err != nil {
		return nil, err
	}
	if header.Err != nil {
		return nil, &headerError{msg: fmt.Sprintf("line %d: the header row is not valid CSV: %v", header.Line, header.Err)}
	}
	for i := range rr.col {
		rr.col[i] = -1
	}
	for i, name := range header.Fields {
		name = strings.ToLower(strings.TrimSpace(name))
		for c, want := range rosterColumnNames {
			if name == want {
				if rr.col[c] >= 0 {
					return nil, &headerError{msg: fmt.Sprintf("line %d: the header names column %s twice", header.Line, want)}
				}
				rr.col[c] = i
			}
		}
	}
	var missing []string
	for c, idx := range rr.col {
		if idx < 0 && rr.required[c] {
			missing = append(missing, rosterColumnNames[c])
		}
	}
	if len(missing) > 0 {
		return nil, &headerError{msg: fmt.Sprintf("line %d: the header row has no column %s (it needs %s, in any order)",
			header.Line, strings.Join(missing, ", "), rr.needed())}
	}
	return rr, nil
}

// needed lists the required columns.
func (rr *rosterReader) needed() string {
	var names []string
	for c, req := range rr.required {
		if req {
			names = append(names, rosterColumnNames[c])
		}
	}
	return strings.Join(names, ", ")
}

// Next returns the next row, skipping blank ones (no field, or every field
// empty). At the end it returns io.EOF; any other error is a failure to
// read the file. A malformed row is a row with Err set, and reading goes
// on with the next line.
func (rr *rosterReader) Next() (rosterRow, error) {
	for {
		rec, err := rr.records.Read()
		if err != nil {
			return rosterRow{}, err
		}
		field := func(c rosterColumn) string {
			if i := rr.col[c]; i >= 0 && i < len(rec.Fields) {
				return strings.TrimSpace(rec.Fields[i])
			}
			return ""
		}
		row := rosterRow{Line: rec.Line, PartnerID: field(colPartnerID)}
		if rec.Err != nil {
			row.Err = fmt.Errorf("not valid CSV: %v", rec.Err)
			return row, nil
		}
		if isBlank(rec.Fields) {
			continue
		}
		row.Params = partnerapi.UserParams{
			FirstName: field(colFirstName),
			LastName:  field(colLastName),
			Email:     field(colEmail),
		}
		var missing []string
		for c, v := range []string{row.PartnerID, row.Params.FirstName, row.Params.LastName, row.Params.Email} {
			if v == "" && rr.required[c] {
				missing = append(missing, rosterColumnNames[c])
			}
		}
		if len(missing) > 0 {
			row.Err = fmt.Errorf("missing %s", strings.Join(missing, ", "))
		}
		return row, nil
	}
}

func isBlank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}
