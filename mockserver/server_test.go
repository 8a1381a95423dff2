package mockserver_test

import (
	"errors"
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

// A call that fails changes nothing, and signals nothing on Changes; nor
// does a key update that sets no name.
func TestChangesIgnoresFailedCalls(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "ada")
	keys, err := f.client.APIKeys.List(ctx, f.p.ID, nil)
	if err != nil || len(keys) == 0 {
		t.Fatalf("listing keys: %v, %d", err, len(keys))
	}
	ch := f.srv.Changes()
	stranger := &mockserver.Partner{ID: "000000000000000000000000"}
	for _, c := range []struct {
		what string
		call func() error
	}{
		{"SetProgress of an unknown user", func() error { return f.srv.SetProgress(f.p, "nobody", "Fast Track", 1) }},
		{"RemoveAPIKey of an unknown key", func() error { return f.srv.RemoveAPIKey(f.p, "0123456789abcdef0123456789abcdef") }},
		{"RemoveAPIKey of an unknown partner", func() error { return f.srv.RemoveAPIKey(stranger, f.p.APIKey) }},
		{"AddAPIKey of an unknown partner", func() (err error) {
			defer func() {
				if recover() != nil {
					err = errors.New("panicked")
				}
			}()
			f.srv.AddAPIKey(stranger)
			return nil
		}},
		{"AddPartner of a taken org", func() (err error) {
			defer func() {
				if recover() != nil {
					err = errors.New("panicked")
				}
			}()
			f.srv.AddPartner(f.p.Org)
			return nil
		}},
		{"a key update without a name", func() error {
			a := raw(t, f.srv, "PATCH", "/v1/resources/partners/"+f.p.ID+"/api_keys/"+keys[0].ID, "{}",
				"Authorization", "key "+f.p.KeysAPIKey, "Content-Type", "application/json")
			if a.status != 200 {
				t.Errorf("PATCH with {}: %d %s; want 200", a.status, a.body)
			}
			return errors.New("no change")
		}},
	} {
		for len(ch) > 0 {
			<-ch
		}
		if err := c.call(); err == nil {
			t.Errorf("%s: no error", c.what)
		}
		select {
		case <-ch:
			t.Errorf("%s: a change signalled", c.what)
		default:
		}
	}
}
