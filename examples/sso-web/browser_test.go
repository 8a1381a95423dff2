package main

// A real browser through the whole flow: headless Chromium, driven with
// chromedp, signs in to the partner app, presses "Open interview practice"
// and lands on the (fake) member app's dashboard; 49 hours later on the
// fake's clock the same login link lands on the 401 page, and a new press
// signs in again.
//
// It needs Chromium (Debian: apt-get install chromium). Without one the
// test skips, except in CI (CI=true), where it fails.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/partnerapi/go-partnerapi/internal/testenv"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// newBrowser starts headless Chromium with a fresh profile and returns a
// context for driving its first tab, ending in 60 s. The flags are the
// ones this machine needs, and no others: chromedp's
// DefaultExecAllocatorOptions add two dozen more (and lack
// --disable-component-update). The browser is closed when the test ends;
// its output is logged if the test failed.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	execPath := testenv.Chromium(t)
	output := &testenv.SyncBuffer{}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // root in a container has no sandbox
		chromedp.Flag("disable-gpu", true),
		chromedp.NoFirstRun,
		// Without these Chromium reaches for Google's hosts, which this
		// machine's closed network refuses, many at a time.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WSURLReadTimeout(60 * time.Second), // slow, shared cores
		chromedp.CombinedOutput(output),
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), 60*time.Second)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() {
		// Close the browser gracefully and wait for it to exit, before
		// t.TempDir's profile is removed.
		if err := chromedp.Cancel(browserCtx); err != nil {
			t.Logf("closing the browser: %v", err)
		}
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
		if t.Failed() {
			t.Logf("%s output:\n%s", execPath, output.String())
		}
	})
	if err := chromedp.Run(browserCtx); err != nil { // start it now, so a failure to start is reported as such
		t.Fatalf("starting %s: %v", execPath, err)
	}
	return browserCtx
}

// lastLoginLink returns the most recent /sso/login URL the fake was asked
// for: the link the button's click produced.
func lastLoginLink(t *testing.T, fake *mockserver.Server) string {
	t.Helper()
	reqs := fake.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Path == "/sso/login" {
			return fake.URL + "/sso/login?" + reqs[i].RawQuery
		}
	}
	t.Fatal("the fake saw no /sso/login request")
	return ""
}

func TestBrowserSignInThenOpenInterviewPractice(t *testing.T) {
	fake, app := startApp(t)
	ctx := newBrowser(t)

	// Sign in to the partner app as Grace Hopper and press the button.
	var who, partnerID, location string
	err := chromedp.Run(ctx,
		chromedp.Navigate(app.URL+"/"),
		chromedp.WaitVisible(`#signin`, chromedp.ByID),
		chromedp.SetValue(`#user`, "grace-hopper", chromedp.ByID),
		chromedp.Click(`#signin`, chromedp.ByID),
		chromedp.WaitVisible(`#practice`, chromedp.ByID),
		chromedp.Text(`#who`, &who, chromedp.ByID),
		chromedp.Click(`#practice`, chromedp.ByID),
		chromedp.WaitVisible(`#partner-id`, chromedp.ByID),
		chromedp.Text(`#partner-id`, &partnerID, chromedp.ByID),
		chromedp.Location(&location),
	)
	if err != nil {
		t.Fatalf("sign in and open interview practice: %v", err)
	}
	if who != "Grace Hopper" {
		t.Errorf("the partner app shows %q signed in, want Grace Hopper", who)
	}
	if partnerID != "grace-hopper" {
		t.Errorf("the dashboard shows partner_id %q, want grace-hopper", partnerID)
	}
	if location != fake.URL+"/members/dashboard" {
		t.Errorf("the browser is at %s, want %s/members/dashboard", location, fake.URL)
	}
	link := lastLoginLink(t, fake)
	if strings.HasPrefix(location, fake.URL+"/sso/login") || !strings.Contains(link, "token=") {
		t.Fatalf("the click's login link %q, final location %q", link, location)
	}

	// 49 hours later on the fake's clock the click's link has expired.
	fake.Advance(49 * time.Hour)
	var heading, text string
	err = chromedp.Run(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(`h1`, chromedp.ByQuery),
		chromedp.Text(`h1`, &heading, chromedp.ByQuery),
		chromedp.Text(`p`, &text, chromedp.ByQuery),
		chromedp.Location(&location),
	)
	if err != nil {
		t.Fatalf("open the expired link: %v", err)
	}
	if heading != "Sign-in link not valid" || !strings.Contains(text, "expired") {
		t.Errorf("the expired link shows %q / %q, want the 401 page (Sign-in link not valid, expired)", heading, text)
	}
	if !strings.HasPrefix(location, fake.URL+"/sso/login?") {
		t.Errorf("the expired link went on to %s; want to stay on the 401 page", location)
	}

	// A new press mints a new token, valid from the fake's new now.
	partnerID = ""
	err = chromedp.Run(ctx,
		chromedp.Navigate(app.URL+"/"),
		chromedp.WaitVisible(`#practice`, chromedp.ByID),
		chromedp.Click(`#practice`, chromedp.ByID),
		chromedp.WaitVisible(`#partner-id`, chromedp.ByID),
		chromedp.Text(`#partner-id`, &partnerID, chromedp.ByID),
	)
	if err != nil {
		t.Fatalf("press the button again after 49 h: %v", err)
	}
	if partnerID != "grace-hopper" {
		t.Errorf("after 49 h a new press shows partner_id %q, want grace-hopper", partnerID)
	}
	if again := lastLoginLink(t, fake); again == link {
		t.Errorf("the second press reused the expired link")
	}
}

func TestBrowserNotSignedInGets403(t *testing.T) {
	_, app := startApp(t)
	ctx := newBrowser(t)
	var body string
	err := chromedp.Run(ctx,
		chromedp.Navigate(app.URL+"/practice"),
		chromedp.WaitReady(`body`, chromedp.ByQuery),
		chromedp.Text(`body`, &body, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("open /practice signed out: %v", err)
	}
	if !strings.Contains(body, "Not signed in") {
		t.Errorf("the page says %q, want the 403 page (Not signed in)", body)
	}
}
