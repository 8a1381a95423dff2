package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/partnerapi/go-partnerapi/mockserver"
)

// stateFile keeps the fake's state in a file (-state): loaded at start
// when it exists, and replaced atomically after changes.
type stateFile struct {
	path string
	srv  *mockserver.Server
}

// saveSpacing is the least time between two saves. A change is saved
// within saveSpacing plus the time of two saves, well under a second for
// the state a test holds.
const saveSpacing = 300 * time.Millisecond

// load restores the file's state into the fake; it reports false when
// there is no file. Any other problem is an error, and the file is not
// touched.
func (sf *stateFile) load() (bool, error) {
	b, err := os.ReadFile(sf.path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := sf.srv.Restore(bytes.NewReader(b)); err != nil {
		return false, errors.New(strings.TrimPrefix(err.Error(), "mockserver: Restore: "))
	}
	return true, nil
}

// save writes a snapshot to a temporary file beside the state file, with
// mode 0600 (it holds credentials), flushes it to disk, and renames it
// over the state file: a reader, or a crash, sees the old state or the
// new one, never a mix.
func (sf *stateFile) save() error {
	dir, base := filepath.Split(sf.path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := sf.srv.Snapshot(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), sf.path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil { // the rename itself, on disk
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// keepSaved saves the state after every change, at most once per
// saveSpacing, until ctx ends; then it closes done. A failed save is
// tried again every saveSpacing, change or no change, until one succeeds,
// so that the file is never left behind the fake once the cause (a full
// disk, a directory briefly gone) clears. The first failure of a run of
// them is reported, and so is the save that ends it.
func (sf *stateFile) keepSaved(ctx context.Context, stderr io.Writer, done chan<- struct{}) {
	defer close(done)
	failing := false // the last save failed
	for {
		if !failing {
			select {
			case <-ctx.Done():
				return
			case <-sf.srv.Changes():
			}
		} else {
			select { // this save takes any change since the last one too
			case <-sf.srv.Changes():
			default:
			}
		}
		switch err := sf.save(); {
		case err != nil && !failing:
			failing = true
			fmt.Fprintf(stderr, "partnerapi-mock: saving -state %s: %v (tried again every %v until it succeeds)\n", sf.path, err, saveSpacing)
		case err == nil && failing:
			failing = false
			fmt.Fprintf(stderr, "partnerapi-mock: -state %s saved again\n", sf.path)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(saveSpacing):
		}
	}
}
