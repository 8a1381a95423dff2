package partnerapi

// APIKeysService: the ObjectId, name and fields checks made before any I/O,
// and how an APIKey decodes (timestamps, the partner reference). The
// documented requests and answers are in golden_test.go.

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var badObjectIDs = []string{
	"",
	"535fb19bdca6a9d1638f200",   // 23
	"535fb19bdca6a9d1638f20070", // 25
	"535fb19bdca6a9d1638f200g",  // not hex
	"535fb19bdca6a9d1638f200 ",
	"535fb19bdca6a9d1638f/007",
	"../../../../../../../etc",
	"535fb19bdca6a9d1638f200\n",
	"５35fb19bdca6a9d1638f20",
}

// keyCalls are the calls that take a partner ObjectId and possibly a key id.
var keyCalls = []struct {
	name  string
	call  func(ctx context.Context, c *Client, partner, keyID string) error
	keyID bool // whether it takes a key id
}{
	{"List", func(ctx context.Context, c *Client, p, _ string) error {
		_, err := c.APIKeys.List(ctx, p, nil)
		return err
	}, false},
	{"Create", func(ctx context.Context, c *Client, p, _ string) error {
		_, err := c.APIKeys.Create(ctx, p, "n")
		return err
	}, false},
	{"Get", func(ctx context.Context, c *Client, p, k string) error {
		_, err := c.APIKeys.Get(ctx, p, k, nil)
		return err
	}, true},
	{"Update", func(ctx context.Context, c *Client, p, k string) error {
		_, err := c.APIKeys.Update(ctx, p, k, &APIKeyUpdate{Name: strPtr("n")})
		return err
	}, true},
	{"Delete", func(ctx context.Context, c *Client, p, k string) error { return c.APIKeys.Delete(ctx, p, k) }, true},
}

func TestBadObjectIDsAreRefusedBeforeIO(t *testing.T) {
	c, rt := noIOClient(t)
	for _, kc := range keyCalls {
		for _, bad := range badObjectIDs {
			if err := kc.call(context.Background(), c, bad, seedKeyID); !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("%s(partner %q): %v; want ErrInvalidArgument", kc.name, bad, err)
			}
			if !kc.keyID {
				continue
			}
			if err := kc.call(context.Background(), c, seedPartner, bad); !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("%s(key id %q): %v; want ErrInvalidArgument", kc.name, bad, err)
			}
		}
	}
	for _, bad := range badObjectIDs {
		o := &ListAPIKeysOptions{IDs: []string{seedKeyID, bad}}
		if _, err := c.APIKeys.List(context.Background(), seedPartner, o); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("List(IDs [.., %q]): %v; want ErrInvalidArgument", bad, err)
		}
	}
	if n := rt.n.Load(); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}

func TestUppercaseObjectIDsAreAccepted(t *testing.T) {
	rec := &recorder{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/api_keys") {
			writeJSON(w, 200, `[]`)
			return
		}
		writeJSON(w, 200, `{"id": "`+seedKeyID+`", "key": "k"}`)
	})}
	c, mux := setup(t)
	mux.Handle("/", rec)
	upP, upK := strings.ToUpper(seedPartner), strings.ToUpper(seedKeyID)
	for _, kc := range keyCalls {
		if err := kc.call(context.Background(), c, upP, upK); err != nil {
			t.Errorf("%s with uppercase hex: %v", kc.name, err)
		}
	}
	if _, err := c.APIKeys.List(context.Background(), upP, &ListAPIKeysOptions{IDs: []string{upK}}); err != nil {
		t.Errorf("List(IDs uppercase): %v", err)
	}
	if got := rec.count(); got != len(keyCalls)+1 {
		t.Errorf("%d requests; want %d", got, len(keyCalls)+1)
	}
}

func TestBadKeyNamesAndUpdatesAreRefusedBeforeIO(t *testing.T) {
	c, rt := noIOClient(t)
	for _, name := range []string{"", " ", "\t", "  \n ", "a\x00b", "new\r\nX-Injected: 1"} {
		if _, err := c.APIKeys.Create(context.Background(), seedPartner, name); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Create(%q): %v; want ErrInvalidArgument", name, err)
		}
		if _, err := c.APIKeys.Update(context.Background(), seedPartner, seedKeyID, &APIKeyUpdate{Name: strPtr(name)}); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Update(Name %q): %v; want ErrInvalidArgument", name, err)
		}
	}
	for _, u := range []*APIKeyUpdate{nil, {}} {
		if _, err := c.APIKeys.Update(context.Background(), seedPartner, seedKeyID, u); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Update(%v): %v; want ErrInvalidArgument", u, err)
		}
	}
	for _, fields := range [][]string{{""}, {"id", " name"}, {"a b"}, {"id\n"}} {
		if _, err := c.APIKeys.List(context.Background(), seedPartner, &ListAPIKeysOptions{Fields: fields}); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("List(Fields %q): %v; want ErrInvalidArgument", fields, err)
		}
		if _, err := c.APIKeys.Get(context.Background(), seedPartner, seedKeyID, &GetAPIKeyOptions{Fields: fields}); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Get(Fields %q): %v; want ErrInvalidArgument", fields, err)
		}
	}
	if n := rt.n.Load(); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}

