package partnerapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// PartnersService reads TicketsCloud partners (v1), the organizations that
// API keys belong to. A key's holder sees its own partner:
// [PartnersService.List] is how it finds the partner ObjectId that
// [APIKeysService]'s methods take.
type PartnersService struct{ c *client }

// Partner is a TicketsCloud partner (an organization), with the fields the
// v1 docs list. Fields the server sends as null, or leaves out under a
// fields-schema, are zero.
type Partner struct {
	ID        string            `json:"id"`       // the partner's ObjectId
	Name      string            `json:"name"`     // the partner's name
	Desc      string            `json:"desc"`     // a description
	Director  string            `json:"director"` // its CEO
	Channels  string            `json:"channels"` // the distribution channels, as text
	Contact   *PartnerContact   `json:"contact"`  // contact information; nil when null or not selected
	Legal     map[string]any    `json:"legal"`    // legal details: an object whose fields the docs do not list
	Media     []json.RawMessage `json:"media"`    // media files, each as the server sent it (an attachment or its id)
	Roles     []string          `json:"roles"`    // e.g. "agent", "org"
	Tags      []string          `json:"tags"`
	Removed   bool              `json:"removed"`
	CreatedAt time.Time         `json:"created_at"` // zero when null
	UpdatedAt time.Time         `json:"updated_at"` // zero when null
}

// PartnerContact is a partner's contact information.
type PartnerContact struct {
	ID      string   `json:"id"`
	Address string   `json:"address"`
	Email   string   `json:"email"`
	Phones  []string `json:"phones"`
	WWW     string   `json:"www"`
}

// ListPartnersOptions narrow a List call: IDs keeps only those partners
// (sent as ids=a,b) and Fields only those fields (sent as fields-schema).
type ListPartnersOptions struct {
	IDs    []string
	Fields []string
}

// GetPartnerOptions narrow a Get call to the named fields (fields-schema).
type GetPartnerOptions struct{ Fields []string }

// List returns the partners the keys API key may see
// (GET /v1/resources/partners) — its own, for a partner's key.
func (s *PartnersService) List(ctx context.Context, o *ListPartnersOptions) ([]Partner, error) {
	var ids, fields []string
	if o != nil {
		ids, fields = o.IDs, o.Fields
	}
	query, err := listQuery("partner id in IDs", ids, fields)
	if err != nil {
		return nil, err
	}
	var out listAnswer[Partner]
	if _, err := s.c.do(ctx, request{
		api: &s.c.keys, method: http.MethodGet, path: "/v1/resources/partners",
		query: query, idempotent: true,
	}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Get returns one partner (GET /v1/resources/partners/{partner}); another
// partner than the key's own is [ErrForbidden].
func (s *PartnersService) Get(ctx context.Context, partner string, o *GetPartnerOptions) (*Partner, error) {
	if err := checkObjectID("partner", partner); err != nil {
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
	// A partner narrowed by Fields may lack its id.
	out := partnerAnswer{needID: query == ""}
	if _, err := s.c.do(ctx, request{
		api: &s.c.keys, method: http.MethodGet, path: "/v1/resources/partners/" + partner,
		query: query, idempotent: true,
	}, &out); err != nil {
		return nil, err
	}
	return &out.Partner, nil
}

// partnerAnswer is the answer of a call that returns one partner, and what
// it must hold: the partner's id, unless Fields left it out.
type partnerAnswer struct {
	Partner
	needID bool
}

func (a *partnerAnswer) missing() string {
	if a.needID && a.ID == "" {
		return `"id"`
	}
	return ""
}

// Format prints the service without its client's credentials.
func (s PartnersService) Format(f fmt.State, verb rune) { formatService(f, "PartnersService", s.c) }
