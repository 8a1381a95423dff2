package partnerapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// APIKeysService manages a TicketsCloud partner's API keys (v1). The
// partner argument of its methods is the partner's (organization's)
// ObjectId, not a user's partner_id.
type APIKeysService struct{ c *client }

// APIKey is a TicketsCloud API key. Key is the credential itself.
type APIKey struct {
	ID      string `json:"id"`
	Key     Secret `json:"key"`
	Name    string `json:"name"`
	Partner string `json:"partner"` // the owning partner's ObjectId, whether the server sent the id or the expanded object
	// PartnerInfo is the owning partner when the answer expanded the
	// reference, as Fields: []string{"id", "partner{id,name}"} asks; nil
	// when the server sent only its id. It is not marshalled.
	PartnerInfo *Partner  `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
	Removed     bool      `json:"removed"`
}

// UnmarshalJSON decodes a key whose "partner" is the partner's ObjectId
// (the default answer) or the partner object itself (an expanded
// reference): Partner is the id either way, PartnerInfo the object.
func (k *APIKey) UnmarshalJSON(b []byte) error {
	type plain APIKey // without this method
	aux := struct {
		*plain
		Partner json.RawMessage `json:"partner"`
	}{plain: (*plain)(k)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	k.Partner, k.PartnerInfo = "", nil
	switch ref := aux.Partner; {
	case len(ref) == 0 || ref[0] == 'n': // absent or null
	case ref[0] == '{':
		var p Partner
		if err := json.Unmarshal(ref, &p); err != nil {
			return fmt.Errorf("the expanded partner: %w", err)
		}
		k.Partner, k.PartnerInfo = p.ID, &p
	default:
		if err := json.Unmarshal(ref, &k.Partner); err != nil {
			return fmt.Errorf("partner is neither an ObjectId string nor an object: %w", err)
		}
	}
	return nil
}

// ListAPIKeysOptions narrow a List call: IDs keeps only those keys (sent as
// ids=a,b) and Fields only those fields (sent as fields-schema=a,b; an
// element may expand a reference into selected fields of the object it
// names, "partner{id,name}", which sets [APIKey].PartnerInfo).
type ListAPIKeysOptions struct {
	IDs    []string
	Fields []string
}

// GetAPIKeyOptions narrow a Get call to the named fields (fields-schema).
type GetAPIKeyOptions struct{ Fields []string }

// APIKeyUpdate is a PATCH: only the non-nil fields are sent.
type APIKeyUpdate struct {
	Name *string `json:"name,omitempty"`
}

// List returns the partner's keys, removed ones included (with
// [APIKey].Removed set).
func (s *APIKeysService) List(ctx context.Context, partner string, o *ListAPIKeysOptions) ([]APIKey, error) {
	if err := checkObjectID("partner", partner); err != nil {
		return nil, err
	}
	var ids, fields []string
	if o != nil {
		ids, fields = o.IDs, o.Fields
	}
	query, err := listQuery("key id in IDs", ids, fields)
	if err != nil {
		return nil, err
	}
	var out listAnswer[APIKey]
	if _, err := s.c.do(ctx, request{
		api: &s.c.keys, method: http.MethodGet, path: keysPath(partner, ""),
		query: query, idempotent: true,
	}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Get returns one key.
func (s *APIKeysService) Get(ctx context.Context, partner, keyID string, o *GetAPIKeyOptions) (*APIKey, error) {
	if err := checkPartnerAndKey(partner, keyID); err != nil {
		return nil, err
	}
	var fields []string
	if o != nil {
		fields = o.Fields
	}
	query, err := fieldsSchema(fields)
	if err != nil {
		return nil, err
	}
	// A key narrowed by Fields may lack its id.
	out := keyAnswer{needID: query == ""}
	if _, err := s.c.do(ctx, request{
		api: &s.c.keys, method: http.MethodGet, path: keysPath(partner, keyID),
		query: query, idempotent: true,
	}, &out); err != nil {
		return nil, err
	}
	return &out.APIKey, nil
}

// Create makes a new key named name. The call is not idempotent: once it
// has reached the server it is never resent, so a key is never made twice.
func (s *APIKeysService) Create(ctx context.Context, partner, name string) (*APIKey, error) {
	if err := checkObjectID("partner", partner); err != nil {
		return nil, err
	}
	if err := checkKeyName(name); err != nil {
		return nil, err
	}
	out := keyAnswer{needID: true, needKey: true}
	if _, err := s.c.do(ctx, request{
		api: &s.c.keys, method: http.MethodPost, path: keysPath(partner, ""),
		body: map[string]string{"name": name},
	}, &out); err != nil {
		return nil, err
	}
	return &out.APIKey, nil
}

// Update changes the fields of u that are not nil (PATCH).
func (s *APIKeysService) Update(ctx context.Context, partner, keyID string, u *APIKeyUpdate) (*APIKey, error) {
	if err := checkPartnerAndKey(partner, keyID); err != nil {
		return nil, err
	}
	if u == nil || u.Name == nil {
		return nil, invalidArg("APIKeyUpdate has nothing to change")
	}
	if err := checkKeyName(*u.Name); err != nil {
		return nil, err
	}
	out := keyAnswer{needID: true}
	if _, err := s.c.do(ctx, request{
		api: &s.c.keys, method: http.MethodPatch, path: keysPath(partner, keyID),
		body: u, idempotent: true,
	}, &out); err != nil {
		return nil, err
	}
	return &out.APIKey, nil
}

// Delete removes a key. It stays listed with Removed set and stops
// authenticating.
func (s *APIKeysService) Delete(ctx context.Context, partner, keyID string) error {
	if err := checkPartnerAndKey(partner, keyID); err != nil {
		return err
	}
	_, err := s.c.do(ctx, request{
		api: &s.c.keys, method: http.MethodDelete, path: keysPath(partner, keyID), idempotent: true,
	}, nil)
	return err
}

// keyAnswer is the answer of a call that returns one key, and what it must
// hold: the key's id, and for a new key the key itself.
type keyAnswer struct {
	APIKey
	needID, needKey bool
}

func (a *keyAnswer) missing() string {
	switch {
	case a.needID && a.ID == "":
		return `"id"`
	case a.needKey && a.Key.Reveal() == "":
		return `"key"`
	}
	return ""
}

// listAnswer is the answer of a TicketsCloud list, documented as a JSON
// array: [] decodes to an empty list, which is an answer; null decodes to
// nil, which is not.
type listAnswer[T any] []T

func (a *listAnswer[T]) missing() string {
	if *a == nil {
		return "list"
	}
	return ""
}

func keysPath(partner, keyID string) string {
	p := "/v1/resources/partners/" + partner + "/api_keys"
	if keyID != "" {
		p += "/" + keyID
	}
	return p
}

func checkPartnerAndKey(partner, keyID string) error {
	if err := checkObjectID("partner", partner); err != nil {
		return err
	}
	return checkObjectID("key id", keyID)
}

// checkObjectID accepts a 24-hex-digit ObjectId, in either letter case. The
// error does not repeat the value: a key passed where a key id belongs would
// otherwise end up in a log.
func checkObjectID(what, id string) error {
	if len(id) != 24 {
		return invalidArg("%s is not an ObjectId (24 hex digits): it is %d bytes long", what, len(id))
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return invalidArg("%s is not an ObjectId (24 hex digits): byte %d is not a hex digit", what, i)
		}
	}
	return nil
}

func checkKeyName(name string) error {
	if strings.TrimSpace(name) == "" {
		return invalidArg("the key name is empty")
	}
	for i := 0; i < len(name); i++ {
		if name[i] < 0x20 || name[i] == 0x7f {
			return invalidArg("the key name has a control character at index %d", i)
		}
	}
	return nil
}

// listQuery encodes a TicketsCloud read's query: ids, each checked as an
// ObjectId (what names them in an error), then fields. The ids list syntax
// is not documented; commas, as the docs' other lists use, are sent.
func listQuery(what string, ids, fields []string) (string, error) {
	var q []string
	if len(ids) > 0 {
		for _, id := range ids {
			if err := checkObjectID(what, id); err != nil {
				return "", err
			}
		}
		q = append(q, "ids="+strings.Join(ids, ","))
	}
	fs, err := fieldsSchema(fields)
	if err != nil {
		return "", err
	}
	if fs != "" {
		q = append(q, fs)
	}
	return strings.Join(q, "&"), nil
}

// fieldsSchema encodes Fields as a fields-schema query parameter: commas
// stay literal, as in the docs' examples, braces are percent-encoded. The
// error names the element by its index, never by its text, which could be
// anything the caller holds. No fields is no parameter: "".
func fieldsSchema(fields []string) (string, error) {
	if len(fields) == 0 {
		return "", nil
	}
	for i, f := range fields {
		if f == "" || strings.TrimSpace(f) != f || hasControlOrSpace(f) {
			return "", invalidArg("fields-schema element %d is empty or has white space or a control character", i)
		}
	}
	return "fields-schema=" + strings.ReplaceAll(url.QueryEscape(strings.Join(fields, ",")), "%2C", ","), nil
}

// Format prints the service without its client's credentials.
func (s APIKeysService) Format(f fmt.State, verb rune) { formatService(f, "APIKeysService", s.c) }
