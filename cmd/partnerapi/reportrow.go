package main

import (
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

// reportRow is one roster row of users report, as the CSV, the JSON and
// the HTML summary show it: where the user stands, or why the row failed.
type reportRow struct {
	Line      int    `json:"line"` // the roster's physical line
	PartnerID string `json:"partner_id"`
	// SourceID is the partner_id as in the roster, with --derive-ids.
	SourceID string          `json:"source_id,omitempty"`
	Tracks   []trackProgress `json:"tracks"`
	// Interviews is nil unless the interviews were read (--interviews).
	Interviews *interviewTally `json:"interviews,omitempty"`
	Error      string          `json:"error,omitempty"`

	// completedAt is when each completed interview was last updated (the
	// API gives no completion time): the summary's weekly chart.
	completedAt []time.Time
}

// trackProgress is a user's progress through one guided track.
type trackProgress struct {
	Title          string  `json:"title"`
	Progress       float64 `json:"progress"` // 0.00 to 1.00, as the API gives it
	StepsCompleted int     `json:"steps_completed"`
	Steps          int     `json:"steps"`
}

// interviewTally counts a user's interviews.
type interviewTally struct {
	Total     int `json:"total"`
	Completed int `json:"completed"`
	// Last is the latest update of any of the user's interviews; nil for a
	// user with none.
	Last *time.Time `json:"last_at"`
}

// newReportRow is the row of a user's report; errText is the error's text
// as the CLI may print it ("" for none).
func newReportRow(line int, rep partnerapi.UserReport, errText string, interviews bool) reportRow {
	row := reportRow{Line: line, PartnerID: rep.PartnerID, Tracks: []trackProgress{}, Error: errText}
	if errText != "" {
		return row
	}
	for _, t := range rep.Tracks {
		tp := trackProgress{Title: t.Title, Progress: t.Progress, Steps: len(t.Steps)}
		for _, s := range t.Steps {
			if s.Completed {
				tp.StepsCompleted++
			}
		}
		row.Tracks = append(row.Tracks, tp)
	}
	if interviews {
		tally := &interviewTally{Total: len(rep.Interviews)}
		for _, iv := range rep.Interviews {
			if iv.Completed {
				tally.Completed++
				row.completedAt = append(row.completedAt, iv.UpdatedAt)
			}
			if !iv.UpdatedAt.IsZero() && (tally.Last == nil || iv.UpdatedAt.After(*tally.Last)) {
				last := iv.UpdatedAt.UTC()
				tally.Last = &last
			}
		}
		row.Interviews = tally
	}
	return row
}
