package mockserver

import (
	"net/http"
	"strings"
)

// Authentication (API.md): Big Interview takes the raw key in
// Authorization; TicketsCloud takes "key <key>", the scheme word in any
// letter case. A key belongs to one partner: its organization for /api,
// its ObjectId for /v1. A missing, unknown, wrongly-schemed or removed key
// is 401, with the same message in every case, so that an answer never
// tells which keys exist.

const unauthorizedMsg = "missing or invalid API key"

var wwwAuthenticateKey = []string{"Key"}

// authorization returns the one Authorization header value, or false when
// there is none or more than one.
func authorization(r *http.Request) (string, bool) {
	v := r.Header["Authorization"]
	if len(v) != 1 {
		return "", false
	}
	return strings.TrimSpace(v[0]), true
}

// authUsers authenticates a Big Interview call (the raw key), answering
// 401 itself when it fails.
func (s *Server) authUsers(ex *exchange) *partner {
	var p *partner
	if v, ok := authorization(ex.r); ok {
		p = s.partnerForKey(v)
	}
	if p == nil {
		ex.fail(http.StatusUnauthorized, unauthorizedMsg)
	}
	return p
}

// authKeys authenticates a TicketsCloud call ("key <key>"), answering 401
// itself when it fails.
func (s *Server) authKeys(ex *exchange) *partner {
	var p *partner
	if v, ok := authorization(ex.r); ok {
		if scheme, key, found := strings.Cut(v, " "); found && strings.EqualFold(scheme, "key") {
			p = s.partnerForKey(strings.TrimLeft(key, " \t"))
		}
	}
	if p == nil {
		ex.w.Header()["Www-Authenticate"] = wwwAuthenticateKey
		ex.fail(http.StatusUnauthorized, unauthorizedMsg)
	}
	return p
}

// partnerForKey returns the partner a live key belongs to, or nil.
func (s *Server) partnerForKey(key string) *partner {
	if key == "" {
		return nil
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	if k := s.st.keys[key]; k != nil && !k.removed {
		return k.partner
	}
	return nil
}
