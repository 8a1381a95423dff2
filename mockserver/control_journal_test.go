//go:build !nocontrol

package mockserver_test

import (
	"strings"
	"testing"
	"time"
)

func TestControlFaults(t *testing.T) {
	f := newFixture(t)
	type fault struct {
		ID         int64  `json:"id"`
		Method     string `json:"method"`
		Path       string `json:"path"`
		Status     int    `json:"status"`
		RetryAfter string `json:"retry_after"`
		Latency    string `json:"latency"`
		Drop       bool   `json:"drop"`
		Times      int    `json:"times"`
		Remaining  int    `json:"remaining"`
	}
	var got fault
	if a := control(t, f.srv, "POST", "/_mock/faults", `{"method":"GET","path":"/api/","status":503,"retry_after":"1500ms","times":2}`, &got); a.status != 201 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	want := fault{1, "GET", "/api/", 503, "1.5s", "0s", false, 2, 2}
	if got != want {
		t.Errorf("fault %+v; want %+v", got, want)
	}
	control(t, f.srv, "POST", "/_mock/faults", `{"path":"/v1/","latency":"1ms","times":-5}`, nil)
	f.mustCreate(t, "ada")
	tracks := func() answer { return raw(t, f.srv, "GET", "/api/users/ada/tracks", "", "Authorization", f.p.APIKey) }
	if a := tracks(); a.status != 503 || a.header.Get("Retry-After") != "2" {
		t.Errorf("faulted: %d Retry-After %q", a.status, a.header.Get("Retry-After"))
	}
	var list []fault
	control(t, f.srv, "GET", "/_mock/faults", "", &list)
	if len(list) != 2 || list[0].Remaining != 1 || list[1].Remaining != -1 || list[1].ID != 2 || list[1].Times != -5 {
		t.Errorf("faults %+v", list)
	}
	// The Go API sees the same faults.
	if afs := f.srv.Faults(); len(afs) != 2 || afs[0].Remaining != 1 || afs[0].Status != 503 || afs[0].RetryAfter != 1500*time.Millisecond {
		t.Errorf("Faults() = %+v", afs)
	}
	tracks()
	control(t, f.srv, "GET", "/_mock/faults", "", &list)
	if len(list) != 1 || list[0].ID != 2 {
		t.Errorf("after the second hit: %+v; want the spent fault gone", list)
	}
	if a := control(t, f.srv, "DELETE", "/_mock/faults", "", nil); a.status != 204 {
		t.Errorf("clear: %d", a.status)
	}
	if len(f.srv.Faults()) != 0 {
		t.Error("faults left after DELETE")
	}
	wantControlError(t, control(t, f.srv, "POST", "/_mock/faults", `{"status":503,"latency":"soon"}`, nil), 400, `latency: invalid duration "soon"`)
	wantControlError(t, control(t, f.srv, "POST", "/_mock/faults", `{"status":503,"retry_after":"-1s"}`, nil), 400, "must not be negative")
	wantControlError(t, control(t, f.srv, "POST", "/_mock/faults", `{"status":99}`, nil), 400, "status: 99")
	wantControlError(t, control(t, f.srv, "POST", "/_mock/faults", `{"status":503,"retry-after":"1s"}`, nil), 400, `unknown field "retry-after"`)
	wantControlError(t, control(t, f.srv, "POST", "/_mock/faults", `{"latency":5}`, nil), 400, "latency: must be a string")
	if a := tracks(); a.status != 200 {
		t.Errorf("no fault left: %d", a.status)
	}
}

func TestControlRequestsJournal(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "ada")
	raw(t, f.srv, "GET", "/api/users/ghost/tracks?x=1", "", "Authorization", f.p.APIKey)
	control(t, f.srv, "GET", "/_mock/health", "", nil) // the control plane is not journaled
	type request struct {
		Method  string              `json:"method"`
		Path    string              `json:"path"`
		Query   string              `json:"query"`
		Headers map[string][]string `json:"headers"`
		Body    string              `json:"body"`
		Status  int                 `json:"status"`
		At      time.Time           `json:"at"`
	}
	var all []request
	control(t, f.srv, "GET", "/_mock/requests", "", &all)
	if len(all) != 2 || all[0].Method != "POST" || all[0].Status != 201 || !strings.Contains(all[0].Body, `"first_name":"Ada"`) ||
		all[0].Headers["Content-Type"][0] != "application/json" || all[1].Query != "x=1" || all[1].Status != 404 || all[0].At.Before(start) {
		t.Errorf("journal %+v", all)
	}
	for q, n := range map[string]int{"?method=post": 1, "?path_prefix=/api/users/ghost": 1, "?status=404": 1, "?status=500": 0, "?method=GET&status=404": 1, "?path_prefix=/v1/": 0} {
		var got []request
		if a := control(t, f.srv, "GET", "/_mock/requests"+q, "", &got); a.status != 200 || len(got) != n {
			t.Errorf("%s: %d, %d entries; want %d", q, a.status, len(got), n)
		}
	}
	wantControlError(t, control(t, f.srv, "GET", "/_mock/requests?status=abc", "", nil), 400, `status: "abc"`)
	wantControlError(t, control(t, f.srv, "GET", "/_mock/requests?path=/api", "", nil), 400, `unknown query parameter "path"`)
	if a := control(t, f.srv, "DELETE", "/_mock/requests", "", nil); a.status != 204 {
		t.Errorf("clear: %d", a.status)
	}
	var none []request
	if control(t, f.srv, "GET", "/_mock/requests", "", &none); len(none) != 0 || len(f.srv.Requests()) != 0 {
		t.Errorf("after DELETE: %+v", none)
	}
}
