// Command keyrotation replaces the API key a program runs with by a new
// one, never leaving the partner without a working key: it creates the new
// key, proves it works by listing the keys with it, and only then removes
// the old one. If the proof fails, it removes the new key and keeps the old.
//
// With no environment it runs against the embedded fake:
//
//	go run ./examples/keyrotation
//
// Against the real keys API set PARTNERAPI_PARTNER (the partner's ObjectId)
// and PARTNERAPI_KEYS_KEY, the TicketsCloud key to rotate (a Big Interview
// key is another company's credential: the keys API refuses it).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "keyrotation:", err)
		os.Exit(1)
	}
}

// run is the whole program, writing what it does to w.
func run(ctx context.Context, w io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()

	partner, oldKey, opts, done := config(w)
	defer done()

	oldClient, err := keysClient(oldKey, opts)
	if err != nil {
		return err
	}
	oldID, err := keyID(ctx, oldClient, partner, oldKey)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "rotating key %s\n", oldID)

	created, err := oldClient.APIKeys.Create(ctx, partner, "rotated-"+time.Now().UTC().Format("20060102T150405Z"))
	if err != nil {
		return fmt.Errorf("create the new key: %w", err)
	}
	fmt.Fprintf(w, "created key %s (%q)\n", created.ID, created.Name)

	newClient, err := keysClient(created.Key.Reveal(), opts)
	if err == nil {
		_, err = newClient.APIKeys.List(ctx, partner, nil)
	}
	if err != nil {
		if delErr := oldClient.APIKeys.Delete(ctx, partner, created.ID); delErr != nil {
			err = errors.Join(err, fmt.Errorf("removing the unproven new key %s: %w", created.ID, delErr))
		}
		return fmt.Errorf("the new key does not work, the old key %s stays: %w", oldID, err)
	}
	fmt.Fprintln(w, "the new key works")

	if err := newClient.APIKeys.Delete(ctx, partner, oldID); err != nil {
		return fmt.Errorf("removing the old key %s (the new key %s works): %w", oldID, created.ID, err)
	}
	if _, err := oldClient.APIKeys.List(ctx, partner, nil); !errors.Is(err, partnerapi.ErrUnauthorized) {
		return fmt.Errorf("the old key still authenticates after removal: %v", err)
	}
	fmt.Fprintf(w, "removed key %s; it no longer authenticates\n", oldID)
	fmt.Fprintln(w, "store the new key in your secret manager now: it is printed nowhere by this program")
	return nil
}

// keysClient is a client for the TicketsCloud keys API alone, on key.
func keysClient(key string, opts []partnerapi.Option) (*partnerapi.Client, error) {
	return partnerapi.NewClient(key, append(opts[:len(opts):len(opts)], partnerapi.WithKeysAPIKey(key))...)
}

// keyID finds the id of the key the client runs with.
func keyID(ctx context.Context, c *partnerapi.Client, partner, key string) (string, error) {
	keys, err := c.APIKeys.List(ctx, partner, nil)
	if err != nil {
		return "", fmt.Errorf("list keys: %w", err)
	}
	for _, k := range keys {
		if k.Key.Reveal() == key && !k.Removed {
			return k.ID, nil
		}
	}
	return "", errors.New("the key in use is not among the partner's keys")
}

// config reads the real keys API's settings from the environment, or starts
// the embedded fake when there are none.
func config(w io.Writer) (partner, key string, opts []partnerapi.Option, done func()) {
	partner = os.Getenv("PARTNERAPI_PARTNER")
	key = os.Getenv("PARTNERAPI_KEYS_KEY")
	if partner != "" && key != "" {
		return partner, key, nil, func() {}
	}
	srv := mockserver.New()
	p := srv.AddPartner("xyz")
	fmt.Fprintf(w, "using the embedded fake at %s\n", srv.URL)
	return p.ID, p.KeysAPIKey, []partnerapi.Option{partnerapi.WithBaseURL(srv.URL)}, srv.Close
}
