package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestRun runs the example as `go run ./examples/keyrotation` does with no
// environment: it rotates the key of a partner of the embedded fake, and
// itself checks that the old key no longer authenticates.
func TestRun(t *testing.T) {
	t.Setenv("PARTNERAPI_PARTNER", "")
	t.Setenv("PARTNERAPI_KEYS_KEY", "")
	var out strings.Builder
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run: %v\noutput:\n%s", err, out.String())
	}
	want := []string{
		`using the embedded fake at http://127\.0\.0\.1:\d+`,
		`rotating key ([0-9a-f]{24})`,
		`created key [0-9a-f]{24} \("rotated-\d{8}T\d{6}Z"\)`,
		`the new key works`,
		`removed key ([0-9a-f]{24}); it no longer authenticates`,
		`store the new key in your secret manager now: it is printed nowhere by this program`,
	}
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(got), len(want), out.String())
	}
	var ids []string
	for i := range want {
		m := regexp.MustCompile(`^` + want[i] + `$`).FindStringSubmatch(got[i])
		if m == nil {
			t.Errorf("line %d:\n got %q\nwant %q", i+1, got[i], want[i])
			continue
		}
		if len(m) > 1 {
			ids = append(ids, m[1])
		}
	}
	if len(ids) == 2 && ids[0] != ids[1] {
		t.Errorf("rotated key %s but removed key %s", ids[0], ids[1])
	}
}
