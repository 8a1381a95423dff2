package mockserver

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// The fake's routes, all in one table, one line a route, in http.ServeMux
// pattern syntax: a method (none: every method) and a path whose {name}
// segments the handler reads with Request.PathValue. A new endpoint is one
// line here and its handler.
//
// Each route names its surface: what every route of one kind shares —
// authentication, the error shape, faults, the journal — applied in one
// place, serveRoute. Requests ServeMux matches to no method of a path get
// 405 with Allow, and paths of no route 404, each in the surface's own
// shape.
func (s *Server) routes() []route {
	return []route{
		// Big Interview users API: the raw key in Authorization; the key's organization.
		{"POST /api/users/anonymous", bigInterviewAPI, s.createAnonymous},
		{"POST /api/users/{partner_id}", bigInterviewAPI, s.createOrRefresh},
		{"GET /api/users/{partner_id}/tracks", bigInterviewAPI, s.readTracks},
		{"GET /api/users/{partner_id}/track", bigInterviewAPI, s.readTracks},    // the current Getting Started example's path
		{"GET /api/users/{partner_id}/progress", bigInterviewAPI, s.readTracks}, // the Getting Started example's path before June 2015
		{"GET /api/users/{partner_id}/interviews", bigInterviewAPI, s.readInterviews},
		{"/api/", bigInterviewAPI, notFound},

		// Big Interview's member app, for browsers: single sign-on and a session cookie.
		{"GET /{$}", memberApp, s.landingPage},
		{"GET /sso/login", memberApp, s.ssoLogin},
		{"GET /sso/logout", memberApp, s.ssoLogout},
		{"GET /members/", memberApp, s.memberPage},

		// TicketsCloud v1: "key <key>" in Authorization; the key's partner.
		{"GET /v1/resources/partners", ticketsCloudAPI, s.listPartners},
		{"GET /v1/resources/partners/{partner}", ticketsCloudAPI, s.getPartner},
		{"GET /v1/resources/partners/{partner}/api_keys", ticketsCloudAPI, s.listKeys},
		{"POST /v1/resources/partners/{partner}/api_keys", ticketsCloudAPI, s.createKey},
		{"GET /v1/resources/partners/{partner}/api_keys/{key}", ticketsCloudAPI, s.getKey},
		{"PATCH /v1/resources/partners/{partner}/api_keys/{key}", ticketsCloudAPI, s.updateKey},
		{"DELETE /v1/resources/partners/{partner}/api_keys/{key}", ticketsCloudAPI, s.deleteKey},
		{"/v1/", ticketsCloudAPI, notFound},

		// The fake's control plane: not journaled, not faulted, no API key; the admin token when one is set.
		{"GET /_mock/health", controlPlane, s.controlHealth},
		{"POST /_mock/reset", controlPlane, s.controlReset},
		{"POST /_mock/partners", controlPlane, s.controlAddPartner},
		{"GET /_mock/partners", controlPlane, s.controlListPartners},
		{"POST /_mock/partners/{id}/api_keys", controlPlane, s.controlAddAPIKey},
		{"DELETE /_mock/partners/{id}/api_keys/{key}", controlPlane, s.controlRemoveAPIKey},
		{"GET /_mock/partners/{id}/users", controlPlane, s.controlUsers},
		{"GET /_mock/partners/{id}/users/{partner_id}", controlPlane, s.controlUser},
		{"PUT /_mock/partners/{id}/users/{partner_id}/progress", controlPlane, s.controlSetProgress},
		{"POST /_mock/partners/{id}/users/{partner_id}/interviews", controlPlane, s.controlAddInterview},
		{"PUT /_mock/partners/{id}/users/{partner_id}/interviews/{iid}", controlPlane, s.controlUpdateInterview},
		{"DELETE /_mock/partners/{id}/users/{partner_id}/interviews/{iid}", controlPlane, s.controlDeleteInterview},
		{"POST /_mock/partners/{id}/webhooks", controlPlane, s.controlAddWebhook},
		{"POST /_mock/faults", controlPlane, s.controlAddFault},
		{"GET /_mock/faults", controlPlane, s.controlFaults},
		{"DELETE /_mock/faults", controlPlane, s.controlClearFaults},
		{"GET /_mock/clock", controlPlane, s.controlClock},
		{"POST /_mock/clock/advance", controlPlane, s.controlAdvance},
		{"GET /_mock/requests", controlPlane, s.controlRequests},
		{"DELETE /_mock/requests", controlPlane, s.controlClearRequests},
		{"GET /_mock/deliveries", controlPlane, s.controlDeliveries},
		{"GET /_mock/state", controlPlane, s.controlGetState},
		{"PUT /_mock/state", snapshotUpload, s.controlPutState},
		{"GET /_mock/openapi.json", controlPlane, s.controlOpenAPI},
		{"/_mock/", controlPlane, notFound},

		{"/", elsewhere, notFound},
	}
}

