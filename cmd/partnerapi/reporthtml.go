package main

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// The HTML summary of users report (--html FILE): one self-contained page
// an admin reads at a glance — how many users, how far they are along each
// track, interviews completed per week, the users that failed to load.
// The charts are inline SVG drawn here; the page loads nothing from
// anywhere (a Content-Security-Policy says so to the browser too) and runs
// no script. Every text from a server or a roster (partner_ids, track
// titles, errors) is escaped by html/template and made printable.
//
// The summary is gathered row by row (reportSummary.add), keeping counts,
// never the rows: its memory does not grow with the roster, apart from the
// first maxListedFailures failures it lists. renderSummary then turns it
// into the page, a pure function of the summary and the time given.

// maxListedFailures bounds the failures the page lists; the rest are
// counted ("and N more"), and every one is in the CSV.
const maxListedFailures = 100

// maxWeeks bounds the weeks the interviews chart shows: the latest ones.
const maxWeeks = 26

// maxTextShown bounds a partner_id or an error as the page shows it.
const maxTextShown = 200

// progressBuckets are the bars of a track's distribution chart.
var progressBuckets = [...]string{"Not started", "1–24%", "25–49%", "50–74%", "75–99%", "Completed"}

// reportSummary is what the HTML page shows, gathered from the rows.
type reportSummary struct {
	source     string // the roster's name as the page shows it
	interviews bool   // the interviews were read (--interviews)

	users, failed int
	tracks        []*trackSummary // in order of first appearance
	trackIndex    map[string]int

	interviewsTotal, interviewsCompleted, usersInterviewed int
	perWeek                                                map[time.Time]int // Monday 00:00 UTC → completed interviews

	failures []reportRow // the first maxListedFailures

	// stopped, when set, says why the report ended before the roster did:
	// the page is marked incomplete.
	stopped string
}

// trackSummary is the distribution of the users of one track.
type trackSummary struct {
	title       string
	users       int
	buckets     [len(progressBuckets)]int
	sumProgress float64
}

func newReportSummary(source string, interviews bool) *reportSummary {
	return &reportSummary{source: source, interviews: interviews, trackIndex: map[string]int{}, perWeek: map[time.Time]int{}}
}

// add counts one row.
func (s *reportSummary) add(row reportRow) {
	s.users++
	if row.Error != "" {
		s.failed++
		if len(s.failures) < maxListedFailures {
			s.failures = append(s.failures, reportRow{Line: row.Line, PartnerID: row.PartnerID, Error: row.Error})
		}
		return
	}
	for _, tp := range row.Tracks {
		i, ok := s.trackIndex[tp.Title]
		if !ok {
			i = len(s.tracks)
			s.trackIndex[tp.Title] = i
			s.tracks = append(s.tracks, &trackSummary{title: tp.Title})
		}
		t := s.tracks[i]
		t.users++
		t.buckets[bucketOf(tp.Progress)]++
		t.sumProgress += min(max(tp.Progress, 0), 1)
	}
	if row.Interviews != nil {
		s.interviewsTotal += row.Interviews.Total
		s.interviewsCompleted += row.Interviews.Completed
		if row.Interviews.Total > 0 {
			s.usersInterviewed++
		}
	}
	for _, at := range row.completedAt {
		if !at.IsZero() {
			s.perWeek[weekOf(at)]++
		}
	}
}

// bucketOf is the bar of progressBuckets that progress falls in.
func bucketOf(progress float64) int {
	switch {
	case progress <= 0 || math.IsNaN(progress):
		return 0
	case progress >= 1:
		return len(progressBuckets) - 1
	}
	return 1 + min(int(progress*4), 3)
}

// weekOf is the start of t's week: Monday 00:00 UTC.
func weekOf(t time.Time) time.Time {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
}

// renderSummary writes the page of s, generated at the time given.
func renderSummary(w io.Writer, s *reportSummary, generated time.Time) error {
	return summaryTemplate.Execute(w, s.view(generated))
}