func TestGoldenTimestampsKeepMicroseconds(t *testing.T) {
	c, mux := setup(t)
	mux.Handle("/v1/resources/partners/"+seedPartner+"/api_keys", answer(201, testdata(t, "ticketscloud_create.json")))
	mux.Handle("/v1/resources/partners/"+seedPartner+"/api_keys/"+seedKeyID, answer(200, testdata(t, "ticketscloud_get.json")))
	created, err := c.APIKeys.Create(context.Background(), seedPartner, "new-key")
	if err != nil {
		t.Fatal(err)
	}
	read, err := c.APIKeys.Get(context.Background(), seedPartner, seedKeyID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if us := created.CreatedAt.Nanosecond() / 1000; us != 288420 {
		t.Errorf("created_at …28.288420 decoded with %d µs", us)
	}
	if us := read.CreatedAt.Nanosecond() / 1000; us != 288000 {
		t.Errorf("created_at …28.288000 decoded with %d µs", us)
	}
	if _, off := created.CreatedAt.Zone(); off != 0 {
		t.Errorf("+00:00 decoded with offset %d", off)
	}
	// The two reads of one key differ only by the server's truncation.
	if d := created.CreatedAt.Sub(read.CreatedAt); d != 420*time.Microsecond {
		t.Errorf("create and read differ by %s; want 420µs", d)
	}
}

func TestAPIKeyPartnerReference(t *testing.T) {
	for _, tc := range []struct {
		name        string
		partner     string // the "partner" member, "" to leave it out
		wantPartner string
		wantInfo    *Partner
	}{
		{"an id, as by default", `"` + seedPartner + `"`, seedPartner, nil},
		{"expanded", `{"id": "` + seedPartner + `", "name": "Nanobilet"}`, seedPartner, &Partner{ID: seedPartner, Name: "Nanobilet"}},
		{"expanded without its id", `{"name": "Nanobilet"}`, "", &Partner{Name: "Nanobilet"}},
		{"expanded in full", docPartner, seedPartner, &wantDocPartner},
		{"null", `null`, "", nil},
		{"left out by fields-schema", ``, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"id": "` + seedKeyID + `", "key": "48de25a3c7f84996bc3c183c640f9948", "name": "new-key", "removed": true, "created_at": "2014-08-18T10:42:28.288000+00:00"`
			if tc.partner != "" {
				body += `, "partner": ` + tc.partner
			}
			body += "}"
			var k APIKey
			if err := json.Unmarshal([]byte(body), &k); err != nil {
				t.Fatal(err)
			}
			want := APIKey{
				ID: seedKeyID, Key: NewSecret("48de25a3c7f84996bc3c183c640f9948"), Name: "new-key", Removed: true,
				CreatedAt: time.Date(2014, 8, 18, 10, 42, 28, 288_000_000, time.UTC),
				Partner:   tc.wantPartner, PartnerInfo: tc.wantInfo,
			}
			if d := cmp.Diff(want, k); d != "" {
				t.Errorf("decoded (-want +got):\n%s", d)
			}
		})
	}
	// Decoding into a used value resets the reference.
	k := APIKey{Partner: "stale", PartnerInfo: &Partner{ID: "stale"}}
	if err := json.Unmarshal([]byte(`{"id": "`+seedKeyID+`"}`), &k); err != nil || k.Partner != "" || k.PartnerInfo != nil {
		t.Errorf("reused value: %+v, %v", k, err)
	}
	for _, bad := range []string{`5`, `true`, `["x"]`, `{"id": 5}`} {
		var k APIKey
		if err := json.Unmarshal([]byte(`{"partner": `+bad+`}`), &k); err == nil {
			t.Errorf("partner %s decoded as %+v; want an error", bad, k)
		}
	}
}

func TestAPIKeyExpandedThroughTheSDK(t *testing.T) {
	rec := &recorder{next: answer(200, `[{"id": "`+seedKeyID+`", "partner": {"id": "`+seedPartner+`", "name": "Nanobilet"}}]`)}
	c, mux := setup(t)
	mux.Handle("/", rec)
	keys, err := c.APIKeys.List(context.Background(), seedPartner, &ListAPIKeysOptions{Fields: []string{"id", "partner{id,name}"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0].Partner != seedPartner || keys[0].PartnerInfo == nil || keys[0].PartnerInfo.Name != "Nanobilet" {
		t.Fatalf("keys %+v", keys)
	}
	if r := rec.requests()[0]; r.RawQuery != "fields-schema=id,partner%7Bid,name%7D" {
		t.Errorf("query %q; want the braces percent-encoded, the commas literal", r.RawQuery)
	}
	rec.next = answer(200, `{"id": "`+seedKeyID+`", "partner": {"id": "`+seedPartner+`", "name": "Nanobilet"}}`)
	k, err := c.APIKeys.Get(context.Background(), seedPartner, seedKeyID, &GetAPIKeyOptions{Fields: []string{"id", "partner{id,name}"}})
	if err != nil || k.PartnerInfo == nil || k.PartnerInfo.ID != seedPartner || k.Partner != seedPartner {
		t.Fatalf("get: %+v, %v", k, err)
	}
	// A malformed reference fails the call with a decoding error.
	rec.next = answer(200, `{"id": "`+seedKeyID+`", "partner": 5}`)
	if _, err := c.APIKeys.Get(context.Background(), seedPartner, seedKeyID, nil); err == nil {
		t.Error("a numeric partner decoded without an error")
	}
}
