package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/partnerapi/go-partnerapi/internal/ascii"
)

// TicketsCloud v1 API keys, for the partner of the calling key (the routes
// are in the route table):
//
//	GET    /v1/resources/partners/{partner}/api_keys[?ids=a,b][&fields-schema=…]   200 [KEY, …]
//	POST   /v1/resources/partners/{partner}/api_keys  {"name": …}                 201 KEY (created_at in µs)
//	GET    /v1/resources/partners/{partner}/api_keys/{key}[?fields-schema=…]      200 KEY
//	PATCH  /v1/resources/partners/{partner}/api_keys/{key}  {"name": …}           200 KEY
//	DELETE /v1/resources/partners/{partner}/api_keys/{key}                        200 {}
//
// Decisions where the docs are silent:
//   - A partner or key id that is not an ObjectId (24 hex digits, either
//     case) is 400, the docs' "invalid request parameters": the path is
//     well-formed, its parameter is not. Another partner's ObjectId is 403;
//     a well-formed key id the partner does not have is 404.
//   - DELETE is soft: the key stays listed with "removed": true and stops
//     authenticating at once. Deleting it again is 200 (DELETE is
//     idempotent); a removed key can still be read and renamed.
//   - Read answers (GET, PATCH) show created_at truncated to milliseconds;
//     the POST answer shows microseconds, as the docs' examples do.
//   - Bodies are JSON objects; unknown or read-only fields ("key",
//     "removed", …), a non-string name, or a blank name are 400.
//   - ids and fields-schema that are malformed, name an unknown field or
//     name one field twice are 400; so are braces on any field but
//     "partner", the one reference a key has, which they expand into the
//     partner's selected fields. Other query parameters are ignored.

// apiKey is one TicketsCloud API key.
type apiKey struct {
	id        string
	key       string
	name      string
	partner   *partner
	createdAt time.Time // microsecond precision
	removed   bool
}

// An API key's fields, in the order answers write them (sorted, as the
// docs print them).
var keyFieldNames = [...]string{"created_at", "id", "key", "name", "partner", "removed"}

const (
	keyCreatedAt = iota
	keyID
	keyKey
	keyName
	keyPartner
	keyRemoved
)

const allKeyFields = 1<<len(keyFieldNames) - 1

// keySelection is a fields-schema applied to API keys.
type keySelection struct {
	mask    uint32 // bit i: keyFieldNames[i]
	partner uint32 // the partner's fields when "partner{…}" expands the reference; 0: the id alone
}

// keyFields resolves a fields-schema selection for API keys.
func keyFields(sels []fieldSel) (keySelection, error) {
	sel := keySelection{}
	var err error
	sel.mask, err = fieldMask("an API key", keyFieldNames[:], sels, func(ref fieldSel) error {
		if ref.name != "partner" {
			return errNotReference(ref.name)
		}
		m, err := fieldMask("a partner", partnerFieldNames[:], ref.sub, nil)
		sel.partner |= m
		return err
	})
	return sel, err
}

// newKeyLocked makes a TicketsCloud key for p. The caller holds st.mu for
// writing.
func (s *Server) newKeyLocked(p *partner, name string, now time.Time) *apiKey {
	k := &apiKey{id: s.ids.objectID(now), key: s.newSecretLocked(), name: name, partner: p, createdAt: now.Truncate(time.Microsecond)}
	p.keys = append(p.keys, k)
	p.keyByID[k.id] = k
	s.st.keys[k.key] = k
	return k
}

// appendAPIKey appends k with the selected fields, spaced as TicketsCloud's
// docs print JSON (which encoding/json does not do); micro shows created_at
// with microseconds (the create answer), else truncated to milliseconds.
// The caller holds st.mu.
func appendAPIKey(b []byte, k *apiKey, sel keySelection, micro bool) []byte {
	b = append(b, '{')
	first := true
	for i, name := range keyFieldNames {
		if sel.mask&(1<<i) == 0 {
			continue
		}
		b = appendV1Field(b, first, name)
		first = false
		switch i {
		case keyCreatedAt:
			t := k.createdAt
			if !micro {
				t = t.Truncate(time.Millisecond)
			}
			b = appendTCTime(b, t)
		case keyID:
			b = appendString(b, k.id)
		case keyKey:
			b = appendString(b, k.key)
		case keyName:
			b = appendString(b, k.name)
		case keyPartner:
			if sel.partner != 0 {
				b = appendPartner(b, k.partner, sel.partner)
			} else {
				b = appendString(b, k.partner.id)
			}
		case keyRemoved:
			b = appendBool(b, k.removed)
		}
	}
	return append(b, '}')
}

// ownPartner checks the {partner} of the path against the caller's
// partner, answering 400 (not an ObjectId) or 403 (another partner's, or
// none's) itself.
func (ex *exchange) ownPartner(forbidden string) bool {
	id := ex.r.PathValue("partner")
	if !isObjectID(id) {
		ex.fail(http.StatusBadRequest, "the partner id is not an ObjectId")
		return false
	}
	if ascii.Lower(id) != ex.p.id {
		ex.fail(http.StatusForbidden, forbidden)
		return false
	}
	return true
}

const otherPartnersKeys = "this API key may not manage another partner's keys"

