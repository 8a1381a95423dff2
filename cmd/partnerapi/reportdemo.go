package main

import (
	"context"
	"fmt"
	"iter"
	"math"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// The demo data of users report --mock: every user of the roster, with
// progress and interviews drawn from a hash of its partner_id, so that the
// same roster always gives the same report (and the README's session is
// reproducible). The interviews are dated in the ten weeks up to
// demoReportEnd, a fixed time, not the fake's clock.

// demoReportEnd is the time the demo's latest interview may have.
var demoReportEnd = time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC)

// demoWeeks is how far back the demo's interviews go.
const demoWeeks = 10

// demoInterviews are the interviews a demo user may have taken.
var demoInterviews = []struct{ title, interviewer, category string }{
	{"Top 10 Questions", "Jordan", "General"},
	{"Behavioral Interview", "Sam", "Behavioral"},
	{"Teamwork and Collaboration", "Alex", "Behavioral"},
	{"Customer Service", "Priya", "Industry"},
	{"Leadership Potential", "Morgan", "Leadership"},
	{"Tell Me About Yourself", "Jordan", "General"},
}

// Shares of a track's steps a demo user has completed, picked by hash:
// most have started the first track, fewer have gone far into the others.
var (
	demoFirstTrack  = []float64{0, 0.2, 0.2, 0.4, 0.4, 0.6, 0.6, 0.8, 1, 1, 1, 1}
	demoOtherTracks = []float64{0, 0, 0, 0, 0.125, 0.25, 0.25, 0.375, 0.5, 0.625, 0.75, 1}
)

// seedReportDemo creates every user of ids that the fake does not have
// (an invalid partner_id is left for the report to fail), and gives each
// one it created its demo progress and interviews. A user the fake had
// already (the --mock demo user) is left as it is.
func seedReportDemo(ctx context.Context, srv *mockserver.Server, p *mockserver.Partner, client *partnerapi.Client, ids iter.Seq[string]) error {
	var tracks []partnerapi.Track // the guided tracks, read from the fake once
	for id := range ids {
		if needsDerive(id) { // not a usable partner_id: left for the report to fail
			continue
		}
		u, err := client.Users.CreateOrUpdate(ctx, id, &partnerapi.UserParams{FirstName: "Demo", LastName: "User", Email: id + "@example.com"})
		if err != nil {
			return err
		}
		if !u.Created {
			continue // seeded already: a repeated id, or the demo user
		}
		if tracks == nil {
			if tracks, err = client.Users.Tracks(ctx, id); err != nil {
				return err
			}
		}
		h := hashID(id)
		for i, t := range tracks {
			share := demoFirstTrack[h%uint64(len(demoFirstTrack))]
			if i > 0 {
				share = demoOtherTracks[(h>>(8*i))%uint64(len(demoOtherTracks))]
			}
			steps := make([]int, int(math.Round(share*float64(len(t.Steps)))))
			for s := range steps {
				steps[s] = s + 1
			}
			if err := srv.SetProgress(p, id, t.Title, steps...); err != nil {
				return err
			}
		}
		if err := seedDemoInterviews(srv, p, id, h); err != nil {
			return err
		}
	}
	return nil
}

// seedDemoInterviews gives the user id its demo interviews: none to five,
// four in five of them completed.
func seedDemoInterviews(srv *mockserver.Server, p *mockserver.Partner, id string, h uint64) error {
	count := []int{0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 5}[(h>>24)%11]
	for j := range count {
		hj := hashID(fmt.Sprintf("%s#%d", id, j))
		kind := demoInterviews[hj%uint64(len(demoInterviews))]
		// Later weeks busier than earlier ones: the square root spreads
		// the dates towards the end.
		back := time.Duration((1 - math.Sqrt(float64((hj>>8)%1000)/1000)) * float64(demoWeeks*7*24*time.Hour))
		created := demoReportEnd.Add(-back).Truncate(time.Minute)
		iv := partnerapi.Interview{
			Title: kind.title, InterviewerName: kind.interviewer, Category: kind.category,
			Completed: (hj>>20)%5 != 0,
			CreatedAt: created,
			UpdatedAt: created.Add(time.Duration(5+(hj>>32)%40) * time.Minute),
		}
		if _, err := srv.AddInterview(p, id, iv); err != nil {
			return err
		}
	}
	return nil
}
