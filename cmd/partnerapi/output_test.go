package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

func TestMaskKey(t *testing.T) {
	if got := maskKey("935d85189822bf96c28c4fa79d3d8f31"); got != "935d…" {
		t.Errorf("maskKey = %q", got)
	}
	if got := maskKey("short"); got != "…" {
		t.Errorf("maskKey(short) = %q", got)
	}
}

// Help spells flags as the README does (--flag), every command's help and
// the top-level help alike, and the top-level help lists the global flags.
func TestHelpSpellsFlagsWithTwoDashes(t *testing.T) {
	single := regexp.MustCompile(`(^|[\s(,])-[a-z][a-z-]+`)
	for _, args := range [][]string{{"--help"}, {"keys", "--help"}, {"users", "sync", "--help"}, {"sso-link", "--help"},
		{"keys", "rotate", "--help"}, {"users", "tracks", "--help"}} {
		var stdout, stderr bytes.Buffer
		run(args, strings.NewReader(""), &stdout, &stderr)
		for _, line := range strings.Split(stdout.String(), "\n") {
			if m := single.FindString(line); m != "" && !strings.Contains(line, "-rotated-") {
				t.Errorf("%v: a flag with one dash, %q, in %q", args, m, line)
			}
		}
	}
	var stdout, stderr bytes.Buffer
	run([]string{"--help"}, strings.NewReader(""), &stdout, &stderr)
	for _, flag := range []string{"--org ORG", "--key KEY", "--keys-key KEY", "--partner ID", "--base-url URL", "--mock", "--timeout DURATION", "--json", "-h, --help"} {
		if !strings.Contains(stdout.String(), "\n  "+flag+" ") {
			t.Errorf("--help does not list the global flag %s:\n%s", flag, stdout.String())
		}
	}
}

// The overview's --json names the commands it lists that have --json, and
// no other.
func TestHelpJSONNamesItsCommands(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "(users sync, users report, users tracks, users interviews, keys list) "},
		{[]string{"users", "--help"}, "(users sync, users report, users tracks, users interviews) "},
		{[]string{"keys", "--help"}, "(keys list) "},
	} {
		var stdout, stderr bytes.Buffer
		run(tc.args, strings.NewReader(""), &stdout, &stderr)
		var line string
		for _, l := range strings.Split(stdout.String(), "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "--json ") {
				line = l
			}
		}
		if !strings.Contains(line, tc.want+jsonUsage) {
			t.Errorf("%v: the --json line %q, want it to say %q", tc.args, line, tc.want)
		}
	}
}
