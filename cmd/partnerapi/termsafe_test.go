package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostileText is every kind of character a terminal acts on: ESC
// sequences (a colour, a window title, clear screen), BEL, a C1 CSI, DEL,
// a right-to-left override, an isolate, the line and paragraph
// separators, a tab and a carriage return.
const hostileText = "\x1b[31m\x1b]0;pwned\x07\u009b2J\x7f\u202e\u2066\u2028\u2029\t\r"

func taintText(s string) string { return hostileText + s + hostileText }

// terminalUnsafe returns the first character of s a terminal would act on
// (a line feed ends a line and is allowed), or "".
func terminalUnsafe(s string) string {
	for i, r := range s {
		if r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD") {
			return s[i : i+1]
		}
		if r != '\n' && unsafeRune(r) {
			return string(r)
		}
	}
	return ""
}

// Every text from the server - key ids, names, the key prefix of keys
// list, titles, links, error messages, request ids - reaches stdout and
// stderr with the characters a terminal acts on replaced, in tables,
// messages and errors alike; --json keeps each value exact but spells
// those characters as escapes.
func TestServerTextIsTerminalSafe(t *testing.T) {
	roster := filepath.Join(t.TempDir(), "roster.csv")
	if err := os.WriteFile(roster, []byte(rosterHeader+"u1,Ann,Lee,ann@example.com\nu2,Bob,Ray,bob@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{envKey: otherKey, envKeysKey: otherKey, envBaseURL: stubBaseURL, envPartner: stubPartner}
	commands := [][]string{
		{"users", "sync", roster}, {"users", "sync", roster, "--json"},
		{"users", "report", roster}, {"users", "report", roster, "--json"}, {"users", "report", roster, "--interviews"},
		{"users", "tracks", "u1"}, {"users", "tracks", "u1", "--json"},
		{"users", "interviews", "u1"}, {"users", "interviews", "u1", "--json"},
		{"sso-link", "u1"},
		{"keys", "list"}, {"keys", "list", "--json"}, {"keys", "create", "ci"},
		{"keys", "rename", stubKeyID, "new"}, {"keys", "delete", stubKeyID},
		{"keys", "rotate", stubKeyID}, {"keys", "rotate", "current"},
	}
	for _, mode := range []echoMode{echoSuccess, echoRefusal} {
		stub := &stubServer{mode: mode, taint: taintText}
		for _, args := range commands {
			r := runInProcess(t, env, stub, nil, args...)
			for name, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
				if bad := terminalUnsafe(out); bad != "" {
					t.Errorf("%s %q: %s holds %q:\n%q", mode, args, name, bad, out)
				}
			}
			if r.stdout+r.stderr == "" {
				t.Errorf("%s %q: no output", mode, args)
			}
		}
	}
	// The server's text did reach the output, replaced.
	r := runInProcess(t, env, &stubServer{mode: echoSuccess, taint: taintText}, nil, "keys", "list")
	if !strings.Contains(r.stdout, "\uFFFD[31m\uFFFD]0;pwned") || !strings.Contains(r.stdout, "\uFFFD[31…") {
		t.Fatalf("keys list does not show the server's text, replaced (the key prefix included):\n%s", r.stdout)
	}
	// users report's warning about a track the CSV has no column for
	// quotes the server's title: the stub's titles differ by user.
	r = runInProcess(t, env, &stubServer{mode: echoSuccess, taint: taintText}, nil, "users", "report", roster)
	if !strings.Contains(r.stderr, "has no column in the CSV") {
		t.Fatalf("users report did not warn about a track without a column, so the warning was not tested:\n%s", r.stderr)
	}
	// keys create does not print a key no client could use, raw or replaced.
	r = runInProcess(t, env, &stubServer{mode: echoSuccess, taint: taintText}, nil, "keys", "create", "ci")
	if r.code != exitFailed || r.stdout != "" || !strings.Contains(r.stderr, "it is not printed") {
		t.Fatalf("keys create with a key holding control characters: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	// --json: the same values, decoded exactly.
	r = runInProcess(t, env, &stubServer{mode: echoSuccess, taint: taintText}, nil, "keys", "list", "--json")
	var keys []keyView
	decodeJSON(t, r.stdout, '[', &keys)
	if len(keys) != 1 || !strings.HasPrefix(keys[0].Name, hostileText) || keys[0].ID != taintText(stubKeyID) {
		t.Fatalf("--json changed the values: %+v", keys)
	}
}

func TestJSONTerminalSafeKeepsTheValue(t *testing.T) {
	in := map[string]string{"k\u202e": "a" + hostileText + "z\u00e9\U0001F600"}
	var buf strings.Builder
	if err := writeJSON(&buf, in); err != nil {
		t.Fatal(err)
	}
	if bad := terminalUnsafe(buf.String()); bad != "" {
		t.Fatalf("JSON holds %q: %q", bad, buf.String())
	}
	for _, esc := range []string{`\u009b`, `\u007f`, `\u202e`, `\u2066`, `\u2028`, `\u001b`} {
		if !strings.Contains(buf.String(), esc) {
			t.Errorf("JSON does not spell %s: %s", esc, buf.String())
		}
	}
	var out map[string]string
	if err := json.Unmarshal([]byte(buf.String()), &out); err != nil || out["k\u202e"] != in["k\u202e"] {
		t.Fatalf("decoded %q (%v), want %q", out, err, in)
	}
	if !strings.Contains(buf.String(), "z\u00e9\U0001F600") {
		t.Fatalf("printable text was escaped: %s", buf.String())
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, é, 日本":      "plain text, é, 日本",
		"a\x1b[2Jb":              "a\uFFFD[2Jb",
		"\u009b\x7f\u202e\u2029": "\uFFFD\uFFFD\uFFFD\uFFFD",
		"bad \xff utf-8":         "bad \uFFFD utf-8",
	} {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
	}
}
