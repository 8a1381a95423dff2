package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSummaryCounts(t *testing.T) {
	end := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC) // a Sunday
	rows := []reportRow{
		{Line: 2, PartnerID: "a", Tracks: []trackProgress{{Title: "T", Progress: 0}}, Interviews: &interviewTally{Total: 2, Completed: 1},
			completedAt: []time.Time{end}},
		{Line: 3, PartnerID: "b", Tracks: []trackProgress{{Title: "T", Progress: 0.2}, {Title: "U", Progress: 1}}, Interviews: &interviewTally{}},
		{Line: 4, PartnerID: "c", Tracks: []trackProgress{{Title: "T", Progress: 0.25}}, Interviews: &interviewTally{Total: 3, Completed: 3},
			completedAt: []time.Time{end.AddDate(0, 0, -14), end.AddDate(0, 0, -14), end.Add(-time.Hour)}},
		{Line: 5, PartnerID: "d", Tracks: []trackProgress{{Title: "T", Progress: 0.99}}, Interviews: &interviewTally{}},
		{Line: 6, PartnerID: "e", Tracks: []trackProgress{{Title: "T", Progress: 1}}, Interviews: &interviewTally{}},
		{Line: 7, PartnerID: "bad id", Error: "invalid partner_id"},
	}
	s := summarize(rows, true)
	if s.users != 6 || s.failed != 1 || len(s.failures) != 1 || s.failures[0].Line != 7 {
		t.Fatalf("users %d, failed %d, failures %+v", s.users, s.failed, s.failures)
	}
	if len(s.tracks) != 2 || s.tracks[0].title != "T" || s.tracks[1].title != "U" {
		t.Fatalf("tracks %+v", s.tracks)
	}
	if got, want := s.tracks[0].buckets, [6]int{1, 1, 1, 0, 1, 1}; got != want {
		t.Errorf("T's buckets %v, want %v", got, want)
	}
	if s.interviewsTotal != 5 || s.interviewsCompleted != 4 || s.usersInterviewed != 2 {
		t.Errorf("interviews %d, completed %d, users %d", s.interviewsTotal, s.interviewsCompleted, s.usersInterviewed)
	}
	monday := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	if diff := cmp.Diff(map[time.Time]int{monday: 2, monday.AddDate(0, 0, -14): 2}, s.perWeek); diff != "" {
		t.Errorf("per week (-want +got):\n%s", diff)
	}

	chart, note := s.weeklyChart()
	if chart == nil || note != "" {
		t.Fatalf("weekly chart %v, note %q", chart, note)
	}
	var values []string
	for _, b := range chart.Bars {
		values = append(values, b.Label+"="+b.Value)
	}
	if diff := cmp.Diff([]string{"Feb 23=2", "Mar 2=0", "Mar 9=2"}, values); diff != "" {
		t.Errorf("weekly bars, empty weeks included (-want +got):\n%s", diff)
	}
}

func TestSummaryBucketsAndWeeks(t *testing.T) {
	for p, want := range map[float64]int{0: 0, -1: 0, 0.01: 1, 0.24: 1, 0.25: 2, 0.49: 2, 0.5: 3, 0.74: 3, 0.75: 4, 0.999: 4, 1: 5, 1.5: 5} {
		if got := bucketOf(p); got != want {
			t.Errorf("bucketOf(%v) = %d, want %d", p, got, want)
		}
	}
	for in, want := range map[string]string{
		"2026-03-09T00:00:00Z":      "2026-03-09", // a Monday
		"2026-03-15T23:59:59Z":      "2026-03-09", // its Sunday
		"2026-03-16T00:30:00+02:00": "2026-03-09", // Sunday in UTC
	} {
		at, _ := time.Parse(time.RFC3339, in)
		if got := weekOf(at).Format(time.DateOnly); got != want {
			t.Errorf("weekOf(%s) = %s, want %s", in, got, want)
		}
	}
	for most, want := range map[int]int{0: 1, 1: 1, 4: 1, 5: 2, 8: 2, 9: 5, 20: 5, 21: 10, 40: 10, 41: 20, 999: 500} {
		if got := niceStep(most); got != want {
			t.Errorf("niceStep(%d) = %d, want %d", most, got, want)
		}
	}
}

