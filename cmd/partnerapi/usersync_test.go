package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
	"github.com/partnerapi/go-partnerapi/partnerid"
)

// roster is a CSV with every accepted oddity: a BOM, CRLF, columns out of
// order in odd case plus an extra one, quoted commas, blank lines, and
// bad rows at known physical lines.
const roster = "\uFEFFEmail,Notes,LAST_NAME,Partner_ID,first_name\r\n" + // 1
	"ann@example.com,vip,Lee,ann,Ann\r\n" + // 2
	"\r\n" + // 3
	"\"js@example.com\",\"a, b\",\"Smith, Jr.\",smith,\"John\"\r\n" + // 4
	"bad@example.com,,Bad,bad id,Bea\r\n" + // 5: bad partner_id
	",,,,\r\n" + // 6: blank
	"nolast@example.com,,,nolast,Nora\r\n" + // 7: missing last_name
	"mail@example.com,,Mail,mail@example.com,Max\r\n" + // 8: an e-mail as id
	"zed@example.com,,Zed,zed,Zoe\r\n" // 9

// userBodies returns the JSON body of each POST /api/users/{id} by id.
func (f *fixture) userBodies(t *testing.T) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, r := range f.srv.Requests() {
		if r.Method == http.MethodPost && strings.HasPrefix(r.Path, "/api/users/") {
			var body map[string]string
			if err := json.Unmarshal(r.Body, &body); err != nil {
				t.Fatalf("body of %s: %v", r.Path, err)
			}
			out[strings.TrimPrefix(r.Path, "/api/users/")] = body
		}
	}
	return out
}

func TestSyncRoster(t *testing.T) {
	f := newFixture(t)
	f.createUser(t, "zed") // exists: refreshed
	path := writeFile(t, roster)

	r := f.run(t, "users", "sync", path, "--concurrency", "2")
	wantCode(t, r, 1)
	for _, want := range []string{
		`line 5: invalid partner_id "bad id"`,
		`line 7: partner_id "nolast": missing last_name`,
		`line 8: invalid partner_id "mail@example.com"`,
		"users sync: 3 of 6 rows failed",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "line 2:") || strings.Contains(r.stderr, "line 4:") || strings.Contains(r.stderr, "line 9:") {
		t.Errorf("a good row reported as failed:\n%s", r.stderr)
	}
	if got := strings.TrimSpace(r.stdout); got != "users sync: 6 rows: 2 created, 1 refreshed, 3 failed (0 ids derived)" {
		t.Errorf("summary: %q", got)
	}
	bodies := f.userBodies(t)
	want := map[string]string{"first_name": "John", "last_name": "Smith, Jr.", "email": "js@example.com"}
	if diff := cmp.Diff(want, bodies["smith"]); diff != "" {
		t.Errorf("smith's body (-want +got):\n%s", diff)
	}
	if _, ok := bodies["ann"]; !ok {
		t.Error("ann was not sent")
	}
	for _, bad := range []string{"nolast", "bad id", "mail@example.com"} {
		if _, ok := bodies[bad]; ok {
			t.Errorf("bad row %q was sent", bad)
		}
	}
}

func TestSyncAllGoodExitsZero(t *testing.T) {
	f := newFixture(t)
	path := writeFile(t, "partner_id,first_name,last_name,email\na1,A,One,a1@example.com\na2,A,Two,a2@example.com\n")
	r := f.run(t, "users", "sync", path, "--json")
	wantCode(t, r, 0)
	var res syncResult
	decodeJSON(t, r.stdout, '{', &res)
	if res.Rows != 2 || res.Created != 2 || len(res.Failed) != 0 || res.DryRun {
		t.Fatalf("result: %+v", res)
	}
	// Again: both refreshed. The roster from stdin ("-").
	r = runCLI(t, f.env, f.secrets(), "partner_id,first_name,last_name,email\na1,A,One,a1@example.com\na2,A,Two,a2@example.com\n",
		"users", "sync", "-", "--json")
	wantCode(t, r, 0)
	decodeJSON(t, r.stdout, '{', &res)
	if res.Refreshed != 2 || res.Created != 0 {
		t.Fatalf("second run: %+v", res)
	}
}

