package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/partnerapi/go-partnerapi/mockserver"
	"github.com/partnerapi/go-partnerapi/partnerid"
)

// reportRosterCSV has every kind of row: good ones, a bad partner_id, a
// formula, a user the fake does not have, a malformed line, blank lines.
const reportRosterCSV = "\uFEFFEmail,PARTNER_ID,team\r\n" + // 1
	"ann@example.com,ann,A\r\n" + // 2
	"\r\n" + // 3
	"bob@example.com,bob,B\r\n" + // 4
	"x@example.com,bad id,C\r\n" + // 5: invalid
	"y@example.com,\"=HYPERLINK(\"\"http://evil\"\")\",D\r\n" + // 6: a formula, invalid
	"z@example.com,zed,E\r\n" + // 7: not on the fake
	"w@example.com,\"unclosed,F\r\n" + // 8: malformed
	"c@example.com,cy,G\r\n" // 9

func TestReportCSV(t *testing.T) {
	f, at := reportFixture(t)
	path := writeFile(t, reportRosterCSV)
	r := f.run(t, "users", "report", path, "--interviews", "--concurrency", "3")
	wantCode(t, r, 1)
	got := readCSV(t, r.stdout)
	last := at.Add(24 * time.Hour).Format(time.RFC3339)
	want := [][]string{
		{"partner_id", "Fast Track progress", "Fast Track steps completed", "Mastery Track progress", "Mastery Track steps completed",
			"interviews", "completed interviews", "last interview", "error", "line"},
		{"ann", "0.60", "3", "0.00", "0", "2", "1", last, "", "2"},
		{"bob", "0.00", "0", "0.00", "0", "0", "0", "", "", "4"},
		{"bad id", "", "", "", "", "", "", "", `invalid partner_id "bad id": byte ' ' at index 3 is not allowed; only 0-9, a-z, A-Z, '-' and '_' are (--derive-ids turns such ids into valid ones)`, "5"},
		{`'=HYPERLINK("http://evil")`, "", "", "", "", "", "", "", `invalid partner_id "=HYPERLINK(\"http://evil\")": byte '=' at index 0 is not allowed; only 0-9, a-z, A-Z, '-' and '_' are (--derive-ids turns such ids into valid ones)`, "6"},
		{"zed", "", "", "", "", "", "", "", "GET " + f.srv.URL + "/api/users/zed/tracks: 404 Not Found: user not found", "7"},
		{"", "", "", "", "", "", "", "", "not valid CSV: field 2 opens a quote that is not closed on its line", "8"},
		{"cy", "0.00", "0", "1.00", "8", "0", "0", "", "", "9"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d CSV rows, want %d:\n%s", len(got), len(want), r.stdout)
	}
	for i := range want {
		if i == 5 || i == 6 { // the server's and the reader's words: checked below
			if got[i][0] != want[i][0] || got[i][9] != want[i][9] || got[i][8] == "" {
				t.Errorf("row %d: %q", i, got[i])
			}
			continue
		}
		if diff := cmp.Diff(want[i], got[i]); diff != "" {
			t.Errorf("row %d (-want +got):\n%s", i, diff)
		}
	}
	if !strings.Contains(got[5][8], "404") || !strings.Contains(got[5][8], "zed") {
		t.Errorf("zed's error %q does not say 404", got[5][8])
	}
	if !strings.Contains(got[6][8], "not valid CSV") {
		t.Errorf("the malformed row's error %q", got[6][8])
	}
	for _, want := range []string{"users report: 7 rows: 3 loaded, 4 failed", "partnerapi: users report: 4 of 7 rows failed"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	// Invalid and malformed rows made no request; each good or unknown id one per call.
	var paths []string
	for _, req := range f.srv.Requests() {
		if strings.HasSuffix(req.Path, "/tracks") || strings.HasSuffix(req.Path, "/interviews") {
			paths = append(paths, req.Path)
		}
	}
	if len(paths) != 7 { // ann, bob, cy: tracks + interviews; zed: tracks (404)
		t.Errorf("requests %q; want tracks and interviews of ann, bob and cy, tracks of zed", paths)
	}
}

// Without --interviews there are no interview columns and no interview
// requests.
func TestReportWithoutInterviews(t *testing.T) {
	f, _ := reportFixture(t)
	r := f.run(t, "users", "report", writeFile(t, "partner_id\nann\ncy\n"))
	wantCode(t, r, 0)
	got := readCSV(t, r.stdout)
	want := [][]string{
		{"partner_id", "Fast Track progress", "Fast Track steps completed", "Mastery Track progress", "Mastery Track steps completed", "error", "line"},
		{"ann", "0.60", "3", "0.00", "0", "", "2"},
		{"cy", "0.00", "0", "1.00", "8", "", "3"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, req := range f.srv.Requests() {
		if strings.HasSuffix(req.Path, "/interviews") {
			t.Errorf("an interviews request without --interviews: %s", req.Path)
		}
	}
	if !strings.Contains(r.stderr, "users report: 2 rows: 2 loaded, 0 failed") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

// --json prints the same rows, an array of objects.
func TestReportJSON(t *testing.T) {
	f, at := reportFixture(t)
	r := f.run(t, "users", "report", writeFile(t, reportRosterCSV), "--interviews", "--json")
	wantCode(t, r, 1)
	var rows []struct {
		Line       int    `json:"line"`
		PartnerID  string `json:"partner_id"`
		Tracks     []trackProgress
		Interviews *struct {
			Total, Completed int
			Last             *time.Time `json:"last_at"`
		}
		Error string `json:"error"`
	}
	decodeJSON(t, r.stdout, '[', &rows)
	var ids []string
	for _, row := range rows {
		ids = append(ids, strconv.Itoa(row.Line)+":"+row.PartnerID)
	}
	if diff := cmp.Diff([]string{"2:ann", "4:bob", "5:bad id", `6:=HYPERLINK("http://evil")`, "7:zed", "8:", "9:cy"}, ids); diff != "" {
		t.Fatalf("rows (-want +got):\n%s", diff)
	}
	ann := rows[0]
	if ann.Error != "" || len(ann.Tracks) != 2 || ann.Tracks[0] != (trackProgress{Title: "Fast Track", Progress: 0.6, StepsCompleted: 3, Steps: ann.Tracks[0].Steps}) {
		t.Errorf("ann: %+v", ann)
	}
	if iv := ann.Interviews; iv == nil || iv.Total != 2 || iv.Completed != 1 || iv.Last == nil || !iv.Last.Equal(at.Add(24*time.Hour)) {
		t.Errorf("ann's interviews: %+v", ann.Interviews)
	}
	if bob := rows[1]; bob.Interviews == nil || bob.Interviews.Total != 0 || bob.Interviews.Last != nil {
		t.Errorf("bob's interviews: %+v", bob.Interviews)
	}
	for _, i := range []int{2, 3, 4, 5} {
		if rows[i].Error == "" || len(rows[i].Tracks) != 0 || rows[i].Interviews != nil {
			t.Errorf("row %d: %+v", i, rows[i])
		}
	}
	// Nothing on the fake: an empty array.
	r = f.run(t, "users", "report", writeFile(t, "partner_id\n"), "--json")
	wantCode(t, r, 0)
	if strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("an empty roster: %q", r.stdout)
	}
}

// An unusable roster or flag is exit 2 with one line, before any request.
func TestReportUsageErrors(t *testing.T) {
	f, _ := reportFixture(t)
	before := len(f.srv.Requests())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{writeFile(t, "")}, "users report: the roster is empty"},
		{[]string{writeFile(t, "id,first_name\nann,Ann\n")}, "the first line has 2 fields and none is named partner_id"},
		{[]string{writeFile(t, "partner_id,PARTNER_ID\nann,ann\n")}, "the header names column partner_id twice"},
		{[]string{filepath.Join(t.TempDir(), "missing.csv")}, "users report: open"},
		{[]string{writeFile(t, "partner_id\nann\n"), "--concurrency", "0"}, "--concurrency must be from 1 to 256"},
		{[]string{writeFile(t, "partner_id\nann\n"), "--html", filepath.Join(t.TempDir(), "no", "such", "dir.html")}, "users report: --html:"},
	} {
		r := f.run(t, append([]string{"users", "report"}, tc.args...)...)
		wantCode(t, r, 2, tc.args...)
		if line := oneErrorLine(t, r); !strings.Contains(line, tc.want) {
			t.Errorf("%v: %q, want %q", tc.args, line, tc.want)
		}
		if r.stdout != "" {
			t.Errorf("%v: stdout %q", tc.args, r.stdout)
		}
	}
	if n := len(f.srv.Requests()) - before; n != 0 {
		t.Errorf("%d requests for unusable command lines", n)
	}
}

// A key refused at the first user stops the report with one line and no
// output, whatever the roster's length.
func TestReportKeyRefused(t *testing.T) {
	f, _ := reportFixture(t)
	removed := f.srv.AddAPIKey(f.p)
	if err := f.srv.RemoveAPIKey(f.p, removed); err != nil {
		t.Fatal(err)
	}
	var roster strings.Builder
	roster.WriteString("partner_id\nbad id\n")
	for i := range 200 {
		roster.WriteString("u" + strconv.Itoa(i) + "\n")
	}
	env := append(append([]string{}, f.env...), "PARTNERAPI_KEY="+removed)
	page := filepath.Join(t.TempDir(), "summary.html")
	r := runCLI(t, env, append(f.secrets(), removed), "", "users", "report", writeFile(t, roster.String()), "--concurrency", "4", "--html", page)
	wantCode(t, r, 1)
	if line := oneErrorLine(t, r); line != "partnerapi: users report: the API key was refused (401): no user was read" {
		t.Errorf("%q", line)
	}
	if r.stdout != "" {
		t.Errorf("stdout %q", r.stdout)
	}
	if _, err := os.Stat(page); !os.IsNotExist(err) {
		t.Errorf("the --html file of a report that read nothing is left behind: %v", err)
	}
	if n := statusCount(f.srv, 401); n > 1+2*4 {
		t.Errorf("%d requests refused; want the report to stop at the first (a window of at most %d)", n, 2*4)
	}
}

func statusCount(srv *mockserver.Server, status int) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Status == status {
			n++
		}
	}
	return n
}

