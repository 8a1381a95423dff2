package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
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
		{[]string{"-partner", "bad org"}, 2, `partnerapi-mock: -partner "bad org": organization "bad org" is not a subdomain`},
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
		tok := regexp.MustCompile(`"token":"([0-9a-f]{64})"`).FindSubmatch(body)
		if tok == nil {
			t.Fatalf("no token in %s", body)
		}
		return string(tok[1])
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
		{[]string{"-partner", "acme", "-webhook", "acme=ftp://x"}, `partnerapi-mock: -webhook "acme=ftp://x": "ftp://x" is not an absolute`},
	} {
		var stdout, stderr bytes.Buffer
		if got := run(append([]string{"-addr", "127.0.0.1:0"}, c.args...), &stdout, &stderr); got != 2 || !strings.Contains(stderr.String(), c.says) {
			t.Errorf("run(%q) = %d, stderr %q; want 2 mentioning %q", c.args, got, stderr.String(), c.says)
		}
	}
}
