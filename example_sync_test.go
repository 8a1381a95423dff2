package partnerapi_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log"
	"strings"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
	"github.com/partnerapi/go-partnerapi/partnerid"
)

// A roster read line by line from a CSV-like source, synced against the
// fake: new users are created, known ones refreshed, and bad rows reported
// without a request.
func ExampleUsersService_Sync() {
	srv := mockserver.New()
	defer srv.Close()
	p := srv.AddPartner("acme")
	client, err := srv.NewClient(p)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	// ada is already known: Sync refreshes her.
	if _, err := client.Users.CreateOrUpdate(ctx, "ada", &partnerapi.UserParams{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"}); err != nil {
		log.Fatal(err)
	}

	const csv = `ada,Ada,Lovelace,ada@example.com
grace,Grace,Hopper,grace@example.com
alan turing,Alan,Turing,alan@example.com
edsger,Edsger,Dijkstra,edsger@example.com`
	// An iter.Seq pulls one row at a time: the roster is never held in memory.
	var users iter.Seq[partnerapi.UserRecord] = func(yield func(partnerapi.UserRecord) bool) {
		for line := range strings.Lines(csv) {
			f := strings.Split(strings.TrimSpace(line), ",")
			rec := partnerapi.UserRecord{PartnerID: f[0], Params: partnerapi.UserParams{FirstName: f[1], LastName: f[2], Email: f[3]}}
			if !yield(rec) {
				return
			}
		}
	}

	var last partnerapi.SyncProgress
	report, err := client.Users.Sync(ctx, users, &partnerapi.SyncOptions{
		Concurrency: 4,
		OnProgress:  func(p partnerapi.SyncProgress) { last = p },
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("created %d, refreshed %d, failed %d\n", report.Created, report.Refreshed, len(report.Failed))
	for _, f := range report.Failed {
		fmt.Printf("%q: invalid partner_id: %v\n", f.PartnerID, errors.Is(f.Err, partnerid.ErrInvalid))
	}
	fmt.Printf("progress: %d done of %d\n", last.Done, last.Total)
	// Output:
	// created 2, refreshed 1, failed 1
	// "alan turing": invalid partner_id: true
	// progress: 4 done of -1
}