// Only the latest maxWeeks weeks are drawn; the earlier interviews are
// counted in a note.
func TestSummaryWeeksAreBounded(t *testing.T) {
	s := newReportSummary("x", true)
	last := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	s.add(reportRow{PartnerID: "old", Interviews: &interviewTally{Total: 3, Completed: 3},
		completedAt: []time.Time{last.AddDate(-1, 0, 0), last.AddDate(0, 0, -7*maxWeeks), last}})
	chart, note := s.weeklyChart()
	if len(chart.Bars) != maxWeeks || chart.Bars[maxWeeks-1].Value != "1" {
		t.Fatalf("%d bars, the last %+v", len(chart.Bars), chart.Bars[len(chart.Bars)-1])
	}
	if !strings.Contains(note, "2 completed interviews before the week of") {
		t.Errorf("note %q", note)
	}
}

// Failures beyond maxListedFailures are counted, not kept.
func TestSummaryFailuresAreBounded(t *testing.T) {
	s := newReportSummary("x", false)
	for i := range maxListedFailures + 50 {
		s.add(reportRow{Line: i + 2, PartnerID: "x", Error: "boom"})
	}
	var page bytes.Buffer
	if err := renderSummary(&page, s, time.Now()); err != nil {
		t.Fatal(err)
	}
	if len(s.failures) != maxListedFailures || strings.Count(page.String(), "<tr><td class=\"num\">") != maxListedFailures {
		t.Fatalf("%d failures kept", len(s.failures))
	}
	if !strings.Contains(page.String(), "…and 50 more") {
		t.Error("the page does not count the failures it does not list")
	}
}

// Text from servers and rosters cannot become markup: partner_ids, track
// titles and errors are escaped wherever they land (HTML text, SVG text,
// attributes, titles), control and bidi characters are replaced, and the
// page has no script, no event handler and nothing loaded from elsewhere.
func TestSummaryEscapesHostileText(t *testing.T) {
	end := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	hostile := []string{
		`<script>alert(1)</script>`,
		`"><svg onload=alert(2)>`,
		`</title><script>alert(3)</script>`,
		`' onmouseover='alert(4)`,
		"\u202eevil\x1b[31m",
		`<img src=https://evil.example/x.png>`,
		`<link rel=stylesheet href=//evil.example/s.css>`,
	}
	var fails []reportRow
	for _, h := range hostile {
		fails = append(fails, reportRow{PartnerID: h, Error: "server said: " + h})
	}
	rows := summaryRows(60, end, fails...)
	for i := range rows {
		if rows[i].Error == "" {
			rows[i].Tracks[1].Title = hostile[i%len(hostile)] // a track title from a hostile server
		}
	}
	var page bytes.Buffer
	if err := renderSummary(&page, summarize(rows, true), end); err != nil {
		t.Fatal(err)
	}
	html := page.String()
	for _, bad := range []string{"\u202e", "\x1b"} {
		if strings.Contains(html, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	// Escaped text has no "<": every "<" opens one of the page's own tags.
	for _, tag := range tagPattern.FindAllString(html, -1) {
		name := strings.ToLower(strings.Fields(strings.Trim(tag, "</>"))[0])
		switch name {
		case "!doctype", "html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "p", "section", "div",
			"svg", "rect", "text", "line", "table", "thead", "tbody", "tr", "th", "td", "code":
		default:
			t.Errorf("a tag that is not the page's own: %s", tag)
		}
		// Attribute values are quoted, with quotes inside escaped: what
		// is left once they are taken out is names.
		if attr := eventAttr.FindString(quotedValue.ReplaceAllString(tag, `""`)); attr != "" {
			t.Errorf("an event handler in %s", tag)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;&gt;&lt;svg onload=alert(2)&gt;", "&#39; onmouseover=&#39;alert(4)"} {
		if !strings.Contains(html, want) {
			t.Errorf("the page does not show %q escaped", want)
		}
	}
}

var (
	tagPattern  = regexp.MustCompile(`<[^>]*>`)
	eventAttr   = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	quotedValue = regexp.MustCompile(`"[^"]*"`)
)

func TestSummaryIsSelfContained(t *testing.T) {
	end := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	var page bytes.Buffer
	if err := renderSummary(&page, summarize(summaryRows(120, end, reportRow{PartnerID: "x", Error: "not found"}), true), end); err != nil {
		t.Fatal(err)
	}
	checkSelfContained(t, page.String())
}

func TestSummaryWithoutInterviewsOrUsers(t *testing.T) {
	var page bytes.Buffer
	s := newReportSummary("stdin", false)
	s.add(reportRow{Line: 1, PartnerID: "", Error: "missing partner_id"})
	if err := renderSummary(&page, s, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1 users from stdin", "No user could be loaded", "run <code>partnerapi users report --interviews</code>", "(none)", "missing partner_id"} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	if strings.Contains(page.String(), "<svg") {
		t.Error("a chart with nothing to draw")
	}
	checkSelfContained(t, page.String())
}