// route is one line of the route table.
type route struct {
	pattern string // "[METHOD ]PATH", as http.ServeMux reads it; no method: every method
	surface *surface
	handle  func(*exchange)
}

// A surface is what the routes of one kind share. serveRoute applies it:
// for a tracked surface, the journal entry and then any matching fault
// (faults come before authentication); then the API key, when the surface
// takes one (401 without a valid one); then the method (405 with Allow);
// then, on TicketsCloud, the Accept header (406); then the body (413 over
// the cap of the route's surface, 1 MiB unless it says otherwise, read no
// further than the cap).
//
// The fake's own control plane is a surface too (controlPlane): neither
// journaled nor faulted, and authenticated by the admin token when one is
// set.
type surface struct {
	fam family // the error shape and content type of its answers
	// auth authenticates a request: the partner its key belongs to (nil
	// for a credential that names none) and whether it may go on; a nil
	// auth takes no credential at all.
	auth    func(*Server, *http.Request) (*partner, bool)
	tracked bool  // journaled and open to faults
	maxBody int64 // the largest request body taken; 0: maxBodyBytes
	// variantOf, when set, is the surface this one is a variant of,
	// differing only in maxBody: the routes of one path may mix the two,
	// as the body cap is applied once the method has chosen the route.
	variantOf *surface
}

// root is the surface sf is a variant of, or sf itself.
func (sf *surface) root() *surface {
	if sf.variantOf != nil {
		return sf.variantOf
	}
	return sf
}

// bodyCap is the largest request body a route of sf takes.
func (sf *surface) bodyCap() int64 {
	if sf.maxBody == 0 {
		return maxBodyBytes
	}
	return sf.maxBody
}

var (
	bigInterviewAPI = &surface{fam: familyAPI, auth: (*Server).authBigInterview, tracked: true}
	ticketsCloudAPI = &surface{fam: familyV1, auth: (*Server).authTicketsCloud, tracked: true}
	memberApp       = &surface{fam: familyPage, tracked: true}
	elsewhere       = &surface{fam: familyAPI, tracked: true} // paths of neither API
)

// pathRoutes is every route of one path: what ServeMux matches. The
// method is chosen here rather than by ServeMux, so that a method the path
// does not take gets 405 in the surface's own shape (ServeMux writes plain
// text), after authentication; and because ServeMux refuses a method-less
// pattern beside an overlapping one with a method ("/api/users/anonymous"
// beside "POST /api/users/{partner_id}").
type pathRoutes struct {
	s       *Server
	surface *surface      // the root of its routes' surfaces
	methods []methodRoute // in table order
	any     *methodRoute  // the route of every method, or nil
	allow   string        // the Allow header of a 405
}

type methodRoute struct {
	method  string
	handle  func(*exchange)
	maxBody int64 // the route's surface's body cap
}

// route returns the route of method, or nil when the path does not take
// it. HEAD is answered as GET, without the body.
func (pr *pathRoutes) route(method string) *methodRoute {
	if pr.any != nil {
		return pr.any
	}
	for i := range pr.methods {
		if m := &pr.methods[i]; m.method == method || method == http.MethodHead && m.method == http.MethodGet {
			return m
		}
	}
	return nil
}

func (pr *pathRoutes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	pr.s.serveRoute(w, r, pr.surface, pr)
}

// subtree is a route pattern ending in "/", which ServeMux matches for
// every path below it.
type subtree struct {
	prefix string
	routes *pathRoutes
}

