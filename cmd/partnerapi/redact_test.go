package main

import (
	"bytes"
	"log"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/partnerapi/go-partnerapi/internal/redact"
)

// canaryCarriers are the ways a configuration can carry the canary: as
// the key, or pasted into another setting by mistake. reaches: some
// command sends it where a server or the SDK puts it into text.
var canaryCarriers = []struct {
	name    string
	env     map[string]string
	args    []string
	reaches bool
}{
	{"PARTNERAPI_KEY", map[string]string{envKey: canary, envBaseURL: stubBaseURL, envPartner: stubPartner}, nil, true},
	{"--key in upper case", map[string]string{envBaseURL: stubBaseURL, envPartner: stubPartner}, []string{"--key=" + strings.ToUpper(canary)}, true},
	{"PARTNERAPI_KEYS_KEY", map[string]string{envKey: otherKey, envKeysKey: canary, envBaseURL: stubBaseURL, envPartner: stubPartner}, nil, true},
	{"--keys-key", map[string]string{envKey: otherKey, envBaseURL: stubBaseURL, envPartner: stubPartner}, []string{"--keys-key", canary}, true},
	{"PARTNERAPI_ORG and PARTNERAPI_KEY swapped", map[string]string{envOrg: canary, envKey: "acme", envPartner: stubPartner}, nil, true},
	{"--org", map[string]string{envKey: otherKey, envPartner: stubPartner}, []string{"--org", canary}, true},
	{"a key in the base URL's path", map[string]string{envKey: otherKey, envBaseURL: "https://proxy.example/" + canary + "/", envPartner: stubPartner}, nil, true},
	{"a key URL-escaped in the base URL's path", map[string]string{envKey: otherKey, envBaseURL: "https://proxy.example/" + url.PathEscape(canary[:1]) + "%" + strconv.FormatInt(int64(canary[1]), 16) + canary[2:] + "/", envPartner: stubPartner}, nil, true},
	{"a key as --base-url's path", map[string]string{envKey: otherKey, envPartner: stubPartner}, []string{"--base-url", "https://proxy.example/" + canary}, true},
	{"a key as the partner", map[string]string{envKey: otherKey, envBaseURL: stubBaseURL, envPartner: canary}, nil, false},
	{"a key as --partner", map[string]string{envKey: otherKey, envBaseURL: stubBaseURL}, []string{"--partner", canary}, false},
	{"a key in the base URL's query", map[string]string{envKey: otherKey, envBaseURL: stubBaseURL + "/?key=" + canary, envPartner: stubPartner}, nil, false},
	{"a key as the base URL's password", map[string]string{envKey: otherKey, envBaseURL: "https://u:" + canary + "@api.example", envPartner: stubPartner}, nil, false},
	{"a key as a plain-http host", map[string]string{envKey: otherKey, envBaseURL: "http://" + canary + ".example.com", envPartner: stubPartner}, nil, false},
	{"a key with a space in it", map[string]string{envKey: "oops " + canary, envBaseURL: stubBaseURL, envPartner: stubPartner}, nil, false},
}

