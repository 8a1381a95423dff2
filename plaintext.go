package partnerapi

import (
	"io"
	"net/http"
	"strconv"
)

// writePlain answers status with msg as one line of plain text: the short,
// fixed pages of the handlers this package serves ([SSOService.Handler],
// [WebhookHandler]), which never carry a credential or an upstream detail.
func writePlain(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(msg)+1))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg+"\n")
}
