package main

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnerapi/go-partnerapi/partnerid"
)

// readInput reads content as the roster of users report and returns its
// rows as "line:source:id" or "line:source!error".
func readInput(t *testing.T, content string, derive bool) (*reportInput, []string) {
	t.Helper()
	in, err := newReportInput(strings.NewReader(content), derive)
	if err != nil {
		t.Fatalf("%q: %v", content, err)
	}
	var rows []string
	if err := in.each(func(r inputRow) bool {
		s := strconv.Itoa(r.line) + ":" + r.source
		if r.err != nil {
			s += "!" + r.err.Error()
		} else {
			s += ":" + r.id
		}
		rows = append(rows, s)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return in, rows
}

// stdin takes a roster CSV or a list of partner_ids, one a line.
func TestReportStdin(t *testing.T) {
	f, _ := reportFixture(t)
	r := runCLI(t, f.env, f.secrets(), "ann\n\n  bob  \nnobody\nbad id\n", "users", "report", "-")
	wantCode(t, r, 1)
	got := readCSV(t, r.stdout)
	var summary []string
	for _, row := range got[1:] {
		summary = append(summary, row[0]+"@"+row[len(row)-1]+" "+strconv.FormatBool(row[len(row)-2] == ""))
	}
	if diff := cmp.Diff([]string{"ann@1 true", "bob@3 true", "nobody@4 false", "bad id@5 false"}, summary); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	r = runCLI(t, f.env, f.secrets(), "partner_id,name\ncy,Cy\n", "users", "report", "-")
	wantCode(t, r, 0)
	if got := readCSV(t, r.stdout); len(got) != 2 || got[1][0] != "cy" || got[1][3] != "1.00" {
		t.Errorf("a roster on stdin: %q", got)
	}
}

// On stdin as in a file, a list's line is an id: one shaped like a
// formula fails validation, named in the error, and its partner_id cell
// is written formula-safe.
func TestReportStdinFormulaLine(t *testing.T) {
	f, _ := reportFixture(t)
	r := runCLI(t, f.env, f.secrets(), "ann\n=HYPERLINK(\"x\")\n", "users", "report", "-")
	wantCode(t, r, 1)
	got := readCSV(t, r.stdout)
	if len(got) != 3 {
		t.Fatalf("%d CSV rows, want a header and 2:\n%s", len(got), r.stdout)
	}
	row := got[2]
	want := []string{`'=HYPERLINK("x")`, `invalid partner_id "=HYPERLINK(\"x\")": byte '=' at index 0 is not allowed; only 0-9, a-z, A-Z, '-' and '_' are (--derive-ids turns such ids into valid ones)`, "2"}
	if diff := cmp.Diff(want, []string{row[0], row[len(row)-2], row[len(row)-1]}); diff != "" {
		t.Errorf("the formula's row (-want +got):\n%s", diff)
	}
}

// The first line tells the roster's kind: a header naming partner_id (in
// any letter case) is a roster CSV, whose other columns are ignored;
// anything else starts a list of partner_ids. rows counts the rows, blank
// lines aside.
func TestReportInputKind(t *testing.T) {
	in, rows := readInput(t, "\uFEFFEmail,Partner_ID\r\n\r\nann@example.com,ann\r\nbob@example.com,\"b,ob\"\r\n", false)
	if !in.csv || in.rows != 2 {
		t.Errorf("a roster CSV: csv %v, %d rows", in.csv, in.rows)
	}
	if diff := cmp.Diff([]string{"3:ann:ann", `4:b,ob!invalid partner_id "b,ob": byte ',' at index 1 is not allowed; only 0-9, a-z, A-Z, '-' and '_' are (--derive-ids turns such ids into valid ones)`}, rows); diff != "" {
		t.Errorf("a roster CSV (-want +got):\n%s", diff)
	}
	in, rows = readInput(t, "\uFEFFann\r\n\r\n  bob  \r\n", false)
	if in.csv || in.rows != 2 {
		t.Errorf("a list: csv %v, %d rows", in.csv, in.rows)
	}
	if diff := cmp.Diff([]string{"1:ann:ann", "3:bob:bob"}, rows); diff != "" {
		t.Errorf("a list (-want +got):\n%s", diff)
	}
}

// In a list, a line is a partner_id as it stands, not a CSV record: a
// line with quotes or commas is an id that fails validation, named in the
// error, and --derive-ids turns it into a valid one like any other.
func TestReportInputLineIsAnID(t *testing.T) {
	const list = "ann\n=HYPERLINK(\"x\")\n\"bob\"\nx,y\n"
	invalid := func(id string, b byte, at int) string {
		return strconv.Quote(id) + ": byte " + strconv.QuoteRune(rune(b)) + " at index " + strconv.Itoa(at) +
			" is not allowed; only 0-9, a-z, A-Z, '-' and '_' are (--derive-ids turns such ids into valid ones)"
	}
	_, rows := readInput(t, list, false)
	want := []string{
		"1:ann:ann",
		`2:=HYPERLINK("x")!invalid partner_id ` + invalid(`=HYPERLINK("x")`, '=', 0),
		`3:"bob"!invalid partner_id ` + invalid(`"bob"`, '"', 0),
		"4:x,y!invalid partner_id " + invalid("x,y", ',', 1),
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	_, rows = readInput(t, list, true)
	want = []string{"1:ann:ann", `2:=HYPERLINK("x"):` + partnerid.Derive(`=HYPERLINK("x")`), `3:"bob":` + partnerid.Derive(`"bob"`), "4:x,y:" + partnerid.Derive("x,y")}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("--derive-ids (-want +got):\n%s", diff)
	}
}

// A line of a list longer than a row may be fails on its own, without
// its bytes as the id; the lines after it are read.
func TestReportInputLineTooLong(t *testing.T) {
	_, rows := readInput(t, "ann\n"+strings.Repeat("x", maxRecordBytes+10)+"\nbob\n", false)
	want := []string{"1:ann:ann", "2:!the line is 1.0 MiB long; a row may have at most 1.0 MiB (is this the right file?)", "3:bob:bob"}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// each reads the roster again from its start on every call, and stops
// when fn returns false.
func TestReportInputEachRereads(t *testing.T) {
	for _, content := range []string{"ann\nbob\ncy\n", "partner_id\nann\nbob\ncy\n"} {
		in, first := readInput(t, content, false)
		var again []string
		if err := in.each(func(r inputRow) bool {
			again = append(again, strconv.Itoa(r.line)+":"+r.source+":"+r.id)
			return len(again) < 2
		}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first[:2], again); diff != "" {
			t.Errorf("%q read again, stopped after 2 (-want +got):\n%s", content, diff)
		}
	}
}

// An empty roster, or a first line of several fields none of which is
// partner_id, is a configError (exit 2) that says what a roster is.
func TestReportInputUnusable(t *testing.T) {
	for content, want := range map[string]string{
		"":                         "users report: the roster is empty: give a roster CSV (a header row naming partner_id) or one partner_id a line",
		"\n\n":                     "users report: the roster is empty: give a roster CSV (a header row naming partner_id) or one partner_id a line",
		"id,first_name\nann,Ann\n": "users report: line 1: the first line has 2 fields and none is named partner_id: a roster CSV needs a header row naming partner_id; a list of partner_ids has one a line",
	} {
		_, err := newReportInput(strings.NewReader(content), false)
		var ce *configError
		if !errors.As(err, &ce) || err.Error() != want {
			t.Errorf("%q: %v, want the configError %q", content, err, want)
		}
	}
}
