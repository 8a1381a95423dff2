package main

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	partnerapi "github.com/partnerapi/go-partnerapi"
)

// readAll reads every row of a roster, with each row's error as text.
func readAll(t *testing.T, in string) []rosterRow {
	t.Helper()
	rr, err := newRosterReader(strings.NewReader(in), userColumns...)
	if err != nil {
		t.Fatalf("header: %v", err)
	}
	var rows []rosterRow
	for {
		row, err := rr.Next()
		if errors.Is(err, io.EOF) {
			return rows
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		rows = append(rows, row)
	}
}

type rowText struct {
	Line                        int
	ID, First, Last, Email, Err string
}

func texts(rows []rosterRow) []rowText {
	var out []rowText
	for _, r := range rows {
		rt := rowText{Line: r.Line, ID: r.PartnerID, First: r.Params.FirstName, Last: r.Params.LastName, Email: r.Params.Email}
		if r.Err != nil {
			rt.Err = r.Err.Error()
		}
		out = append(out, rt)
	}
	return out
}

func TestRosterReaderColumnsAnyOrderAndCase(t *testing.T) {
	in := "Email, NOTES ,Last_Name,PARTNER_ID,first_name\n" +
		"ada@example.com,hi,Lovelace,ada,Ada\n"
	got := texts(readAll(t, in))
	want := []rowText{{Line: 2, ID: "ada", First: "Ada", Last: "Lovelace", Email: "ada@example.com"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("rows (-want +got):\n%s", diff)
	}
}

func TestRosterReaderBOMAndCRLF(t *testing.T) {
	in := "\uFEFFpartner_id,first_name,last_name,email\r\n" +
		"a1,Ann,Lee,ann@example.com\r\n" +
		"b2,Bob,Ray,bob@example.com\r\n"
	got := texts(readAll(t, in))
	want := []rowText{
		{Line: 2, ID: "a1", First: "Ann", Last: "Lee", Email: "ann@example.com"},
		{Line: 3, ID: "b2", First: "Bob", Last: "Ray", Email: "bob@example.com"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("rows (-want +got):\n%s", diff)
	}
}

// Physical lines: blank lines, lines of empty fields and a quoted field
// spanning two lines all move the following rows' line numbers.
func TestRosterReaderPhysicalLines(t *testing.T) {
	in := "\n" + // line 1: blank, before the header
		"partner_id,first_name,last_name,email\n" + // 2
		"\n" + // 3
		"s1,\"John\",\"Smith, Jr.\",\"js@example.com\"\n" + // 4
		",,,\n" + // 5: every field empty: a blank row
		"q2,\"Multi\nLine\",Doe,q@example.com\n" + // 6-7
		"  \n" + // 8: white space only
		"m3,Mo,,mo@example.com\n" + // 9: last_name missing
		"r4,Ragged\n" + // 10: short row
		"bad,\"x\"y,Z,z@example.com\n" + // 11: bare quote
		"ok5,Ok,Five,ok@example.com\n" // 12
	got := texts(readAll(t, in))
	want := []rowText{
		{Line: 4, ID: "s1", First: "John", Last: "Smith, Jr.", Email: "js@example.com"},
		{Line: 6, ID: "q2", First: "Multi\nLine", Last: "Doe", Email: "q@example.com"},
		{Line: 9, ID: "m3", First: "Mo", Email: "mo@example.com", Err: "missing last_name"},
		{Line: 10, ID: "r4", First: "Ragged", Err: "missing last_name, email"},
		{Line: 11, ID: "bad", Err: `not valid CSV: extraneous or missing " in quoted-field`}, // the fields before the error are read
		{Line: 12, ID: "ok5", First: "Ok", Last: "Five", Email: "ok@example.com"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("rows (-want +got):\n%s", diff)
	}
}

func TestRosterReaderTrimsFields(t *testing.T) {
	got := readAll(t, "partner_id,first_name,last_name,email\n  id1 , Ann ,\" Lee \", a@example.com \n")
	want := partnerapi.UserParams{FirstName: "Ann", LastName: "Lee", Email: "a@example.com"}
	if len(got) != 1 || got[0].PartnerID != "id1" || got[0].Params != want || got[0].Err != nil {
		t.Fatalf("got %+v", got)
	}
}

func TestRosterReaderHeaderErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "the file is empty"},
		{"only blank lines", "\n\n\r\n", "the file is empty"},
		{"missing columns", "\n\npartner_id,First_Name\n", "line 3: the header row has no column last_name, email"},
		{"twice", "email,partner_id,first_name,last_name,EMAIL\n", "line 1: the header names column email twice"},
		{"bad csv", "partner_id,\"first_name\n", "line 1: the header row is not valid CSV"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newRosterReader(strings.NewReader(tc.in), userColumns...)
			var he *headerError
			if !errors.As(err, &he) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a header error containing %q", err, tc.want)
			}
		})
	}
}
