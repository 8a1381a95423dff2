package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// TicketsCloud v1 API keys (API.md B), for the partner of the calling key:
//
//	GET    /v1/resources/partners/{partner}/api_keys[?ids=a,b][&fields-schema=…]   200 [KEY…]
//	POST   /v1/resources/partners/{partner}/api_keys  {"name":…}                  201 KEY (created_at in µs)
//	GET    /v1/resources/partners/{partner}/api_keys/{id}[?fields-schema=…]       200 KEY
//	PATCH  /v1/resources/partners/{partner}/api_keys/{id}  {"name":…}             200 KEY
//	DELETE /v1/resources/partners/{partner}/api_keys/{id}                         200 {}
//
// Decisions where the docs are silent:
//   - A partner or key id that is not an ObjectId (24 hex digits, either
//     case) is 400, the docs' "invalid request parameters": the path is
//     well-formed, its parameter is not. Another partner's ObjectId is 403;
//     a well-formed key id the partner does not have is 404.
//   - DELETE is soft: the key stays listed with "removed": true and stops
//     authenticating at once, on both families. Deleting it again is 200
//     (DELETE is idempotent); a removed key can still be read and renamed.
//   - Read answers (GET, PATCH) show created_at truncated to milliseconds;
//     the POST answer shows microseconds, as the docs' examples do.
//   - Bodies are JSON objects; unknown or read-only fields ("key",
//     "removed", …), a non-string name, or a blank name are 400.
//   - ids and fields-schema that are malformed, name an unknown field, or
//     select inside a field (keys have no nested objects) are 400. Other
//     query parameters are ignored.

// apiKey is one TicketsCloud API key.
type apiKey struct {
	id        string
	key       string
	name      string
	partner   *partner
	createdAt time.Time // microsecond precision
	removed   bool
}

// The key's fields, in the order the docs show them.
const (
	fieldCreatedAt uint8 = 1 << iota
	fieldID
	fieldKey
	fieldName
	fieldPartner
	fieldRemoved
	allKeyFields = fieldCreatedAt | fieldID | fieldKey | fieldName | fieldPartner | fieldRemoved
)

var keyFieldNames = [...]string{"created_at", "id", "key", "name", "partner", "removed"}

// keyFieldMask turns a fields-schema selection into a set of key fields.
func keyFieldMask(sels []fieldSel) (uint8, error) {
	var mask uint8
	for _, sel := range sels {
		i := 0
		for i < len(keyFieldNames) && keyFieldNames[i] != sel.name {
			i++
		}
		if i == len(keyFieldNames) {
			return 0, fmt.Errorf("fields-schema names %q, which an API key does not have", sel.name)
		}
		if sel.sub != nil {
			return 0, fmt.Errorf("fields-schema selects inside %q, which is not an object", sel.name)
		}
		mask |= 1 << i
	}
	return mask, nil
}

// newKeyLocked makes a key for p. The caller holds st.mu for writing.
func (s *Server) newKeyLocked(p *partner, name string, now time.Time) *apiKey {
	k := &apiKey{id: s.ids.objectID(now), name: name, partner: p, createdAt: now.Truncate(time.Microsecond)}
	for k.key == "" || s.st.keys[k.key] != nil {
		k.key = randomHex(16)
	}
	p.keys = append(p.keys, k)
	p.keyByID[k.id] = k
	s.st.keys[k.key] = k
	return k
}

// appendAPIKey appends k with the fields in mask; micro shows created_at
// with microseconds (the create answer), else truncated to milliseconds.
func appendAPIKey(b []byte, k *apiKey, mask uint8, micro bool) []byte {
	b = append(b, '{')
	n := 0
	field := func(b []byte, name string) []byte {
		if n > 0 {
			b = append(b, ',')
		}
		n++
		return appendKey(b, name)
	}
	if mask&fieldCreatedAt != 0 {
		b = field(b, "created_at")
		t := k.createdAt
		if !micro {
			t = t.Truncate(time.Millisecond)
		}
		b = appendTCTime(b, t)
	}
	if mask&fieldID != 0 {
		b = appendString(field(b, "id"), k.id)
	}
	if mask&fieldKey != 0 {
		b = appendString(field(b, "key"), k.key)
	}
	if mask&fieldName != 0 {
		b = appendString(field(b, "name"), k.name)
	}
	if mask&fieldPartner != 0 {
		b = appendString(field(b, "partner"), k.partner.id)
	}
	if mask&fieldRemoved != 0 {
		b = appendBool(field(b, "removed"), k.removed)
	}
	return append(b, '}')
}

