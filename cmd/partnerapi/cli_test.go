package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// In-process: run is callable from a test and prints help on stdout.
func TestHelpInProcess(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"-h"}, {"help"},
		{"keys", "--help"}, {"users", "-h"},
		{"users", "sync", "--help"}, {"users", "sync", "roster.csv", "-h"},
		{"help", "keys", "rotate"}, {"sso-link", "-h"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(args, strings.NewReader(""), &stdout, &stderr)
		if code != exitOK || stdout.Len() == 0 || stderr.Len() != 0 {
			t.Errorf("%v: exit %d, stdout %d bytes, stderr %q", args, code, stdout.Len(), stderr.String())
		}
		if !strings.Contains(stdout.String(), "usage: partnerapi") {
			t.Errorf("%v: no usage line:\n%s", args, stdout.String())
		}
	}
	var stdout, stderr bytes.Buffer
	run([]string{"users", "sync", "--help"}, nil, &stdout, &stderr)
	for _, flagName := range []string{"-dry-run", "-derive-ids", "-concurrency", "-map-out", "-json", "-mock"} {
		if !strings.Contains(stdout.String(), flagName) {
			t.Errorf("users sync --help does not list %s", flagName)
		}
	}
	stdout.Reset()
	run([]string{"--help"}, nil, &stdout, &stderr)
	for _, c := range []string{"users sync FILE.csv", "users tracks ID", "users interviews ID", "sso-link ID",
		"keys list", "keys create NAME", "keys rename ID NAME", "keys delete ID", "keys rotate ID"} {
		if !strings.Contains(stdout.String(), c) {
			t.Errorf("--help does not list %q", c)
		}
	}
}

func TestParseInterleaved(t *testing.T) {
	for _, tc := range []struct {
		args []string
		pos  []string
		json bool
		to   string
	}{
		{[]string{"a", "--json", "b"}, []string{"a", "b"}, true, ""},
		{[]string{"--json", "a", "b", "--redirect-to", "/x"}, []string{"a", "b"}, true, "/x"},
		{[]string{"a", "--redirect-to=/y", "--", "--json"}, []string{"a", "--json"}, false, "/y"},
		{[]string{"-", "b"}, []string{"-", "b"}, false, ""},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		var o options
		fs.BoolVar(&o.json, "json", false, "")
		fs.StringVar(&o.redirectTo, "redirect-to", "", "")
		pos, err := parseInterleaved(fs, tc.args)
		if err != nil || !cmp.Equal(pos, tc.pos) || o.json != tc.json || o.redirectTo != tc.to {
			t.Errorf("%v: pos %v json %v to %q err %v", tc.args, pos, o.json, o.redirectTo, err)
		}
	}
}

func TestSplitCommand(t *testing.T) {
	cmds := commands()
	for _, tc := range []struct {
		args        []string
		words, rest []string
	}{
		{[]string{"keys", "list", "--json"}, []string{"keys", "list"}, []string{"--json"}},
		// a flag's value is not a command word
		{[]string{"--org", "keys", "users", "tracks", "x"}, []string{"users", "tracks"}, []string{"--org", "keys", "x"}},
		{[]string{"--concurrency", "4", "users", "sync", "f.csv"}, []string{"users", "sync"}, []string{"--concurrency", "4", "f.csv"}},
		{[]string{"users", "--mock", "tracks", "x"}, []string{"users", "tracks"}, []string{"--mock", "x"}},
		{[]string{"keys", "rename", "list", "x"}, []string{"keys", "rename"}, []string{"list", "x"}},
	} {
		words, rest, _, err := splitCommand(cmds, tc.args)
		if err != nil || !cmp.Equal(words, tc.words) || !cmp.Equal(rest, tc.rest) {
			t.Errorf("%v: words %v rest %v err %v", tc.args, words, rest, err)
		}
	}
}

// sdkOption matches the name of an option of the SDK (WithAllowInsecureHTTP).
var sdkOption = regexp.MustCompile(`\bWith[A-Z]`)

