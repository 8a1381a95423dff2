package main

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// --mock seeds every user of the roster with demo data drawn from its id:
// the same roster gives the same report, run after run.
func TestReportMockIsReproducible(t *testing.T) {
	roster := writeFile(t, "partner_id\nanita-borg\nbad id\ngrace-hopper\nlinus-t\n")
	var outs []string
	for range 2 {
		r := runCLI(t, nil, nil, "", "--mock", "users", "report", roster, "--interviews")
		wantCode(t, r, 1)
		outs = append(outs, r.stdout)
	}
	if outs[0] != outs[1] {
		t.Fatalf("two runs differ:\n%s\n%s", outs[0], outs[1])
	}
	got := readCSV(t, outs[0])
	if len(got) != 5 || got[2][0] != "bad id" || got[2][len(got[2])-2] == "" {
		t.Fatalf("rows %q", got)
	}
	loaded := 0
	for _, row := range got[1:] {
		if row[len(row)-2] == "" {
			loaded++
		}
	}
	if loaded != 3 {
		t.Errorf("%d users loaded, want the 3 valid ids", loaded)
	}
}

// seedReportDemo creates each valid id the fake does not have, once, with
// progress and interviews dated in the demo's weeks; it leaves invalid ids
// and "anonymous" alone, and a user the fake had already as it was.
func TestSeedReportDemo(t *testing.T) {
	f := newFixture(t)
	f.createUser(t, "old")
	if err := f.srv.SetProgress(f.p, "old", "Fast Track", 1); err != nil {
		t.Fatal(err)
	}
	ids := []string{"bad id", "anonymous", "old"}
	for i := range 20 {
		ids = append(ids, "demo-"+strconv.Itoa(i), "demo-"+strconv.Itoa(i))
	}
	client := f.sdk(t, f.p.APIKey)
	ctx := context.Background()
	if err := seedReportDemo(ctx, f.srv, f.p, client, slices.Values(ids)); err != nil {
		t.Fatal(err)
	}

	users, err := f.srv.Users(f.p)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range users {
		got = append(got, u.PartnerID)
	}
	want := []string{"old"}
	for i := range 20 {
		want = append(want, "demo-"+strconv.Itoa(i))
	}
	if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("users on the fake (-want +got):\n%s", diff)
	}

	old, err := client.Users.Tracks(ctx, "old")
	if err != nil {
		t.Fatal(err)
	}
	if ivs, err := client.Users.Interviews(ctx, "old"); err != nil || len(ivs) != 0 || !old[0].Steps[0].Completed || old[0].Steps[1].Completed {
		t.Errorf("the user the fake had: tracks %+v, interviews %v (%v); want them as they were", old, ivs, err)
	}

	from := demoReportEnd.Add(-demoWeeks * 7 * 24 * time.Hour)
	interviews, progressed := 0, 0
	for i := range 20 {
		id := "demo-" + strconv.Itoa(i)
		ivs, err := client.Users.Interviews(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		interviews += len(ivs)
		for _, iv := range ivs {
			if iv.CreatedAt.Before(from) || iv.CreatedAt.After(demoReportEnd) || iv.UpdatedAt.Before(iv.CreatedAt) {
				t.Errorf("%s: interview created %v, updated %v; want created in the %d weeks up to %v", id, iv.CreatedAt, iv.UpdatedAt, demoWeeks, demoReportEnd)
			}
		}
		tracks, err := client.Users.Tracks(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if tracks[0].Progress > 0 {
			progressed++
		}
	}
	if interviews == 0 || progressed == 0 {
		t.Errorf("%d interviews and %d users with progress on the first track among 20 demo users: the demo is empty", interviews, progressed)
	}

	// Seeded again, the users the fake has now are left as they are.
	snapshot := func() map[string]any {
		out := map[string]any{}
		for _, id := range want {
			tracks, err := client.Users.Tracks(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			ivs, err := client.Users.Interviews(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			out[id] = []any{tracks, ivs}
		}
		return out
	}
	before := snapshot()
	if err := seedReportDemo(ctx, f.srv, f.p, client, slices.Values(ids)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, snapshot()); diff != "" {
		t.Errorf("seeded again (-before +after):\n%s", diff)
	}
}