// --derive-ids finds the users users sync --derive-ids created, by the ids
// in the file, and shows both.
func TestReportDeriveIDs(t *testing.T) {
	f, _ := reportFixture(t)
	roster := writeFile(t, "partner_id,first_name,last_name,email\nmax@example.com,Max,Mail,max@example.com\nann,Ann,A,ann@example.com\n")
	wantCode(t, f.run(t, "users", "sync", roster, "--derive-ids"), 0)
	r := f.run(t, "users", "report", roster, "--derive-ids")
	wantCode(t, r, 0)
	got := readCSV(t, r.stdout)
	if got[0][0] != "partner_id" || got[0][1] != "source_id" {
		t.Fatalf("header %q", got[0])
	}
	if d := partnerid.Derive("max@example.com"); got[1][0] != d || got[1][1] != "max@example.com" || got[2][0] != "ann" || got[2][1] != "ann" {
		t.Errorf("rows %q; want %s from max@example.com, then ann", got[1:], d)
	}
}

// The --html page says what the CSV says, and is self-contained.
func TestReportHTML(t *testing.T) {
	f, _ := reportFixture(t)
	page := filepath.Join(t.TempDir(), "summary.html")
	r := f.run(t, "users", "report", writeFile(t, reportRosterCSV), "--interviews", "--html", page)
	wantCode(t, r, 1)
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	for _, want := range []string{
		"7 users from ", "Failed to load</div><div class=\"value\">4</div>",
		`aria-label="Fast Track: users by progress"`, `aria-label="Interviews completed per week"`,
		"<td class=\"id\">bad id</td>", "<td class=\"id\">=HYPERLINK(&#34;http://evil&#34;)</td>", "not valid CSV",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the page does not hold %q", want)
		}
	}
	checkSelfContained(t, html)
	if strings.Contains(html, f.p.APIKey) {
		t.Error("the page holds the key")
	}
}

