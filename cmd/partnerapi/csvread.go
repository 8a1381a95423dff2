package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxRecordBytes bounds one CSV record (all its physical lines together).
// A roster row is a few hundred bytes; a spreadsheet cell holds at most
// 32,767 characters. Memory stays within a few times this bound whatever
// the file holds.
const maxRecordBytes = 1 << 20

// recordReader reads CSV records one at a time, in memory bounded by
// maxRecordBytes whatever the file holds. It reads CSV as encoding/csv
// does (RFC 4180: quoted fields may hold commas, doubled quotes and line
// breaks; CRLF and a leading UTF-8 BOM are accepted; empty lines are
// skipped; rows may have any number of fields) and differs where a
// malformed line would derail the rest of the file:
//
//   - A quote that never properly closes (the record runs into a parse
//     error on a later line, past maxRecordBytes, or to the end of the
//     file) fails the record at the line that opened it, and reading goes
//     on with the next physical line, which is read again as a record of
//     its own.
//   - A line longer than maxRecordBytes fails as one record; its bytes
//     are skipped without being kept.
//
// Every record carries the physical line (from 1) where it starts.
type recordReader struct {
	br        *bufio.Reader
	lines     int            // physical lines taken from br
	replay    []physicalLine // lines to read again, after a record that failed past its first line
	buf       []byte         // the current line, when it comes from br
	started   bool           // the first line was read (its BOM removed)
	maxRecord int
}

// physicalLine is one line of the file without its line end.
type physicalLine struct {
	n       int
	text    []byte // for a line beyond the bound, its first maxRecord bytes
	tooLong int64  // the line's length when it was longer than the bound
}

// csvRecord is one record: its fields, or why it cannot be read.
type csvRecord struct {
	Line   int      // physical line where the record starts
	Fields []string // with Err set: the fields read before the error
	Err    error    // a *recordError, or nil
}

// recordError is a record that is not valid CSV. Reading goes on after it.
type recordError struct{ msg string }

func (e *recordError) Error() string { return e.msg }

func newRecordReader(r io.Reader) *recordReader {
	return &recordReader{br: bufio.NewReaderSize(r, 64<<10), maxRecord: maxRecordBytes}
}

// Read returns the next record, skipping empty lines. It returns io.EOF at
// the end, and any other error only when the file cannot be read; a
// malformed record is returned with its Err set, and the next Read goes on.
func (r *recordReader) Read() (csvRecord, error) {
	for {
		first, err := r.nextLine()
		if err != nil {
			return csvRecord{}, err
		}
		if first.tooLong > 0 {
			return csvRecord{Line: first.n, Fields: leadingFields(first.text), Err: tooLongError(first.tooLong, r.maxRecord)}, nil
		}
		if len(first.text) == 0 {
			continue
		}
		return r.parse(first)
	}
}

// parse reads the record that starts on line first, taking more lines
// while a quoted field is open.
func (r *recordReader) parse(first physicalLine) (csvRecord, error) {
	rec := csvRecord{Line: first.n}
	var field strings.Builder
	var more []physicalLine // lines after the first, kept to be read again if the record fails
	size := len(first.text)
	line := first.text
	i := 0
	quoted := false // inside a quoted field
	openField := 0  // the field (from 1) whose quote is open
	for {
		if !quoted {
			// At the start of a field.
			if i < len(line) && line[i] == '"' {
				quoted, openField = true, len(rec.Fields)+1
				i++
				continue
			}
			end := bytes.IndexByte(line[i:], ',')
			if end < 0 {
				end = len(line) - i
			}
			value := line[i : i+end]
			if bytes.IndexByte(value, '"') >= 0 {
				return r.fail(rec, more, len(more) > 0, csv.ErrBareQuote, openField)
			}
			rec.Fields = append(rec.Fields, string(value))
			i += end
			if i == len(line) {
				return rec, nil
			}
			i++ // the comma
			if i == len(line) {
				rec.Fields = append(rec.Fields, "") // a trailing comma ends with an empty field
				return rec, nil
			}
			continue
		}
		// Inside a quoted field.
		q := bytes.IndexByte(line[i:], '"')
		if q < 0 {
			// The field goes on on the next line.
			field.Write(line[i:])
			field.WriteByte('\n')
			next, err := r.nextLine()
			if errors.Is(err, io.EOF) {
				return r.fail(rec, more, true, nil, openField)
			}
			if err != nil {
				return csvRecord{}, err
			}
			next.text = bytes.Clone(next.text) // kept beyond the next read
			more = append(more, next)
			size += len(next.text) + 1
			if next.tooLong > 0 || size > r.maxRecord {
				return r.fail(rec, more, true, nil, openField)
			}
			line, i = next.text, 0
			continue
		}
		field.Write(line[i : i+q])
		i += q + 1
		switch {
		case i < len(line) && line[i] == '"': // a doubled quote
			field.WriteByte('"')
			i++
		case i == len(line) || line[i] == ',': // the closing quote
			rec.Fields = append(rec.Fields, field.String())
			field.Reset()
			quoted = false
			if i == len(line) {
				return rec, nil
			}
			i++
			if i == len(line) {
				rec.Fields = append(rec.Fields, "")
				return rec, nil
			}
		default:
			return r.fail(rec, more, len(more) > 0, csv.ErrQuote, openField)
		}
	}
}