func (s *Server) serveKeysAPI(ex *exchange) {
	p := s.authKeys(ex)
	if p == nil {
		return
	}
	segs, ok := segments(ex)
	if !ok {
		ex.fail(http.StatusBadRequest, "the path has a malformed percent-escape")
		return
	}
	if len(segs) < 5 || len(segs) > 6 || segs[0] != "v1" || segs[1] != "resources" || segs[2] != "partners" || segs[4] != "api_keys" {
		ex.fail(http.StatusNotFound, "no such resource")
		return
	}
	one := len(segs) == 6
	m := ex.r.Method
	switch {
	case !one && !isGet(m) && m != http.MethodPost:
		ex.notAllowed("GET, HEAD, POST")
		return
	case one && !isGet(m) && m != http.MethodPatch && m != http.MethodDelete:
		ex.notAllowed("GET, HEAD, PATCH, DELETE")
		return
	}
	if !isObjectID(segs[3]) {
		ex.fail(http.StatusBadRequest, "the partner id is not an ObjectId")
		return
	}
	if lowerASCII(segs[3]) != p.id {
		ex.fail(http.StatusForbidden, "this API key may not manage another partner's keys")
		return
	}
	var k *apiKey
	if one {
		if !isObjectID(segs[5]) {
			ex.fail(http.StatusBadRequest, "the API key id is not an ObjectId")
			return
		}
		s.st.mu.RLock()
		k = p.keyByID[lowerASCII(segs[5])]
		s.st.mu.RUnlock()
		if k == nil {
			ex.fail(http.StatusNotFound, "API key not found")
			return
		}
	}
	q, err := url.ParseQuery(ex.r.URL.RawQuery)
	if err != nil {
		ex.fail(http.StatusBadRequest, "the query string is malformed")
		return
	}
	mask := allKeyFields
	if m != http.MethodDelete {
		if mask, ok = fieldsMask(ex, q); !ok {
			return
		}
	}
	switch {
	case !one && isGet(m):
		s.listKeys(ex, p, q, mask)
	case !one:
		s.createKey(ex, p, mask)
	case isGet(m):
		s.st.mu.RLock()
		b := appendAPIKey(nil, k, mask, false)
		s.st.mu.RUnlock()
		ex.json(http.StatusOK, b)
	case m == http.MethodPatch:
		s.updateKey(ex, k, mask)
	default:
		s.st.mu.Lock()
		k.removed = true
		s.st.mu.Unlock()
		ex.json(http.StatusOK, []byte("{}"))
	}
}

// fieldsMask reads fields-schema, answering 400 itself when it is bad.
func fieldsMask(ex *exchange, q url.Values) (uint8, bool) {
	vals, present := q["fields-schema"]
	if !present {
		return allKeyFields, true
	}
	if len(vals) != 1 {
		ex.fail(http.StatusBadRequest, "fields-schema is given more than once")
		return 0, false
	}
	sels, err := parseFieldsSchema(vals[0])
	if err == nil {
		var mask uint8
		if mask, err = keyFieldMask(sels); err == nil {
			return mask, true
		}
	}
	ex.fail(http.StatusBadRequest, err.Error())
	return 0, false
}

func (s *Server) listKeys(ex *exchange, p *partner, q url.Values, mask uint8) {
	var want map[string]bool
	if vals, present := q["ids"]; present {
		want = make(map[string]bool)
		for _, v := range vals {
			for _, id := range strings.Split(v, ",") {
				if !isObjectID(id) {
					ex.fail(http.StatusBadRequest, "ids must be a comma-separated list of ObjectIds")
					return
				}
				want[lowerASCII(id)] = true
			}
		}
	}
	b := append(make([]byte, 0, 1024), '[')
	n := 0
	s.st.mu.RLock()
	for _, k := range p.keys {
		if want != nil && !want[k.id] {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendAPIKey(b, k, mask, false)
	}
	s.st.mu.RUnlock()
	ex.json(http.StatusOK, append(b, ']'))
}

func (s *Server) createKey(ex *exchange, p *partner, mask uint8) {
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
	k := s.newKeyLocked(p, *name, now)
	b := appendAPIKey(nil, k, mask, true)
	s.st.mu.Unlock()
	ex.json(http.StatusCreated, b)
}

func (s *Server) updateKey(ex *exchange, k *apiKey, mask uint8) {
	name, ok := ex.keyBody()
	if !ok {
		return
	}
	s.st.mu.Lock()
	if name != nil {
		k.name = *name
	}
	b := appendAPIKey(nil, k, mask, false)
	s.st.mu.Unlock()
	ex.json(http.StatusOK, b)
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
