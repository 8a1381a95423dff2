package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds the command once for all tests.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
		}
		dir, err := os.MkdirTemp("", "partnerapi-mock-test")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "partnerapi-mock")
		out, err := exec.Command(goTool, "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New(err.Error() + ": " + string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("building the command: %v", buildErr)
	}
	return binPath
}

type partnerLine struct{ org, id, key, keysKey string }

var (
	listeningRe = regexp.MustCompile(`^listening on (http://127\.0\.0\.1:\d+)$`)
	partnerRe   = regexp.MustCompile(`^partner org=([a-z0-9-]+) id=([0-9a-f]{24}) key=([0-9a-f]{32}) keys_key=([0-9a-f]{32})$`)
	webhookRe   = regexp.MustCompile(`^webhook org=([a-z0-9-]+) url=(\S+) key=([0-9a-f]{32})$`)
)

// mock is a running partnerapi-mock.
type mock struct {
	cmd      *exec.Cmd
	base     string
	partners []partnerLine
	webhooks []string // the webhook lines
	lines    []string // every line printed on stdout, in order
	stderr   *bytes.Buffer
}

// startMockFull starts the command and reads its announcement: the
// listening line, a line per -partner, a line per -webhook.
func startMockFull(t *testing.T, args ...string) *mock {
	t.Helper()
	cmd, base, partners, stderr, sc := startMockLines(t, args...)
	m := &mock{cmd: cmd, base: base, partners: partners, stderr: stderr}
	m.lines = append(m.lines, "listening on "+base)
	for _, p := range partners {
		m.lines = append(m.lines, "partner org="+p.org+" id="+p.id+" key="+p.key+" keys_key="+p.keysKey)
	}
	for range countFlag(args, "webhook") {
		if !sc.Scan() {
			t.Fatalf("missing webhook line; stderr: %s", stderr)
		}
		if !webhookRe.MatchString(sc.Text()) {
			t.Fatalf("webhook line %q; want \"webhook org=ORG url=URL key=KEY\"", sc.Text())
		}
		m.webhooks = append(m.webhooks, sc.Text())
		m.lines = append(m.lines, sc.Text())
	}
	go io.Copy(io.Discard, sc.rd)
	return m
}

// startMock starts the command and reads its announcement.
func startMock(t *testing.T, args ...string) (cmd *exec.Cmd, base string, partners []partnerLine, stderr *bytes.Buffer) {
	t.Helper()
	m := startMockFull(t, args...)
	return m.cmd, m.base, m.partners, m.stderr
}

// lineScanner reads stdout a line at a time.
type lineScanner struct {
	*bufio.Scanner
	rd io.Reader
}

// startMockLines starts the command and reads the listening and partner
// lines, leaving the rest of stdout to the caller.
func startMockLines(t *testing.T, args ...string) (cmd *exec.Cmd, base string, partners []partnerLine, stderr *bytes.Buffer, sc lineScanner) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a safety net, not an assertion
	t.Cleanup(cancel)
	cmd = exec.CommandContext(ctx, binary(t), args...)
	stderr = &bytes.Buffer{}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	sc = lineScanner{bufio.NewScanner(out), out}
	if !sc.Scan() {
		t.Fatalf("no output; stderr: %s", stderr)
	}
	m := listeningRe.FindStringSubmatch(sc.Text())
	if m == nil {
		t.Fatalf("first line %q; want \"listening on http://127.0.0.1:PORT\"", sc.Text())
	}
	base = m[1]
	for range countFlag(args, "partner") {
		if !sc.Scan() {
			t.Fatalf("missing partner line; stderr: %s", stderr)
		}
		pm := partnerRe.FindStringSubmatch(sc.Text())
		if pm == nil {
			t.Fatalf("partner line %q; want \"partner org=ORG id=OBJECTID key=APIKEY keys_key=KEYSAPIKEY\"", sc.Text())
		}
		if pm[3] == pm[4] {
			t.Fatalf("partner line %q: one key for both companies", sc.Text())
		}
		partners = append(partners, partnerLine{pm[1], pm[2], pm[3], pm[4]})
	}
	return cmd, base, partners, stderr, sc
}

// countFlag counts the times args give the flag name.
func countFlag(args []string, name string) int {
	n := 0
	for _, a := range args {
		if a == "-"+name || a == "--"+name {
			n++
		}
	}
	return n
}

// do sends one request to a running mock and returns the status and body.
func do(t *testing.T, base, method, path, body string, header ...string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// stop ends the mock with SIGTERM and checks that it exits 0.
func (m *mock) stop(t *testing.T) {
	t.Helper()
	if err := m.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := m.cmd.Wait(); err != nil {
		t.Fatalf("exit: %v (stderr: %s)", err, m.stderr)
	}
}