// On a terminal the report draws a bar redrawn in place; stdout, a file,
// still gets the CSV.
func TestReportProgressBarOnTerminal(t *testing.T) {
	f, _ := reportFixture(t)
	var b strings.Builder
	b.WriteString("partner_id\n")
	for range 20 {
		b.WriteString("ann\nbob\n")
	}
	out, stdout := onTerminal(t, f.env, "users", "report", writeFile(t, b.String()))
	if !strings.Contains(out, "\r[") || !strings.Contains(out, "] 100% 40/40  loaded 40, failed 0") || strings.Count(out, "\r[") < 2 {
		t.Fatalf("no progress bar redrawn on the terminal: %q", out)
	}
	if strings.Contains(out, "report: ") && strings.Contains(out, "rows (") {
		t.Fatalf("plain progress lines on a terminal: %q", out)
	}
	if got := readCSV(t, stdout); len(got) != 41 {
		t.Fatalf("%d CSV rows in the file, want a header and 40", len(got))
	}
}

// Stopped by --timeout, the report writes the rows it has, the page marked
// incomplete, and exits 1.
func TestReportTimeoutWritesWhatItHas(t *testing.T) {
	f, _ := reportFixture(t)
	f.srv.Fail(mockserver.Fault{Path: "/api/users/held", Latency: time.Hour, Times: -1})
	page := filepath.Join(t.TempDir(), "summary.html")
	r := f.run(t, "users", "report", writeFile(t, "partner_id\nann\nbob\nheld-1\ncy\n"), "--timeout", "2s", "--html", page)
	wantCode(t, r, 1)
	if line := lines(r.stderr); len(line) == 0 || !strings.Contains(line[len(line)-1], "users report stopped: context deadline exceeded") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	got := readCSV(t, r.stdout)
	if len(got) != 3 || got[1][0] != "ann" || got[2][0] != "bob" {
		t.Errorf("CSV %q; want the header, ann and bob", got)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "<strong>Incomplete.</strong> The report stopped after 2 of 4 rows: context deadline exceeded.") {
		t.Errorf("the page is not marked incomplete:\n%.1500s", b)
	}
}

