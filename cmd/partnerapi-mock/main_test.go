package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
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

	partnerapi "github.com/partnerapi/go-partnerapi"
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

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
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
	cmd, base, partners, stderr, sc := startMockLines(t, args...)
	go io.Copy(io.Discard, sc.rd)
	return cmd, base, partners, stderr
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

func TestServesAndStopsCleanly(t *testing.T) {
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd, base, partners, stderr := startMock(t, "-addr", "127.0.0.1:0", "-partner", "acme", "-partner", "Beta:anonymous")
			if len(partners) != 2 || partners[0].org != "acme" || partners[1].org != "beta" {
				t.Fatalf("partners %+v", partners)
			}
			acme, beta := partners[0], partners[1]

			// Plain net/http, as a program in another language would.
			post := func(key, path, body string) int {
				req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
				req.Header.Set("Authorization", key)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			if got := post(beta.key, "/api/users/anonymous", "{}"); got != 201 {
				t.Errorf("anonymous user for beta:anonymous: %d; want 201", got)
			}
			if got := post(acme.key, "/api/users/anonymous", "{}"); got != 403 {
				t.Errorf("anonymous user for acme: %d; want 403", got)
			}
			getKeys := func(key string) (*http.Response, []struct{ ID, Key, Partner string }, error) {
				req, _ := http.NewRequest("GET", base+"/v1/resources/partners/"+acme.id+"/api_keys", nil)
				req.Header.Set("Authorization", "key "+key)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var keys []struct{ ID, Key, Partner string }
				return resp, keys, json.NewDecoder(resp.Body).Decode(&keys)
			}
			resp, keys, err := getKeys(acme.keysKey)
			if err != nil || resp.StatusCode != 200 || len(keys) != 1 || keys[0].Key != acme.keysKey || keys[0].Partner != acme.id {
				t.Errorf("acme's keys: %d %+v %v", resp.StatusCode, keys, err)
			}
			// Each company refuses the other's key.
			if resp, _, _ := getKeys(acme.key); resp.StatusCode != 401 {
				t.Errorf("the Big Interview key on /v1: %d; want 401", resp.StatusCode)
			}
			if got := post(acme.keysKey, "/api/users/someone", `{"first_name":"A","last_name":"B","email":"a@b.example"}`); got != 401 {
				t.Errorf("the TicketsCloud key on /api: %d; want 401", got)
			}

			// And the SDK, each API on its own key.
			c, err := partnerapi.NewClient(acme.key, partnerapi.WithKeysAPIKey(acme.keysKey), partnerapi.WithBaseURL(base))
			if err != nil {
				t.Fatal(err)
			}
			u, err := c.Users.CreateOrUpdate(context.Background(), "from-sdk", &partnerapi.UserParams{FirstName: "A", LastName: "B", Email: "a@b.example"})
			if err != nil || !u.Created {
				t.Errorf("SDK create: %+v, %v", u, err)
			}
			if ps, err := c.Partners.List(context.Background(), nil); err != nil || len(ps) != 1 || ps[0].ID != acme.id {
				t.Errorf("SDK partners: %+v, %v", ps, err)
			}

			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("exit after %v: %v; want 0 (stderr: %s)", sig, err, stderr)
			}
		})
	}
}

func TestNoPartners(t *testing.T) {
	cmd, base, _, stderr := startMock(t, "-addr", "127.0.0.1:0")
	resp, err := http.Get(base + "/api/users/x/tracks")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("without partners: %d; want 401", resp.StatusCode)
	}
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v", err)
	}
	if !strings.Contains(stderr.String(), "no -partner") {
		t.Errorf("no hint on stderr: %q", stderr)
	}
}

func TestBadUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"-partner", "bad org"}, 2, "not a subdomain"},
		{[]string{"-partner", "acme:weird"}, 2, "unknown mode"},
		{[]string{"-partner", "acme", "-partner", "ACME"}, 2, "already added"},
		{[]string{"-partner", ""}, 2, "not a subdomain"},
		{[]string{"-nope"}, 2, "flag provided but not defined"},
		{[]string{"extra"}, 2, "unexpected argument"},
		{[]string{"-addr", "no-port"}, 1, "missing port"},
	} {
		var stdout, stderr bytes.Buffer
		if got := run(c.args, &stdout, &stderr); got != c.code || !strings.Contains(stderr.String(), c.says) {
			t.Errorf("run(%q) = %d, stderr %q; want %d mentioning %q", c.args, got, stderr.String(), c.code, c.says)
		}
		if stdout.Len() != 0 {
			t.Errorf("run(%q) printed %q on stdout", c.args, stdout.String())
		}
	}
}

