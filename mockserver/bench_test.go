package mockserver_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/partnerapi/go-partnerapi/mockserver"
)

// The fake's performance targets (DESIGN §9): a create/refresh against
// 100,000 stored users within 1.3× a trivial JSON handler, and at most
// 1 KiB of memory per stored user. Compare
//
//	go test -run=NONE -bench='RefreshWith100kUsers|TrivialJSONHandler|MemoryPerUser' ./mockserver

const storedUsers = 100000

func benchRequest(h http.Handler, path, key, body string) int {
	req := httptest.NewRequest("POST", path, strings.NewReader(body))
	req.Header.Set("Authorization", key)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

const benchUser = `{"first_name":"Ada","last_name":"Lovelace","email":"ada@example.com"}`

func fillUsers(tb testing.TB, srv *mockserver.Server, key string, n int) {
	h := srv.Handler()
	for i := 0; i < n; i++ {
		if code := benchRequest(h, "/api/users/user-"+strconv.Itoa(i), key, benchUser); code != 201 {
			tb.Fatalf("create: %d", code)
		}
	}
}

func BenchmarkRefreshWith100kUsers(b *testing.B) {
	srv := mockserver.New(mockserver.WithoutListener())
	p := srv.AddPartner("bench")
	fillUsers(b, srv, p.APIKey, storedUsers)
	h := srv.Handler()
	paths := make([]string, 1024)
	for i := range paths {
		paths[i] = "/api/users/user-" + strconv.Itoa(i*97%storedUsers)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if code := benchRequest(h, paths[i%len(paths)], p.APIKey, benchUser); code != 200 {
			b.Fatalf("refresh: %d", code)
		}
	}
}

// BenchmarkTrivialJSONHandler is the yardstick: decode the same body, answer
// a small JSON object, through the same recorder.
func BenchmarkTrivialJSONHandler(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct{ FirstName, LastName, Email string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		out, _ := json.Marshal(struct {
			PartnerID string `json:"partner_id"`
			Token     string `json:"token"`
		}{r.URL.Path, "19633c68a809dda515d78bbee308012634b73f4142b4ae58d8790c7094c66417"})
		w.Header().Set("Content-Type", "application/json")
		w.Write(out)
	})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if code := benchRequest(h, "/api/users/user-1", "k", benchUser); code != 200 {
			b.Fatalf("trivial: %d", code)
		}
	}
}

// BenchmarkMemoryPerUser reports the heap each stored user costs.
func BenchmarkMemoryPerUser(b *testing.B) {
	for i := 0; i < b.N; i++ {
		srv := mockserver.New(mockserver.WithoutListener(), mockserver.WithJournalSize(0))
		p := srv.AddPartner("bench")
		before := heapInUse()
		fillUsers(b, srv, p.APIKey, storedUsers)
		after := heapInUse()
		b.ReportMetric(float64(after-before)/storedUsers, "B/user")
		runtime.KeepAlive(srv)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
