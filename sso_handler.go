package partnerapi

import (
	"errors"
	"log/slog"
	"net/http"
)

// Handler returns the http.Handler behind a partner web app's "Open
// interview practice" link or button: single sign-on into Big Interview's
// member app for whoever is signed in to the partner's own site.
//
// For each request, resolve finds the signed-in person in the partner's own
// session (a cookie, a header set by an auth proxy, …) and returns their
// partner_id, the [UserParams] to create them with if they are new (nil to
// only refresh an existing user), and the [LoginOptions] of the link (nil for
// the member app's dashboard). The handler then calls LoginURL with the
// request's context, which mints a fresh token (an older one stops
// working), and answers 302 Found to the login link. Every answer carries
// Cache-Control: no-store and Referrer-Policy: no-referrer, since the
// Location holds a credential that must not be cached or leak to another
// site.
//
// Failures answer a short plain-text page that names no cause:
//
//   - 403 Forbidden when resolve's error matches [ErrUnauthorized]
//     ([errors.Is]): the person is not signed in to the partner's site.
//   - 502 Bad Gateway when resolve fails otherwise, or when the API call
//     fails (network, 401 from a revoked key, 5xx, …).
//   - 500 Internal Server Error when resolve's answer is refused by the SDK
//     before any request ([ErrInvalidArgument]: a bad partner_id, a RedirectTo
//     that is not a member-app path, a client with no users API base URL):
//     that is a bug in the partner's code, not an upstream failure.
//   - 405 Method Not Allowed (with Allow: GET, HEAD) for any method but GET
//     and HEAD. HEAD is served as GET is, token included, without a body.
//
// No page ever shows an API key, a token, the upstream response or any
// error text; the only place a token appears is the 302's Location header.
// When the [Client] was made with [WithLogger], each 500 and 502 is logged at
// Error level ("partnerapi SSO handler failed", with status, method, path
// and the error, scrubbed of the client's credentials); a 403, and a 502
// for a browser that went away before the API answered, are logged at Debug
// level. Nothing is logged otherwise, and the request's query (which may
// carry the partner's own secrets) is never logged.
//
// Handler panics if resolve is nil, as http.Handle does for a nil handler.
// The handler is safe for concurrent use.
func (s *SSOService) Handler(resolve func(r *http.Request) (partnerID string, p *UserParams, o *LoginOptions, err error)) http.Handler {
	if resolve == nil {
		panic("partnerapi: SSOService.Handler: resolve is nil")
	}
	return &ssoHandler{sso: s, resolve: resolve}
}

// ssoHandler is the http.Handler made by SSOService.Handler.
type ssoHandler struct {
	sso     *SSOService
	resolve func(r *http.Request) (string, *UserParams, *LoginOptions, error)
}

// The pages the handler answers with. They are fixed: nothing from the
// request, resolve or the API goes into them.
const (
	ssoPageNotSignedIn   = "Not signed in. Sign in to this site, then try again."
	ssoPageUnavailable   = "Interview practice is not available right now. Please try again later."
	ssoPageMisconfigured = "Interview practice is not set up correctly on this site. Please contact its support."
	ssoPageMethod        = "Method not allowed."
)

func (h *ssoHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		writePlain(w, http.StatusMethodNotAllowed, ssoPageMethod)
		return
	}

	partnerID, p, o, err := h.resolve(r)
	if err != nil {
		if errors.Is(err, ErrUnauthorized) {
			h.log(r, slog.LevelDebug, http.StatusForbidden, "resolve", err)
			writePlain(w, http.StatusForbidden, ssoPageNotSignedIn)
			return
		}
		h.log(r, slog.LevelError, http.StatusBadGateway, "resolve", err)
		writePlain(w, http.StatusBadGateway, ssoPageUnavailable)
		return
	}

	link, err := h.sso.LoginURL(r.Context(), partnerID, p, o)
	if err != nil {
		if errors.Is(err, ErrInvalidArgument) {
			h.log(r, slog.LevelError, http.StatusInternalServerError, "login", err)
			writePlain(w, http.StatusInternalServerError, ssoPageMisconfigured)
			return
		}
		level := slog.LevelError
		if r.Context().Err() != nil {
			level = slog.LevelDebug // the browser went away: nobody to answer
		}
		h.log(r, level, http.StatusBadGateway, "login", err)
		writePlain(w, http.StatusBadGateway, ssoPageUnavailable)
		return
	}
	// No body: http.Redirect would repeat the link in an HTML page.
	hdr.Set("Location", link)
	w.WriteHeader(http.StatusFound)
}

// log reports a failure to the [Client]'s logger, if it has one. The path is
// logged without its query; the error text is scrubbed of the client's
// credentials.
func (h *ssoHandler) log(r *http.Request, level slog.Level, status int, stage string, err error) {
	c := h.sso.c
	if c == nil || c.logger == nil || !c.logger.Enabled(r.Context(), level) {
		return
	}
	c.logger.LogAttrs(r.Context(), level, "partnerapi SSO handler failed",
		slog.Int("status", status),
		slog.String("method", r.Method),
		slog.String("path", c.red.text(r.URL.Path, maxURLShown)),
		slog.String("stage", stage),
		slog.String("error", c.red.text(err.Error(), maxCauseShown)),
	)
}