// The page's view: every figure, label and coordinate computed, so that
// the template only places them.
type (
	summaryView struct {
		Source, Generated string
		Stopped           string
		Users, Loaded     int
		Failed            int
		Tiles             []tile
		Tracks            []trackChart
		Interviews        bool
		Weekly            *weeklyChart
		WeeklyNote        string
		Failures          []failureLine
		MoreFailures      int
	}
	tile struct {
		Label, Value, Note string
		Alert              bool
	}
	trackChart struct {
		Title, Summary string
		Width, Height  int
		Bars           []hbar
	}
	hbar struct {
		Label, Value          string
		Class                 string
		Y, TextY, Width, Area int
		ValueX, BarStart      int
	}
	weeklyChart struct {
		Width, Height, PlotLeft, PlotRight, BaseY int
		Bars                                      []vbar
		Grid                                      []gridLine
		Summary                                   string
	}
	vbar struct {
		X, Y, W, H, CenterX, ValueY, LabelY int
		Value, Label, Title                 string
		ShowValue, ShowLabel                bool
	}
	gridLine struct {
		Y, LabelY int
		Label     string
	}
	failureLine struct {
		Line             int
		PartnerID, Error string
	}
)

func (s *reportSummary) view(generated time.Time) summaryView {
	v := summaryView{
		Source:     shown(s.source),
		Generated:  generated.UTC().Format("2006-01-02 15:04 UTC"),
		Users:      s.users,
		Loaded:     s.users - s.failed,
		Failed:     s.failed,
		Interviews: s.interviews,
		Stopped:    shown(s.stopped),
	}
	v.Tiles = append(v.Tiles,
		tile{Label: "Users", Value: strconv.Itoa(s.users), Note: "rows in the roster"},
		tile{Label: "Loaded", Value: strconv.Itoa(v.Loaded), Note: percentOf(v.Loaded, s.users) + " of the users"},
		tile{Label: "Failed to load", Value: strconv.Itoa(s.failed), Note: "listed below", Alert: s.failed > 0},
	)
	if s.failed == 0 {
		v.Tiles[2].Note = "none"
	}
	for _, t := range s.tracks {
		done := t.buckets[len(t.buckets)-1]
		v.Tiles = append(v.Tiles, tile{Label: shown(t.title), Value: percentOf(done, t.users),
			Note: fmt.Sprintf("completed (%d of %d)", done, t.users)})
		v.Tracks = append(v.Tracks, t.chart())
	}
	if s.interviews {
		v.Tiles = append(v.Tiles, tile{Label: "Interviews done", Value: strconv.Itoa(s.interviewsCompleted),
			Note: fmt.Sprintf("of %d, by %d users", s.interviewsTotal, s.usersInterviewed)})
		v.Weekly, v.WeeklyNote = s.weeklyChart()
	}
	for _, f := range s.failures {
		id := shown(f.PartnerID)
		if id == "" {
			id = "(none)"
		}
		v.Failures = append(v.Failures, failureLine{Line: f.Line, PartnerID: id, Error: shown(f.Error)})
	}
	v.MoreFailures = s.failed - len(s.failures)
	return v
}

// The track chart's geometry, in SVG units (pixels at 100%).
const (
	trackChartWidth = 520
	trackLabelWidth = 100 // the bucket names, right-aligned before the bars
	trackValueWidth = 100 // "1234 · 100%" after the longest bar
	trackRowHeight  = 32
	trackBarHeight  = 22
)

