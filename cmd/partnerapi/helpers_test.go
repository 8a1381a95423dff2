package main

// The test helpers of the package, one of each: whatever more than one test
// file uses. TestMain, which builds the binary runCLI runs, is in
// main_test.go.

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// The credentials, partner and base URL of the runs against stubServer,
// and the header row of a roster.
const (
	canary       = "c4a4a7c0ffee0123456789abcdef0042" // the credential no output may hold
	otherKey     = "0badc0de0badc0de0badc0de0badc0de" // the key, when the canary is put elsewhere
	stubPartner  = "5f1e9a3b7c2d4e6f8a0b1c2d"
	stubBaseURL  = "https://api.example"
	rosterHeader = "partner_id,first_name,last_name,email\n"
)

// result is one run of the CLI.
type result struct {
	stdout, stderr string
	code           int
}

// lines returns the non-empty lines of s.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// runCLI runs the built CLI with exactly env (plus PATH and HOME: nothing
// of the caller's PARTNERAPI_* leaks in), stdin, and args, and fails the
// test if stdout or stderr contains any of secrets in any letter case.
func runCLI(t *testing.T, env, secrets []string, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a safety net, not an assertion
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %v: %v", args, err)
	}
	r := result{stdout: stdout.String(), stderr: stderr.String(), code: code}
	checkNoSecret(t, r, secrets, args)
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic:") {
		t.Fatalf("partnerapi %v: a stack trace on stderr:\n%s", args, r.stderr)
	}
	return r
}

// checkNoSecret fails the test if r's stdout or stderr holds any of secrets
// in any letter case.
func checkNoSecret(t *testing.T, r result, secrets, args []string) {
	t.Helper()
	for _, s := range secrets {
		for name, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
			if strings.Contains(strings.ToLower(out), strings.ToLower(s)) {
				t.Fatalf("partnerapi %q: %s holds a credential:\n%s", args, name, out)
			}
		}
	}
}

// wantCode fails the test unless r exited with code.
func wantCode(t *testing.T, r result, code int, args ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("partnerapi %v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", args, r.code, code, r.stdout, r.stderr)
	}
}

// oneErrorLine checks that stderr is exactly one "partnerapi: ..." line
// and returns it.
func oneErrorLine(t *testing.T, r result) string {
	t.Helper()
	ls := lines(r.stderr)
	if len(ls) != 1 || !strings.HasPrefix(ls[0], "partnerapi: ") || strings.HasPrefix(ls[0], "partnerapi: partnerapi:") {
		t.Fatalf("stderr is not one error line:\n%s", r.stderr)
	}
	return ls[0]
}

// decodeJSON decodes stdout, which must be one bare JSON value starting
// with open ('[' or '{').
func decodeJSON(t *testing.T, stdout string, open byte, v any) {
	t.Helper()
	s := strings.TrimSpace(stdout)
	if s == "" || s[0] != open {
		t.Fatalf("stdout is not a bare JSON value starting with %c:\n%s", open, stdout)
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("stdout does not decode: %v\n%s", err, stdout)
	}
	if dec.More() {
		t.Fatalf("stdout has more than one JSON value:\n%s", stdout)
	}
}

// fixture is a fake with one partner, and the environment that points the
// CLI at it, each API with its own key. The partner's keys are the
// canaries: no output may contain them.
type fixture struct {
	srv *mockserver.Server
	p   *mockserver.Partner
	env []string
}

// run runs the CLI with the fixture's environment and checks that no
// output holds the partner's keys.
func (f *fixture) run(t *testing.T, args ...string) result {
	t.Helper()
	return runCLI(t, f.env, f.secrets(), "", args...)
}

// secrets are the partner's keys, the canaries of every run.
func (f *fixture) secrets() []string { return []string{f.p.APIKey, f.p.KeysAPIKey} }

