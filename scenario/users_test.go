package scenario_test

import (
	"context"
	"errors"
	"testing"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

func TestUserLifecycle(t *testing.T) {
	eachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		id := uniqueID(t)
		params := &partnerapi.UserParams{FirstName: "Grace", LastName: "Hopper", Email: id + "@example.com"}

		first, err := tg.client.Users.CreateOrUpdate(ctx, id, params)
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		if !first.Created || first.PartnerID != id || first.Anonymous {
			t.Fatalf("create answered %+v; want a new, named user %s", first, id)
		}
		if first.Token.Token.Reveal() == "" || !first.Token.ExpiresAt.After(first.CreatedAt) {
			t.Fatalf("create gave no usable token: %+v", first.Token)
		}

		again, err := tg.client.Users.CreateOrUpdate(ctx, id, nil)
		if err != nil {
			t.Fatalf("refresh: %v", err)
		}
		if again.Created {
			t.Error("refresh reported Created; a user is never created twice")
		}
		if again.Token.Token.Reveal() == first.Token.Token.Reveal() {
			t.Error("refresh kept the old token; every call issues a new one")
		}

		tracks, err := tg.client.Users.Tracks(ctx, id)
		if err != nil {
			t.Fatalf("tracks: %v", err)
		}
		if len(tracks) == 0 {
			t.Fatal("a user has no guided tracks")
		}
		for _, tr := range tracks {
			if tr.Progress != 0 || len(tr.Steps) == 0 {
				t.Errorf("new user's track %q: progress %v with %d steps; want 0 and some steps", tr.Title, tr.Progress, len(tr.Steps))
			}
		}
		progress, err := tg.client.Users.Progress(ctx, id)
		if err != nil {
			t.Fatalf("progress: %v", err)
		}
		if len(progress) != len(tracks) {
			t.Errorf("progress has %d tracks, /tracks has %d", len(progress), len(tracks))
		}

		interviews, err := tg.client.Users.Interviews(ctx, id)
		if err != nil {
			t.Fatalf("interviews: %v", err)
		}
		if len(interviews) != 0 {
			t.Errorf("a new user has %d interviews", len(interviews))
		}
	})
}

func TestUnknownUser(t *testing.T) {
	eachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		id := uniqueID(t)
		if _, err := tg.client.Users.Tracks(ctx, id); !errors.Is(err, partnerapi.ErrNotFound) {
			t.Errorf("tracks of an unknown user: %v; want ErrNotFound", err)
		}
		if _, err := tg.client.Users.Interviews(ctx, id); !errors.Is(err, partnerapi.ErrNotFound) {
			t.Errorf("interviews of an unknown user: %v; want ErrNotFound", err)
		}
		_, err := tg.client.Users.CreateOrUpdate(ctx, id, nil)
		var apiErr *partnerapi.Error
		if !errors.Is(err, partnerapi.ErrValidation) || !errors.As(err, &apiErr) || apiErr.StatusCode != 422 {
			t.Errorf("refreshing an unknown user without attributes: %v; want a 422", err)
		}
	})
}

func TestAnonymousUser(t *testing.T) {
	eachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		u, err := tg.client.Users.CreateAnonymous(ctx)
		if tg.fake == nil && errors.Is(err, partnerapi.ErrForbidden) {
			t.Skip("anonymous users are not enabled for this organization")
		}
		if err != nil {
			t.Fatalf("create anonymous: %v", err)
		}
		if !u.Anonymous || u.PartnerID == "" || u.Token.Token.Reveal() == "" {
			t.Fatalf("anonymous user %+v lacks its generated id or token", u)
		}
		if _, err := tg.client.Users.Tracks(ctx, u.PartnerID); err != nil {
			t.Errorf("the generated partner_id does not work elsewhere in the API: %v", err)
		}
	})
}