func (t *trackSummary) chart() trackChart {
	c := trackChart{
		Title:   shown(t.title),
		Summary: fmt.Sprintf("%d users · average progress %s", t.users, percent(t.sumProgress/float64(max(t.users, 1)))),
		Width:   trackChartWidth,
		Height:  len(progressBuckets)*trackRowHeight + 8,
	}
	// The longest bar spans the area: the shape of the distribution shows
	// however the users spread; each bar says its count and share.
	area := trackChartWidth - trackLabelWidth - trackValueWidth
	most := 0
	for _, n := range t.buckets {
		most = max(most, n)
	}
	for i, n := range t.buckets {
		width := 0
		if most > 0 {
			width = int(math.Round(float64(n) / float64(most) * float64(area)))
		}
		if n > 0 {
			width = max(width, 2) // a user or two still shows
		}
		y := 4 + i*trackRowHeight
		c.Bars = append(c.Bars, hbar{
			Label: progressBuckets[i], Value: fmt.Sprintf("%d · %s", n, percentOf(n, t.users)),
			Class: "b" + strconv.Itoa(i), Y: y + (trackRowHeight-trackBarHeight)/2, TextY: y + trackRowHeight/2 + 4,
			Width: width, Area: area, BarStart: trackLabelWidth, ValueX: trackLabelWidth + width + 8,
		})
	}
	return c
}

// The weekly chart's geometry.
const (
	weeklyWidth      = 880
	weeklyPlotLeft   = 44
	weeklyPlotRight  = 12
	weeklyPlotTop    = 22
	weeklyPlotHeight = 180
	weeklyLabelSpace = 40
	weeklyLabelWidth = 48 // a "Mar 10" under a bar
)

// weeklyChart is the bar chart of interviews completed per week, from the
// first week with one to the last (at most maxWeeks, the latest), empty
// weeks included; nil with a note when there is nothing to draw.
func (s *reportSummary) weeklyChart() (*weeklyChart, string) {
	if len(s.perWeek) == 0 {
		return nil, "No completed interviews yet."
	}
	var first, last time.Time
	for wk := range s.perWeek {
		if first.IsZero() || wk.Before(first) {
			first = wk
		}
		if wk.After(last) {
			last = wk
		}
	}
	note := ""
	if earliest := last.AddDate(0, 0, -7*(maxWeeks-1)); first.Before(earliest) {
		hidden := 0
		for wk, n := range s.perWeek {
			if wk.Before(earliest) {
				hidden += n
			}
		}
		first = earliest
		note = fmt.Sprintf("%d completed interviews before the week of %s are not shown.", hidden, earliest.Format("Jan 2, 2006"))
	}
	var weeks []time.Time
	for wk := first; !wk.After(last); wk = wk.AddDate(0, 0, 7) {
		weeks = append(weeks, wk)
	}
	most := 0
	for _, wk := range weeks {
		most = max(most, s.perWeek[wk])
	}
	step := niceStep(most)
	top := step * ((most + step - 1) / step)

	c := &weeklyChart{
		Width: weeklyWidth, Height: weeklyPlotTop + weeklyPlotHeight + weeklyLabelSpace,
		PlotLeft: weeklyPlotLeft, PlotRight: weeklyWidth - weeklyPlotRight, BaseY: weeklyPlotTop + weeklyPlotHeight,
	}
	for g := 0; g <= top; g += step {
		y := c.BaseY - g*weeklyPlotHeight/top
		c.Grid = append(c.Grid, gridLine{Y: y, LabelY: y + 4, Label: strconv.Itoa(g)})
	}
	slot := float64(c.PlotRight-c.PlotLeft) / float64(len(weeks))
	every := int(math.Ceil(weeklyLabelWidth / slot)) // label every n-th week so that labels never overlap
	total := 0
	for i, wk := range weeks {
		n := s.perWeek[wk]
		total += n
		h := n * weeklyPlotHeight / top
		if n > 0 {
			h = max(h, 2)
		}
		barW := max(int(slot*0.7), 2)
		x := c.PlotLeft + int(slot*float64(i)) + (int(slot)-barW)/2
		c.Bars = append(c.Bars, vbar{
			X: x, Y: c.BaseY - h, W: barW, H: h, CenterX: x + barW/2,
			ValueY: c.BaseY - h - 5, LabelY: c.BaseY + 18,
			Value: strconv.Itoa(n), Label: wk.Format("Jan 2"),
			Title:     fmt.Sprintf("week of %s: %d completed", wk.Format("Jan 2, 2006"), n),
			ShowValue: n > 0 && slot >= 18, ShowLabel: i%every == 0,
		})
	}
	c.Summary = fmt.Sprintf("%d completed interviews in %d weeks, %s to %s; most in one week: %d",
		total, len(weeks), weeks[0].Format("Jan 2, 2006"), last.AddDate(0, 0, 6).Format("Jan 2, 2006"), most)
	return c, note
}

