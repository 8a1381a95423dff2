//go:build !nocontrol

package mockserver

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

// Every control route of the route table refuses an unknown query
// parameter and an unknown body field with 400 naming it, before it does
// anything: the path's ids name things that exist, so a route that acted
// first would answer otherwise, and the state is checked unchanged after.
func TestEveryControlRouteRefusesUnknownInput(t *testing.T) {
	s := New(WithoutListener(), WithStartTime(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
	defer s.Close()
	p := s.AddPartner("acme")
	c, err := s.NewClient(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Users.CreateOrUpdate(t.Context(), "ada", &partnerapi.UserParams{FirstName: "Ada", LastName: "L", Email: "ada@example.com"}); err != nil {
		t.Fatal(err)
	}
	iv, err := s.AddInterview(p, "ada", partnerapi.Interview{Title: "Practice"})
	if err != nil {
		t.Fatal(err)
	}
	s.Fail(Fault{Path: "/never", Status: 500, Times: -1})
	state := func() map[string]any {
		var b bytes.Buffer
		if err := s.Snapshot(&b); err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		delete(m, "clock") // it runs in real time
		return m
	}
	before, journaled := state(), len(s.Requests())

	values := map[string]string{"id": p.ID, "key": p.APIKey, "partner_id": "ada", "iid": strconv.FormatInt(iv.ID, 10)}
	param := regexp.MustCompile(`\{([a-z_]+)\}`)
	routes := 0
	for _, r := range s.routes() {
		method, path, ok := strings.Cut(r.pattern, " ")
		if r.surface.root() != controlPlane || !ok {
			continue
		}
		routes++
		path = param.ReplaceAllStringFunc(path, func(m string) string { return values[m[1:len(m)-1]] })
		bogusField := `{"bogus":1}`
		if r.pattern == "PUT /_mock/state" {
			bogusField = `{"version":1,"bogus":1}` // a snapshot's version is read first
		}
		for _, in := range []struct{ query, body, names string }{
			{"?bogus=1", "", `unknown query parameter "bogus"`},
			{"?bogus", "", `unknown query parameter "bogus"`},
			{"", bogusField, `unknown field "bogus"`},
		} {
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest(method, path+in.query, strings.NewReader(in.body)))
			var e struct{ Error string }
			if err := json.Unmarshal(rec.Body.Bytes(), &e); rec.Code != 400 || err != nil || !strings.Contains(e.Error, in.names) {
				t.Errorf("%s %s%s %s: %d %s; want 400 naming %s", method, path, in.query, in.body, rec.Code, rec.Body, in.names)
			}
		}
	}
	if routes == 0 {
		t.Error("no control route walked")
	}
	if after := state(); !reflect.DeepEqual(before, after) {
		t.Errorf("a refused request changed the state:\nbefore %v\nafter  %v", before, after)
	}
	if n := len(s.Requests()); n != journaled {
		t.Errorf("a refused DELETE /_mock/requests cleared the journal: %d entries, was %d", n, journaled)
	}
}
