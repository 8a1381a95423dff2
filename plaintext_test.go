package partnerapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// writePlain answers with the status and msg as one line of plain text,
// marked so that no browser reads it as anything else.
func TestWritePlain(t *testing.T) {
	for _, tc := range []struct {
		status int
		msg    string
	}{
		{http.StatusOK, "ok"},
		{http.StatusForbidden, "You are not signed in."},
		{http.StatusBadGateway, "<b>not html</b>"},
		{http.StatusInternalServerError, ""},
	} {
		rec := httptest.NewRecorder()
		writePlain(rec, tc.status, tc.msg)
		res := rec.Result()
		if res.StatusCode != tc.status {
			t.Errorf("%q: status %d, want %d", tc.msg, res.StatusCode, tc.status)
		}
		for name, want := range map[string]string{
			"Content-Type":           "text/plain; charset=utf-8",
			"X-Content-Type-Options": "nosniff",
		} {
			if got := res.Header.Get(name); got != want {
				t.Errorf("%q: %s %q, want %q", tc.msg, name, got, want)
			}
		}
		if got, want := rec.Body.String(), tc.msg+"\n"; got != want {
			t.Errorf("body %q, want %q", got, want)
		}
		if got, want := res.ContentLength, int64(len(tc.msg)+1); got != want {
			t.Errorf("%q: Content-Length %d, want %d, the body's", tc.msg, got, want)
		}
	}
}
