package mockserver_test

import (
	"testing"
	"time"

	"github.com/partnerapi/go-partnerapi/mockserver"
)

func TestClockAdvance(t *testing.T) {
	srv := mockserver.New(mockserver.WithStartTime(start), mockserver.WithoutListener())
	now := srv.Now()
	if now.Before(start) || now.Sub(start) > time.Minute || now.Location() != time.UTC {
		t.Fatalf("Now %v; want just after %v, in UTC", now, start)
	}
	srv.Advance(49 * time.Hour)
	if got := srv.Now().Sub(now); got < 49*time.Hour {
		t.Errorf("after Advance(49h) the clock moved %v", got)
	}
	srv.Advance(-49 * time.Hour)
	if srv.Now().Sub(now) >= 49*time.Hour {
		t.Errorf("a negative Advance did not move the clock back")
	}
	def := mockserver.New(mockserver.WithoutListener())
	if d := time.Since(def.Now()); d < -time.Minute || d > time.Minute {
		t.Errorf("default start %v is not the real time", def.Now())
	}
}
