package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// binPath is the CLI, built once by TestMain.
var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "partnerapi-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "partnerapi")
	if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the CLI: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is one run of the CLI.
type result struct {
	stdout, stderr string
	code           int
}

// lines returns the non-empty lines of s.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// fixture is a fake with one partner, and the environment that points the
// CLI at it, each API with its own key. The partner's keys are the
// canaries: no output may contain them.
type fixture struct {
	srv *mockserver.Server
	p   *mockserver.Partner
	env []string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	srv := mockserver.New()
	t.Cleanup(srv.Close)
	p := srv.AddPartner("acme")
	return &fixture{srv: srv, p: p, env: []string{
		"PARTNERAPI_BASE_URL=" + srv.URL,
		"PARTNERAPI_KEY=" + p.APIKey,
		"PARTNERAPI_KEYS_KEY=" + p.KeysAPIKey,
		"PARTNERAPI_PARTNER=" + p.ID,
	}}
}

// run runs the CLI with the fixture's environment and checks that no
// output holds the partner's keys.
func (f *fixture) run(t *testing.T, args ...string) result {
	t.Helper()
	return runCLI(t, f.env, f.secrets(), "", args...)
}

// secrets are the partner's keys, the canaries of every run.
func (f *fixture) secrets() []string { return []string{f.p.APIKey, f.p.KeysAPIKey} }

// runCLI runs the built CLI with exactly env (plus PATH and HOME: nothing
// of the caller's PARTNERAPI_* leaks in), stdin, and args, and fails the
// test if stdout or stderr contains any of secrets in any letter case.
func runCLI(t *testing.T, env, secrets []string, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a safety net, not an assertion
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %v: %v", args, err)
	}
	r := result{stdout: stdout.String(), stderr: stderr.String(), code: code}
	for _, s := range secrets {
		for name, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
			if strings.Contains(strings.ToLower(out), strings.ToLower(s)) {
				t.Fatalf("partnerapi %v: %s holds a credential:\n%s", args, name, out)
			}
		}
	}
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic:") {
		t.Fatalf("partnerapi %v: a stack trace on stderr:\n%s", args, r.stderr)
	}
	return r
}

// wantCode fails the test unless r exited with code.
func wantCode(t *testing.T, r result, code int, args ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("partnerapi %v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", args, r.code, code, r.stdout, r.stderr)
	}
}

// oneErrorLine checks that stderr is exactly one "partnerapi: ..." line
// and returns it.
func oneErrorLine(t *testing.T, r result) string {
	t.Helper()
	ls := lines(r.stderr)
	if len(ls) != 1 || !strings.HasPrefix(ls[0], "partnerapi: ") || strings.HasPrefix(ls[0], "partnerapi: partnerapi:") {
		t.Fatalf("stderr is not one error line:\n%s", r.stderr)
	}
	return ls[0]
}

// decodeJSON decodes stdout, which must be one bare JSON value starting
// with open ('[' or '{').
func decodeJSON(t *testing.T, stdout string, open byte, v any) {
	t.Helper()
	s := strings.TrimSpace(stdout)
	if s == "" || s[0] != open {
		t.Fatalf("stdout is not a bare JSON value starting with %c:\n%s", open, stdout)
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("stdout does not decode: %v\n%s", err, stdout)
	}
	if dec.More() {
		t.Fatalf("stdout has more than one JSON value:\n%s", stdout)
	}
}

// sdk returns an SDK client on the fixture's fake with key on both APIs:
// the partner's APIKey for the users API, its KeysAPIKey (or a key made
// through the keys API) for the keys API.
func (f *fixture) sdk(t *testing.T, key string) *partnerapi.Client {
	t.Helper()
	c, err := partnerapi.NewClient(key, partnerapi.WithBaseURL(f.srv.URL), partnerapi.WithRetry(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// createUser creates a user on the fake through the SDK.
func (f *fixture) createUser(t *testing.T, id string) {
	t.Helper()
	if _, err := f.sdk(t, f.p.APIKey).Users.CreateOrUpdate(context.Background(), id,
		&partnerapi.UserParams{FirstName: "Test", LastName: "User", Email: id + "@example.com"}); err != nil {
		t.Fatal(err)
	}
}