// sdk returns an SDK client on the fixture's fake with key on both APIs:
// the partner's APIKey for the users API, its KeysAPIKey (or a key made
// through the keys API) for the keys API.
func (f *fixture) sdk(t *testing.T, key string) *partnerapi.Client {
	t.Helper()
	c, err := partnerapi.NewClient(key, partnerapi.WithBaseURL(f.srv.URL), partnerapi.WithKeysAPIKey(key), partnerapi.WithRetry(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// createUser creates a user on the fake through the SDK.
func (f *fixture) createUser(t *testing.T, id string) {
	t.Helper()
	if _, err := f.sdk(t, f.p.APIKey).Users.CreateOrUpdate(context.Background(), id,
		&partnerapi.UserParams{FirstName: "Test", LastName: "User", Email: id + "@example.com"}); err != nil {
		t.Fatal(err)
	}
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	srv := mockserver.New()
	t.Cleanup(srv.Close)
	p := srv.AddPartner("acme")
	return &fixture{srv: srv, p: p, env: []string{
		"PARTNERAPI_BASE_URL=" + srv.URL,
		"PARTNERAPI_KEY=" + p.APIKey,
		"PARTNERAPI_KEYS_KEY=" + p.KeysAPIKey,
		"PARTNERAPI_PARTNER=" + p.ID,
	}}
}

// echoMode is how the hostile stub answers.
type echoMode int

const (
	echoSuccess   echoMode = iota // 2xx answers whose text (names, titles, ids) quotes the request
	echoRefusal                   // 422 errors whose message quotes the request
	echoTransport                 // a transport error naming the host, as a TLS failure does (never retried)
)

func (m echoMode) String() string {
	return [...]string{"success", "refusal", "transport"}[m]
}

// stubServer is a server of both APIs that repeats back what it was sent -
// the request's URL (its host and path) and Authorization header - in
// every text it answers with, passed through taint (which adds control
// characters, say; it then taints the keys' ids and secrets too).
// The CLI runs against it in process, through app.transport: no DNS, no
// socket, so a request to https://{a key}.biginterview.com reaches it too.
type stubServer struct {
	mode  echoMode
	taint func(string) string // applied to every echoed text; nil: as it is
}

func (s *stubServer) RoundTrip(req *http.Request) (*http.Response, error) {
	if s.mode == echoTransport {
		return nil, x509.HostnameError{Certificate: &x509.Certificate{DNSNames: []string{"other.example"}}, Host: req.URL.Host + req.URL.Path}
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec.Result(), nil
}

func (s *stubServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	echo := fmt.Sprintf("seen %s %s auth=%s", r.Method, r.URL, auth)
	if s.taint != nil {
		echo = s.taint(echo)
	}
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", echo)
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	keysAPI := strings.HasPrefix(r.URL.Path, "/v1/")
	if s.mode == echoRefusal {
		if keysAPI {
			reply(http.StatusUnprocessableEntity, map[string]any{"errors": []string{echo}})
		} else {
			reply(http.StatusUnprocessableEntity, map[string]any{"error": map[string]any{"type": "validation_error", "message": echo}})
		}
		return
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Format(time.RFC3339)
	key := func(id, secret string) map[string]any {
		if s.taint != nil {
			id, secret = s.taint(id), s.taint(secret)
		}
		return map[string]any{"id": id, "name": echo, "key": secret, "partner": "5f1e9a3b7c2d4e6f8a0b1c2d", "removed": false, "created_at": now}
	}
	used := strings.TrimPrefix(auth, "key ")
	switch {
	case keysAPI && r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/api_keys"):
		reply(http.StatusOK, []any{key(stubKeyID, used)})
	case keysAPI && r.Method == http.MethodPost:
		reply(http.StatusCreated, key("0123456789abcdef0123aaaa", "feedfacefeedfacefeedfacefeedface"))
	case keysAPI && r.Method == http.MethodDelete:
		reply(http.StatusOK, map[string]any{})
	case keysAPI: // GET or PATCH one key
		reply(http.StatusOK, key(r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:], used))
	case r.Method == http.MethodPost: // create or refresh a user
		reply(http.StatusCreated, map[string]any{"user": map[string]any{
			"partner_id": strings.TrimPrefix(r.URL.Path, "/api/users/"), "created_at": now,
			"token": map[string]any{"token": "9f8e7d6c5b4a", "expires_at": now},
		}})
	case strings.HasSuffix(r.URL.Path, "/tracks"):
		reply(http.StatusOK, map[string]any{"tracks": []any{map[string]any{"title": echo, "progress": 0.5,
			"tracks": []any{map[string]any{"step": 1, "title": echo, "link": "/members/" + echo, "completed": true}}}}})
	case strings.HasSuffix(r.URL.Path, "/interviews"):
		reply(http.StatusOK, map[string]any{"interviews": []any{map[string]any{"id": 7, "title": echo, "interviewer_name": echo,
			"category": echo, "completed": true, "created_at": now, "updated_at": now,
			"links": map[string]any{"review": "/r/" + echo, "retake": "/t/" + echo}}}})
	default:
		reply(http.StatusNotFound, map[string]any{"error": map[string]any{"type": "not_found", "message": echo}})
	}
}

const stubKeyID = "6a7b8c9d0e1f2a3b4c5d6e7f"

// runInProcess runs the CLI in this process with exactly env, its
// requests carried by transport, and fails the test if stdout or stderr
// holds any of secrets in any letter case.
func runInProcess(t *testing.T, env map[string]string, transport http.RoundTripper, secrets []string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, transport: transport,
		getenv: func(name string) string { return env[name] }}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a safety net, not an assertion
	defer cancel()
	r := result{code: a.main(ctx, args)}
	r.stdout, r.stderr = stdout.String(), stderr.String()
	checkNoSecret(t, r, secrets, args)
	return r
}

// onTerminal runs the CLI with args and env on a pseudo-terminal that
// util-linux's script(1) provides (so the test needs no Go dependency for
// it), with stdout sent to a file: it returns what the terminal showed
// (stderr) and what went to stdout. The command must succeed.
func onTerminal(t *testing.T, env []string, args ...string) (term, stdout string) {
	t.Helper()
	scriptPath, err := exec.LookPath("script")
	if err != nil {
		t.Fatalf("script(1) from util-linux is needed to run the CLI on a terminal: %v", err)
	}
	stdoutPath := filepath.Join(t.TempDir(), "stdout")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a safety net, not an assertion
	defer cancel()
	// script runs the command on a new pseudo-terminal and copies what the
	// terminal shows to its own stdout; the inner shell sends the CLI's
	// stdout to a file, so only stderr is on the terminal.
	inner := shellQuote(binPath)
	for _, a := range args {
		inner += " " + shellQuote(a)
	}
	inner += " >" + shellQuote(stdoutPath)
	cmd := exec.CommandContext(ctx, scriptPath, "-q", "-e", "-c", inner, "/dev/null")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "TERM=xterm", "SHELL=/bin/sh"}, env...)
	var shown bytes.Buffer
	cmd.Stdout, cmd.Stderr = &shown, &shown
	if err := cmd.Run(); err != nil {
		t.Fatalf("partnerapi %v on a terminal: %v\n%s", args, err, shown.String())
	}
	out, err := os.ReadFile(stdoutPath)
	if err != nil {
		t.Fatal(err)
	}
	return shown.String(), string(out)
}

// shellQuote quotes s for /bin/sh.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// writeFile writes content to a new file and returns its path.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "roster.csv")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// summaryRows is a roster of n users with a spread of progress on the two
// tracks and of completed interviews over the weeks before end, and the
// failures given, every sixth row from the second.
func summaryRows(n int, end time.Time, failures ...reportRow) []reportRow {
	var rows []reportRow
	for i := range n {
		line := i + 2
		if f := i - 1; f >= 0 && f%6 == 0 && f/6 < len(failures) {
			fl := failures[f/6]
			fl.Line = line
			rows = append(rows, fl)
			continue
		}
		fast := (i * 7) % 6    // 0..5 steps of 5
		mastery := (i * 5) % 9 // 0..8 steps of 8
		row := reportRow{Line: line, PartnerID: fmt.Sprintf("user-%04d", i), Tracks: []trackProgress{
			{Title: "Fast Track", Progress: float64(fast) / 5, StepsCompleted: fast, Steps: 5},
			{Title: "Mastery Track", Progress: float64(mastery) / 8, StepsCompleted: mastery, Steps: 8},
		}, Interviews: &interviewTally{}}
		for k := range (i * 3) % 5 {
			at := end.Add(-time.Duration((i*13+k*29)%(10*7*24)) * time.Hour)
			row.Interviews.Total++
			if k%3 != 2 {
				row.Interviews.Completed++
				row.completedAt = append(row.completedAt, at)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

func summarize(rows []reportRow, interviews bool) *reportSummary {
	s := newReportSummary("roster.csv", interviews)
	for _, r := range rows {
		s.add(r)
	}
	return s
}

// checkSelfContained fails the test if the page could load anything or
// run anything: it must declare a policy that forbids both, and hold no
// reference to another resource.
func checkSelfContained(t *testing.T, html string) {
	t.Helper()
	if !strings.Contains(html, `content="default-src 'none'; style-src 'unsafe-inline'"`) {
		t.Error("the page has no Content-Security-Policy forbidding every load")
	}
	lower := strings.ToLower(html)
	for _, ref := range []string{"src=", "href=", "url(", "@import", "<script", "<iframe", "<object", "<embed"} {
		if strings.Contains(lower, ref) {
			t.Errorf("the page refers to something else: %q", ref)
		}
	}
}

// reportFixture is a fake with users in known places: ann (3 Fast Track
// steps, two interviews, one completed), bob (nothing), a user with a
// formula-like name cannot exist (invalid id), zed is not on the fake.
func reportFixture(t *testing.T) (*fixture, time.Time) {
	t.Helper()
	f := newFixture(t)
	for _, id := range []string{"ann", "bob", "cy"} {
		f.createUser(t, id)
	}
	if err := f.srv.SetProgress(f.p, "ann", "Fast Track", 1, 2, 3); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.SetProgress(f.p, "cy", "Mastery Track", 1, 2, 3, 4, 5, 6, 7, 8); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 10, 7, 9, 30, 0, 0, time.UTC)
	for i, done := range []bool{true, false} {
		iv := partnerapi.Interview{Title: "Practice", Completed: done, CreatedAt: at, UpdatedAt: at.Add(time.Duration(i) * 24 * time.Hour)}
		if _, err := f.srv.AddInterview(f.p, "ann", iv); err != nil {
			t.Fatal(err)
		}
	}
	return f, at
}

// readCSV parses stdout, which must be CSV.
func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("stdout is not CSV: %v\n%s", err, s)
	}
	return recs
}