// niceStep is a step of 1, 2 or 5 times a power of ten that divides 0..most
// into at most 5 gridlines.
func niceStep(most int) int {
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if most <= 4*m*p {
				return m * p
			}
		}
	}
}

// percent prints a fraction as a whole percent.
func percent(f float64) string { return strconv.Itoa(int(math.Round(f*100))) + "%" }

// percentOf prints n of total as a whole percent ("0%" of nothing).
func percentOf(n, total int) string {
	if total == 0 {
		return "0%"
	}
	return percent(float64(n) / float64(total))
}

// shown is text from a server or a roster as the page shows it: printable
// (no controls, no text-reordering characters) and at most maxTextShown
// characters. html/template escapes it.
func shown(s string) string {
	s = printable(s)
	if utf8.RuneCountInString(s) > maxTextShown {
		r := []rune(s)
		s = string(r[:maxTextShown]) + "…"
	}
	return s
}

var summaryTemplate = template.Must(template.New("summary").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Roster progress: {{.Users}} users</title>
<style>
:root { color-scheme: light; --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --bg: #f5f6f8; --card: #fff; --alert: #b91c1c; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 24px 40px; }
h1 { font-size: 26px; margin: 0 0 2px; letter-spacing: -0.01em; }
h2 { font-size: 17px; margin: 0 0 2px; }
.sub, .note { color: var(--muted); margin: 0; }
.note { font-size: 13px; margin-top: 8px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; margin: 20px 0; }
.tile, .card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; }
.tile { padding: 12px 16px; }
.tile .label { font-size: 13px; color: var(--muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.tile .value { font-size: 28px; font-weight: 650; line-height: 1.2; }
.tile .tnote { font-size: 12px; color: var(--muted); }
.tile.alert { border-color: #fca5a5; background: #fef2f2; }
.tile.alert .value { color: var(--alert); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 16px; }
.card { padding: 16px 18px; margin-bottom: 16px; }
.card h2 { overflow-wrap: anywhere; }
svg.chart { display: block; width: 100%; max-width: 100%; height: auto; margin-top: 10px; }
svg text { font: 13px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--ink); }
svg .muted { fill: var(--muted); }
svg .axis { stroke: #9ca3af; stroke-width: 1; }
svg .gridline { stroke: var(--line); stroke-width: 1; }
.b0 { fill: #cbd5e1; } .b1 { fill: #bfdbfe; } .b2 { fill: #93c5fd; } .b3 { fill: #60a5fa; } .b4 { fill: #2563eb; } .b5 { fill: #16a34a; }
.week { fill: #4f46e5; }
.rail { fill: #f1f5f9; }
table { border-collapse: collapse; width: 100%; margin-top: 10px; font-size: 14px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
td.num { text-align: right; width: 4em; color: var(--muted); }
td.id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; min-width: 14em; }
td.err { overflow-wrap: anywhere; }
.ok { color: #15803d; }
.stopped { margin: 16px 0 0; padding: 10px 14px; border: 1px solid #fcd34d; background: #fffbeb; border-radius: 8px; }
</style>
</head>
<body>
<main>
<h1>Roster progress</h1>
<p class="sub">{{.Users}} users from {{.Source}} · generated {{.Generated}}</p>
{{- if .Stopped}}
<p class="stopped"><strong>Incomplete.</strong> {{.Stopped}}</p>
{{- end}}

<section class="tiles" aria-label="Key figures">
{{- range .Tiles}}
<div class="tile{{if .Alert}} alert{{end}}"><div class="label" title="{{.Label}}">{{.Label}}</div><div class="value">{{.Value}}</div><div class="tnote">{{.Note}}</div></div>
{{- end}}
</section>

{{if .Tracks -}}
<section class="grid">
{{- range .Tracks}}
<div class="card">
<h2>{{.Title}}</h2>
<p class="sub">{{.Summary}}</p>
<svg class="chart track-chart" role="img" aria-label="{{.Title}}: users by progress" width="{{.Width}}" height="{{.Height}}" viewBox="0 0 {{.Width}} {{.Height}}" xmlns="http://www.w3.org/2000/svg">
<title>{{.Title}}: users by progress</title>
{{- range .Bars}}
<text x="{{.BarStart}}" dx="-10" y="{{.TextY}}" text-anchor="end">{{.Label}}</text>
<rect class="rail" x="{{.BarStart}}" y="{{.Y}}" width="{{.Area}}" height="22" rx="3"/>
<rect class="{{.Class}}" x="{{.BarStart}}" y="{{.Y}}" width="{{.Width}}" height="22" rx="3"><title>{{.Label}}: {{.Value}}</title></rect>
<text x="{{.ValueX}}" y="{{.TextY}}" class="muted">{{.Value}}</text>
{{- end}}
</svg>
</div>
{{- end}}
</section>
{{- else}}
<div class="card"><h2>Tracks</h2><p class="sub">No user could be loaded, so there is no progress to show.</p></div>
{{- end}}

<div class="card">
<h2>Interviews completed per week</h2>
{{- if not .Interviews}}
<p class="sub">The interviews were not read: run <code>partnerapi users report --interviews</code> to chart them.</p>
{{- else if .Weekly}}
{{- with .Weekly}}
<p class="sub">{{.Summary}}</p>
<svg class="chart weekly-chart" role="img" aria-label="Interviews completed per week" width="{{.Width}}" height="{{.Height}}" viewBox="0 0 {{.Width}} {{.Height}}" xmlns="http://www.w3.org/2000/svg">
<title>Interviews completed per week</title>
{{- range .Grid}}
<line class="gridline" x1="{{$.Weekly.PlotLeft}}" x2="{{$.Weekly.PlotRight}}" y1="{{.Y}}" y2="{{.Y}}"/>
<text x="{{$.Weekly.PlotLeft}}" dx="-8" y="{{.LabelY}}" text-anchor="end" class="muted">{{.Label}}</text>
{{- end}}
{{- range .Bars}}
<rect class="week" x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" rx="2"><title>{{.Title}}</title></rect>
{{- if .ShowValue}}
<text x="{{.CenterX}}" y="{{.ValueY}}" text-anchor="middle">{{.Value}}</text>
{{- end}}
{{- if .ShowLabel}}
<text x="{{.CenterX}}" y="{{.LabelY}}" text-anchor="middle" class="muted">{{.Label}}</text>
{{- end}}
{{- end}}
<line class="axis" x1="{{.PlotLeft}}" x2="{{.PlotRight}}" y1="{{.BaseY}}" y2="{{.BaseY}}"/>
</svg>
{{- end}}
<p class="note">Weeks run Monday to Sunday (UTC). An interview counts in the week of its last update: the API gives no completion time.{{if .WeeklyNote}} {{.WeeklyNote}}{{end}}</p>
{{- else}}
<p class="sub">{{.WeeklyNote}}</p>
{{- end}}
</div>

<div class="card">
<h2>Users that failed to load</h2>
{{- if .Failures}}
<p class="sub">{{.Failed}} of {{.Users}} users; each one's row in the report (CSV or JSON) says the same.</p>
<table>
<thead><tr><th>Line</th><th>partner_id</th><th>Error</th></tr></thead>
<tbody>
{{- range .Failures}}
<tr><td class="num">{{.Line}}</td><td class="id">{{.PartnerID}}</td><td class="err">{{.Error}}</td></tr>
{{- end}}
</tbody>
</table>
{{- if .MoreFailures}}
<p class="note">…and {{.MoreFailures}} more: the report (CSV or JSON) lists every one.</p>
{{- end}}
{{- else}}
<p class="sub ok">None: every user was loaded.</p>
{{- end}}
</div>

<p class="note">Progress is each track's completed steps over its steps, as the API reports it. Made by partnerapi users report.</p>
</main>
</body>
</html>
`))