// pathKey returns the caller's key {key} of the path, answering 400 (not
// an ObjectId) or 404 itself.
func (ex *exchange) pathKey() *apiKey {
	if !ex.ownPartner(otherPartnersKeys) {
		return nil
	}
	id := ex.r.PathValue("key")
	if !isObjectID(id) {
		ex.fail(http.StatusBadRequest, "the API key id is not an ObjectId")
		return nil
	}
	ex.s.st.mu.RLock()
	k := ex.p.keyByID[ascii.Lower(id)]
	ex.s.st.mu.RUnlock()
	if k == nil {
		ex.fail(http.StatusNotFound, "API key not found")
	}
	return k
}

// keyQuery reads the query's fields-schema for API keys, answering 400
// itself when the query or the schema is bad.
func (ex *exchange) keyQuery() (url.Values, keySelection, bool) {
	q, sels, ok := ex.v1Query()
	if !ok {
		return nil, keySelection{}, false
	}
	if sels == nil {
		return q, keySelection{mask: allKeyFields}, true
	}
	sel, err := keyFields(sels)
	if err != nil {
		ex.fail(http.StatusBadRequest, err.Error())
		return nil, keySelection{}, false
	}
	return q, sel, true
}

func (s *Server) listKeys(ex *exchange) {
	if !ex.ownPartner(otherPartnersKeys) {
		return
	}
	q, sel, ok := ex.keyQuery()
	if !ok {
		return
	}
	want, ok := ex.idsFilter(q)
	if !ok {
		return
	}
	b := append(make([]byte, 0, 1024), '[')
	n := 0
	s.st.mu.RLock()
	for _, k := range ex.p.keys {
		if want != nil && !want[k.id] {
			continue
		}
		if n > 0 {
			b = append(b, ',', ' ')
		}
		n++
		b = appendAPIKey(b, k, sel, false)
	}
	s.st.mu.RUnlock()
	ex.json(http.StatusOK, append(b, ']'))
}

func (s *Server) createKey(ex *exchange) {
	if !ex.ownPartner(otherPartnersKeys) {
		return
	}
	_, sel, ok := ex.keyQuery()
	if !ok {
		return
	}
	name, ok := ex.keyBody()
	if !ok {
		return
	}
	if name == nil {
		ex.fail(http.StatusBadRequest, "name is required")
		return
	}
	now := s.clock.now()
	s.st.mu.Lock()
	k := s.newKeyLocked(ex.p, *name, now)
	b := appendAPIKey(nil, k, sel, true)
	s.st.mu.Unlock()
	s.changed()
	ex.json(http.StatusCreated, b)
}

func (s *Server) getKey(ex *exchange) {
	k := ex.pathKey()
	if k == nil {
		return
	}
	_, sel, ok := ex.keyQuery()
	if !ok {
		return
	}
	s.st.mu.RLock()
	b := appendAPIKey(nil, k, sel, false)
	s.st.mu.RUnlock()
	ex.json(http.StatusOK, b)
}

func (s *Server) updateKey(ex *exchange) {
	k := ex.pathKey()
	if k == nil {
		return
	}
	_, sel, ok := ex.keyQuery()
	if !ok {
		return
	}
	name, ok := ex.keyBody()
	if !ok {
		return
	}
	s.st.mu.Lock()
	if name != nil {
		k.name = *name
	}
	b := appendAPIKey(nil, k, sel, false)
	s.st.mu.Unlock()
	if name != nil {
		s.changed()
	}
	ex.json(http.StatusOK, b)
}

// deleteKey removes k softly; the docs list no fields-schema for DELETE,
// so its query is not read.
func (s *Server) deleteKey(ex *exchange) {
	k := ex.pathKey()
	if k == nil {
		return
	}
	s.st.mu.Lock()
	k.removed = true
	s.st.mu.Unlock()
	s.changed()
	ex.json(http.StatusOK, []byte("{}"))
}

// keyBody reads {"name": …} (JSON only), answering the error itself when
// it cannot. name is nil when the body does not set it; an empty body sets
// nothing.
func (ex *exchange) keyBody() (name *string, ok bool) {
	if mt, ok := mediaType(ex.r); !ok || !isJSONMediaType(mt) {
		ex.fail(http.StatusUnsupportedMediaType, "the body must be JSON")
		return nil, false
	}
	b, ok := ex.jsonObjectBody()
	if !ok || b == nil {
		return nil, ok
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var in struct {
		Name *string `json:"name"`
	}
	if err := dec.Decode(&in); err != nil {
		var typeErr *json.UnmarshalTypeError
		msg := "the body is not valid: " + err.Error()
		if errors.As(err, &typeErr) {
			msg = "name must be a string"
		} else if strings.HasPrefix(err.Error(), "json: unknown field ") {
			msg = "the body has a field that cannot be set: " + strings.TrimPrefix(err.Error(), "json: unknown field ")
		}
		ex.fail(http.StatusBadRequest, msg)
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		ex.fail(http.StatusBadRequest, "the body has data after its JSON object")
		return nil, false
	}
	if in.Name != nil && strings.TrimSpace(*in.Name) == "" {
		ex.fail(http.StatusBadRequest, "name must not be empty")
		return nil, false
	}
	return in.Name, true
}
