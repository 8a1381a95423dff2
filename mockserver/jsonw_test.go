package mockserver

import (
	"encoding/hex"
	"encoding/json"
	"math/bits"
	"testing"
	"time"
	"unicode/utf8"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

// appendString must encode exactly as encoding/json does.
func checkAppendString(t *testing.T, s string) {
	want, _ := json.Marshal(s)
	if got := appendString(nil, s); string(got) != string(want) {
		t.Errorf("appendString(%q) = %s; encoding/json gives %s", s, got, want)
	}
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{
		"", "plain", `"quoted"`, `back\slash`, "tab\tnew\nline\rret", "\x00\x01\x1f\x7f", "<script>&amp;",
		"ünïcødé ☃ 😀", "\u2028\u2029", "bad \xff utf8 \xc3", "\xed\xa0\x80 surrogate",
	} {
		checkAppendString(t, s)
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("a\"b\\c\x00<>&\u2028\xff")
	f.Fuzz(func(t *testing.T, s string) {
		checkAppendString(t, s)
		if !utf8.Valid(appendString(nil, s)) {
			t.Fatalf("invalid UTF-8 out for %q", s)
		}
	})
}

// BenchmarkAnswerEncoding compares the hand-written encoders of the
// answers the API's hot path writes — a user (create and refresh), the
// tracks, the interviews, an error — with encoding/json writing the same bytes from
// structs. The figures are quoted where the encoders are.
func BenchmarkAnswerEncoding(b *testing.B) {
	u := user{partnerID: "abc123def", createdAt: 1420070400123, tokenExp: 1420243200123}
	for i := range u.token {
		u.token[i] = byte(i)
	}
	completed := [len(guidedTracks)]uint32{0b101, 0b11}

	type tokenJSON struct {
		Token     string `json:"token"`
		ExpiresAt string `json:"expires_at"`
	}
	type userJSON struct {
		PartnerID string    `json:"partner_id"`
		Anonymous bool      `json:"anonymous"`
		CreatedAt string    `json:"created_at"`
		Token     tokenJSON `json:"token"`
	}
	type stepJSON struct {
		Step      int    `json:"step"`
		Title     string `json:"title"`
		Link      string `json:"link"`
		Completed bool   `json:"completed"`
	}
	type trackJSON struct {
		Title    string      `json:"title"`
		Progress json.Number `json:"progress"`
		Steps    []stepJSON  `json:"tracks"`
	}
	type errJSON struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	}
	biTime := func(ms int64) string { return time.UnixMilli(ms).UTC().Format(biTimeLayout) }
	type linksJSON struct {
		Review string `json:"review"`
		Retake string `json:"retake"`
	}
	type interviewJSON struct {
		ID              int64     `json:"id"`
		Title           string    `json:"title"`
		InterviewerName string    `json:"interviewer_name"`
		Category        string    `json:"category"`
		Completed       bool      `json:"completed"`
		CreatedAt       string    `json:"created_at"`
		UpdatedAt       string    `json:"updated_at"`
		Links           linksJSON `json:"links"`
	}
	ivs := make([]partnerapi.Interview, 3)
	for i := range ivs {
		ivs[i] = partnerapi.Interview{ID: int64(95607 + i), Title: "Top 10 Questions", InterviewerName: "Pamela", Category: "General",
			Completed: true, CreatedAt: time.UnixMilli(1420070400123).UTC(), UpdatedAt: time.UnixMilli(1420070500123).UTC(),
			Links: partnerapi.InterviewLinks{Review: "/members/interviews/95607/review", Retake: "/members/interviews/95607/retake"}}
	}
	encodings := []struct {
		name       string
		hand, json func() []byte
	}{
		{"user",
			func() []byte { return appendUser(make([]byte, 0, 256), &u) },
			func() []byte {
				b, _ := json.Marshal(struct {
					User userJSON `json:"user"`
				}{userJSON{u.partnerID, u.anonymous, biTime(u.createdAt), tokenJSON{hex.EncodeToString(u.token[:]), biTime(u.tokenExp)}}})
				return b
			}},
		{"tracks",
			func() []byte { return appendTracks(make([]byte, 0, 2048), completed) },
			func() []byte {
				var out struct {
					Tracks []trackJSON `json:"tracks"`
				}
				for i, t := range guidedTracks {
					n := len(t.steps)
					mask := completed[i] & (1<<n - 1)
					tj := trackJSON{Title: t.title, Progress: json.Number(appendProgress(nil, bits.OnesCount32(mask), n))}
					for s, st := range t.steps {
						tj.Steps = append(tj.Steps, stepJSON{s + 1, st.title, st.link, mask>>s&1 == 1})
					}
					out.Tracks = append(out.Tracks, tj)
				}
				b, _ := json.Marshal(out)
				return b
			}},
		{"interviews",
			func() []byte {
				b := append(make([]byte, 0, 64+256*len(ivs)), `{"interviews":[`...)
				for i := range ivs {
					if i > 0 {
						b = append(b, ',')
					}
					b = appendInterview(b, &ivs[i])
				}
				return append(b, ']', '}')
			},
			func() []byte {
				var out struct {
					Interviews []interviewJSON `json:"interviews"`
				}
				for _, iv := range ivs {
					out.Interviews = append(out.Interviews, interviewJSON{iv.ID, iv.Title, iv.InterviewerName, iv.Category, iv.Completed,
						iv.CreatedAt.Format(biTimeLayout), iv.UpdatedAt.Format(biTimeLayout), linksJSON(iv.Links)})
				}
				b, _ := json.Marshal(out)
				return b
			}},
		{"error",
			func() []byte { return apiErrorBody(404, "user not found") },
			func() []byte {
				b, _ := json.Marshal(struct {
					Error errJSON `json:"error"`
				}{errJSON{apiErrorType(404), "user not found"}})
				return b
			}},
	}
	for _, e := range encodings {
		if h, j := e.hand(), e.json(); string(h) != string(j) {
			b.Fatalf("%s: the two encoders differ:\n%s\n%s", e.name, h, j)
		}
		b.Run(e.name+"/impl=hand", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e.hand()
			}
		})
		b.Run(e.name+"/impl=encoding-json", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e.json()
			}
		})
	}
}
