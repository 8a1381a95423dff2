package mockserver

import (
	"net/http"
	"strings"
)

// Authentication. Big Interview takes the raw key in Authorization and
// knows only its own keys (an organization's, for /api); TicketsCloud takes
// "key <key>", the scheme word in any letter case, and knows only its own
// (a partner's, for /v1). A key of one company is unknown to the other. A
// missing, unknown, wrongly-schemed or removed key is 401, with the same
// message in every case, so that an answer never tells which keys exist.

const unauthorizedMsg = "missing or invalid API key"

var (
	wwwAuthenticateKey    = []string{"Key"}
	wwwAuthenticateBearer = []string{`Bearer realm="partnerapi-mock control plane"`}
)

// authorization returns the one Authorization header value, or false when
// there is none or more than one.
func authorization(r *http.Request) (string, bool) {
	v := r.Header["Authorization"]
	if len(v) != 1 {
		return "", false
	}
	return strings.TrimSpace(v[0]), true
}

// authBigInterview finds the organization of a live Big Interview key.
func (s *Server) authBigInterview(r *http.Request) (*partner, bool) {
	key, ok := authorization(r)
	if !ok || key == "" {
		return nil, false
	}
	s.st.mu.RLock()
	p := s.st.biKeys[key]
	s.st.mu.RUnlock()
	return p, p != nil
}

// authTicketsCloud finds the partner of a live TicketsCloud key, given as
// "key <key>".
func (s *Server) authTicketsCloud(r *http.Request) (*partner, bool) {
	v, ok := authorization(r)
	if !ok {
		return nil, false
	}
	scheme, key, found := strings.Cut(v, " ")
	if !found || !strings.EqualFold(scheme, "key") {
		return nil, false
	}
	if key = strings.TrimLeft(key, " \t"); key == "" {
		return nil, false
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	if k := s.st.keys[key]; k != nil && !k.removed {
		return k.partner, true
	}
	return nil, false
}
