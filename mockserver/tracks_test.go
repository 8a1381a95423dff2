package mockserver

import (
	"encoding/json"
	"testing"
)

func TestAppendProgress(t *testing.T) {
	for _, c := range []struct {
		done, steps int
		want        string
	}{{0, 5, "0.00"}, {5, 5, "1.00"}, {1, 2, "0.50"}, {4, 8, "0.50"}, {1, 3, "0.33"}, {2, 3, "0.67"}, {1, 8, "0.13"}, {3, 5, "0.60"}} {
		if got := string(appendProgress(nil, c.done, c.steps)); got != c.want {
			t.Errorf("progress %d/%d = %s; want %s", c.done, c.steps, got, c.want)
		}
	}
}

func TestTracksJSONIsValid(t *testing.T) {
	b := appendTracks(nil, [len(guidedTracks)]uint32{0b101, 0xffffffff})
	var doc struct {
		Tracks []struct {
			Title    string  `json:"title"`
			Progress float64 `json:"progress"`
			Steps    []struct {
				Step      int    `json:"step"`
				Completed bool   `json:"completed"`
				Link      string `json:"link"`
			} `json:"tracks"`
		} `json:"tracks"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	if doc.Tracks[0].Progress != 2.0/5 || doc.Tracks[1].Progress != 1 {
		t.Errorf("progress %v and %v", doc.Tracks[0].Progress, doc.Tracks[1].Progress)
	}
}
