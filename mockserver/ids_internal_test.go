package mockserver

import (
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
