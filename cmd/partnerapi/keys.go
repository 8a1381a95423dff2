package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

// keysCommands are the TicketsCloud API key commands.
func keysCommands() []*command {
	return []*command{
		{
			words: []string{"keys", "list"}, summary: "list the partner's API keys, secrets masked",
			details: `Lists every key of the partner, removed ones included. The KEY column
shows the first 4 characters only; so does --json (the "key" field). The
full key is printed once, by keys create or keys rotate, and never again.
STATUS "in use" marks the key this CLI runs with.`,
			json: true, conn: connKeys, run: keysList,
		},
		{
			words: []string{"keys", "create"}, args: []string{"NAME"}, summary: "create a key; prints the new key alone on stdout",
			details: `Prints the new key alone on one line on stdout, once: store it now.`,
			conn:    connKeys, run: keysCreate,
		},
		{
			words: []string{"keys", "rename"}, args: []string{"ID", "NAME"}, summary: "rename a key",
			conn: connKeys, run: keysRename,
		},
		{
			words: []string{"keys", "delete"}, args: []string{"ID"}, summary: "remove a key; it stops authenticating at once",
			conn: connKeys, run: keysDelete,
		},
		{
			words: []string{"keys", "rotate"}, args: []string{"ID"}, summary: "replace a key by a new one, proven before the old one goes",
			details: `Creates a new key (named after the old one unless --name), proves it works
with an authenticated read made with the new key itself, then removes the
old key. If the proof fails, the new key is removed and the old one kept
(exit 1): the partner is never left without a working key. The new key is
printed alone on one line on stdout once it is proven. ID "current" names
the TicketsCloud key this CLI runs with (--keys-key).`,
			conn: connKeys, run: keysRotate,
			flags: func(fs *flag.FlagSet, o *options) {
				fs.StringVar(&o.name, "name", "", "the new key's `NAME` (default: the old key's name + \"-rotated-\" + UTC time)")
			},
		},
	}
}

// keyView is a key as the CLI shows it: the secret masked.
type keyView struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Key       string    `json:"key"` // masked
	Partner   string    `json:"partner"`
	CreatedAt time.Time `json:"created_at"`
	Removed   bool      `json:"removed"`
}

