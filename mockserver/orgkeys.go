package mockserver

import (
	"fmt"
	"net/http"
	"slices"
)

// Big Interview API keys. An organization's admin makes and deletes them in
// the admin area ("API Settings"); an organization may hold several, and
// each sees the whole organization. They authenticate /api and nothing
// else: TicketsCloud keys, made through /v1, are another company's
// credentials and authenticate /v1 and nothing else.

// newSecretLocked returns a new random key, 32 lowercase hex digits, that
// is neither a Big Interview nor a TicketsCloud key already, so that no key
// ever belongs to both companies, nor is the control plane's admin token
// (which must never authenticate an API). The caller holds st.mu for
// writing.
func (s *Server) newSecretLocked() string {
	for {
		k := s.ids.hex(16)
		if s.st.biKeys[k] == nil && s.st.keys[k] == nil && k != s.adminToken {
			return k
		}
	}
}

// newBIKeyLocked makes a Big Interview key for p's organization. The
// caller holds st.mu for writing.
func (s *Server) newBIKeyLocked(p *partner) string {
	k := s.newSecretLocked()
	s.st.biKeys[k] = p
	p.biKeys = append(p.biKeys, k)
	return k
}

// AddAPIKey makes another Big Interview API key for p's organization, as
// its admin does in the admin area ("API Settings"), and returns it. Like
// every Big Interview key it sees the whole organization, on /api only.
// AddAPIKey panics if p is not a partner of this Server: that is a mistake
// in a test's setup.
func (s *Server) AddAPIKey(p *Partner) string {
	k, err := s.addAPIKey(p)
	if err != nil {
		panic(err.Error())
	}
	return k
}

func (s *Server) addAPIKey(p *Partner) (string, error) {
	s.st.mu.Lock()
	sp, err := s.lookupPartnerLocked("AddAPIKey", p)
	if err != nil {
		s.st.mu.Unlock()
		return "", err
	}
	k := s.newBIKeyLocked(sp)
	s.st.mu.Unlock()
	s.changed()
	return k, nil
}

// RemoveAPIKey deletes the Big Interview API key key of p's organization,
// as its admin does in the admin area: from the next request on, it is
// refused (401). Removing the organization's first key (p.APIKey) is
// allowed. It is an error when p is not a partner of this Server or key is
// not a live Big Interview key of its organization — a TicketsCloud key
// included: those are removed through the keys API (DELETE
// /v1/resources/partners/{partner}/api_keys/{id}).
func (s *Server) RemoveAPIKey(p *Partner, key string) error {
	if err := s.removeAPIKey(p, key); err != nil {
		return err
	}
	s.changed()
	return nil
}

// removeAPIKey is RemoveAPIKey but for the change signal.
func (s *Server) removeAPIKey(p *Partner, key string) error {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	sp, err := s.lookupPartnerLocked("RemoveAPIKey", p)
	if err != nil {
		return err
	}
	i := slices.Index(sp.biKeys, key)
	if i < 0 {
		if k := s.st.keys[key]; k != nil && k.partner == sp {
			return &controlError{"RemoveAPIKey", http.StatusBadRequest, fmt.Sprintf("that key is a TicketsCloud key of partner %s; remove it through the keys API", sp.id)}
		}
		return &controlError{"RemoveAPIKey", http.StatusNotFound, fmt.Sprintf("that key is not a live Big Interview key of organization %q", sp.org)}
	}
	sp.biKeys = slices.Delete(sp.biKeys, i, i+1)
	delete(s.st.biKeys, key)
	return nil
}

// describeMissing says why p names no partner of this Server.
func describeMissing(p *Partner) string {
	if p == nil {
		return "nil *Partner"
	}
	return fmt.Sprintf("no partner %q on this server", p.ID)
}
