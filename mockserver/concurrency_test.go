package mockserver_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// Sixty-four clients at once, over the socket and in memory, while the
// control plane is used: no errors, and -race finds nothing.
func TestSixtyFourConcurrentClients(t *testing.T) {
	f := newFixture(t, mockserver.AllowAnonymous())
	shared := f.client
	mem := newClient(t, f.srv, f.p, partnerapi.WithHTTPClient(&http.Client{Transport: f.srv.Transport()}))

	stop := make(chan struct{})
	var ctl sync.WaitGroup
	ctl.Add(1)
	go func() { // the control plane, busy all along
		defer ctl.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			f.srv.Advance(0)
			_ = f.srv.Now()
			_ = f.srv.Requests()
			f.srv.Fail(mockserver.Fault{Path: "/never", Status: 500, Times: -1})
			if i%10 == 0 {
				f.srv.ClearFaults()
			}
		}
	}()

	errs := hammer(64, func(i int) error {
		c := shared
		switch i % 3 {
		case 1:
			c = mem
		case 2:
			c = newClient(t, f.srv, f.p)
		}
		id := fmt.Sprintf("user-%d", i)
		for round := 0; round < 5; round++ {
			u, err := c.Users.CreateOrUpdate(ctx, id, params)
			if err != nil {
				return err
			}
			if u.Created != (round == 0) {
				return fmt.Errorf("%s round %d: Created=%v", id, round, u.Created)
			}
			if err := f.srv.SetProgress(f.p, id, "Fast Track", round+1); err != nil {
				return err
			}
			if _, err := f.srv.AddInterview(f.p, id, partnerapi.Interview{Title: "t"}); err != nil {
				return err
			}
			tr, err := c.Users.Progress(ctx, id)
			if err != nil {
				return err
			}
			if !tr[0].Steps[round].Completed {
				return fmt.Errorf("%s round %d: step %d not completed", id, round, round+1)
			}
			ivs, err := c.Users.Interviews(ctx, id)
			if err != nil {
				return err
			}
			if len(ivs) != round+1 {
				return fmt.Errorf("%s: %d interviews; want %d", id, len(ivs), round+1)
			}
			if _, err := c.Users.CreateAnonymous(ctx); err != nil {
				return err
			}
			if _, err := c.SSO.LoginURL(ctx, id, nil, nil); err != nil {
				return err
			}
			k, err := c.APIKeys.Create(ctx, f.p.ID, id)
			if err != nil {
				return err
			}
			if _, err := c.APIKeys.List(ctx, f.p.ID, &partnerapi.ListAPIKeysOptions{IDs: []string{k.ID}}); err != nil {
				return err
			}
			if err := c.APIKeys.Delete(ctx, f.p.ID, k.ID); err != nil {
				return err
			}
		}
		return nil
	})
	close(stop)
	ctl.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	// Interview ids are unique across all those concurrent seedings.
	seen := map[int64]bool{}
	for i := 0; i < 64; i++ {
		ivs, err := shared.Users.Interviews(ctx, fmt.Sprintf("user-%d", i))
		if err != nil {
			t.Fatal(err)
		}
		for _, iv := range ivs {
			if seen[iv.ID] {
				t.Fatalf("interview id %d assigned twice", iv.ID)
			}
			seen[iv.ID] = true
		}
	}
}