// Every command, against a server that repeats the request (URL and
// Authorization) in every answer, whichever way the configuration carries
// the canary: the canary appears in no output and in no file the CLI
// writes, whatever the command does (succeed, fail with the server's
// message, fail in transport, refuse its configuration or its usage).
func TestCanaryNeverPrinted(t *testing.T) {
	dir := t.TempDir()
	roster := filepath.Join(dir, "roster.csv")
	if err := os.WriteFile(roster, []byte(rosterHeader+"u1,Ann,Lee,ann@example.com\nu2,Bob,Ray,bob@example.com\nann@example.com,Ann,Lee,x@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mapOut := filepath.Join(dir, "map.csv")
	page := filepath.Join(dir, "page.html")
	commands := [][]string{
		{"users", "sync", roster}, {"users", "sync", roster, "--json"}, {"users", "sync", roster, "--dry-run"},
		{"users", "sync", roster, "--derive-ids", "--map-out", mapOut},
		{"users", "report", roster}, {"users", "report", roster, "--json"}, {"users", "report", roster, "--interviews"},
		{"users", "report", roster, "--interviews", "--html", page},
		{"users", "tracks", "u1"}, {"users", "tracks", "u1", "--json"},
		{"users", "interviews", "u1"}, {"users", "interviews", "u1", "--json"},
		{"sso-link", "u1"}, {"sso-link", "u1", "--first-name", "A", "--last-name", "B", "--email", "e@example.com"},
		{"keys", "list"}, {"keys", "list", "--json"}, {"keys", "create", "ci"},
		{"keys", "rename", stubKeyID, "new"}, {"keys", "delete", stubKeyID},
		{"keys", "rotate", stubKeyID}, {"keys", "rotate", "current"},
	}
	usageEchoes := [][]string{
		{canary}, {"users", canary}, {"keys", canary, "x"},
		{"users", "tracks", "u1", "--timeout", canary}, {"users", "sync", roster, "--concurrency", canary},
		{"keys", "rename", canary, "x"}, {"keys", "rotate", canary},
	}
	for _, carrier := range canaryCarriers {
		t.Run(carrier.name, func(t *testing.T) {
			scrubbed := false
			for _, mode := range []echoMode{echoSuccess, echoRefusal, echoTransport} {
				stub := &stubServer{mode: mode}
				for _, cmd := range commands {
					args := append(append([]string{}, cmd...), carrier.args...)
					r := runInProcess(t, carrier.env, stub, []string{canary}, args...)
					if r.stdout == "" && r.stderr == "" {
						t.Fatalf("%s %q: no output at all", mode, args)
					}
					scrubbed = scrubbed || strings.Contains(r.stdout+r.stderr, redact.Mark)
					if m, err := os.ReadFile(mapOut); err == nil && strings.Contains(strings.ToLower(string(m)), canary) {
						t.Fatalf("%s %q: --map-out holds the canary:\n%s", mode, args, m)
					}
					if p, err := os.ReadFile(page); err == nil && strings.Contains(strings.ToLower(string(p)), canary) {
						t.Fatalf("%s %q: the --html page holds the canary:\n%s", mode, args, p)
					}
				}
			}
			if carrier.reaches && !scrubbed {
				t.Fatal("the canary reached no text: this carrier tests nothing")
			}
			for _, cmd := range usageEchoes {
				args := append(append([]string{}, cmd...), carrier.args...)
				r := runInProcess(t, carrier.env, &stubServer{}, []string{canary}, args...)
				if r.code != exitUsage {
					t.Fatalf("%q: exit %d, want %d\n%s", args, r.code, exitUsage, r.stderr)
				}
			}
		})
	}
}

func TestRedactorFindsEveryCredential(t *testing.T) {
	env := map[string]string{
		envOrg:     "acme-corp-2024",                  // a name: kept
		envPartner: stubPartner,                       // an ObjectId: kept
		envBaseURL: "http://127.0.0.1:8080/" + canary, // a key in the path: scrubbed
	}
	quoteKey := `k"ey\with<odd>&chars` // printable ASCII without space: a valid key
	r := newRedactor([]string{"users", "--keys-key", quoteKey, "--org=" + strings.ToUpper(otherKey)}, func(n string) string { return env[n] })
	for _, tc := range []struct{ in, want string }{
		{"GET http://127.0.0.1:8080/" + strings.ToUpper(canary) + "/api", "GET http://127.0.0.1:8080/[REDACTED]/api"},
		{"org acme-corp-2024, partner " + stubPartner, "org acme-corp-2024, partner " + stubPartner},
		{"https://" + otherKey + ".biginterview.com", "https://[REDACTED].biginterview.com"},
		{"raw " + quoteKey, "raw [REDACTED]"},
		{`json "k\"ey\\with<odd>&chars"`, `json "[REDACTED]"`},
		{"path /k%22ey%5Cwith%3Codd%3E&chars/", "path /[REDACTED]/"},
		{"query k%22ey%5Cwith%3Codd%3E%26chars", "query [REDACTED]"},
	} {
		if got := r.scrub(tc.in); got != tc.want {
			t.Errorf("scrub(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestKeyShaped(t *testing.T) {
	for tok, want := range map[string]bool{
		canary:                             true,
		strings.ToUpper(canary):            true,
		"AbCdEfGhIjKlMnOpQrSt0":            true,  // 21 letters and digits
		stubPartner:                        false, // an ObjectId
		"acmecorporationinternational":     false, // no digit
		"acme2024":                         false, // short
		"1234567890123456789":              false, // 19
		"organisation-with-dashes-2024-eu": false, // split by the dashes, each run short
	} {
		got := false
		for _, run := range strings.FieldsFunc(tok, func(c rune) bool { return !isASCIIAlnum(c) }) {
			got = got || redact.KeyShaped(run)
		}
		if got != want {
			t.Errorf("redact.KeyShaped(%q) = %v, want %v", tok, got, want)
		}
	}
}

// A credential cut across writes (a progress line, a table cell) is
// caught: the end of a write that could be part of one waits for the next.
func TestRedactingWriterAcrossWrites(t *testing.T) {
	r := newRedactor(nil, func(n string) string { return map[string]string{envKey: canary}[n] })
	var out bytes.Buffer
	w := r.writer(&out)
	text := "key " + strings.ToUpper(canary) + " end; then " + canary[:10]
	for i := 0; i < len(text); i++ {
		if _, err := w.Write([]byte{text[i]}); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Contains(out.String(), canary[:10]+"\x00") || strings.Contains(strings.ToLower(out.String()), canary) {
		t.Fatalf("written: %q", out.String())
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := "key [REDACTED] end; then [REDACTED]"; out.String() != want {
		t.Fatalf("written: %q, want %q (10 bytes of a key are a piece of it, removed too)", out.String(), want)
	}
}

// BenchmarkRedactorScrub scrubs 1 MB of JSON-like output holding no
// credential, with two keys configured: the cost every result pays.
func BenchmarkRedactorScrub(b *testing.B) {
	r := newRedactor([]string{"--key", canary, "--keys-key", strings.ToUpper(otherKey)}, func(string) string { return "" })
	s := strings.Repeat(`{"title": "Top 10 Questions", "id": 12345, "link": "/members/curriculum?chapter=1"},`+"\n", 12000)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		r.scrub(s)
	}
}

// A key the server does not know: every command fails with one line, exit
// 1, and the key appears nowhere, whether it came from the environment or
// a flag.
func TestNoCredentialInErrors(t *testing.T) {
	f := newFixture(t)
	const canary = "c4a4a7c0ffee0123456789abcdef0042"
	env := []string{"PARTNERAPI_BASE_URL=" + f.srv.URL, "PARTNERAPI_KEY=" + canary, "PARTNERAPI_KEYS_KEY=" + canary, "PARTNERAPI_PARTNER=" + f.p.ID}
	csvPath := filepath.Join(t.TempDir(), "r.csv")
	if err := os.WriteFile(csvPath, []byte("partner_id,first_name,last_name,email\nu1,A,B,c@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"keys", "list"}, {"keys", "list", "--json"}, {"keys", "create", "x"}, {"keys", "rename", f.p.ID, "x"},
		{"keys", "delete", f.p.ID}, {"keys", "rotate", f.p.ID}, {"keys", "rotate", "current"},
		{"users", "tracks", "u1"}, {"users", "interviews", "u1", "--json"}, {"sso-link", "u1"},
		{"users", "sync", csvPath},
	} {
		r := runCLI(t, env, []string{canary}, "", args...)
		wantCode(t, r, 1, args...)
		if !strings.Contains(r.stderr, "401") {
			t.Errorf("%v: stderr does not report the 401:\n%s", args, r.stderr)
		}
		// The same key as a flag.
		flags := []string{"--key", canary}
		if args[0] == "keys" {
			flags = append(flags, "--keys-key", canary)
		}
		r = runCLI(t, []string{"PARTNERAPI_BASE_URL=" + f.srv.URL, "PARTNERAPI_PARTNER=" + f.p.ID}, []string{canary}, "", append(args, flags...)...)
		wantCode(t, r, 1, args...)
	}
	// A key with a space in it is refused by the SDK; the message does not repeat it.
	r := runCLI(t, []string{"PARTNERAPI_BASE_URL=" + f.srv.URL}, []string{"secret-part"}, "", "users", "tracks", "u1", "--key", "oops secret-part")
	wantCode(t, r, 2)
	oneErrorLine(t, r)
}

// net/http's own diagnostics go to the standard logger and may quote what
// a server sent: the CLI's standard logger writes through the redactor.
func TestStandardLogIsRedacted(t *testing.T) {
	var buf bytes.Buffer
	defer log.SetOutput(log.Writer())
	flush := redirectStandardLog([]string{"users", "tracks", "u1"}, func(name string) string {
		if name == envKey {
			return canary
		}
		return ""
	}, &buf)
	log.Printf("Unsolicited response received on idle HTTP channel starting with %q", "HTTP/1.1 200 OK\r\n\r\n"+canary[5:]+canary)
	log.Print("ends with the start of the key " + canary[:6])
	flush()
	for i := 0; i+8 <= len(canary); i++ {
		if strings.Contains(strings.ToLower(buf.String()), canary[i:i+8]) {
			t.Errorf("the standard log wrote a piece of the key: %q", buf.String())
		}
	}
	if !strings.Contains(buf.String(), "ends with the start of the key "+canary[:6]) {
		t.Errorf("what was held back was not written at the end: %q", buf.String())
	}
}

// A piece of a key that runs into the end of a write waits whole, and is
// scrubbed with what follows (a cell of a table, a buffer flushed at an
// arbitrary byte).
func TestRedactingWriterPieceRunningIntoTheEnd(t *testing.T) {
	r := newRedactor(nil, func(n string) string { return map[string]string{envKey: canary}[n] })
	var out bytes.Buffer
	w := r.writer(&out)
	for _, p := range []string{"id=" + canary[17:25] + "0", "\n"} {
		if _, err := w.Write([]byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := "id=[REDACTED]0\n"; out.String() != want {
		t.Errorf("written: %q, want %q", out.String(), want)
	}
}