// The same flags print the same lines with -seed: a test suite in another
// language can write its fixtures down.
func TestSeedPrintsTheSameLines(t *testing.T) {
	args := []string{"-addr", "127.0.0.1:0", "-seed", "42", "-partner", "acme", "-partner", "beta:anonymous", "-webhook", "acme=http://127.0.0.1:1/hook"}
	a := startMockFull(t, args...)
	a.stop(t)
	b := startMockFull(t, args...)
	defer b.stop(t)
	if strings.Join(a.lines[1:], "\n") != strings.Join(b.lines[1:], "\n") {
		t.Errorf("two runs with -seed 42 printed\n%s\nand\n%s", strings.Join(a.lines[1:], "\n"), strings.Join(b.lines[1:], "\n"))
	}
	if len(b.webhooks) != 1 || !strings.HasPrefix(b.webhooks[0], "webhook org=acme url=http://127.0.0.1:1/hook key=") {
		t.Errorf("webhook lines %q", b.webhooks)
	}
	// The seeded user token, too.
	token := func(m *mock) string {
		_, body := do(t, m.base, "POST", "/api/users/ada", `{"first_name":"A","last_name":"B","email":"a@example.com"}`, "Authorization", m.partners[0].key)
		return string(body[strings.Index(string(body), `"token":{`):])
	}
	c := startMockFull(t, args...)
	defer c.stop(t)
	if token(b) != token(c) {
		t.Error("two runs with -seed 42 issued different tokens")
	}
	other := startMockFull(t, "-addr", "127.0.0.1:0", "-seed", "43", "-partner", "acme")
	defer other.stop(t)
	if other.partners[0].key == b.partners[0].key {
		t.Error("-seed 43 printed the key of -seed 42")
	}
}

func TestStartTimeAndJournalSize(t *testing.T) {
	m := startMockFull(t, "-addr", "127.0.0.1:0", "-start-time", "2030-01-02T03:04:05Z", "-journal-size", "1", "-partner", "acme")
	defer m.stop(t)
	_, b := do(t, m.base, "GET", "/_mock/clock", "")
	var c struct{ Now time.Time }
	if err := json.Unmarshal(b, &c); err != nil || c.Now.Before(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) || c.Now.After(time.Date(2030, 1, 2, 3, 9, 5, 0, time.UTC)) {
		t.Errorf("clock %s", b)
	}
	for range 3 {
		do(t, m.base, "GET", "/api/users/x/tracks", "", "Authorization", m.partners[0].key)
	}
	_, b = do(t, m.base, "GET", "/_mock/requests", "")
	var rs []any
	if json.Unmarshal(b, &rs); len(rs) != 1 {
		t.Errorf("-journal-size 1 kept %d", len(rs))
	}
}

func TestAdminToken(t *testing.T) {
	m := startMockFull(t, "-addr", "127.0.0.1:0", "-admin-token", "tok-123", "-partner", "acme")
	defer m.stop(t)
	if st, _ := do(t, m.base, "GET", "/_mock/health", ""); st != 401 {
		t.Errorf("no token: %d", st)
	}
	if st, _ := do(t, m.base, "GET", "/_mock/health", "", "Authorization", "Bearer tok-123"); st != 200 {
		t.Errorf("the token: %d", st)
	}
	if st, _ := do(t, m.base, "GET", "/api/users/x/tracks", "", "Authorization", "tok-123"); st != 401 {
		t.Errorf("the token on /api: %d", st)
	}
	if st, _ := do(t, m.base, "GET", "/v1/resources/partners", "", "Authorization", "key tok-123"); st != 401 {
		t.Errorf("the token on /v1: %d", st)
	}
}

func TestBadNewFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"-seed", "abc"}, "not an integer"},
		{[]string{"-start-time", "yesterday"}, "not an RFC 3339 time"},
		{[]string{"-journal-size", "-1"}, "must not be negative"},
		{[]string{"-webhook", "acme=http://x"}, `no partner "acme"`},
		{[]string{"-partner", "acme", "-webhook", "acme"}, "not ORG=URL"},
		{[]string{"-partner", "acme", "-webhook", "acme=ftp://x"}, "not an absolute http or https URL"},
	} {
		var stdout, stderr bytes.Buffer
		if got := run(append([]string{"-addr", "127.0.0.1:0"}, c.args...), &stdout, &stderr); got != 2 || !strings.Contains(stderr.String(), c.says) {
			t.Errorf("run(%q) = %d, stderr %q; want 2 mentioning %q", c.args, got, stderr.String(), c.says)
		}
	}
}
