package mockserver

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestParseFieldsSchema(t *testing.T) {
	got, err := parseFieldsSchema("field,ref{a,b{c}},z_9-x")
	if err != nil {
		t.Fatal(err)
	}
	want := []fieldSel{
		{name: "field"},
		{name: "ref", sub: []fieldSel{{name: "a"}, {name: "b", sub: []fieldSel{{name: "c"}}}}},
		{name: "z_9-x"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(fieldSel{})); diff != "" {
		t.Errorf("parse (-want +got):\n%s", diff)
	}
	for _, bad := range []string{
		"", ",", "a,", ",a", "a,,b", "a{", "a{}", "a}", "{a}", "a b", "a{b}}", "a{b,}", "a{{b}}",
		"a.b", "a\x00", strings.Repeat("a{", maxFieldsSchemaDepth+2) + "b" + strings.Repeat("}", maxFieldsSchemaDepth+2),
		strings.Repeat("a", maxFieldsSchemaLen+1),
	} {
		if sel, err := parseFieldsSchema(bad); err == nil {
			t.Errorf("parseFieldsSchema(%q) = %v; want an error", bad, sel)
		}
	}
	// Nesting up to the limit parses.
	deep := strings.Repeat("a{", maxFieldsSchemaDepth) + "b" + strings.Repeat("}", maxFieldsSchemaDepth)
	if _, err := parseFieldsSchema(deep); err != nil {
		t.Errorf("nesting %d deep: %v", maxFieldsSchemaDepth, err)
	}
}

func TestKeyFieldMask(t *testing.T) {
	sels, _ := parseFieldsSchema("removed,id,id")
	if sel, err := keyFields(sels); err != nil || sel.mask != 1<<keyRemoved|1<<keyID || sel.partner != 0 {
		t.Errorf("selection %+v, %v", sel, err)
	}
	sels, _ = parseFieldsSchema("id,partner{name,id}")
	if sel, err := keyFields(sels); err != nil || sel.mask != 1<<keyID|1<<keyPartner || sel.partner != 1<<partnerName|1<<partnerID {
		t.Errorf("expanded selection %+v, %v", sel, err)
	}
	for _, bad := range []string{"id{x}", "secret", "ID", "partner{secret}", "partner{contact{email}}", "name{id}"} {
		sels, _ := parseFieldsSchema(bad)
		if _, err := keyFields(sels); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

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

func TestV1ErrorName(t *testing.T) {
	for status, want := range map[int]string{
		400: "HTTPBadRequest", 401: "HTTPUnauthorized", 403: "HTTPForbidden", 404: "HTTPNotFound",
		405: "HTTPMethodNotAllowed", 413: "HTTPRequestEntityTooLarge", 415: "HTTPUnsupportedMediaType",
		418: "HTTPImATeapot", 429: "HTTPTooManyRequests", 500: "HTTPInternalServerError",
		503: "HTTPServiceUnavailable", 599: "HTTPError599",
	} {
		if got := v1ErrorName(status); got != want {
			t.Errorf("v1ErrorName(%d) = %q; want %q", status, got, want)
		}
	}
}

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

func TestObjectIDs(t *testing.T) {
	g := newIDGen(false, 0, time.Time{})
	seen := map[string]bool{}
	for i := 0; i < 10000; i++ {
		id := g.objectID(timeZero)
		if !isObjectID(id) || lowerASCII(id) != id || seen[id] {
			t.Fatalf("id %q: not a fresh lowercase ObjectId", id)
		}
		seen[id] = true
	}
}

var timeZero = newClock(time.Time{}).now()
