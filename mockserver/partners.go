package mockserver

import (
	"net/http"
	"net/url"
	"time"
)

// TicketsCloud v1 partners, read-only (the routes are in the route table):
//
//	GET /v1/resources/partners[?ids=a,b][&fields-schema=…]      200 [PARTNER]: the partners the key may see, its own
//	GET /v1/resources/partners/{partner}[?fields-schema=…]      200 PARTNER for the key's own; another's 403
//
// This is how a key's holder finds its partner ObjectId. A partner has the
// documented fields; the fake fills those it has nothing for as the docs'
// own examples do:
//
//	{"channels": null, "contact": {}, "created_at": …, "desc": null, "director": null,
//	 "id": …, "legal": null, "media": [], "name": ORG, "removed": false,
//	 "roles": ["agent"], "tags": [], "updated_at": …}
//
// Decisions where the docs are silent:
//   - name is the organization subdomain given to AddPartner; roles is
//     ["agent"], as for the partner of the docs' API-key examples
//     (535fb19bdca6a9d1638f2007, an agent in the partners example);
//     created_at and updated_at are when AddPartner added it, to the
//     millisecond (the docs' example shows null).
//   - The list shows the caller's own partner only; ids naming others are
//     left out, as unknown ids are. PATCH, documented, is not served (405):
//     the fake's partners are read-only.
//   - fields-schema braces are 400 on every partner field: none of the
//     documented ones is a reference.

// A partner's fields, in the order answers write them (sorted, as the docs
// print them).
var partnerFieldNames = [...]string{
	"channels", "contact", "created_at", "desc", "director", "id", "legal",
	"media", "name", "removed", "roles", "tags", "updated_at",
}

const (
	partnerChannels = iota
	partnerContact
	partnerCreatedAt
	partnerDesc
	partnerDirector
	partnerID
	partnerLegal
	partnerMedia
	partnerName
	partnerRemoved
	partnerRoles
	partnerTags
	partnerUpdatedAt
)

const allPartnerFields = 1<<len(partnerFieldNames) - 1

// appendPartner appends p with the fields in mask, spaced as TicketsCloud's
// docs print JSON (which encoding/json does not do).
func appendPartner(b []byte, p *partner, mask uint32) []byte {
	b = append(b, '{')
	first := true
	for i, name := range partnerFieldNames {
		if mask&(1<<i) == 0 {
			continue
		}
		b = appendV1Field(b, first, name)
		first = false
		switch i {
		case partnerChannels, partnerDesc, partnerDirector, partnerLegal:
			b = append(b, "null"...)
		case partnerContact:
			b = append(b, '{', '}')
		case partnerCreatedAt, partnerUpdatedAt:
			b = appendTCTime(b, p.createdAt.Truncate(time.Millisecond))
		case partnerID:
			b = appendString(b, p.id)
		case partnerMedia, partnerTags:
			b = append(b, '[', ']')
		case partnerName:
			b = appendString(b, p.org)
		case partnerRemoved:
			b = appendBool(b, false)
		case partnerRoles:
			b = append(b, `["agent"]`...)
		}
	}
	return append(b, '}')
}

// partnerQuery reads the query and its fields-schema for partners,
// answering 400 itself when either is bad.
func (ex *exchange) partnerQuery() (url.Values, uint32, bool) {
	q, sels, ok := ex.v1Query()
	if !ok {
		return nil, 0, false
	}
	mask := uint32(allPartnerFields)
	if sels != nil {
		var err error
		if mask, err = fieldMask("a partner", partnerFieldNames[:], sels, nil); err != nil {
			ex.fail(http.StatusBadRequest, err.Error())
			return nil, 0, false
		}
	}
	return q, mask, true
}

func (s *Server) listPartners(ex *exchange) {
	q, mask, ok := ex.partnerQuery()
	if !ok {
		return
	}
	want, ok := ex.idsFilter(q)
	if !ok {
		return
	}
	b := append(make([]byte, 0, 512), '[')
	if want == nil || want[ex.p.id] {
		b = appendPartner(b, ex.p, mask)
	}
	ex.json(http.StatusOK, append(b, ']'))
}

func (s *Server) getPartner(ex *exchange) {
	if !ex.ownPartner("this API key may not read another partner") {
		return
	}
	_, mask, ok := ex.partnerQuery()
	if !ok {
		return
	}
	ex.json(http.StatusOK, appendPartner(nil, ex.p, mask))
}