// Usage and configuration errors: exit 2, nothing on stdout, one line on
// stderr, no request, no advice the CLI's user cannot follow.
func TestUsageErrors(t *testing.T) {
	f := newFixture(t)
	csvPath := filepath.Join(t.TempDir(), "r.csv")
	if err := os.WriteFile(csvPath, []byte("partner_id,first_name,last_name,email\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	noHeader := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(noHeader, []byte("partner_id,name\nx,y\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	keyOnly := []string{"PARTNERAPI_KEY=" + f.p.APIKey}
	keysKeyOnly := []string{"PARTNERAPI_KEYS_KEY=" + f.p.KeysAPIKey}
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"no command", f.env, nil, "no command"},
		{"unknown command", f.env, []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"group alone", f.env, []string{"keys"}, "keys needs a subcommand: list, create, rename, delete, rotate"},
		{"unknown subcommand", f.env, []string{"keys", "frob"}, `unknown command "keys frob"; keys takes list, create, rename, delete, rotate`},
		{"near subcommand", f.env, []string{"users", "track", "u1"}, `unknown command "users track" (did you mean "users tracks"?); users takes sync, report, tracks, interviews`},
		{"near subcommand after a flag", f.env, []string{"users", "--json", "interview", "u1"}, `unknown command "users interview" (did you mean "users interviews"?)`},
		{"near command", f.env, []string{"user", "tracks", "u1"}, `unknown command "user" (did you mean "users"?); the commands are users, sso-link, keys`},
		{"timeout without unit", f.env, []string{"users", "tracks", "u1", "--timeout", "5"}, `invalid value "5" for flag --timeout: a unit is needed: 5s`},
		{"negative timeout", f.env, []string{"users", "tracks", "u1", "--timeout", "-5s"}, `--timeout: a duration cannot be negative`},
		{"missing argument", f.env, []string{"keys", "create"}, "takes 1 argument"},
		{"extra argument", f.env, []string{"users", "tracks", "a", "b"}, "takes 1 argument"},
		{"unknown flag", f.env, []string{"keys", "list", "--nope"}, "flag provided but not defined: --nope (see partnerapi keys list --help)"},
		{"flag of another command", f.env, []string{"keys", "list", "--dry-run"}, "flag provided but not defined"},
		{"bad flag value", f.env, []string{"users", "sync", csvPath, "--concurrency", "many"}, `invalid value "many" for flag --concurrency`},
		{"flag without value", f.env, []string{"users", "tracks", "u1", "--org"}, "flag needs an argument: --org"},
		{"zero concurrency", f.env, []string{"users", "sync", csvPath, "--concurrency", "0"}, "--concurrency must be from 1 to 256, got 0"},
		{"too much concurrency", f.env, []string{"users", "sync", csvPath, "--concurrency", "257"}, "--concurrency must be from 1 to 256, got 257"},
		{"huge concurrency", f.env, []string{"users", "sync", csvPath, "--concurrency", "1000000000"}, "--concurrency must be from 1 to 256"},
		{"map-out without derive", f.env, []string{"users", "sync", csvPath, "--map-out", "m.csv"}, "--map-out needs --derive-ids"},
		{"no such file", f.env, []string{"users", "sync", "/nonexistent/r.csv"}, "no such file"},
		{"header without columns", f.env, []string{"users", "sync", noHeader}, "line 1: the header row has no column first_name, last_name, email"},
		{"no key", nil, []string{"keys", "list"}, "no TicketsCloud key: set PARTNERAPI_KEYS_KEY"},
		{"no users key", nil, []string{"users", "tracks", "u1"}, "no API key: set PARTNERAPI_KEY"},
		{"the Big Interview key is never the TicketsCloud key", keyOnly, []string{"keys", "list"}, "PARTNERAPI_KEY is the Big Interview key, which TicketsCloud does not accept and is never sent"},
		{"no partner", keysKeyOnly, []string{"keys", "list"}, "no partner: set PARTNERAPI_PARTNER"},
		{"no org", keyOnly, []string{"users", "tracks", "u1"}, "no organization: set PARTNERAPI_ORG"},
		{"bad org", append([]string{"PARTNERAPI_ORG=not a host"}, keyOnly...), []string{"users", "tracks", "u1"}, "configuration:"},
		{"plain http", append([]string{"PARTNERAPI_BASE_URL=http://example.com"}, keyOnly...), []string{"users", "tracks", "u1"}, "plain http"},
		{"plain http says what to do", keysKeyOnly, []string{"keys", "list", "--partner", f.p.ID, "--base-url", "http://example.com:8080/x"},
			"is plain http to example.com:8080, a host that is not this machine: the API key would travel unencrypted. Use https://example.com:8080, or plain http only to localhost, 127.0.0.1 or [::1]"},
		{"bad partner_id", f.env, []string{"users", "tracks", "a b"}, "invalid partner_id"},
		{"bad key id", f.env, []string{"keys", "rotate", "nope"}, "24 hex digits"},
		{"bad key id delete", f.env, []string{"keys", "delete", "nope"}, "not an ObjectId"},
		{"mock with key", f.env, []string{"--mock", "--key", "x", "keys", "list"}, "--mock brings its own configuration"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(f.srv.Requests())
			r := runCLI(t, tc.env, f.secrets(), "", tc.args...)
			wantCode(t, r, 2, tc.args...)
			if r.stdout != "" {
				t.Fatalf("stdout: %q", r.stdout)
			}
			msg := oneErrorLine(t, r)
			if !strings.Contains(msg, tc.want) {
				t.Fatalf("stderr %q does not say %q", msg, tc.want)
			}
			if sdkOption.MatchString(msg) {
				t.Fatalf("stderr %q suggests an SDK option, which the CLI cannot set", msg)
			}
			if n := len(f.srv.Requests()); n != before {
				t.Fatalf("%d request(s) sent for a usage error", n-before)
			}
		})
	}
}

// --concurrency is refused as it is parsed, for both roster commands, before
// the roster is opened; an error that names its flag is said once.
func TestConcurrencyRefusedAtParse(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.csv")
	for _, cmd := range []string{"sync", "report"} {
		for _, tc := range []struct{ value, want string }{
			{"0", "partnerapi: users " + cmd + ": --concurrency must be from 1 to 256, got 0 (see partnerapi users " + cmd + " --help)"},
			{"99999999999999999999", "partnerapi: users " + cmd + ": --concurrency must be from 1 to 256, got 99999999999999999999 (see partnerapi users " + cmd + " --help)"},
			{"x", `partnerapi: users ` + cmd + `: invalid value "x" for flag --concurrency: not a whole number; --concurrency is from 1 to 256 (see partnerapi users ` + cmd + ` --help)`},
		} {
			r := runInProcess(t, nil, &stubServer{}, nil, "users", cmd, missing, "--concurrency", tc.value)
			wantCode(t, r, exitUsage)
			if got := oneErrorLine(t, r); got != tc.want {
				t.Errorf("users %s --concurrency %s:\n got %q\nwant %q", cmd, tc.value, got, tc.want)
			}
		}
		r := runInProcess(t, nil, &stubServer{}, nil, "users", cmd, "--help")
		if !strings.Contains(r.stdout, "--concurrency N     how many requests at once, N from 1 to 256 (default 8)") {
			t.Errorf("users %s --help:\n%s", cmd, r.stdout)
		}
	}
}
