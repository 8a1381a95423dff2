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
