package mockserver_test

import (
	"strings"
	"testing"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

func TestSeedingErrors(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, "seeded")
	iv, err := f.srv.AddInterview(f.p, "seeded", partnerapi.Interview{Title: "x"})
	if err != nil {
		t.Fatal(err)
	}
	stranger := &mockserver.Partner{ID: "000000000000000000000000", Org: "nope"}
	other := f.srv.AddPartner("other-org")
	cases := map[string]error{
		"progress: unknown user":    f.srv.SetProgress(f.p, "ghost", "Fast Track", 1),
		"progress: unknown track":   f.srv.SetProgress(f.p, "seeded", "fast track", 1),
		"progress: step 0":          f.srv.SetProgress(f.p, "seeded", "Fast Track", 0),
		"progress: step too large":  f.srv.SetProgress(f.p, "seeded", "Fast Track", 99),
		"progress: nil partner":     f.srv.SetProgress(nil, "seeded", "Fast Track", 1),
		"progress: unknown partner": f.srv.SetProgress(stranger, "seeded", "Fast Track", 1),
		"progress: other org":       f.srv.SetProgress(other, "seeded", "Fast Track", 1),
		"add: unknown user": func() error {
			_, err := f.srv.AddInterview(f.p, "ghost", partnerapi.Interview{})
			return err
		}(),
		"add: duplicate id": func() error {
			_, err := f.srv.AddInterview(f.p, "seeded", partnerapi.Interview{ID: iv.ID})
			return err
		}(),
		"add: negative id": func() error {
			_, err := f.srv.AddInterview(f.p, "seeded", partnerapi.Interview{ID: -1})
			return err
		}(),
		"update: unknown id":   f.srv.UpdateInterview(f.p, "seeded", partnerapi.Interview{ID: iv.ID + 100}),
		"update: unknown user": f.srv.UpdateInterview(f.p, "ghost", iv),
		"delete: unknown id":   f.srv.DeleteInterview(f.p, "seeded", iv.ID+100),
		"delete: unknown user": f.srv.DeleteInterview(f.p, "ghost", iv.ID),
	}
	for name, err := range cases {
		if err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.HasPrefix(err.Error(), "mockserver: ") {
			t.Errorf("%s: error %q does not say where it is from", name, err)
		}
	}
	// Nothing changed.
	tr, _ := f.client.Users.Tracks(ctx, "seeded")
	if tr[0].Progress != 0 {
		t.Errorf("a failed SetProgress changed progress to %v", tr[0].Progress)
	}
	ivs, _ := f.client.Users.Interviews(ctx, "seeded")
	if len(ivs) != 1 {
		t.Errorf("failed seeding changed the interviews: %+v", ivs)
	}
}
