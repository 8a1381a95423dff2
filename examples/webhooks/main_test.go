package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestRun runs the example and checks what it prints, line by line. Times
// are matched loosely where the fake's clock, which also runs in real
// time, could tick over a second.
func TestRun(t *testing.T) {
	var out strings.Builder
	if err := run(&out); err != nil {
		t.Fatalf("run: %v\noutput:\n%s", err, out.String())
	}
	const tm = `\d\d:\d\d:\d\d`
	want := []string{
		`fake Big Interview running, clock at 2015-05-18T16:00:00Z; webhook registered for organization "acme"`,
		``,
		`== seed: AddInterview`,
		`received interview.created partner_id=user-1 interview=1 updated_at=2015-05-18T16:00:00Z -> stored`,
		``,
		`== an hour later, seed: UpdateInterview \(the receiver's storage is down\)`,
		`received interview.updated partner_id=user-1 interview=1 updated_at=2015-05-18T17:00:0\dZ -> storage unavailable: answered 500, to be retried`,
		``,
		`== Advance\(10m\): the fake retries the failed delivery`,
		`received interview.updated partner_id=user-1 interview=1 updated_at=2015-05-18T17:00:0\dZ -> stored`,
		``,
		`== seed: DeleteInterview`,
		`received interview.deleted partner_id=user-1 interview=1 -> stored`,
		``,
		`== the fake's delivery journal \(Deliveries\)`,
		`  16:00:0\d  interview.created attempt 1  -> 200`,
		`  17:00:0\d  interview.updated attempt 1  -> 500`,
		`  17:10:0\d  interview.updated attempt 2  -> 200`,
		`  ` + tm + `  interview.deleted attempt 1  -> 200`,
	}
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(got), len(want), out.String())
	}
	for i := range want {
		if !regexp.MustCompile(`^` + want[i] + `$`).MatchString(got[i]) {
			t.Errorf("line %d:\n got %q\nwant %q", i+1, got[i], want[i])
		}
	}
	// The retry came ten minutes of the fake's clock after the failure.
	if !strings.Contains(got[16], "17:00:0") || !strings.Contains(got[17], "17:10:0") || got[16][8:10] != got[17][8:10] {
		t.Errorf("the retry is not ten minutes after the failed attempt:\n%s\n%s", got[16], got[17])
	}
}