func keysList(ctx context.Context, inv *invocation) error {
	c, err := inv.connect(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	keys, err := c.client.APIKeys.List(ctx, c.partner, nil)
	if err != nil {
		return err
	}
	if inv.opts.json {
		views := make([]keyView, 0, len(keys))
		for _, k := range keys {
			views = append(views, keyView{ID: k.ID, Name: k.Name, Key: maskKey(k.Key.Reveal()),
				Partner: k.Partner, CreatedAt: k.CreatedAt, Removed: k.Removed})
		}
		return writeJSON(inv.stdout, views)
	}
	tw := newTable(inv.stdout)
	fmt.Fprintln(tw, "ID\tNAME\tKEY\tCREATED\tSTATUS")
	for _, k := range keys {
		status := "active"
		switch {
		case k.Removed:
			status = "removed"
		case k.Key.Reveal() == c.keysKey:
			status = "in use"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", cell(k.ID), cell(k.Name), cell(maskKey(k.Key.Reveal())), formatTime(k.CreatedAt), status)
	}
	return tw.Flush()
}

func keysCreate(ctx context.Context, inv *invocation) error {
	c, err := inv.connect(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	k, err := c.client.APIKeys.Create(ctx, c.partner, inv.args[0])
	if err != nil {
		return err
	}
	// The key goes to stdout as it is, so it must be one a client can use:
	// no white space or control character (which would also reach the
	// terminal).
	if _, err := partnerapi.NewClient(k.Key.Reveal()); err != nil {
		return fmt.Errorf("the server created key %s with a secret no client can send (empty, or with white space or control characters), so it is not printed; remove it with partnerapi keys delete %s", k.ID, k.ID)
	}
	inv.say("created key %s (%q); it is printed once, below: store it now", k.ID, k.Name)
	fmt.Fprintln(inv.stdout, k.Key.Reveal())
	return nil
}

func keysRename(ctx context.Context, inv *invocation) error {
	c, err := inv.connect(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	name := inv.args[1]
	k, err := c.client.APIKeys.Update(ctx, c.partner, inv.args[0], &partnerapi.APIKeyUpdate{Name: &name})
	if err != nil {
		return err
	}
	inv.say("renamed key %s to %q", k.ID, k.Name)
	return nil
}

func keysDelete(ctx context.Context, inv *invocation) error {
	c, err := inv.connect(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	id := inv.args[0]
	// The API answers a DELETE of a removed key as it answers the first
	// one: look first, so that the message says which happened.
	k, err := c.client.APIKeys.Get(ctx, c.partner, id, nil)
	if errors.Is(err, partnerapi.ErrNotFound) {
		return fmt.Errorf("key %s is not one of partner %s's keys (%s)", id, c.partner, errText(err))
	}
	if err != nil {
		return err
	}
	if k.Removed {
		inv.say("key %s (%q) was already removed; nothing to do", id, k.Name)
		return nil
	}
	if err := c.client.APIKeys.Delete(ctx, c.partner, id); err != nil {
		return err
	}
	inv.say("removed key %s (%q); it no longer authenticates", id, k.Name)
	return nil
}

// checkKeyID refuses an ID that is not an ObjectId before any request,
// without repeating it (a key pasted in its place must not be echoed).
func checkKeyID(id string) error {
	if len(id) != 24 || strings.Trim(strings.ToLower(id), "0123456789abcdef") != "" {
		return usagef("ID must be a key's id, 24 hex digits, as keys list shows it (got %d characters)", len(id))
	}
	return nil
}

// rotatedSuffix marks a key made by keys rotate; a name that has one
// already gets a new one instead of a second.
const rotatedSuffix = "-rotated-"

// rotatedName derives the new key's name from the old one's.
func rotatedName(old string, now time.Time) string {
	if i := strings.LastIndex(old, rotatedSuffix); i > 0 {
		old = old[:i]
	}
	if strings.TrimSpace(old) == "" {
		old = "key"
	}
	return old + rotatedSuffix + now.UTC().Format("20060102T150405Z")
}

// keysRotate replaces key ID by a new key without ever leaving the partner
// with no working key: create, prove, then remove the old; if the proof
// fails, remove the new one and keep the old.
func keysRotate(ctx context.Context, inv *invocation) error {
	oldID := inv.args[0]
	if oldID != currentKey {
		if err := checkKeyID(oldID); err != nil {
			return err
		}
	}
	c, err := inv.connect(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	if oldID == currentKey {
		if oldID, err = currentKeyID(ctx, c); err != nil {
			return err
		}
	}
	old, err := c.client.APIKeys.List(ctx, c.partner, &partnerapi.ListAPIKeysOptions{IDs: []string{oldID}})
	if err != nil {
		return fmt.Errorf("looking up key %s: %w", oldID, err)
	}
	if len(old) != 1 || old[0].ID != oldID {
		return fmt.Errorf("key %s is not one of partner %s's keys", oldID, c.partner)
	}
	if old[0].Removed {
		return fmt.Errorf("key %s is already removed; create a new one with keys create", oldID)
	}
	name := inv.opts.name
	if name == "" {
		name = rotatedName(old[0].Name, time.Now())
	}

	created, err := c.client.APIKeys.Create(ctx, c.partner, name)
	if err != nil {
		return fmt.Errorf("creating the new key failed; key %s is unchanged: %w", oldID, err)
	}
	inv.say("created key %s (%q)", created.ID, created.Name)

	if err := proveKey(ctx, c, created); err != nil {
		msg := fmt.Sprintf("the new key %s failed its proof (%s); key %s was kept and still works", created.ID, errText(err), oldID)
		// The cleanup must run even when the proof failed because ctx
		// ended (--timeout, Ctrl-C): on ctx it would fail at once and leave
		// a live key nobody has seen. It gets a bounded context of its own.
		cleanupCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		if delErr := c.client.APIKeys.Delete(cleanupCtx, c.partner, created.ID); delErr != nil {
			msg += fmt.Sprintf("; removing the unproven key %s failed too (%s): remove it with partnerapi keys delete %s", created.ID, errText(delErr), created.ID)
		} else {
			msg += fmt.Sprintf("; the unproven key %s was removed", created.ID)
		}
		return errors.New(msg)
	}
	inv.say("proved key %s: it authenticates", created.ID)
	fmt.Fprintln(inv.stdout, created.Key.Reveal())

	newClient, err := c.keysClient(created.Key.Reveal())
	if err == nil {
		err = newClient.APIKeys.Delete(ctx, c.partner, oldID)
	}
	if err != nil {
		return fmt.Errorf("the new key %s works (printed on stdout), but removing the old key %s failed: %w; both keys work until you run partnerapi keys delete %s", created.ID, oldID, err, oldID)
	}
	inv.say("removed key %s; rotation done: store the new key (printed on stdout) now", oldID)
	return nil
}

// cleanupTimeout bounds the removal of an unproven key by keys rotate,
// which runs even after the command's context has ended.
const cleanupTimeout = 30 * time.Second

// currentKey, as the ID of keys rotate, names the key the CLI runs with.
const currentKey = "current"

// currentKeyID finds the id of the key the keys API is called with.
func currentKeyID(ctx context.Context, c *conn) (string, error) {
	keys, err := c.client.APIKeys.List(ctx, c.partner, nil)
	if err != nil {
		return "", fmt.Errorf("looking up the key in use: %w", err)
	}
	for _, k := range keys {
		if !k.Removed && k.Key.Reveal() == c.keysKey {
			return k.ID, nil
		}
	}
	return "", fmt.Errorf("the key in use is not among partner %s's keys", c.partner)
}

// proveKey makes an authenticated read with the new key itself: it must
// see itself, live, among the partner's keys.
func proveKey(ctx context.Context, c *conn, k *partnerapi.APIKey) error {
	client, err := c.keysClient(k.Key.Reveal())
	if err != nil {
		return err
	}
	got, err := client.APIKeys.Get(ctx, c.partner, k.ID, nil)
	if err != nil {
		return err
	}
	if got.ID != k.ID || got.Removed {
		return fmt.Errorf("the keys API does not show key %s as live", k.ID)
	}
	return nil
}
