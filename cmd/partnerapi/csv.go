package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

// The roster's columns, in the order rosterReader keeps their indexes.
var rosterColumns = [...]string{"partner_id", "first_name", "last_name", "email"}

const (
	colPartnerID = iota
	colFirstName
	colLastName
	colEmail
)

// rosterReader reads a roster CSV: a header row naming the columns
// partner_id, first_name, last_name and email in any order, in any letter
// case, other columns ignored; then one user per row. A UTF-8 BOM, CRLF
// line ends, quoted fields (with commas, quotes or line breaks in them) and
// blank lines are accepted. Every row carries the physical line of the
// file it starts on. It reads one row at a time: memory does not grow
// with the file.
type rosterReader struct {
	r   *csv.Reader
	col [len(rosterColumns)]int // index of each column in a row
}

// rosterRow is one row of a roster: the user it describes, or why it
// cannot be used.
type rosterRow struct {
	Line      int    // physical line (from 1) where the row starts
	PartnerID string // as in the file, trimmed
	Params    partnerapi.UserParams
	Err       error // a malformed row or missing fields; nil for a usable row
}

// headerError is a roster whose header cannot be used: nothing is sent.
type headerError struct{ msg string }

func (e *headerError) Error() string { return e.msg }

// newRosterReader reads the header row of r.
func newRosterReader(r io.Reader) (*rosterReader, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // a short or long row is judged by its fields, not refused whole
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &headerError{msg: "the file is empty: it needs a header row naming " + strings.Join(rosterColumns[:], ", ")}
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, &headerError{msg: fmt.Sprintf("line %d: the header row is not valid CSV: %v", pe.StartLine, pe.Err)}
		}
		return nil, err
	}
	line, _ := cr.FieldPos(0)
	rr := &rosterReader{r: cr}
	for i := range rr.col {
		rr.col[i] = -1
	}
	for i, name := range header {
		if i == 0 {
			name = strings.TrimPrefix(name, "\uFEFF") // encoding/csv keeps a BOM on the first field
		}
		name = strings.ToLower(strings.TrimSpace(name))
		for c, want := range rosterColumns {
			if name == want {
				if rr.col[c] >= 0 {
					return nil, &headerError{msg: fmt.Sprintf("line %d: the header names column %s twice", line, want)}
				}
				rr.col[c] = i
			}
		}
	}
	var missing []string
	for c, idx := range rr.col {
		if idx < 0 {
			missing = append(missing, rosterColumns[c])
		}
	}
	if len(missing) > 0 {
		return nil, &headerError{msg: fmt.Sprintf("line %d: the header row has no column %s (it needs %s, in any order)",
			line, strings.Join(missing, ", "), strings.Join(rosterColumns[:], ", "))}
	}
	return rr, nil
}

// Next returns the next row, skipping blank ones (no field, or every field
// empty). At the end it returns io.EOF; any other error is a failure to
// read the file. A malformed row is a row with Err set, and reading goes
// on with the next line.
func (rr *rosterReader) Next() (rosterRow, error) {
	for {
		rec, err := rr.r.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return rosterRow{Line: pe.StartLine, Err: fmt.Errorf("not valid CSV: %v", pe.Err)}, nil
			}
			return rosterRow{}, err
		}
		if isBlank(rec) {
			continue
		}
		line, _ := rr.r.FieldPos(0)
		row := rosterRow{Line: line}
		field := func(c int) string {
			if i := rr.col[c]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row.PartnerID = field(colPartnerID)
		row.Params = partnerapi.UserParams{
			FirstName: field(colFirstName),
			LastName:  field(colLastName),
			Email:     field(colEmail),
		}
		var missing []string
		for c, v := range []string{row.PartnerID, row.Params.FirstName, row.Params.LastName, row.Params.Email} {
			if v == "" {
				missing = append(missing, rosterColumns[c])
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
