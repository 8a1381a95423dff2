package partnerapi_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"slices"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// Where every user of a roster stands, in roster order, against the fake:
// a user's failure (an unknown partner_id, an invalid one) is that user's
// line, and the report goes on.
func ExampleUsersService_Report() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("acme")
	client, err := partnerapi.NewClient(p.APIKey, partnerapi.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, id := range []string{"ada", "grace"} {
		if _, err := client.Users.CreateOrUpdate(ctx, id, &partnerapi.UserParams{FirstName: "A", LastName: "B", Email: id + "@example.com"}); err != nil {
			log.Fatal(err)
		}
	}
	// Seed some progress and an interview (the fake's seeding API).
	if err := srv.SetProgress(p, "ada", "Fast Track", 1, 2, 3, 4, 5); err != nil {
		log.Fatal(err)
	}
	if err := srv.SetProgress(p, "grace", "Mastery Track", 1, 2); err != nil {
		log.Fatal(err)
	}
	if _, err := srv.AddInterview(p, "grace", partnerapi.Interview{Title: "Top 10 Questions", Completed: true}); err != nil {
		log.Fatal(err)
	}

	// Any iter.Seq[string] will do: a slice here, a file read line by line
	// in practice.
	roster := slices.Values([]string{"ada", "grace", "nobody", "jane doe"})
	for rep, err := range client.Users.Report(ctx, roster, &partnerapi.ReportOptions{Concurrency: 8, Interviews: true}) {
		if err != nil {
			switch {
			case ctx.Err() != nil: // the context ended: the last pair, (UserReport{}, ctx.Err())
				log.Fatal(err)
			case errors.Is(err, partnerapi.ErrNotFound):
				fmt.Printf("%s: no such user\n", rep.PartnerID)
			case errors.Is(err, partnerapi.ErrInvalidArgument):
				fmt.Printf("%q: invalid partner_id\n", rep.PartnerID)
			default:
				fmt.Printf("%s: %v\n", rep.PartnerID, err)
			}
			continue // that user only: the report goes on
		}
		fmt.Printf("%s:", rep.PartnerID)
		for _, t := range rep.Tracks {
			fmt.Printf(" %s %.0f%%,", t.Title, t.Progress*100)
		}
		fmt.Printf(" %d interview(s)\n", len(rep.Interviews)) // Interviews: nil unless asked for
	}
	// Output:
	// ada: Fast Track 100%, Mastery Track 0%, 0 interview(s)
	// grace: Fast Track 0%, Mastery Track 25%, 1 interview(s)
	// nobody: no such user
	// "jane doe": invalid partner_id
}
