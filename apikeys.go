package partnerapi

import (
	"context"
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
	ID        string    `json:"id"`
	Key       Secret    `json:"key"`
	Name      string    `json:"name"`
	Partner   string    `json:"partner"`
	CreatedAt time.Time `json:"created_at"`
	Removed   bool      `json:"removed"`
}

// ListAPIKeysOptions narrow a List call: IDs keeps only those keys (sent as
// ids=a,b) and Fields only those fields (sent as fields-schema=a,b; an
// element may select nested fields, "ref{a,b}").
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
	var q []string
	if o != nil && len(o.IDs) > 0 {
		for _, id := range o.IDs {
			if err := checkObjectID("key id in IDs", id); err != nil {
				return nil, err
			}
		}
		q = append(q, "ids="+strings.Join(o.IDs, ","))
	}
	if o != nil && len(o.Fields) > 0 {
		fs, err := fieldsSchema(o.Fields)
		if err != nil {
			return nil, err
		}
		q = append(q, fs)
	}
	var out []APIKey
	if _, err := s.c.do(ctx, request{
		api: &s.c.keys, method: http.MethodGet, path: keysPath(partner, ""),
		query: strings.Join(q, "&"), idempotent: true,
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
	var query string
	if o != nil && len(o.Fields) > 0 {
		fs, err := fieldsSchema(o.Fields)
		if err != nil {
			return nil, err
		}
		query = fs
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

// fieldsSchema encodes Fields as a fields-schema query parameter: commas
// stay literal, as in the docs' examples, braces are percent-encoded. The
// error names the element by its index, never by its text, which could be
// anything the caller holds.
func fieldsSchema(fields []string) (string, error) {
	for i, f := range fields {
		if f == "" || strings.TrimSpace(f) != f || hasControlOrSpace(f) {
			return "", invalidArg("fields-schema element %d is empty or has white space or a control character", i)
		}
	}
	return "fields-schema=" + strings.ReplaceAll(url.QueryEscape(strings.Join(fields, ",")), "%2C", ","), nil
}

// Format prints the service without its client's credentials.
func (s APIKeysService) Format(f fmt.State, verb rune) { formatService(f, "APIKeysService", s.c) }