func TestSyncDryRunSendsNothing(t *testing.T) {
	f := newFixture(t)
	path := writeFile(t, roster)
	r := f.run(t, "users", "sync", "--dry-run", path)
	wantCode(t, r, 1)
	if n := len(f.srv.Requests()); n != 0 {
		t.Fatalf("--dry-run sent %d request(s)", n)
	}
	if !strings.Contains(r.stdout, "dry run: 6 rows checked: 3 ok, 3 failed") || !strings.Contains(r.stderr, "line 7:") {
		t.Fatalf("stdout %q\nstderr:\n%s", r.stdout, r.stderr)
	}
	// A dry run needs no configuration at all.
	r = runCLI(t, nil, nil, "", "users", "sync", writeFile(t, "partner_id,first_name,last_name,email\na,B,C,d@example.com\n"), "--dry-run")
	wantCode(t, r, 0)
}

func TestSyncDeriveIDs(t *testing.T) {
	f := newFixture(t)
	path := writeFile(t, roster)
	mapPath := filepath.Join(t.TempDir(), "map.csv")
	r := f.run(t, "users", "sync", path, "--derive-ids", "--map-out", mapPath, "--json")
	wantCode(t, r, 1) // line 7 still misses a field
	var res syncResult
	decodeJSON(t, r.stdout, '{', &res)
	wantFailed := []rowFailure{{Line: 7, PartnerID: "nolast", Error: "missing last_name"}}
	if diff := cmp.Diff(wantFailed, res.Failed); diff != "" || res.Created != 5 || res.Derived != 2 {
		t.Fatalf("result %+v; failed (-want +got):\n%s", res, diff)
	}
	m, err := os.ReadFile(mapPath)
	if err != nil {
		t.Fatal(err)
	}
	wantMap := "line,source_id,partner_id\n" +
		"5,bad id," + partnerid.Derive("bad id") + "\n" +
		"8,mail@example.com," + partnerid.Derive("mail@example.com") + "\n"
	if string(m) != wantMap {
		t.Fatalf("map file:\n%s\nwant:\n%s", m, wantMap)
	}
	bodies := f.userBodies(t)
	if _, ok := bodies[partnerid.Derive("mail@example.com")]; !ok {
		t.Fatalf("the derived id was not sent: %v", bodies)
	}
}

// A row the server refuses is reported at its line.
func TestSyncServerFailureAtItsLine(t *testing.T) {
	f := newFixture(t)
	f.srv.Fail(mockserver.Fault{Method: http.MethodPost, Path: "/api/users/smith", Status: http.StatusUnprocessableEntity, Times: -1})
	path := writeFile(t, roster)
	r := f.run(t, "users", "sync", path, "--derive-ids", "--json")
	wantCode(t, r, 1)
	var res syncResult
	decodeJSON(t, r.stdout, '{', &res)
	if len(res.Failed) != 2 || res.Failed[0].Line != 4 || res.Failed[0].PartnerID != "smith" || !strings.Contains(res.Failed[0].Error, "422") ||
		res.Failed[1].Line != 7 {
		t.Fatalf("failed: %+v", res.Failed)
	}
	if !strings.Contains(r.stderr, `line 4: partner_id "smith": `) {
		t.Fatalf("stderr:\n%s", r.stderr)
	}
	if _, err := f.sdk(t, f.p.APIKey).Users.Tracks(context.Background(), "zed"); err != nil {
		t.Fatalf("the rows after the refused one were not synced: %v", err)
	}
}

