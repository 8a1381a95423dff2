package mockserver

import (
	"encoding/hex"
	"html"
	"net/http"
	"net/url"
	"strings"
)

// Single sign-on and the member app's pages, as Big Interview's SSO guide
// describes them (the routes are in the route table):
//
//	GET /sso/login?token=…[&redirect_to=PATH][&return_url=URL]
//	    a live token: 302 to redirect_to (default /members/dashboard) with a
//	    session cookie; a missing, unknown, expired or replaced token: 401
//	    page; a redirect_to that is not a local path, or a return_url that is
//	    not an absolute http(s) URL: 400 page (no open redirects).
//	GET /members/… with the session cookie: 200, a small page showing the
//	    signed-in user's partner_id in <span id="partner-id">; without: 401.
//	GET /sso/logout: ends the session; 302 to its return_url, or else to
//	    the organization's landing page ("By default, your users will be
//	    redirected to the Big Interview landing page for your organization
//	    after they logout"): on the fake's one host, its root, /.
//	GET /: the landing page.
//
// These pages are for browsers, so their own errors are HTML; faults still
// answer in the Big Interview JSON shape.

const (
	sessionCookie     = "_bi_session"
	defaultRedirectTo = "/members/dashboard"
	landingPath       = "/"
	maxSessions       = 100000 // beyond this, an arbitrary old session is forgotten
)

// session is a signed-in browser.
type session struct {
	u         *user
	returnURL string
}

func (s *Server) ssoLogin(ex *exchange) {
	q, err := url.ParseQuery(ex.r.URL.RawQuery)
	if err != nil {
		ex.page(http.StatusBadRequest, "Bad request", "The query string is malformed.")
		return
	}
	redirectTo := q.Get("redirect_to")
	if redirectTo == "" {
		redirectTo = defaultRedirectTo
	} else if !isLocalPath(redirectTo) {
		ex.page(http.StatusBadRequest, "Bad request", "redirect_to must be a path in the member app.")
		return
	}
	returnURL := q.Get("return_url")
	if returnURL != "" && !isAbsoluteHTTPURL(returnURL) {
		ex.page(http.StatusBadRequest, "Bad request", "return_url must be an absolute http or https URL.")
		return
	}
	var tok [32]byte
	raw := q.Get("token")
	if len(raw) != 64 || !decodeHex(tok[:], raw) {
		ex.page(http.StatusUnauthorized, "Sign-in link not valid", "This sign-in link is not valid. Ask for a new one.")
		return
	}
	now := s.nowMillis()
	st := &s.st
	st.mu.RLock()
	u := st.tokens[tok]
	ok := u != nil && u.token == tok && now < u.tokenExp && u.live(now) && u.partner.users[u.partnerID] == u
	st.mu.RUnlock()
	if !ok {
		ex.page(http.StatusUnauthorized, "Sign-in link not valid", "This sign-in link has expired or has been replaced. Ask for a new one.")
		return
	}

	var sid [32]byte
	s.ids.read(sid[:])
	st.mu.Lock()
	if len(st.sessions) >= maxSessions {
		for k := range st.sessions {
			delete(st.sessions, k)
			break
		}
	}
	st.sessions[sid] = &session{u: u, returnURL: returnURL}
	st.mu.Unlock()
	s.changed()

	http.SetCookie(ex.w, &http.Cookie{
		Name: sessionCookie, Value: hex.EncodeToString(sid[:]),
		Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
	ex.w.Header()["Location"] = []string{redirectTo}
	ex.html(http.StatusFound, pageHTML("Redirecting", `<p>Redirecting to <a href="`+html.EscapeString(redirectTo)+`">`+html.EscapeString(redirectTo)+`</a>.</p>`))
}

// sessionOf returns the live session of the request's cookie, or nil.
func (s *Server) sessionOf(ex *exchange) (sid [32]byte, sess *session) {
	c, err := ex.r.Cookie(sessionCookie)
	if err != nil || len(c.Value) != 64 || !decodeHex(sid[:], c.Value) {
		return sid, nil
	}
	now := s.nowMillis()
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	sess = s.st.sessions[sid]
	if sess == nil || !sess.u.live(now) || sess.u.partner.users[sess.u.partnerID] != sess.u {
		return sid, nil
	}
	return sid, sess
}

func (s *Server) memberPage(ex *exchange) {
	_, sess := s.sessionOf(ex)
	if sess == nil {
		ex.page(http.StatusUnauthorized, "Sign in required", "Sign in through your organization to see this page.")
		return
	}
	title := "Member area"
	if ex.r.URL.Path == defaultRedirectTo {
		title = "Dashboard"
	}
	where := ex.r.URL.Path
	if ex.r.URL.RawQuery != "" {
		where += "?" + ex.r.URL.RawQuery
	}
	body := `<h1>` + title + `</h1>` +
		`<p>Signed in as <span id="partner-id">` + html.EscapeString(sess.u.partnerID) + `</span></p>` +
		`<p>Page <code id="page">` + html.EscapeString(where) + `</code></p>` +
		`<p><a href="/sso/logout">Sign out</a></p>`
	ex.html(http.StatusOK, pageHTML(title, body))
}

func (s *Server) ssoLogout(ex *exchange) {
	sid, sess := s.sessionOf(ex)
	to := landingPath
	if sess != nil {
		s.st.mu.Lock()
		delete(s.st.sessions, sid)
		s.st.mu.Unlock()
		s.changed()
		if sess.returnURL != "" {
			to = sess.returnURL
		}
	}
	http.SetCookie(ex.w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	ex.w.Header()["Location"] = []string{to}
	ex.html(http.StatusFound, pageHTML("Signed out", `<p>Signed out. Continue to <a href="`+html.EscapeString(to)+`">`+html.EscapeString(to)+`</a>.</p>`))
}

// landingPage is the organization's landing page, where a person lands
// after signing out without a return_url.
func (s *Server) landingPage(ex *exchange) {
	ex.page(http.StatusOK, "Big Interview", "Interview practice for your organization. Sign in through your organization's site.")
}

// page answers a small HTML page with a heading and one paragraph.
func (ex *exchange) page(status int, title, text string) {
	ex.html(status, pageHTML(title, "<h1>"+html.EscapeString(title)+"</h1><p>"+html.EscapeString(text)+"</p>"))
}

func pageHTML(title, body string) []byte {
	return []byte("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + html.EscapeString(title) +
		" · Big Interview (mock)</title></head>\n<body>" + body + "</body></html>\n")
}

// isLocalPath reports whether s is a path in the member app: one leading
// '/', no scheme or host, no backslash (browsers read it as '/'), no white
// space or control characters.
func isLocalPath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsRune(s, '\\') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return false
		}
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil
}

func isAbsoluteHTTPURL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return false
		}
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// decodeHex decodes s (len(dst)*2 hex digits, either case) into dst.
func decodeHex(dst []byte, s string) bool {
	n, err := hex.Decode(dst, []byte(s))
	return err == nil && n == len(dst)
}
