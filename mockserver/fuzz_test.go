package mockserver_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/partnerapi/go-partnerapi/mockserver"
)

// FuzzHandler sends arbitrary requests to the fake's handler: whatever the
// method, path, header and body, the answer is a 4xx or less — never a 5xx,
// never a panic — and a JSON answer is valid JSON.
//
// The header value is "AUTH" or "AUTH|CONTENT-TYPE"; "$KEY" in it stands
// for the partner's valid Big Interview key and "$TCKEY" for its
// TicketsCloud key, so the fuzzer reaches past authentication. The control
// plane is closed by an admin token the fuzzer does not know: a request it
// makes there is refused, rather than injecting a fault (a 5xx by design)
// or a latency of hours.
func FuzzHandler(f *testing.F) {
	srv := mockserver.New(mockserver.WithoutListener(), mockserver.WithJournalSize(16), mockserver.WithAdminToken("fuzz-"+strings.Repeat("0", 27)))
	p := srv.AddPartner("fuzz", mockserver.AllowAnonymous())
	h := srv.Handler()
	serve := func(method, path, header string, body []byte) *httptest.ResponseRecorder {
		req, err := http.NewRequest(method, "http://127.0.0.1"+path, bytes.NewReader(body))
		if err != nil {
			return nil
		}
		auth, ctype, _ := strings.Cut(strings.NewReplacer("$KEY", p.APIKey, "$TCKEY", p.KeysAPIKey).Replace(header), "|")
		req.Header.Set("Authorization", auth)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	user := `{"first_name":"Ada","last_name":"Lovelace","email":"ada@example.com"}`
	if rec := serve("POST", "/api/users/u1", "$KEY|application/json", []byte(user)); rec.Code != 201 {
		f.Fatalf("seeding the fuzz user: %d", rec.Code)
	}

	keys := "/v1/resources/partners/" + p.ID + "/api_keys"
	for _, s := range []struct{ method, path, header, body string }{
		{"POST", "/api/users/u1", "$KEY", user},
		{"POST", "/api/users/u2", "$KEY|application/x-www-form-urlencoded", "first_name=a&last_name=b&email=c"},
		{"POST", "/api/users/anonymous", "$KEY|application/json", "{}"},
		{"GET", "/api/users/u1/tracks", "$KEY", ""},
		{"GET", "/api/users/u1/progress", "$KEY", ""},
		{"GET", "/api/users/u1/interviews", "$KEY", ""},
		{"GET", "/api/users/a%2Fb/tracks", "$KEY", ""},
		{"GET", keys, "key $TCKEY", ""},
		{"GET", keys + "?ids=0123456789abcdef01234567&fields-schema=id,name", "Key $TCKEY", ""},
		{"GET", keys + "?fields-schema=id%7Bname%7D", "key $TCKEY", ""},
		{"POST", keys, "key $TCKEY|application/json", `{"name":"fuzz"}`},
		{"PATCH", keys + "/0123456789abcdef01234567", "key $TCKEY|application/json", `{"name":"x"}`},
		{"DELETE", keys + "/0123456789abcdef01234567", "key $TCKEY", ""},
		{"GET", "/sso/login?token=" + strings.Repeat("ab", 32) + "&redirect_to=/members/x", "", ""},
		{"GET", "/members/dashboard", "", ""},
		{"GET", "/sso/logout", "", ""},
		{"GET", "/", "", ""},
		{"GET", "/v1/resources/partners?ids=0123456789abcdef01234567&fields-schema=id,name", "key $TCKEY", ""},
		{"GET", "/v1/resources/partners/" + p.ID + "?fields-schema=name", "key $TCKEY", ""},
		{"GET", keys + "?fields-schema=id,partner%7Bid,name%7D", "key $TCKEY", ""},
		{"GET", keys, "key $TCKEY|application/json", ""},
		{"GET", "/api/users//tracks", "$KEY", ""},
		{"OPTIONS", "/", "", ""},
		{"GET", "/api/users/%zz", "$KEY", ""},
		{"POST", "/api/users/u3", "$KEY|application/json", `{"first_name":5}`},
		{"POST", "/_mock/faults", "", `{"status":503,"times":-1}`},
	} {
		f.Add(s.method, s.path, s.header, []byte(s.body))
	}

	f.Fuzz(func(t *testing.T, method, path, header string, body []byte) {
		rec := serve(method, path, header, body)
		if rec == nil {
			return // not a request net/http would send
		}
		if rec.Code < 200 || rec.Code >= 500 {
			t.Fatalf("%s %q: status %d\n%s", method, path, rec.Code, rec.Body)
		}
		ct := rec.Header().Get("Content-Type")
		switch {
		case method == http.MethodHead:
		case strings.HasPrefix(ct, "application/json"):
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s %q: invalid JSON answer %q", method, path, rec.Body)
			}
		case strings.HasPrefix(ct, "text/html"):
			if !strings.Contains(rec.Body.String(), "<html>") {
				t.Fatalf("%s %q: not a page: %q", method, path, rec.Body)
			}
		default:
			t.Fatalf("%s %q: %d with Content-Type %q", method, path, rec.Code, ct)
		}
	})
}