// One row is "1 row", in the closing line and in the error.
func TestReportOneRow(t *testing.T) {
	f, _ := reportFixture(t)
	r := f.run(t, "users", "report", writeFile(t, "partner_id\nann\n"))
	wantCode(t, r, 0)
	if !strings.Contains(r.stderr, "users report: 1 row: 1 loaded, 0 failed\n") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	r = f.run(t, "users", "report", writeFile(t, "partner_id\nzed\n"))
	wantCode(t, r, 1)
	if line := lines(r.stderr); len(line) == 0 || line[len(line)-1] != "partnerapi: users report: 1 of 1 row failed (each failed row says why)" {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

// A report that cannot write stdout stops and says why, whole, once: the
// error line names the command, and it and the page name the failed write.
func TestReportStdoutFails(t *testing.T) {
	page := filepath.Join(t.TempDir(), "summary.html")
	var stderr bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: failingWriter{}, stderr: &stderr, getenv: func(string) string { return "" }}
	code := a.main(context.Background(), []string{"--mock", "users", "report", writeFile(t, "partner_id\nann\nbob\n"), "--json", "--html", page})
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s", code, exitFailed, stderr.String())
	}
	if ls := lines(stderr.String()); ls[len(ls)-1] != "partnerapi: users report stopped: write /dev/stdout: no space left on device" {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "The report stopped after 0 of 2 rows: write /dev/stdout: no space left on device.") {
		t.Errorf("the page does not say why the report stopped:\n%.1500s", b)
	}
}

// failingWriter is a stdout that cannot be written: a full disk.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) {
	return 0, &fs.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.ENOSPC}
}
