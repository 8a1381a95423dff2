package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/partnerapi/go-partnerapi/internal/testenv"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// A restart with -state finds everything the first run held, and prints
// the same lines: the file's partners and webhooks are reused, not added
// twice.
func TestStateSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	args := []string{"-addr", "127.0.0.1:0", "-partner", "acme", "-webhook", "acme=http://127.0.0.1:1/hook", "-state", path}
	m := startMockFull(t, args...)
	acme := m.partners[0]
	if st, _ := do(t, m.base, "POST", "/api/users/ada", `{"first_name":"Ada","last_name":"Lovelace","email":"ada@example.com"}`, "Authorization", acme.key); st != 201 {
		t.Fatalf("create: %d", st)
	}
	if st, _ := do(t, m.base, "PUT", "/_mock/partners/"+acme.id+"/users/ada/progress", `{"track":"Fast Track","completed":[1,2]}`); st != 200 {
		t.Fatalf("progress: %d", st)
	}
	if st, _ := do(t, m.base, "POST", "/_mock/partners", `{"org":"added-over-http"}`); st != 201 {
		t.Fatalf("partner: %d", st)
	}
	m.stop(t)

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v; want 0600 (it holds credentials)", fi.Mode().Perm())
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".state.json.tmp-*")); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	m2 := startMockFull(t, args...)
	if strings.Join(m2.lines[1:], "\n") != strings.Join(m.lines[1:], "\n") {
		t.Errorf("after the restart the lines are\n%s\nwant\n%s", strings.Join(m2.lines[1:], "\n"), strings.Join(m.lines[1:], "\n"))
	}
	st, b := do(t, m2.base, "GET", "/api/users/ada/tracks", "", "Authorization", acme.key)
	if st != 200 || !strings.Contains(string(b), `"progress":0.40`) {
		t.Errorf("tracks after the restart: %d %s", st, b)
	}
	_, b = do(t, m2.base, "GET", "/_mock/partners", "")
	var ps []struct{ Org string }
	if json.Unmarshal(b, &ps); len(ps) != 2 || ps[1].Org != "added-over-http" {
		t.Errorf("partners after the restart: %s", b)
	}
	m2.stop(t) // then its stderr may be read
	if !strings.Contains(m2.stderr.String(), "state loaded from "+path) {
		t.Errorf("stderr does not say the state was loaded: %q", m2.stderr)
	}
}

// kill -9 loses at most the last second: a change is in the file within
// a second, whatever happens to the process after that.
func TestStateKillNineLosesAtMostOneSecond(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	args := []string{"-addr", "127.0.0.1:0", "-partner", "acme", "-state", path}
	m := startMockFull(t, args...)
	acme := m.partners[0]
	for i, id := range []string{"first", "second", "third"} {
		if st, _ := do(t, m.base, "POST", "/api/users/"+id, `{"first_name":"A","last_name":"B","email":"a@example.com"}`, "Authorization", acme.key); st != 201 {
			t.Fatalf("create %s: %d", id, st)
		}
		if i < 2 {
			time.Sleep(200 * time.Millisecond) // changes between saves, as under load
		}
	}
	time.Sleep(time.Second) // the promise: a change a second old is on disk
	if err := m.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	m.cmd.Wait()

	m2 := startMockFull(t, args...)
	defer m2.stop(t)
	for _, id := range []string{"first", "second", "third"} {
		if st, _ := do(t, m2.base, "GET", "/_mock/partners/"+acme.id+"/users/"+id, ""); st != 200 {
			t.Errorf("user %s, created more than a second before kill -9: %d after the restart", id, st)
		}
	}
}

// A state file that is not a snapshot this version reads stops the start,
// with a message naming the file and the problem, and is left as it is.
func TestStateFileRefusedAndKept(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	m := startMockFull(t, "-addr", "127.0.0.1:0", "-partner", "acme", "-state", good)
	m.stop(t)
	snap, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, content, says string
	}{
		{"corrupt", "this is not JSON", "not valid JSON"},
		{"truncated", string(snap[:len(snap)/2]), "ends early"},
		{"newer", strings.Replace(string(snap), `"version":1`, `"version":2`, 1), "version 2, newer than this fake reads (1)"},
		{"empty", "", "not valid JSON"},
	} {
		path := filepath.Join(dir, c.name+".json")
		if err := os.WriteFile(path, []byte(c.content), 0o600); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		code := run([]string{"-addr", "127.0.0.1:0", "-partner", "acme", "-state", path}, &stdout, &stderr)
		if code != 1 || !strings.Contains(stderr.String(), path) || !strings.Contains(stderr.String(), c.says) {
			t.Errorf("%s: exit %d, stderr %q; want 1 naming %s and saying %q", c.name, code, stderr.String(), path, c.says)
		}
		if stdout.Len() != 0 {
			t.Errorf("%s: printed %q", c.name, stdout.String())
		}
		if b, _ := os.ReadFile(path); string(b) != c.content {
			t.Errorf("%s: the file was changed", c.name)
		}
	}
	// A path that cannot be written stops the start too.
	var stderr bytes.Buffer
	nowhere := filepath.Join(dir, "no-such-dir", "state.json")
	if code := run([]string{"-addr", "127.0.0.1:0", "-state", nowhere}, io.Discard, &stderr); code != 1 || !strings.Contains(stderr.String(), nowhere) {
		t.Errorf("unwritable path: exit %d, %q", code, stderr.String())
	}
}

// A save that fails (here: the state file's directory is gone) is tried
// again on the next tick, with no further change to prompt it, until it
// succeeds: the file catches up within a second of the write error
// clearing, and the failure is reported once, then its end.
func TestStateSaveRetriedWithoutAChange(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	path := filepath.Join(dir, "state.json")
	srv := mockserver.New(mockserver.WithoutListener())
	defer srv.Close()
	sf := &stateFile{path: path, srv: srv}
	var stderr testenv.SyncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go sf.keepSaved(ctx, &stderr, done)
	defer func() { cancel(); <-done }()

	srv.AddPartner("acme") // the one change: no other comes after it
	testenv.WaitFor(t, "the failed save reported", func() bool { return strings.Contains(stderr.String(), "saving -state") })
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, "the state file written once its directory exists", func() bool {
		b, err := os.ReadFile(path)
		return err == nil && bytes.Contains(b, []byte(`"org":"acme"`))
	})
	cancel()
	<-done
	out := stderr.String()
	if n := strings.Count(out, "saving -state"); n != 1 {
		t.Errorf("the failure reported %d times; want once while it lasts:\n%s", n, out)
	}
	if !strings.Contains(out, "-state "+path+" saved again") {
		t.Errorf("stderr does not say the state was saved again:\n%s", out)
	}
}
