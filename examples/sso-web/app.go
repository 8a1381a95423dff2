package main

import (
	"html/template"
	"net/http"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

// demoUser is a person of the partner's own site. A real app has its own
// user store and session; the demo keeps three people and a cookie naming
// one of them.
type demoUser struct {
	PartnerID string // the Big Interview partner_id the app chose for the person
	Params    partnerapi.UserParams
}

// demoUsers returns the people who can sign in to the demo.
func demoUsers() []demoUser {
	return []demoUser{
		{"ada-lovelace", partnerapi.UserParams{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"}},
		{"grace-hopper", partnerapi.UserParams{FirstName: "Grace", LastName: "Hopper", Email: "grace@example.com"}},
		{"alan-turing", partnerapi.UserParams{FirstName: "Alan", LastName: "Turing", Email: "alan@example.com"}},
	}
}

// userCookie names the signed-in demo user. It stands in for the partner's
// real session cookie.
const userCookie = "demo_user"

// findUser returns the demo user with partnerID, or nil.
func findUser(partnerID string) *demoUser {
	for _, u := range demoUsers() {
		if u.PartnerID == partnerID {
			return &u
		}
	}
	return nil
}

// signedInUser returns the demo user of r's session, or nil.
func signedInUser(r *http.Request) *demoUser {
	c, err := r.Cookie(userCookie)
	if err != nil {
		return nil
	}
	return findUser(c.Value)
}

// newApp returns the partner web app: a home page with a sign-in form (or,
// once signed in, the "Open interview practice" button), POST /signin,
// POST /signout, and GET /practice, which is client.SSO.Handler.
func newApp(client *partnerapi.Client) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", home)
	mux.HandleFunc("POST /signin", signIn)
	mux.HandleFunc("POST /signout", signOut)
	mux.Handle("/practice", client.SSO.Handler(resolve))
	return mux
}

// resolve finds the person signed in to the partner's site: the whole of
// what a partner writes to use SSOService.Handler.
func resolve(r *http.Request) (string, *partnerapi.UserParams, *partnerapi.LoginOptions, error) {
	u := signedInUser(r)
	if u == nil {
		return "", nil, nil, partnerapi.ErrUnauthorized // 403: not signed in here
	}
	return u.PartnerID, &u.Params, nil, nil
}

func home(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = homePage.Execute(w, struct {
		User  *demoUser
		Users []demoUser
	}{signedInUser(r), demoUsers()})
}

func signIn(w http.ResponseWriter, r *http.Request) {
	u := findUser(r.PostFormValue("user"))
	if u == nil {
		http.Error(w, "No such demo user.", http.StatusBadRequest)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: userCookie, Value: u.PartnerID, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func signOut(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: userCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

var homePage = template.Must(template.New("home").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Acme Careers (demo partner app)</title></head>
<body>
<h1>Acme Careers</h1>
{{if .User}}
<p>Signed in as <span id="who">{{.User.Params.FirstName}} {{.User.Params.LastName}}</span> (<code>{{.User.PartnerID}}</code>).</p>
<form method="get" action="/practice"><button type="submit" id="practice">Open interview practice</button></form>
<form method="post" action="/signout"><button type="submit" id="signout">Sign out</button></form>
{{else}}
<form method="post" action="/signin">
<label>Sign in as <select name="user" id="user">
{{range .Users}}<option value="{{.PartnerID}}">{{.Params.FirstName}} {{.Params.LastName}}</option>
{{end}}</select></label>
<button type="submit" id="signin">Sign in</button>
</form>
{{end}}
</body></html>
`))
