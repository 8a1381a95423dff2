package main

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
)

// quickstartLines are the lines the quickstart prints against the embedded
// fake, as patterns: the port, times and ids change from run to run.
var quickstartLines = []string{
	`using the embedded fake at http://127\.0\.0\.1:\d+ \(set PARTNERAPI_ORG and PARTNERAPI_KEY for the real services\)`,
	`user quickstart-user-1: created=true, SSO token valid until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`,
	`SSO link: http://127\.0\.0\.1:\d+/sso/login\?token=\[REDACTED\]&redirect_to=%2Fmembers%2Fdashboard`,
	`progress: Fast Track 0% \(5 steps\)`,
	`progress: Mastery Track 0% \(8 steps\)`,
	`anonymous user: anon_[0-9a-f]{32}, SSO token valid until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`,
	`TicketsCloud partner "xyz": [0-9a-f]{24}`,
	`API key [0-9a-f]{24} created: name="quickstart" key=\[REDACTED\]`,
	`API key [0-9a-f]{24} renamed: name="quickstart-renamed"`,
	`API key [0-9a-f]{24} deleted: removed=true`,
}

// TestRun runs the quickstart as `go run ./examples/quickstart` does with
// no environment, against the embedded fake, and checks what it prints.
func TestRun(t *testing.T) {
	for _, v := range []string{"PARTNERAPI_ORG", "PARTNERAPI_KEY", "PARTNERAPI_KEYS_KEY", "PARTNERAPI_PARTNER"} {
		t.Setenv(v, "")
	}
	var out strings.Builder
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run: %v\noutput:\n%s", err, out.String())
	}
	matchLines(t, "output", strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"))
}

// TestREADMEShowsARun: the README's sample of the quickstart's output is
// one that it prints.
func TestREADMEShowsARun(t *testing.T) {
	f, err := os.Open("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var sample []string
	sc := bufio.NewScanner(f)
	for state := 0; sc.Scan() && state < 3; {
		line := sc.Text()
		switch {
		case state == 0 && line == "The quickstart prints (the port, times and ids differ from run to run):":
			state = 1
		case state == 1 && line == "```":
			state = 2
		case state == 2 && line == "```":
			state = 3
		case state == 2:
			sample = append(sample, line)
		}
	}
	if len(sample) == 0 {
		t.Fatal(`README.md has no block after "The quickstart prints (…):"`)
	}
	matchLines(t, "README.md's sample", sample)
}

func matchLines(t *testing.T, what string, got []string) {
	t.Helper()
	if len(got) != len(quickstartLines) {
		t.Fatalf("%s: %d lines, want %d:\n%s", what, len(got), len(quickstartLines), strings.Join(got, "\n"))
	}
	for i, want := range quickstartLines {
		if !regexp.MustCompile(`^` + want + `$`).MatchString(got[i]) {
			t.Errorf("%s, line %d:\n got %q\nwant %q", what, i+1, got[i], want)
		}
	}
}
