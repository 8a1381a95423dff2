package mockserver

import (
	"bytes"
	"testing"
	"time"

	"github.com/partnerapi/go-partnerapi/internal/ascii"
)

func TestObjectIDs(t *testing.T) {
	g := newIDGen(false, 0, time.Time{})
	seen := map[string]bool{}
	for i := 0; i < 10000; i++ {
		id := g.objectID(timeZero)
		if !isObjectID(id) || ascii.Lower(id) != id || seen[id] {
			t.Fatalf("id %q: not a fresh lowercase ObjectId", id)
		}
		seen[id] = true
	}
}

var timeZero = newClock(time.Time{}).now()

// Restore replaces a seeded fake's generator while requests may be making
// tokens with it: under -race (as CI runs), reading the generator must not
// race with that. Afterwards the fake draws from the snapshot's generator.
func TestIDsReadWhileRestoreReplacesTheGenerator(t *testing.T) {
	from := New(WithSeed(1), WithoutListener())
	defer from.Close()
	var snap bytes.Buffer
	if err := from.Snapshot(&snap); err != nil {
		t.Fatal(err)
	}
	s := New(WithSeed(2), WithoutListener())
	defer s.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 2000 {
			s.ids.hex(16)
		}
	}()
	if err := s.Restore(bytes.NewReader(snap.Bytes())); err != nil {
		t.Fatal(err)
	}
	<-done
	if err := s.Restore(bytes.NewReader(snap.Bytes())); err != nil {
		t.Fatal(err)
	}
	if got, want := s.ids.hex(16), from.ids.hex(16); got != want {
		t.Errorf("after Restore the fake drew %s, the snapshot's generator %s", got, want)
	}
}
