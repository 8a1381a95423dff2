package main

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A cell that a spreadsheet would run as a formula is written as text (a
// leading '); control characters are replaced; other cells are kept, and
// the CSV stays valid.
func TestSafeCSVWriter(t *testing.T) {
	in := []string{
		"=HYPERLINK(\"http://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
		"plain", "a=b", "", "Smith, Jr.", "say \"hi\"", "\x1b[2Jwiped", "line\nbreak", "'quoted",
	}
	want := []string{
		"'=HYPERLINK(\"http://evil.example\",\"x\")", "'+1+cmd|' /C calc'!A0", "'-2+3", "'@SUM(A1)", "'\uFFFD=1", "'\uFFFD=1",
		"plain", "a=b", "", "Smith, Jr.", "say \"hi\"", "\uFFFD[2Jwiped", "line\uFFFDbreak", "'quoted",
	}
	var b strings.Builder
	w := newSafeCSVWriter(&b)
	if err := w.Write(in...); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil {
		t.Fatalf("not valid CSV: %v\n%s", err, b.String())
	}
	if diff := cmp.Diff([][]string{want}, got); diff != "" {
		t.Fatalf("cells (-want +got):\n%s", diff)
	}
}
