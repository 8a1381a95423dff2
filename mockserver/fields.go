package mockserver

import (
	"errors"
	"fmt"
)

// fields-schema (TicketsCloud's field filter, API.md B): a comma-separated
// list of field names, each optionally followed by a braced list selecting
// fields of a nested object:
//
//	schema := list
//	list   := item { "," item }
//	item   := name [ "{" list "}" ]
//	name   := 1*( ALPHA / DIGIT / "_" / "-" )
//
// No white space, no empty items or braces. An API key has no nested
// objects, so for keys a braced selection is refused too (applyKeyFields).

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
