package mockserver

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/partnerapi/go-partnerapi/internal/ascii"
)

// TicketsCloud's query parameters: ids (a list of ObjectIds) and
// fields-schema, its field filter. fields-schema is a comma-separated list
// of field names, each optionally followed by a braced list that expands a
// reference into the referenced object's selected fields ("to limit or
// expand the answer", as TicketsCloud's later v1 notes put it):
//
//	schema := list
//	list   := item { "," item }
//	item   := name [ "{" list "}" ]
//	name   := 1*( ALPHA / DIGIT / "_" / "-" )
//
// No white space, no empty items or braces, no name twice in one list.
// Braces on a field that is not a reference are 400: of the fake's resources, only an API key's
// "partner" is one.

// fieldSel is one selected field and, for a nested object, its selection.
type fieldSel struct {
	name string
	sub  []fieldSel // nil: the whole field
}

// Limits that keep a hostile schema cheap to refuse.
const (
	maxFieldsSchemaLen   = 4096
	maxFieldsSchemaDepth = 16
)

var errFieldsSchemaEmpty = errors.New("fields-schema is empty")

// parseFieldsSchema parses s, or says where it is malformed.
func parseFieldsSchema(s string) ([]fieldSel, error) {
	if s == "" {
		return nil, errFieldsSchemaEmpty
	}
	if len(s) > maxFieldsSchemaLen {
		return nil, fmt.Errorf("fields-schema is longer than %d bytes", maxFieldsSchemaLen)
	}
	p := schemaParser{s: s}
	list, err := p.list(0)
	if err != nil {
		return nil, err
	}
	if p.i != len(s) {
		return nil, p.errorf("unexpected %q", s[p.i])
	}
	return list, nil
}

type schemaParser struct {
	s string
	i int
}

func (p *schemaParser) errorf(format string, args ...any) error {
	return fmt.Errorf("fields-schema is malformed at byte %d: %s", p.i, fmt.Sprintf(format, args...))
}

func (p *schemaParser) list(depth int) ([]fieldSel, error) {
	if depth > maxFieldsSchemaDepth {
		return nil, p.errorf("nested deeper than %d levels", maxFieldsSchemaDepth)
	}
	var out []fieldSel
	for {
		start := p.i
		for p.i < len(p.s) && isNameByte(p.s[p.i]) {
			p.i++
		}
		if p.i == start {
			if p.i == len(p.s) {
				return nil, p.errorf("a field name is missing at the end")
			}
			return nil, p.errorf("a field name is expected, not %q", p.s[p.i])
		}
		sel := fieldSel{name: p.s[start:p.i]}
		if p.i < len(p.s) && p.s[p.i] == '{' {
			p.i++
			sub, err := p.list(depth + 1)
			if err != nil {
				return nil, err
			}
			if p.i == len(p.s) || p.s[p.i] != '}' {
				return nil, p.errorf("'}' is missing")
			}
			p.i++
			sel.sub = sub
		}
		out = append(out, sel)
		if p.i == len(p.s) || p.s[p.i] != ',' {
			return out, nil
		}
		p.i++
	}
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// fieldMask turns a selection into a set of a resource's fields (bit i:
// names[i]), refusing a name the resource does not have and a name given
// twice in one list (with or without braces: "id,id", "partner{id},partner"
// and "partner{id,id}" are all refused, as one selection could not say
// which was meant). A braced selection goes to expand, which resolves it
// or refuses it; with expand nil the resource has no references, and every
// brace is refused. Every fields-schema, of every resource and at every
// level, is resolved here.
func fieldMask(resource string, names []string, sels []fieldSel, expand func(fieldSel) error) (uint32, error) {
	var mask uint32
	for _, sel := range sels {
		i := slices.Index(names, sel.name)
		if i < 0 {
			return 0, fmt.Errorf("fields-schema names %q, which %s does not have", sel.name, resource)
		}
		if mask&(1<<i) != 0 {
			return 0, fmt.Errorf("fields-schema names %q twice", sel.name)
		}
		if sel.sub != nil {
			if expand == nil {
				return 0, errNotReference(sel.name)
			}
			if err := expand(sel); err != nil {
				return 0, err
			}
		}
		mask |= 1 << i
	}
	return mask, nil
}

func errNotReference(name string) error {
	return fmt.Errorf("fields-schema selects inside %q, which is not a reference", name)
}

// v1Query parses the query string and its fields-schema (nil when there is
// none), answering 400 itself when either is malformed.
func (ex *exchange) v1Query() (url.Values, []fieldSel, bool) {
	if ex.r.URL.RawQuery == "" {
		return nil, nil, true // nothing to parse
	}
	q, err := url.ParseQuery(ex.r.URL.RawQuery)
	if err != nil {
		ex.fail(http.StatusBadRequest, "the query string is malformed")
		return nil, nil, false
	}
	vals, present := q["fields-schema"]
	if !present {
		return q, nil, true
	}
	if len(vals) != 1 {
		ex.fail(http.StatusBadRequest, "fields-schema is given more than once")
		return nil, nil, false
	}
	sels, err := parseFieldsSchema(vals[0])
	if err != nil {
		ex.fail(http.StatusBadRequest, err.Error())
		return nil, nil, false
	}
	return q, sels, true
}

// idsFilter reads ids, a comma-separated list of ObjectIds, into the set
// of (lowercase) ids to keep; nil when the query has none. A bad element
// is answered 400 here.
func (ex *exchange) idsFilter(q url.Values) (map[string]bool, bool) {
	vals, present := q["ids"]
	if !present {
		return nil, true
	}
	want := make(map[string]bool)
	for _, v := range vals {
		for _, id := range strings.Split(v, ",") {
			if !isObjectID(id) {
				ex.fail(http.StatusBadRequest, "ids must be a comma-separated list of ObjectIds")
				return nil, false
			}
			want[ascii.Lower(id)] = true
		}
	}
	return want, true
}
