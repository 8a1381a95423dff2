package main

import (
	"encoding/csv"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readRecords reads every record of in with the given bound.
func readRecords(t testing.TB, in io.Reader, limit int) []csvRecord {
	t.Helper()
	r := newRecordReader(in)
	r.maxRecord = limit
	var out []csvRecord
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		out = append(out, csvRecord{Line: rec.Line, Fields: append([]string(nil), rec.Fields...), Err: rec.Err})
	}
}

type recText struct {
	Line   int
	Fields []string
	Err    string
}

func recTexts(recs []csvRecord) []recText {
	var out []recText
	for _, r := range recs {
		rt := recText{Line: r.Line, Fields: r.Fields}
		if r.Err != nil {
			rt.Err = r.Err.Error()
		}
		out = append(out, rt)
	}
	return out
}

// An unbalanced quote fails the row of its line; the next line is read as
// a row of its own, whatever follows: no more quotes, a later quoted
// field, or the end of the file.
func TestRecordReaderUnbalancedQuote(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []recText
	}{
		{"no quote after it", "a,b\np2,\"Bob,Ray\np3,Cy\np4,Dee\n", []recText{
			{Line: 1, Fields: []string{"a", "b"}},
			{Line: 2, Fields: []string{"p2"}, Err: "field 2 opens a quote that is not closed on its line"},
			{Line: 3, Fields: []string{"p3", "Cy"}},
			{Line: 4, Fields: []string{"p4", "Dee"}},
		}},
		{"a quoted field later", "p2,\"Bob,Ray\np3,\"Smith, Jr.\",x\n", []recText{
			{Line: 1, Fields: []string{"p2"}, Err: "field 2 opens a quote that is not closed on its line"},
			{Line: 2, Fields: []string{"p3", "Smith, Jr.", "x"}},
		}},
		{"the last line, no line end", "p1,ok\np2,\"Bob", []recText{
			{Line: 1, Fields: []string{"p1", "ok"}},
			{Line: 2, Fields: []string{"p2"}, Err: "field 2 opens a quote that is not closed on its line"},
		}},
		{"two in a row", "\"a\n\"b\nc\n", []recText{
			{Line: 1, Err: "field 1 opens a quote that is not closed on its line"},
			{Line: 2, Err: "field 1 opens a quote that is not closed on its line"},
			{Line: 3, Fields: []string{"c"}},
		}},
		{"a bare quote", "x\"y,z\nok\n", []recText{
			{Line: 1, Err: `bare " in non-quoted-field`},
			{Line: 2, Fields: []string{"ok"}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := recTexts(readRecords(t, strings.NewReader(tc.in), maxRecordBytes))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("records (-want +got):\n%s", diff)
			}
		})
	}
}

// Quoted line breaks still make one record, as RFC 4180 has it, with CRLF
// inside read as LF, and the next record's line counts them.
func TestRecordReaderMultiLineField(t *testing.T) {
	in := "\uFEFFid,notes\r\n1,\"first\r\n\r\nthird \"\"q\"\"\"\r\n2,x,\r\n"
	want := []recText{
		{Line: 1, Fields: []string{"id", "notes"}},
		{Line: 2, Fields: []string{"1", "first\n\nthird \"q\""}},
		{Line: 5, Fields: []string{"2", "x", ""}},
	}
	if diff := cmp.Diff(want, recTexts(readRecords(t, strings.NewReader(in), maxRecordBytes))); diff != "" {
		t.Fatalf("records (-want +got):\n%s", diff)
	}
}

// A quoted field that would run past the bound fails at its first line,
// and the lines it took are read again.
func TestRecordReaderOpenQuotePastTheBound(t *testing.T) {
	in := "p1,\"open\n" + strings.Repeat("row,x\n", 20) + "last,y\n"
	got := readRecords(t, strings.NewReader(in), 64)
	if len(got) != 22 || got[0].Line != 1 || got[0].Err == nil || got[1].Line != 2 || got[1].Err != nil || got[21].Line != 22 {
		t.Fatalf("records: %+v", recTexts(got))
	}
}

