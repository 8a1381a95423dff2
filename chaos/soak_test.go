package chaos_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

const (
	workers        = 16
	callsPerWorker = 30
	seed           = 20261123
)

// faultMenu is what the soak injects: 503s and 429s anywhere, 500/502 on
// POSTs, dropped connections on the non-idempotent POSTs, and latency.
var faultMenu = []mockserver.Fault{
	{Method: "GET", Status: http.StatusServiceUnavailable},
	{Status: http.StatusTooManyRequests},
	{Method: "POST", Status: http.StatusInternalServerError},
	{Method: "POST", Status: http.StatusBadGateway},
	{Method: "POST", Path: "/api/users/anonymous", Drop: true},
	{Method: "POST", Path: "/v1/", Drop: true},
	{Latency: 2 * time.Millisecond},
}

type tally struct {
	mu                        sync.Mutex
	calls, injected           int
	idempotentFailures        []string
	usersCreated              map[string]bool
	anonCreated, keysCreated  int
	anonFailed, keysFailed    int
	nonIdempotentFailureKinds map[string]int
}

// TestChaosSoak runs 16 goroutines sharing one Client through 480 mixed
// calls while a seeded schedule injects a fault before about two calls in
// three. It asserts that every idempotent call succeeds, that no
// non-idempotent request the fake processed was ever sent again, and that
// the fake holds exactly what the successful calls created.
func TestChaosSoak(t *testing.T) {
	srv := mockserver.New(mockserver.WithJournalSize(100_000))
	defer srv.Close()
	p := srv.AddPartner("chaos", mockserver.AllowAnonymous())
	client, err := srv.NewClient(p, partnerapi.WithRetry(25, time.Millisecond, 4*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tl := &tally{usersCreated: map[string]bool{}, nonIdempotentFailureKinds: map[string]int{}}

	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			for i := 0; i < callsPerWorker; i++ {
				if rng.IntN(3) < 2 {
					srv.Fail(faultMenu[rng.IntN(len(faultMenu))])
					tl.add(func() { tl.injected++ })
				}
				id := fmt.Sprintf("chaos-w%02d-u%02d", w, i%5)
				switch rng.IntN(4) {
				case 0:
					_, err := client.Users.CreateOrUpdate(ctx, id, &partnerapi.UserParams{FirstName: "C", LastName: "S", Email: id + "@example.com"})
					tl.idempotent("create/refresh "+id, err)
					if err == nil {
						tl.add(func() { tl.usersCreated[id] = true })
					}
				case 1:
					// A user this worker may not have created yet is a
					// legitimate 404; anything else must succeed.
					_, err := client.Users.Tracks(ctx, id)
					if err != nil && !errors.Is(err, partnerapi.ErrNotFound) {
						tl.idempotent("tracks "+id, err)
					}
				case 2:
					_, err := client.Users.CreateAnonymous(ctx)
					tl.add(func() {
						if err == nil {
							tl.anonCreated++
						} else {
							tl.anonFailed++
							tl.nonIdempotentFailureKinds[kind(err)]++
						}
					})
				case 3:
					_, err := client.APIKeys.Create(ctx, p.ID, fmt.Sprintf("chaos-w%02d-k%02d", w, i))
					tl.add(func() {
						if err == nil {
							tl.keysCreated++
						} else {
							tl.keysFailed++
							tl.nonIdempotentFailureKinds[kind(err)]++
						}
					})
				}
				tl.add(func() { tl.calls++ })
			}
		}()
	}
	wg.Wait()
	srv.ClearFaults()

	if len(tl.idempotentFailures) > 0 {
		t.Errorf("%d idempotent calls failed; every one must succeed through the faults:\n%s",
			len(tl.idempotentFailures), strings.Join(tl.idempotentFailures, "\n"))
	}

	journal := srv.Requests()
	faultStatuses := map[int]int{}
	keyPosts := map[string]int{} // key name → requests the fake processed or dropped
	anonProcessed, keysProcessed := 0, 0
	for _, r := range journal {
		if r.Status == 0 || r.Status == 429 || r.Status >= 500 {
			faultStatuses[r.Status]++
		}
		switch {
		case r.Method == "POST" && r.Path == "/api/users/anonymous":
			if r.Status == http.StatusCreated {
				anonProcessed++
			}
		case r.Method == "POST" && strings.HasPrefix(r.Path, "/v1/"):
			var body struct{ Name string }
			_ = json.Unmarshal(r.Body, &body)
			if r.Status != http.StatusTooManyRequests { // a 429 was refused unprocessed: resending it is right
				keyPosts[body.Name]++
			}
			if r.Status == http.StatusCreated {
				keysProcessed++
			}
		}
	}
	for name, n := range keyPosts {
		if n > 1 {
			t.Errorf("key %q: the create request reached the fake %d times; a non-idempotent POST is never resent", name, n)
		}
	}

	// The fake holds exactly what the successful calls created: faults
	// apply before the fake processes anything, so a failed call created nothing.
	if anonProcessed != tl.anonCreated {
		t.Errorf("the fake created %d anonymous users; %d calls succeeded", anonProcessed, tl.anonCreated)
	}
	keys, err := client.APIKeys.List(ctx, p.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 + tl.keysCreated; len(keys) != want || keysProcessed != tl.keysCreated {
		t.Errorf("the fake holds %d keys (%d create requests processed); want %d: the first key and %d successful creates",
			len(keys), keysProcessed, want, tl.keysCreated)
	}
	for id := range tl.usersCreated {
		if _, err := client.Users.Tracks(ctx, id); err != nil {
			t.Errorf("user %s, created by a successful call, is not in the fake: %v", id, err)
		}
	}

	t.Logf("chaos soak: %d calls from %d goroutines, %d faults injected, %d requests in the journal, faulted answers by status %v; "+
		"0 idempotent failures required, %d found; non-idempotent: %d anonymous users and %d keys created, %d and %d failed without a resend (%v)",
		tl.calls, workers, tl.injected, len(journal), faultStatuses, len(tl.idempotentFailures),
		tl.anonCreated, tl.keysCreated, tl.anonFailed, tl.keysFailed, tl.nonIdempotentFailureKinds)
	if tl.injected < 200 {
		t.Errorf("only %d faults injected; the soak must inject hundreds", tl.injected)
	}
}

func (tl *tally) add(f func()) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	f()
}

func (tl *tally) idempotent(what string, err error) {
	if err != nil {
		tl.add(func() { tl.idempotentFailures = append(tl.idempotentFailures, what+": "+err.Error()) })
	}
}

func kind(err error) string {
	var apiErr *partnerapi.Error
	switch {
	case err == nil:
		return "none"
	case errors.As(err, &apiErr):
		return fmt.Sprint(apiErr.StatusCode)
	default:
		return "connection"
	}
}
