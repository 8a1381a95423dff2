package main

import (
	"encoding/csv"
	"io"
	"strings"
)

// safeCSVWriter writes CSV meant for a spreadsheet or a terminal: every
// cell is made terminal-safe (see printable) and formula-safe (see
// safeCell). Every CSV file the CLI writes goes through it.
type safeCSVWriter struct {
	w     *csv.Writer
	cells []string // reused between rows
}

func newSafeCSVWriter(w io.Writer) *safeCSVWriter {
	return &safeCSVWriter{w: csv.NewWriter(w)}
}

// Write writes one row.
func (s *safeCSVWriter) Write(cells ...string) error {
	s.cells = s.cells[:0]
	for _, c := range cells {
		s.cells = append(s.cells, safeCell(c))
	}
	return s.w.Write(s.cells)
}

// Flush writes what is buffered and returns the first error of any write.
func (s *safeCSVWriter) Flush() error {
	s.w.Flush()
	return s.w.Error()
}

// formulaStarts are the first characters that make a spreadsheet (Excel,
// LibreOffice, Google Sheets) read a cell as a formula, which can run
// commands or send the sheet's data elsewhere.
const formulaStarts = "=+-@\t\r"

// safeCell returns s as a cell that neither drives a terminal nor runs as
// a formula: control characters replaced (printable), and a leading ' put
// before a cell that starts with = + - @, a tab or a carriage return, so
// that the spreadsheet shows it as text. A program reading the file back
// drops that leading '.
func safeCell(s string) string {
	if s != "" && strings.IndexByte(formulaStarts, s[0]) >= 0 {
		return "'" + printable(s)
	}
	return printable(s)
}
