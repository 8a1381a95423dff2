package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/partnerid"
)

// usersCommands are the Big Interview users commands.
func usersCommands() []*command {
	return []*command{
		{
			words: []string{"users", "sync"}, args: []string{"FILE.csv"},
			summary: "create or refresh every user of a CSV roster",
			details: syncDetails,
			json:    true, conn: connUsers, run: usersSync,
			flags: func(fs *flag.FlagSet, o *options) {
				fs.BoolVar(&o.dryRun, "dry-run", false, "check every row and send nothing (needs no configuration)")
				fs.BoolVar(&o.deriveIDs, "derive-ids", false, "turn partner_ids that break the rules (e.g. e-mail addresses) into valid ones with partnerid.Derive")
				fs.StringVar(&o.mapOut, "map-out", "", "with --derive-ids, write every derived id to `FILE`, as CSV: line,source_id,partner_id")
				concurrencyFlag(fs, o)
			},
		},
		{
			words: []string{"users", "report"}, args: []string{"FILE.csv"},
			summary: "where every user of a roster stands: a CSV of tracks and interviews, an HTML summary",
			details: reportDetails,
			json:    true, conn: connUsers, run: usersReport,
			flags: func(fs *flag.FlagSet, o *options) {
				fs.BoolVar(&o.interviews, "interviews", false, "read each user's interviews too (one more request a user)")
				fs.StringVar(&o.htmlOut, "html", "", "also write a one-page summary to `FILE`: self-contained HTML, charts drawn inline")
				fs.BoolVar(&o.deriveIDs, "derive-ids", false, "find users synced with users sync --derive-ids by the ids in the file")
				concurrencyFlag(fs, o)
			},
		},
		{
			words: []string{"users", "tracks"}, args: []string{"ID"},
			summary: "show a user's progress through the guided tracks",
			json:    true, conn: connUsers, run: usersTracks, flags: deriveFlag,
		},
		{
			words: []string{"users", "interviews"}, args: []string{"ID"},
			summary: "list a user's interviews, most recently updated first",
			json:    true, conn: connUsers, run: usersInterviews, flags: deriveFlag,
		},
	}
}

// deriveFlag adds --derive-ids to a command that takes one user ID, so a
// user synced with --derive-ids is found by the id in the roster.
func deriveFlag(fs *flag.FlagSet, o *options) {
	fs.BoolVar(&o.deriveIDs, "derive-ids", false, "if ID breaks the partner_id rules (e.g. an e-mail address), use partnerid.Derive(ID), as users sync --derive-ids does")
}

// The bounds of --concurrency: each unit is a goroutine and, at full
// speed, a connection.
const (
	defaultConcurrency = 8
	maxConcurrency     = 256
)

// concurrencyFlag adds --concurrency to a roster command: how many
// requests at once, from 1 to maxConcurrency, defaultConcurrency unless
// given.
func concurrencyFlag(fs *flag.FlagSet, o *options) {
	o.concurrency = defaultConcurrency
	fs.Var((*concurrencyValue)(&o.concurrency), "concurrency", fmt.Sprintf("how many requests at once, `N` from 1 to %d", maxConcurrency))
}

// concurrencyValue is the value of --concurrency: it refuses a number out
// of range as the flag is parsed, so the command line is refused whole.
type concurrencyValue int

func (v *concurrencyValue) String() string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(int(*v))
}

func (v *concurrencyValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if errors.Is(err, strconv.ErrSyntax) {
		return fmt.Errorf("not a whole number; --concurrency is from 1 to %d", maxConcurrency)
	}
	if err != nil || n < 1 || n > maxConcurrency { // err: out of int's range
		return fmt.Errorf("--concurrency must be from 1 to %d, got %s", maxConcurrency, s)
	}
	*v = concurrencyValue(n)
	return nil
}

// userID returns the partner_id a command's ID argument names.
func (inv *invocation) userID() string {
	id := inv.args[0]
	if inv.opts.deriveIDs && needsDerive(id) {
		return partnerid.Derive(id)
	}
	return id
}

// needsDerive reports whether id cannot be used as a partner_id as it is:
// it breaks the rules, or it is "anonymous", the anonymous-user endpoint.
func needsDerive(id string) bool {
	return partnerid.Validate(id) != nil || id == "anonymous"
}

func usersTracks(ctx context.Context, inv *invocation) error {
	c, err := inv.connect(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	tracks, err := c.client.Users.Tracks(ctx, inv.userID())
	if err != nil {
		return err
	}
	if tracks == nil {
		tracks = []partnerapi.Track{}
	}
	if inv.opts.json {
		return writeJSON(inv.stdout, tracks)
	}
	// Titles and links come from the server: cell keeps them on one line
	// and unable to drive the terminal.
	tw := newTable(inv.stdout)
	for i, t := range tracks {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		done := 0
		for _, s := range t.Steps {
			if s.Completed {
				done++
			}
		}
		fmt.Fprintf(tw, "%s: %.0f%% (%d/%d steps)\n", cell(t.Title), t.Progress*100, done, len(t.Steps))
		for _, s := range t.Steps {
			mark := "[ ]"
			if s.Completed {
				mark = "[x]"
			}
			fmt.Fprintf(tw, "  %s %d. %s\t%s\n", mark, s.Step, cell(s.Title), cell(s.Link))
		}
	}
	return tw.Flush()
}

func usersInterviews(ctx context.Context, inv *invocation) error {
	c, err := inv.connect(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	ivs, err := c.client.Users.Interviews(ctx, inv.userID())
	if err != nil {
		return err
	}
	if ivs == nil {
		ivs = []partnerapi.Interview{}
	}
	if inv.opts.json {
		return writeJSON(inv.stdout, ivs)
	}
	if len(ivs) == 0 {
		inv.say("no interviews")
		return nil
	}
	tw := newTable(inv.stdout)
	fmt.Fprintln(tw, "ID\tUPDATED\tDONE\tTITLE\tINTERVIEWER\tREVIEW")
	for _, iv := range ivs {
		done := "no"
		if iv.Completed {
			done = "yes"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", iv.ID, formatTime(iv.UpdatedAt), done,
			cell(iv.Title), cell(iv.InterviewerName), cell(iv.Links.Review))
	}
	return tw.Flush()
}
