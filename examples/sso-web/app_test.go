package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/partnerapi/go-partnerapi/mockserver"
)

// startApp starts the fake with one partner and the app against it, and
// returns both servers.
func startApp(t *testing.T) (*mockserver.Server, *httptest.Server) {
	t.Helper()
	fake := mockserver.New()
	t.Cleanup(fake.Close)
	partner := fake.AddPartner("acme")
	client, err := fake.NewClient(partner)
	if err != nil {
		t.Fatal(err)
	}
	app := httptest.NewServer(newApp(client))
	t.Cleanup(app.Close)
	return fake, app
}

// get and post answer the final URL, status and body, following redirects
// and keeping cookies as a browser does.
func get(t *testing.T, hc *http.Client, u string) (*url.URL, int, string) {
	t.Helper()
	resp, err := hc.Get(u)
	return read(t, resp, err)
}

func post(t *testing.T, hc *http.Client, u string, form url.Values) (*url.URL, int, string) {
	t.Helper()
	resp, err := hc.PostForm(u, form)
	return read(t, resp, err)
}

func read(t *testing.T, resp *http.Response, err error) (*url.URL, int, string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.Request.URL, resp.StatusCode, string(b)
}

func newBrowserlessClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

func TestAppSignInThenPracticeLandsOnTheDashboard(t *testing.T) {
	fake, app := startApp(t)
	hc := newBrowserlessClient(t)

	_, status, body := get(t, hc, app.URL+"/")
	if status != http.StatusOK || !strings.Contains(body, `<option value="grace-hopper">Grace Hopper</option>`) || strings.Contains(body, "Open interview practice") {
		t.Fatalf("home page when signed out (%d):\n%s", status, body)
	}
	if _, status, body := get(t, hc, app.URL+"/practice"); status != http.StatusForbidden {
		t.Errorf("practice when signed out: %d, want 403; body %q", status, body)
	}

	final, status, body := post(t, hc, app.URL+"/signin", url.Values{"user": {"grace-hopper"}})
	if status != http.StatusOK || final.Path != "/" || !strings.Contains(body, `<span id="who">Grace Hopper</span>`) || !strings.Contains(body, "Open interview practice") {
		t.Fatalf("after signing in: %s %d:\n%s", final, status, body)
	}

	final, status, body = get(t, hc, app.URL+"/practice")
	if status != http.StatusOK || final.Scheme+"://"+final.Host != fake.URL || final.Path != "/members/dashboard" {
		t.Fatalf("practice ended at %s with %d, want %s/members/dashboard 200:\n%s", final, status, fake.URL, body)
	}
	if !strings.Contains(body, `<span id="partner-id">grace-hopper</span>`) {
		t.Errorf("the dashboard does not show grace-hopper:\n%s", body)
	}

	if final, status, _ := post(t, hc, app.URL+"/signout", nil); status != http.StatusOK || final.Path != "/" {
		t.Errorf("sign out ended at %s with %d", final, status)
	}
	if _, status, _ := get(t, hc, app.URL+"/practice"); status != http.StatusForbidden {
		t.Errorf("practice after signing out: %d, want 403", status)
	}
}

func TestAppSignInRefusesAnUnknownUser(t *testing.T) {
	_, app := startApp(t)
	hc := newBrowserlessClient(t)
	if _, status, _ := post(t, hc, app.URL+"/signin", url.Values{"user": {"mallory"}}); status != http.StatusBadRequest {
		t.Errorf("sign in as mallory: %d, want 400", status)
	}
	u, _ := url.Parse(app.URL)
	if cs := hc.Jar.Cookies(u); len(cs) != 0 {
		t.Errorf("cookies set for an unknown user: %v", cs)
	}
	if _, status, _ := get(t, hc, app.URL+"/practice"); status != http.StatusForbidden {
		t.Errorf("practice: %d, want 403", status)
	}
}

func TestRunServesTheAppUntilTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"-addr", "127.0.0.1:0"}, func(string) string { return "" }, pw)
		pw.Close()
	}()

	sc := bufio.NewScanner(pr)
	var appURL string
	for appURL == "" && sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "partner app: open "); ok {
			appURL = strings.TrimSuffix(rest, " in a browser")
		}
	}
	if appURL == "" {
		t.Fatalf("run printed no app URL (scan error %v; run: %v)", sc.Err(), <-errc)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	_, status, body := get(t, newBrowserlessClient(t), appURL)
	if status != http.StatusOK || !strings.Contains(body, "Sign in as") {
		t.Errorf("GET %s: %d:\n%s", appURL, status, body)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("run returned %v after the context ended, want nil", err)
	}
}

func TestRunRefusesHalfTheCredentials(t *testing.T) {
	env := map[string]string{"PARTNERAPI_ORG": "acme"}
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "PARTNERAPI_KEY") {
		t.Errorf("run with only PARTNERAPI_ORG: %v, want an error naming PARTNERAPI_KEY", err)
	}
}
