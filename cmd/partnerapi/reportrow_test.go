package main

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	partnerapi "github.com/partnerapi/go-partnerapi"
)

// A loaded user's row counts the completed steps of each track and, when
// the interviews were read, tallies them: the latest update of any (in
// UTC), and when each completed one was last updated.
func TestNewReportRow(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	early := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	late := time.Date(2026, 10, 8, 12, 0, 0, 0, paris)
	rep := partnerapi.UserReport{
		PartnerID: "ann",
		Tracks: []partnerapi.Track{
			{Title: "Fast Track", Progress: 0.5, Steps: []partnerapi.Step{{Step: 1, Completed: true}, {Step: 2}, {Step: 3, Completed: true}, {Step: 4}}},
			{Title: "Mastery Track"},
		},
		Interviews: []partnerapi.Interview{
			{Completed: false}, // no update time: not the latest
			{Completed: true, UpdatedAt: early},
			{Completed: true, UpdatedAt: late},
			{Completed: false, UpdatedAt: early},
		},
	}
	row := newReportRow(7, rep, "", true)
	lateUTC := late.UTC()
	want := reportRow{
		Line: 7, PartnerID: "ann",
		Tracks: []trackProgress{
			{Title: "Fast Track", Progress: 0.5, StepsCompleted: 2, Steps: 4},
			{Title: "Mastery Track", Steps: 0},
		},
		Interviews:  &interviewTally{Total: 4, Completed: 2, Last: &lateUTC},
		completedAt: []time.Time{early, late},
	}
	if diff := cmp.Diff(want, row, cmp.AllowUnexported(reportRow{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if row.Interviews.Last.Location() != time.UTC {
		t.Errorf("last interview in %v, want UTC", row.Interviews.Last.Location())
	}

	// Without --interviews there is no tally; a user with none, or none
	// with an update time, has no latest.
	if row := newReportRow(7, rep, "", false); row.Interviews != nil || row.completedAt != nil {
		t.Errorf("without interviews: %+v", row)
	}
	none := newReportRow(8, partnerapi.UserReport{PartnerID: "bob", Interviews: []partnerapi.Interview{}}, "", true)
	if diff := cmp.Diff(&interviewTally{}, none.Interviews); diff != "" {
		t.Errorf("a user with no interviews (-want +got):\n%s", diff)
	}
	undated := newReportRow(9, partnerapi.UserReport{PartnerID: "cy", Interviews: []partnerapi.Interview{{}}}, "", true)
	if diff := cmp.Diff(&interviewTally{Total: 1}, undated.Interviews); diff != "" {
		t.Errorf("a user with an undated interview (-want +got):\n%s", diff)
	}
}

// A failed row carries its error and nothing of the report: no tracks (an
// empty list, not null, in JSON), no interviews.
func TestNewReportRowFailed(t *testing.T) {
	rep := partnerapi.UserReport{Tracks: []partnerapi.Track{{Title: "Fast Track"}}, Interviews: []partnerapi.Interview{{Completed: true}}}
	row := newReportRow(3, rep, "user not found", true)
	row.PartnerID = "zed"
	b, err := json.Marshal(row)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"line":3,"partner_id":"zed","tracks":[],"error":"user not found"}`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
}