// fail ends a record that is not valid CSV. When the record ran past its
// first line (unclosed), the quote that opened field openField is to
// blame: the record fails at its first line and the lines after it are
// read again. Otherwise err, found on the first line, is the reason.
func (r *recordReader) fail(rec csvRecord, more []physicalLine, unclosed bool, err error, openField int) (csvRecord, error) {
	if unclosed {
		r.replay = append(more, r.replay...)
		err = fmt.Errorf("field %d opens a quote that is not closed on its line", openField)
	}
	rec.Err = &recordError{msg: err.Error()}
	return rec, nil
}

// nextLine returns the next physical line: one to read again, or the next
// of the file. A line from the file shares memory with the reader until
// the next call: clone it to keep it.
func (r *recordReader) nextLine() (physicalLine, error) {
	if len(r.replay) > 0 {
		l := r.replay[0]
		r.replay = r.replay[1:]
		return l, nil
	}
	r.buf = r.buf[:0]
	var length int64
	tooLong := false
	for {
		chunk, err := r.br.ReadSlice('\n')
		length += int64(len(chunk))
		if !tooLong {
			if length > int64(r.maxRecord)+2 { // +2: the line end is not the row's
				tooLong = true
				keep := max(0, min(len(chunk), r.maxRecord-len(r.buf)))
				r.buf = append(r.buf, chunk[:keep]...) // the start, to read the first fields
			} else {
				r.buf = append(r.buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			if length == 0 {
				return physicalLine{}, io.EOF
			}
			break
		}
		if err != nil {
			return physicalLine{}, err
		}
		break
	}
	r.lines++
	l := physicalLine{n: r.lines}
	firstOfFile := !r.started
	r.started = true
	if tooLong {
		l.tooLong, l.text = length, r.buf
		return l, nil
	}
	l.text = bytes.TrimSuffix(r.buf, []byte("\n"))
	l.text = bytes.TrimSuffix(l.text, []byte("\r"))
	if firstOfFile {
		l.text = bytes.TrimPrefix(l.text, []byte("\uFEFF"))
	}
	return l, nil
}

// leadingFields returns the fields that end within the first 64 KiB of
// prefix, the start of a line beyond the bound: what can be told of a row
// that is not read whole (its partner_id, usually).
func leadingFields(prefix []byte) []string {
	prefix = prefix[:min(len(prefix), 64<<10)]
	sub := &recordReader{br: bufio.NewReader(bytes.NewReader(prefix)), maxRecord: len(prefix) + 1, started: true}
	rec, err := sub.Read()
	if err != nil {
		return nil
	}
	if rec.Err == nil && len(rec.Fields) > 0 {
		rec.Fields = rec.Fields[:len(rec.Fields)-1] // the last one was cut
	}
	return rec.Fields
}

// tooLongError says that a line is beyond the bound, in words a person
// can act on.
func tooLongError(length int64, limit int) error {
	return &recordError{msg: fmt.Sprintf("the line is %s long; a row may have at most %s (is this the right file?)",
		byteSize(length), byteSize(int64(limit)))}
}

// byteSize prints n bytes in the largest binary unit that keeps it at 1
// or more, with one decimal.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
