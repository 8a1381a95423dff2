package main

import (
	"bytes"
	"flag"
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

func TestRotatedName(t *testing.T) {
	at := mustTime(t, "2025-01-02T03:04:05Z")
	for in, want := range map[string]string{
		"default":                          "default-rotated-20250102T030405Z",
		"ci-rotated-20240101T000000Z":      "ci-rotated-20250102T030405Z",
		"-rotated-20240101T000000Z":        "-rotated-20240101T000000Z-rotated-20250102T030405Z",
		"  ":                               "key-rotated-20250102T030405Z",
		"prod (eu)-rotated-20240101T00000": "prod (eu)-rotated-20250102T030405Z",
	} {
		if got := rotatedName(in, at); got != want {
			t.Errorf("rotatedName(%q) = %q, want %q", in, got, want)
		}
	}
}

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
