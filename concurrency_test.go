package partnerapi

// 64 goroutines share one Client: every call gets its own answer, retries
// and attempt counts do not cross between calls, and -race stays quiet.

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestConcurrentCallsShareOneClient(t *testing.T) {
	const goroutines, perGoroutine = 64, 30
	var requests, throttled atomic.Int64
	var seen sync.Map
	mux := http.NewServeMux()
	// The first attempt of every third call is throttled (Retry-After: 0),
	// so retries run concurrently with first attempts.
	throttle := func(w http.ResponseWriter, r *http.Request) bool {
		n := requests.Add(1)
		key := r.Method + " " + r.URL.Path + "?" + r.URL.RawQuery
		if _, again := seen.LoadOrStore(key, true); !again && n%3 == 0 {
			throttled.Add(1)
			w.Header().Set("Retry-After", "0")
			writeJSON(w, http.StatusTooManyRequests, `{}`)
			return true
		}
		return false
	}
	mux.HandleFunc("POST /api/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		if throttle(w, r) {
			return
		}
		if r.Header.Get("Authorization") != testKey {
			writeJSON(w, 401, `{}`)
			return
		}
		var p UserParams
		_ = json.NewDecoder(r.Body).Decode(&p)
		id := r.PathValue("id")
		status := 200
		if p.Email != "" {
			status = 201
		}
		writeJSON(w, status, fmt.Sprintf(`{"user": {"partner_id": %q, "token": {"token": "tok-%s"}}}`, id, id))
	})
	mux.HandleFunc("GET /api/users/{id}/tracks", func(w http.ResponseWriter, r *http.Request) {
		if throttle(w, r) {
			return
		}
		writeJSON(w, 200, fmt.Sprintf(`{"tracks": [{"title": %q}]}`, r.PathValue("id")))
	})
	mux.HandleFunc("POST /v1/resources/partners/{p}/api_keys", func(w http.ResponseWriter, r *http.Request) {
		if throttle(w, r) {
			return
		}
		if r.Header.Get("Authorization") != "key "+testKey {
			writeJSON(w, 401, `{}`)
			return
		}
		var body struct{ Name string }
		_ = json.NewDecoder(r.Body).Decode(&body)
		writeJSON(w, 201, fmt.Sprintf(`{"id": %q, "key": "k", "name": %q, "partner": %q}`, seedKeyID, body.Name, r.PathValue("p")))
	})
	mux.HandleFunc("GET /v1/resources/partners/{p}/api_keys", func(w http.ResponseWriter, r *http.Request) {
		if throttle(w, r) {
			return
		}
		writeJSON(w, 200, fmt.Sprintf(`[{"id": %q}]`, strings.TrimPrefix(r.URL.RawQuery, "ids=")))
	})
	srv := serve(t, mux)

	var logBuf lockedBuffer
	logger := slog.New(slog.NewJSONHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newTestClient(t, testKey, WithBaseURL(srv.URL), WithRetry(3, 0, time.Millisecond), WithLogger(logger))

	var calls atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*perGoroutine)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			ctx := context.Background()
			for i := 0; i < perGoroutine; i++ {
				id := fmt.Sprintf("g%d-i%d", g, i)
				calls.Add(1)
				switch i % 5 {
				case 0:
					u, err := c.Users.CreateOrUpdate(ctx, id, &UserParams{FirstName: "A", LastName: "B", Email: id + "@x.example"})
					if err != nil || u.PartnerID != id || !u.Created || u.Token.Token.Reveal() != "tok-"+id {
						errs <- fmt.Errorf("CreateOrUpdate(%s) = %+v, %v", id, u, err)
					}
				case 1:
					link, err := c.SSO.LoginURL(ctx, id, nil, &LoginOptions{RedirectTo: "/members/" + id})
					if err != nil || !strings.Contains(link, "token=tok-"+id+"&") || !strings.HasSuffix(link, "%2Fmembers%2F"+id) {
						errs <- fmt.Errorf("LoginURL(%s) = %q, %v", id, link, err)
					}
				case 2:
					tr, err := c.Users.Tracks(ctx, id)
					if err != nil || len(tr) != 1 || tr[0].Title != id {
						errs <- fmt.Errorf("Tracks(%s) = %+v, %v", id, tr, err)
					}
				case 3:
					k, err := c.APIKeys.Create(ctx, seedPartner, id)
					if err != nil || k.Name != id || k.Partner != seedPartner {
						errs <- fmt.Errorf("Create(%s) = %+v, %v", id, k, err)
					}
				case 4:
					keyID := fmt.Sprintf("%024x", g*1000+i)
					ks, err := c.APIKeys.List(ctx, seedPartner, &ListAPIKeysOptions{IDs: []string{keyID}})
					if err != nil || len(ks) != 1 || ks[0].ID != keyID {
						errs <- fmt.Errorf("List(%s) = %+v, %v", keyID, ks, err)
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n++; n <= 10 {
			t.Error(err)
		}
	}
	if n > 10 {
		t.Errorf("… and %d more failed calls", n-10)
	}
	if throttled.Load() == 0 {
		t.Fatal("no request was throttled: retries were not exercised")
	}
	if got, want := requests.Load(), calls.Load()+throttled.Load(); got != want {
		t.Errorf("the server saw %d requests for %d calls and %d throttled answers", got, calls.Load(), throttled.Load())
	}
	if got := int64(strings.Count(logBuf.String(), "\n")); got != requests.Load() {
		t.Errorf("%d log records for %d attempts", got, requests.Load())
	}
}