// A line past the bound is one failed record, its size reported; the
// lines around it are read as usual.
func TestRecordReaderLongLine(t *testing.T) {
	in := "a\n" + strings.Repeat("x", 5000) + "\n\"q" + strings.Repeat("y", 5000) + "\nb\n"
	want := []recText{
		{Line: 1, Fields: []string{"a"}},
		{Line: 2, Err: "the line is 4.9 KiB long; a row may have at most 1000 bytes (is this the right file?)"},
		{Line: 3, Err: "the line is 4.9 KiB long; a row may have at most 1000 bytes (is this the right file?)"},
		{Line: 4, Fields: []string{"b"}},
	}
	if diff := cmp.Diff(want, recTexts(readRecords(t, strings.NewReader(in), 1000))); diff != "" {
		t.Fatalf("records (-want +got):\n%s", diff)
	}
}

// hugeLine reads as a header, a line of n bytes and a last line, made as
// it is read: the test holds no copy of it.
type hugeLine struct {
	head, tail string
	n          int64
	sent       int64
}

func (h *hugeLine) Read(p []byte) (int, error) {
	if h.head != "" {
		n := copy(p, h.head)
		h.head = h.head[n:]
		return n, nil
	}
	if h.sent < h.n {
		k := int64(len(p))
		if k > h.n-h.sent {
			k = h.n - h.sent
		}
		for i := range p[:k] {
			p[i] = 'x'
		}
		h.sent += k
		return int(k), nil
	}
	if h.tail != "" {
		n := copy(p, h.tail)
		h.tail = h.tail[n:]
		return n, nil
	}
	return 0, io.EOF
}

// One field of 256 MiB on one line is refused, and reading it allocates a
// small fraction of it: the line is skipped, not kept. (The CLI's peak
// memory on such a file is measured by BenchmarkSyncHugeLinePeakRSS.)
func TestRecordReaderHugeFieldInBoundedMemory(t *testing.T) {
	const size = 256 << 20
	in := &hugeLine{head: rosterHeader + "u1,\"", n: size, tail: "\",B,c@example.com\nu2,A,B,c@example.com\n"}
	rr, err := newRosterReader(in, userColumns...)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var rows []rosterRow
	for {
		row, err := rr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
	}
	runtime.ReadMemStats(&after)
	if len(rows) != 2 || rows[0].Line != 2 || rows[0].Err == nil || rows[0].PartnerID != "u1" || rows[1].Line != 3 || rows[1].Err != nil || rows[1].PartnerID != "u2" {
		t.Fatalf("rows: %+v", rows)
	}
	if want := "not valid CSV: the line is 256.0 MiB long; a row may have at most 1.0 MiB (is this the right file?)"; rows[0].Err.Error() != want {
		t.Fatalf("error: %q, want %q", rows[0].Err, want)
	}
	t.Logf("allocated %.1f MiB", float64(after.TotalAlloc-before.TotalAlloc)/(1<<20))
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Fatalf("reading a %d MiB line allocated %d MiB", size>>20, alloc>>20)
	}
}

// Where encoding/csv reads a file without error, recordReader reads the
// same records; whatever the input, it never fails to make progress, its
// lines only go forward and its records stay within the bound.
func FuzzRecordReader(f *testing.F) {
	for _, seed := range []string{
		"a,b\n1,2\n", "\"q\"\"x\",\"y\nz\"\n", "a,\"b\n", "x\"y\n", ",,\n\n\r\n", "\"a\r\n\"\r\n", "a\rb\n", "\"\"\n\"",
		"p,\"open\nrow\nrow2\"x\n", "\uFEFFh\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := readRecords(t, strings.NewReader(in), 256)
		last := 0
		for _, rec := range got {
			if rec.Line <= last {
				t.Fatalf("line %d after line %d: %+v", rec.Line, last, recTexts(got))
			}
			last = rec.Line
		}
		if strings.HasPrefix(in, "\uFEFF") {
			return // encoding/csv keeps a BOM; recordReader drops it
		}
		cr := csv.NewReader(strings.NewReader(in))
		cr.FieldsPerRecord = -1
		want, err := cr.ReadAll()
		if err != nil || len(in) > 256 {
			return
		}
		var fields [][]string
		for _, rec := range got {
			if rec.Err != nil {
				t.Fatalf("error %v where encoding/csv reads %q", rec.Err, want)
			}
			fields = append(fields, rec.Fields)
		}
		if !cmp.Equal(want, fields, cmp.Comparer(func(a, b []string) bool {
			return strings.Join(a, "\x00") == strings.Join(b, "\x00") && len(a) == len(b)
		})) {
			t.Fatalf("input %q:\nencoding/csv %q\nrecordReader %q", in, want, fields)
		}
	})
}
