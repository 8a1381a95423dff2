package partnerapi_test

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"log"
	"slices"
	"strings"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
	"github.com/partnerapi/go-partnerapi/partnerid"
)

// csvRoster reads a CSV roster whose header row names the columns partner_id,
// first_name, last_name and email (in any order; other columns are
// ignored), as the input of Sync: one row at a time, so that a file of a
// million rows never sits in memory. A header or row that cannot be read
// ends the roster, with *errp set.
func csvRoster(r io.Reader, errp *error) iter.Seq[partnerapi.UserRecord] {
	return func(yield func(partnerapi.UserRecord) bool) {
		cr := csv.NewReader(r)
		cr.TrimLeadingSpace = true
		header, err := cr.Read()
		if err != nil {
			*errp = fmt.Errorf("roster header: %w", err)
			return
		}
		col := map[string]int{}
		for i, name := range header {
			col[strings.ToLower(strings.TrimSpace(name))] = i
		}
		for _, name := range []string{"partner_id", "first_name", "last_name", "email"} {
			if _, ok := col[name]; !ok {
				*errp = fmt.Errorf("roster header: no %s column", name)
				return
			}
		}
		for {
			row, err := cr.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				*errp = fmt.Errorf("roster: %w", err) // or record it and go on with the next row
				return
			}
			rec := partnerapi.UserRecord{PartnerID: row[col["partner_id"]], Params: partnerapi.UserParams{
				FirstName: row[col["first_name"]], LastName: row[col["last_name"]], Email: row[col["email"]],
			}}
			if !yield(rec) {
				return
			}
		}
	}
}

// A roster synced against the fake: new users are created, known ones
// refreshed, and bad rows reported; a row with an invalid partner_id fails
// without a request. (A roster already in memory is slices.Values(records).)
func ExampleUsersService_Sync() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("xyz")
	client, err := srv.NewClient(p) // a program: its own Client, as in newClient
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := client.Users.CreateOrUpdate(ctx, "ada", &partnerapi.UserParams{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
	}); err != nil {
		log.Fatal(err)
	}

	f := strings.NewReader(`partner_id,first_name,last_name,email,team
ada,Ada,Lovelace,ada@example.com,R&D
grace,Grace,Hopper,grace@example.com,Navy
alan turing,Alan,Turing,alan@example.com,Bletchley
edsger,Edsger,,edsger@example.com,Eindhoven
`) // a program: f, err := os.Open("roster.csv")
	var readErr error
	var last partnerapi.SyncProgress
	report, err := client.Users.Sync(ctx, csvRoster(f, &readErr), &partnerapi.SyncOptions{
		Concurrency: 16,                                           // default 8
		OnProgress:  func(p partnerapi.SyncProgress) { last = p }, // after each record, never concurrently
	})
	if err != nil { // only when ctx ended (or a bad argument): report says what was done
		log.Fatal(err)
	}
	if readErr != nil {
		log.Fatal(readErr)
	}
	fmt.Printf("created %d, refreshed %d, failed %d\n", report.Created, report.Refreshed, len(report.Failed))
	// Failed lists failures as they happened, several at a time: sorted here
	// so that the output is the same on every run.
	slices.SortFunc(report.Failed, func(a, b partnerapi.SyncFailure) int { return strings.Compare(a.PartnerID, b.PartnerID) })
	for _, f := range report.Failed {
		var apiErr *partnerapi.Error
		switch {
		case errors.Is(f.Err, partnerid.ErrInvalid): // no request was made
			fmt.Printf("%q: not a valid partner_id\n", f.PartnerID)
		case errors.As(f.Err, &apiErr): // refused by the server
			fmt.Printf("%q: %d %v\n", f.PartnerID, apiErr.StatusCode, apiErr.Fields)
		default:
			fmt.Printf("%q: %v\n", f.PartnerID, f.Err)
		}
	}
	fmt.Printf("progress: %d done of %d\n", last.Done, last.Total) // Total is -1: an iter.Seq has no length
	// Output:
	// created 1, refreshed 1, failed 2
	// "alan turing": not a valid partner_id
	// "edsger": 422 map[last_name:is required]
	// progress: 4 done of -1
}
