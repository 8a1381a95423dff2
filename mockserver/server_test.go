package mockserver_test

import (
	"testing"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// Changes signals every change a snapshot would hold, and nothing else.
func TestChangesSignalsEveryChange(t *testing.T) {
	f := newFixture(t)
	ch := f.srv.Changes()
	drain := func() {
		for {
			select {
			case <-ch:
			default:
				return
			}
		}
	}
	signalled := func() bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	drain()
	f.mustCreate(t, "ada")
	for _, c := range []struct {
		what   string
		change func()
	}{
		{"a refresh (a new token)", func() { f.client.Users.CreateOrUpdate(ctx, "ada", nil) }},
		{"AddPartner", func() { f.srv.AddPartner("beta") }},
		{"AddAPIKey", func() { f.srv.AddAPIKey(f.p) }},
		{"a key made through /v1", func() { f.client.APIKeys.Create(ctx, f.p.ID, "ci") }},
		{"SetProgress", func() { f.srv.SetProgress(f.p, "ada", "Fast Track", 1) }},
		{"AddInterview", func() { f.srv.AddInterview(f.p, "ada", partnerapi.Interview{}) }},
		{"AddWebhook", func() { f.srv.AddWebhook(f.p, "http://127.0.0.1:1/x") }},
		{"Fail", func() { f.srv.Fail(mockserver.Fault{Path: "/nowhere", Status: 500, Times: 2}) }},
		{"a fault used", func() { raw(t, f.srv, "GET", "/nowhere", "") }},
		{"ClearFaults", f.srv.ClearFaults},
		{"Advance", func() { f.srv.Advance(time.Second) }},
		{"a control-plane change", func() { control(t, f.srv, "POST", "/_mock/partners", `{"org":"gamma"}`, nil) }},
		{"Reset", f.srv.Reset},
	} {
		if !mockserver.ControlPlaneServed && c.what == "a control-plane change" {
			continue
		}
		drain()
		c.change()
		if !signalled() {
			t.Errorf("%s: no value on Changes", c.what)
		}
	}
	f.mustCreate(t, "ada")
	drain()
	f.client.Users.Tracks(ctx, "ada")
	f.srv.Users(f.p)
	f.srv.Requests()
	if mockserver.ControlPlaneServed {
		control(t, f.srv, "GET", "/_mock/state", "", nil)
	}
	if signalled() {
		t.Error("reads signalled a change")
	}
}

// A fault with unlimited uses changes nothing when it fires: Changes stays
// quiet, so that a watcher saving the state does not save it on every
// request. A fault with a count of uses signals each use.
func TestChangesIgnoresAnUnlimitedFaultFiring(t *testing.T) {
	f := newFixture(t)
	ch := f.srv.Changes()
	f.srv.Fail(mockserver.Fault{Path: "/always", Status: 503, Times: -1})
	f.srv.Fail(mockserver.Fault{Path: "/twice", Status: 503, Times: 2})
	<-ch
	for range 3 {
		if a := raw(t, f.srv, "GET", "/always", ""); a.status != 503 {
			t.Fatalf("GET /always: %d; want the fault's 503", a.status)
		}
		select {
		case <-ch:
			t.Fatal("an unlimited fault firing signalled a change")
		default:
		}
	}
	raw(t, f.srv, "GET", "/twice", "")
	select {
	case <-ch:
	default:
		t.Error("a fault with a count of uses was used without a change signalled")
	}
}
