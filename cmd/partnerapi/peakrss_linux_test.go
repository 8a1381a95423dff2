//go:build linux

package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkSyncHugeLinePeakRSS runs the built CLI (users sync --dry-run)
// on a roster whose second row holds one 300 MiB field, and reports the
// process's peak resident memory as peak-RSS-MiB, beside the same for a
// two-row roster as baseline-RSS-MiB. The huge row must fail with its
// size, and the row after it be read.
//
// The peak is GNU time's %M (ru_maxrss of a process it forked): the
// rusage that os/exec gets is no use here, since Go starts a child with
// vfork semantics and Linux counts the parent's resident memory, shared
// until exec, in the child's peak.
//
//	go test -run '^$' -bench SyncHugeLinePeakRSS ./cmd/partnerapi/
func BenchmarkSyncHugeLinePeakRSS(b *testing.B) {
	timePath, err := exec.LookPath("time")
	if err != nil {
		if timePath, err = exec.LookPath("/usr/bin/time"); err != nil {
			b.Fatalf("GNU time (/usr/bin/time) is needed to measure a process's peak memory: %v", err)
		}
	}
	dir := b.TempDir()
	huge := filepath.Join(dir, "huge.csv")
	small := filepath.Join(dir, "small.csv")
	const rows = rosterHeader + "u1,Ann,Lee,a@example.com\n"
	if err := os.WriteFile(small, []byte(rows+"u2,Bob,Ray,b@example.com\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	f, err := os.Create(huge)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(rows + "u2,\"")
	chunk := strings.Repeat("x", 1<<20)
	for range 300 {
		w.WriteString(chunk)
	}
	w.WriteString("\",Ray,b@example.com\nu3,Cy,Doe,c@example.com\n")
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	peakKiB := filepath.Join(dir, "peak")
	peak := func(path string, wantCode int, wantStderr string) int64 {
		cmd := exec.Command(timePath, "-f", "%M", "-o", peakKiB, binPath, "users", "sync", path, "--dry-run")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != wantCode || !strings.Contains(stderr.String(), wantStderr) {
			b.Fatalf("%s: exit %d (%v), stderr:\n%s", path, code, err, stderr.String())
		}
		out, err := os.ReadFile(peakKiB)
		if err != nil {
			b.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n") // a non-zero exit adds a line before
		kib, err := strconv.ParseInt(lines[len(lines)-1], 10, 64)
		if err != nil {
			b.Fatalf("time -f %%M wrote %q: %v", out, err)
		}
		return kib
	}
	var hugeRSS, smallRSS int64
	for b.Loop() {
		hugeRSS = max(hugeRSS, peak(huge, exitFailed, `line 3: partner_id "u2": not valid CSV: the line is 300.0 MiB long`))
		smallRSS = max(smallRSS, peak(small, exitOK, ""))
	}
	b.ReportMetric(float64(hugeRSS)/1024, "peak-RSS-MiB")
	b.ReportMetric(float64(smallRSS)/1024, "baseline-RSS-MiB")
}