// router is the installed route table.
type router struct {
	mux      *http.ServeMux
	subtrees []subtree // longest prefix first
	// apiMethods are the methods the routes open to faults take (HEAD
	// with GET), in table order: the methods a Fault may name.
	apiMethods []string
}

// newRouter installs the route table on a ServeMux: one pattern per path,
// its methods dispatched by pathRoutes. A subtree pattern "/x/" also
// serves "/x", which ServeMux would otherwise redirect.
func (s *Server) newRouter(routes []route) *router {
	rt := &router{mux: http.NewServeMux()}
	byPath := make(map[string]*pathRoutes)
	var paths []string
	for _, r := range routes {
		if r.surface.root() == controlPlane && !controlPlaneServed {
			continue
		}
		method, path, hasMethod := strings.Cut(r.pattern, " ")
		if !hasMethod {
			method, path = "", r.pattern
		}
		pr := byPath[path]
		if pr == nil {
			pr = &pathRoutes{s: s, surface: r.surface.root()}
			byPath[path] = pr
			paths = append(paths, path)
		}
		if pr.surface != r.surface.root() {
			panic("mockserver: the routes of " + path + " have different surfaces")
		}
		mr := methodRoute{method, r.handle, r.surface.bodyCap()}
		if method == "" {
			pr.any = &mr
			continue
		}
		if r.surface.tracked {
			rt.addAPIMethod(method)
			if method == http.MethodGet {
				rt.addAPIMethod(http.MethodHead)
			}
		}
		pr.methods = append(pr.methods, mr)
		if pr.allow != "" {
			pr.allow += ", "
		}
		pr.allow += method
		if method == http.MethodGet {
			pr.allow += ", " + http.MethodHead
		}
	}
	for _, path := range paths {
		pr := byPath[path]
		rt.mux.Handle(path, pr)
		if strings.HasSuffix(path, "/") {
			rt.subtrees = append(rt.subtrees, subtree{path, pr})
			if twin := strings.TrimSuffix(path, "/"); twin != "" && byPath[twin] == nil {
				rt.mux.Handle(twin, pr)
			}
		}
	}
	sort.SliceStable(rt.subtrees, func(i, j int) bool { return len(rt.subtrees[i].prefix) > len(rt.subtrees[j].prefix) })
	return rt
}

func (rt *router) addAPIMethod(m string) {
	if !slices.Contains(rt.apiMethods, m) {
		rt.apiMethods = append(rt.apiMethods, m)
	}
}

// serve is the fake's handler. A path that is not in canonical form (empty,
// with "//", "." or ".." segments, or "*") would make ServeMux answer a
// redirect of its own: it gets 404 from the surface of the subtree it falls
// in, so that it is authenticated, journaled and answered in that family's
// shape like any unknown path.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL == nil {
		r = r.Clone(r.Context())
		r.URL = new(url.URL)
	}
	if p := r.URL.EscapedPath(); !isCanonicalPath(p) {
		s.serveRoute(w, r, s.router.subtreeOf(p).surface, nil)
		return
	}
	s.router.mux.ServeHTTP(w, r)
}

// subtreeOf returns the routes of the longest subtree pattern that is a
// prefix of path ("/" at least).
func (rt *router) subtreeOf(path string) *pathRoutes {
	for _, st := range rt.subtrees {
		if strings.HasPrefix(path, st.prefix) {
			return st.routes
		}
	}
	return rt.subtrees[len(rt.subtrees)-1].routes
}

// isCanonicalPath reports whether ServeMux would serve p as it is: it
// starts with "/" and has no empty, "." or ".." segment (a trailing "/"
// aside).
func isCanonicalPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	for i := 0; i < len(p); {
		j := strings.IndexByte(p[i+1:], '/')
		var seg string
		if j < 0 {
			seg, i = p[i+1:], len(p)
		} else {
			seg, i = p[i+1:i+1+j], i+1+j
		}
		if seg == "." || seg == ".." || seg == "" && i < len(p) {
			return false
		}
	}
	return true
}

// notFound answers 404: the path is none of the routes'.
func notFound(ex *exchange) { ex.fail(http.StatusNotFound, "no such resource") }