// Not a terminal: plain progress lines, no carriage return, ending at 100%.
func TestSyncProgressPlainWhenPiped(t *testing.T) {
	f := newFixture(t)
	var b strings.Builder
	b.WriteString("partner_id,first_name,last_name,email\n")
	for i := range 25 {
		b.WriteString("p" + string(rune('a'+i)) + ",F,L,e@example.com\n")
	}
	r := f.run(t, "users", "sync", writeFile(t, b.String()))
	wantCode(t, r, 0)
	if strings.Contains(r.stderr, "\r") {
		t.Fatalf("carriage return in piped progress: %q", r.stderr)
	}
	var progress []string
	for _, l := range lines(r.stderr) {
		if strings.HasPrefix(l, "sync: ") {
			progress = append(progress, l)
		}
	}
	if len(progress) < 2 || len(progress) > 11 || progress[len(progress)-1] != "sync: 25/25 rows (100%): created 25, refreshed 0, failed 0" {
		t.Fatalf("progress lines:\n%s", strings.Join(progress, "\n"))
	}
}

// A partner_id on several lines is sent once, from its first line; each
// later line is a failed row naming the first, so that a failure from the
// server maps to exactly one line.
func TestSyncDuplicateIDs(t *testing.T) {
	f := newFixture(t)
	// The first (and only) POST for smith is refused.
	f.srv.Fail(mockserver.Fault{Method: http.MethodPost, Path: "/api/users/smith", Status: http.StatusUnprocessableEntity})
	const dup = "partner_id,first_name,last_name,email\n" + // 1
		"smith,John,Smith,js@example.com\n" + // 2
		"ann,Ann,Lee,ann@example.com\n" + // 3
		"smith,Jon,Smith,js2@example.com\n" + // 4: repeats line 2
		"mail@example.com,Max,Mail,mail@example.com\n" + // 5: derived
		"\n" + // 6
		"smith,J,S,js3@example.com\n" + // 7: repeats line 2
		"mail@example.com,Max,Mail,mail@example.com\n" // 8: repeats line 5 once derived
	path := writeFile(t, dup)
	derived := partnerid.Derive("mail@example.com")

	r := f.run(t, "users", "sync", path, "--derive-ids", "--concurrency", "4", "--json")
	wantCode(t, r, 1)
	var res syncResult
	decodeJSON(t, r.stdout, '{', &res)
	if res.Rows != 6 || res.Created != 2 || res.Refreshed != 0 || len(res.Failed) != 4 {
		t.Fatalf("result: %+v", res)
	}
	if f := res.Failed[0]; f.Line != 2 || f.PartnerID != "smith" || !strings.Contains(f.Error, "422") {
		t.Errorf("the refused row: %+v", f)
	}
	for i, want := range []rowFailure{
		{Line: 4, PartnerID: "smith", Error: `partner_id "smith" repeats line 2`},
		{Line: 7, PartnerID: "smith", Error: `partner_id "smith" repeats line 2`},
		{Line: 8, PartnerID: derived, Error: `partner_id "` + derived + `" repeats line 5`},
	} {
		if diff := cmp.Diff(want, res.Failed[i+1]); diff != "" {
			t.Errorf("failed[%d] (-want +got):\n%s", i+1, diff)
		}
	}
	for _, want := range []string{
		`line 2: partner_id "smith": POST `,
		`line 4: partner_id "smith" repeats line 2`,
		`line 7: partner_id "smith" repeats line 2`,
		`line 8: partner_id "` + derived + `" repeats line 5`,
	} {
		if !strings.Contains(r.stderr, want+"\n") && !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	posts := map[string]int{}
	for _, req := range f.srv.Requests() {
		if req.Method == http.MethodPost {
			posts[strings.TrimPrefix(req.Path, "/api/users/")]++
		}
	}
	if want := map[string]int{"smith": 1, "ann": 1, derived: 1}; !cmp.Equal(posts, want) {
		t.Fatalf("POSTs by id: %v, want %v", posts, want)
	}

	// --dry-run finds the same repeats without a request.
	before := len(f.srv.Requests())
	r = f.run(t, "users", "sync", path, "--dry-run")
	wantCode(t, r, 1)
	if !strings.Contains(r.stderr, `line 4: partner_id "smith" repeats line 2`) || !strings.Contains(r.stdout, "dry run: 6 rows checked: 2 ok, 4 failed") {
		t.Fatalf("dry run: stdout %q\nstderr:\n%s", r.stdout, r.stderr)
	}
	if len(f.srv.Requests()) != before {
		t.Fatal("--dry-run sent requests")
	}
}

// A wrong key: the first row is refused with 401, nothing else is sent,
// and the whole failure is one line, not one per row.
func TestSyncWrongKeyIsOneLine(t *testing.T) {
	f := newFixture(t)
	const canary = "c4a4a7c0ffee0123456789abcdef0042"
	env := []string{"PARTNERAPI_BASE_URL=" + f.srv.URL, "PARTNERAPI_KEY=" + canary}
	var b strings.Builder
	b.WriteString("partner_id,first_name,last_name,email\n")
	for i := range 40 {
		b.WriteString("p" + strconv.Itoa(i) + ",F,L,e@example.com\n")
	}
	path := writeFile(t, b.String())
	for _, args := range [][]string{{"users", "sync", path}, {"users", "sync", path, "--json", "--concurrency", "16"}} {
		before := len(f.srv.Requests())
		r := runCLI(t, env, append([]string{canary}, f.secrets()...), "", args...)
		wantCode(t, r, 1, args...)
		if r.stdout != "" {
			t.Errorf("%v: stdout: %q", args, r.stdout)
		}
		if msg := oneErrorLine(t, r); msg != "partnerapi: users sync: the API key was refused (401): no row was synced" {
			t.Errorf("%v: message: %s", args, msg)
		}
		if n := len(f.srv.Requests()) - before; n != 1 {
			t.Errorf("%v: %d requests sent with a refused key, want 1", args, n)
		}
	}
	// 403 (the key may not use the users API) stops the same way.
	f.srv.Fail(mockserver.Fault{Method: http.MethodPost, Path: "/api/users/", Status: http.StatusForbidden, Times: -1})
	r := f.run(t, "users", "sync", path)
	wantCode(t, r, 1)
	if msg := oneErrorLine(t, r); msg != "partnerapi: users sync: the API key was refused (403): no row was synced" {
		t.Errorf("message: %s", msg)
	}
}

// A hash collision never drops a row: a suspect whose hash matched another
// id's line is sent, and only its own later repeats are dropped.
func TestConfirmRepeatsCollision(t *testing.T) {
	const csvText = "partner_id,first_name,last_name,email\n" + // 1
		"a,F,L,e@example.com\n" + // 2
		"b,F,L,e@example.com\n" + // 3: pretend hash(b) == hash(a)
		"a,F,L,e@example.com\n" + // 4: a true repeat of 2
		"b,F,L,e@example.com\n" // 5: a repeat of 3, though its hash points at 2
	suspects := []repeat{{line: 3, first: 2, id: "b"}, {line: 4, first: 2, id: "a"}, {line: 5, first: 2, id: "b"}}
	got, err := confirmRepeats(strings.NewReader(csvText), false, suspects)
	if err != nil {
		t.Fatal(err)
	}
	want := []repeat{{line: 4, first: 2, id: "a"}, {line: 5, first: 3, id: "b"}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(repeat{})); diff != "" {
		t.Fatalf("repeats (-want +got):\n%s", diff)
	}
}

// An unbalanced quote fails the row of its line only: the next line is a
// row of its own, the counts are right, and the failed rows carry their
// partner_id.
func TestSyncUnbalancedQuoteFailsOneRow(t *testing.T) {
	f := newFixture(t)
	const unbalanced = "partner_id,first_name,last_name,email\n" + // 1
		"a1,Ann,Lee,a1@example.com\n" + // 2
		"a2,\"Bob,Ray,a2@example.com\n" + // 3: the quote never closes
		"a3,Cy,Doe,a3@example.com\n" + // 4
		"a4,\"Dee\",Moe,a4@example.com\n" + // 5
		"a5,Eve,\"Poe,a5@example.com\n" + // 6: the next quote, on line 7, does not close it
		"a6,\"Fay, Jr.\",Fox,a6@example.com\n" // 7
	path := writeFile(t, unbalanced)
	wantFailed := []rowFailure{
		{Line: 3, PartnerID: "a2", Error: "not valid CSV: field 2 opens a quote that is not closed on its line"},
		{Line: 6, PartnerID: "a5", Error: "not valid CSV: field 3 opens a quote that is not closed on its line"},
	}

	r := f.run(t, "users", "sync", path, "--dry-run", "--json")
	wantCode(t, r, 1)
	var res syncResult
	decodeJSON(t, r.stdout, '{', &res)
	if diff := cmp.Diff(wantFailed, res.Failed); diff != "" || res.Rows != 6 {
		t.Fatalf("dry run: %d rows; failed (-want +got):\n%s", res.Rows, diff)
	}

	r = f.run(t, "users", "sync", path, "--json")
	wantCode(t, r, 1)
	res = syncResult{}
	decodeJSON(t, r.stdout, '{', &res)
	if diff := cmp.Diff(wantFailed, res.Failed); diff != "" || res.Rows != 6 || res.Created != 4 || res.Refreshed != 0 {
		t.Fatalf("rows %d, created %d, refreshed %d; failed (-want +got):\n%s", res.Rows, res.Created, res.Refreshed, diff)
	}
	bodies := f.userBodies(t)
	if len(bodies) != 4 || bodies["a6"]["first_name"] != "Fay, Jr." || bodies["a4"]["first_name"] != "Dee" {
		t.Fatalf("sent: %v", bodies)
	}
	for _, want := range []string{
		`line 3: partner_id "a2": not valid CSV: field 2 opens a quote that is not closed on its line`,
		"users sync: 2 of 6 rows failed",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
}

// A line of megabytes is one failed row, refused with its size and the
// partner_id read from its start; the rows around it are synced.
func TestSyncHugeLineFailsOneRow(t *testing.T) {
	f := newFixture(t)
	huge := "partner_id,first_name,last_name,email\n" +
		"a1,Ann,Lee,a1@example.com\n" +
		"a2,\"" + strings.Repeat("x", 3<<20) + "\",Ray,a2@example.com\n" +
		"a3,Cy,Doe,a3@example.com\n"
	r := f.run(t, "users", "sync", writeFile(t, huge), "--json")
	wantCode(t, r, 1)
	var res syncResult
	decodeJSON(t, r.stdout, '{', &res)
	want := []rowFailure{{Line: 3, PartnerID: "a2", Error: "not valid CSV: the line is 3.0 MiB long; a row may have at most 1.0 MiB (is this the right file?)"}}
	if diff := cmp.Diff(want, res.Failed); diff != "" || res.Rows != 3 || res.Created != 2 {
		t.Fatalf("rows %d, created %d; failed (-want +got):\n%s", res.Rows, res.Created, diff)
	}
}

// Every failed row of --json carries the partner_id it had, whatever made
// it fail; the text line names it once.
func TestSyncFailuresCarryPartnerID(t *testing.T) {
	f := newFixture(t)
	r := f.run(t, "users", "sync", writeFile(t, roster), "--dry-run", "--json")
	wantCode(t, r, 1)
	var res syncResult
	decodeJSON(t, r.stdout, '{', &res)
	got := map[int]string{}
	for _, fl := range res.Failed {
		got[fl.Line] = fl.PartnerID
	}
	if want := map[int]string{5: "bad id", 7: "nolast", 8: "mail@example.com"}; !cmp.Equal(want, got) {
		t.Fatalf("partner_id of the failed rows: %v, want %v", got, want)
	}
	r = f.run(t, "users", "sync", writeFile(t, roster), "--dry-run")
	if !strings.Contains(r.stderr, "line 5: invalid partner_id \"bad id\": ") || strings.Contains(r.stderr, `partner_id "bad id": invalid`) {
		t.Fatalf("stderr:\n%s", r.stderr)
	}
}

// --map-out writes source ids that a spreadsheet would run as formulas as
// text.
func TestSyncMapOutIsFormulaSafe(t *testing.T) {
	f := newFixture(t)
	ids := []string{"=1+2@x", "+cmd|' /C calc'!A0", "-lead dash", "@SUM(A1)"}
	var b strings.Builder
	b.WriteString("partner_id,first_name,last_name,email\n")
	for _, id := range ids {
		b.WriteString("\"" + id + "\",F,L,e@example.com\n")
	}
	mapPath := filepath.Join(t.TempDir(), "map.csv")
	r := f.run(t, "users", "sync", writeFile(t, b.String()), "--derive-ids", "--map-out", mapPath, "--dry-run")
	wantCode(t, r, 0)
	m, err := os.ReadFile(mapPath)
	if err != nil {
		t.Fatal(err)
	}
	want := "line,source_id,partner_id\n"
	for i, id := range ids {
		derived := partnerid.Derive(id)
		if strings.ContainsAny(derived[:1], "=+-@") {
			derived = "'" + derived
		}
		want += strconv.Itoa(i+2) + "," + csvQuote("'"+id) + "," + derived + "\n"
	}
	if string(m) != want {
		t.Fatalf("map file:\n%s\nwant:\n%s", m, want)
	}
}

// csvQuote quotes a cell as encoding/csv writes it.
func csvQuote(s string) string {
	if strings.ContainsAny(s, ",\"\n\r") || strings.HasPrefix(s, " ") {
		return "\"" + strings.ReplaceAll(s, "\"", "\"\"") + "\""
	}
	return s
}

func TestResolveRow(t *testing.T) {
	ok := rosterRow{Line: 2, PartnerID: "abc", Params: partnerapi.UserParams{FirstName: "a", LastName: "b", Email: "c"}}
	if id, derived, err := resolveRow(ok, true); id != "abc" || derived || err != nil {
		t.Fatalf("valid id: %q %v %v", id, derived, err)
	}
	email := ok
	email.PartnerID = "ann@example.com"
	if _, _, err := resolveRow(email, false); err == nil || !strings.Contains(err.Error(), "--derive-ids") {
		t.Fatalf("invalid id without --derive-ids: %v", err)
	}
	id, derived, err := resolveRow(email, true)
	if err != nil || !derived || id == email.PartnerID || !strings.HasPrefix(id, "ann-example-com_") {
		t.Fatalf("derived: %q %v %v", id, derived, err)
	}
	anon := ok
	anon.PartnerID = "anonymous"
	if _, _, err := resolveRow(anon, false); err == nil {
		t.Fatal(`"anonymous" accepted as a partner_id`)
	}
	if id, derived, _ := resolveRow(anon, true); !derived || id == "anonymous" {
		t.Fatalf(`"anonymous" with --derive-ids: %q`, id)
	}
}

// One row is "1 row", in the summary, the dry run's and the error.
func TestSyncOneRow(t *testing.T) {
	f := newFixture(t)
	good := writeFile(t, rosterHeader+"ann,Ann,A,ann@example.com\n")
	r := f.run(t, "users", "sync", good, "--dry-run")
	wantCode(t, r, 0)
	if got := strings.TrimSpace(r.stdout); got != "dry run: 1 row checked: 1 ok, 0 failed (0 ids derived); nothing sent" {
		t.Errorf("dry run: %q", got)
	}
	r = f.run(t, "users", "sync", good)
	wantCode(t, r, 0)
	if got := strings.TrimSpace(r.stdout); got != "users sync: 1 row: 1 created, 0 refreshed, 0 failed (0 ids derived)" {
		t.Errorf("summary: %q", got)
	}
	r = f.run(t, "users", "sync", writeFile(t, rosterHeader+"bad id,Ann,A,ann@example.com\n"))
	wantCode(t, r, 1)
	if !strings.Contains(r.stderr, "partnerapi: users sync: 1 of 1 row failed (listed above as line N)") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}
