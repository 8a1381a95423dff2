package main

// The HTML summary in a real browser: headless Chromium, driven from the
// command line (no Go dependency), renders the page, and the test checks
// that the charts are there and sized, keeps a screenshot, and shows that
// the page's policy stops a script from running.
//
// It needs Chromium (Debian: apt-get install chromium). Without one the
// test skips, except in CI (CI=true), where it fails. The screenshot goes
// to $PARTNERAPI_TEST_ARTIFACTS when set, else to the test's temporary
// directory; its path is logged.

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partnerapi/go-partnerapi/internal/testenv"
)

// chromium runs headless Chromium once on the page at path with the extra
// flags given (--screenshot=…, --dump-dom) and returns its stdout. Each
// run has a fresh profile, nothing in the background and no network but
// the file.
func chromium(t *testing.T, browser, path string, extra ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
		"--user-data-dir=" + t.TempDir(),
		"--window-size=1280,1800", "--hide-scrollbars",
	}, extra...)
	args = append(args, "file://"+path)
	cmd := exec.CommandContext(ctx, browser, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(extra, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

// measureScript, appended to a copy of the page, writes the box of every
// chart (and the page's height) into the DOM as JSON, for --dump-dom to
// print. The page itself has no script.
const measureScript = `<script>
const boxes = [...document.querySelectorAll("svg.chart")].map(svg => {
  const r = svg.getBoundingClientRect();
  return {class: svg.getAttribute("class"), label: svg.getAttribute("aria-label"), width: r.width, height: r.height,
    rects: [...svg.querySelectorAll("rect:not(.rail)")].filter(e => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().height > 0).length,
    texts: svg.querySelectorAll("text").length};
});
const out = document.createElement("pre");
out.id = "measured";
out.textContent = JSON.stringify({charts: boxes, height: document.documentElement.scrollHeight, width: document.documentElement.scrollWidth});
document.body.appendChild(out);
</script>`

// chartBox is one chart as the browser laid it out.
type chartBox struct {
	Class, Label  string
	Width, Height float64
	Rects, Texts  int
}

var cspMeta = regexp.MustCompile(`<meta http-equiv="Content-Security-Policy"[^>]*>\n`)

func TestSummaryInChromium(t *testing.T) {
	browser := testenv.Chromium(t)
	end := time.Date(2026, 3, 15, 18, 0, 0, 0, time.UTC)
	rows := summaryRows(240, end,
		reportRow{PartnerID: "jane doe", Error: `invalid partner_id "jane doe": byte 4 is ' ' (allowed: 0-9 A-Z a-z _ -)`},
		reportRow{PartnerID: "former-employee", Error: "GET /api/users/former-employee/tracks: 404 Not Found: user not found"},
		reportRow{PartnerID: `<script>alert("x")</script>`, Error: `invalid partner_id "<script>alert(\"x\")</script>"`},
	)
	var page bytes.Buffer
	if err := renderSummary(&page, summarize(rows, true), end); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pagePath := filepath.Join(dir, "summary.html")
	if err := os.WriteFile(pagePath, page.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	// The screenshot: kept as an artifact.
	artifacts := os.Getenv("PARTNERAPI_TEST_ARTIFACTS")
	if artifacts == "" {
		artifacts = dir
	} else if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(artifacts, "report-summary.png")
	chromium(t, browser, pagePath, "--screenshot="+shot)
	png, err := os.ReadFile(shot)
	if err != nil || len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Fatalf("no screenshot at %s: %v", shot, err)
	}
	t.Logf("screenshot: %s (%d bytes)", shot, len(png))

	// The layout: a copy of the page without its policy, with a script
	// that measures the charts.
	measured := cspMeta.ReplaceAllString(page.String(), "")
	if measured == page.String() {
		t.Fatal("the page has no Content-Security-Policy meta to take out")
	}
	measuredPath := filepath.Join(dir, "measured.html")
	measured = strings.Replace(measured, "</body>", measureScript+"\n</body>", 1)
	if err := os.WriteFile(measuredPath, []byte(measured), 0o600); err != nil {
		t.Fatal(err)
	}
	dom := chromium(t, browser, measuredPath, "--dump-dom")
	m := regexp.MustCompile(`<pre id="measured">(.*?)</pre>`).FindSubmatch(dom)
	if m == nil {
		t.Fatalf("the measuring script wrote nothing; the DOM:\n%.2000s", dom)
	}
	var got struct {
		Charts        []chartBox
		Height, Width float64
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &got); err != nil {
		t.Fatal(err)
	}
	t.Logf("layout: %+v", got)
	var tracks, weekly int
	for _, c := range got.Charts {
		switch {
		case strings.Contains(c.Class, "track-chart"):
			tracks++
			// Six bars (every bucket has users here), with labels and values.
			if c.Width < 400 || c.Height < 150 || c.Rects != len(progressBuckets) || c.Texts != 2*len(progressBuckets) {
				t.Errorf("track chart %q laid out %.0f×%.0f with %d bars, %d labels", c.Label, c.Width, c.Height, c.Rects, c.Texts)
			}
		case strings.Contains(c.Class, "weekly-chart"):
			weekly++
			if c.Width < 800 || c.Height < 200 || c.Rects < 8 {
				t.Errorf("weekly chart laid out %.0f×%.0f with %d bars", c.Width, c.Height, c.Rects)
			}
		}
	}
	if tracks != 2 || weekly != 1 {
		t.Errorf("%d track charts and %d weekly charts, want 2 and 1", tracks, weekly)
	}
	if got.Width > 1280 {
		t.Errorf("the page is %.0f px wide in a 1280 px window: it scrolls sideways", got.Width)
	}

	// The page's own policy stops a script: the same copy with the policy
	// kept writes nothing.
	guarded := strings.Replace(page.String(), "</body>", measureScript+"\n</body>", 1)
	guardedPath := filepath.Join(dir, "guarded.html")
	if err := os.WriteFile(guardedPath, []byte(guarded), 0o600); err != nil {
		t.Fatal(err)
	}
	if dom := chromium(t, browser, guardedPath, "--dump-dom"); bytes.Contains(dom, []byte(`id="measured"`)) {
		t.Error("a script ran in the page despite its Content-Security-Policy")
	} else if !bytes.Contains(dom, []byte("Roster progress")) {
		t.Errorf("the guarded page did not render:\n%.2000s", dom)
	}
}
