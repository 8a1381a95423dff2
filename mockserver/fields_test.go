package mockserver

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFieldsSchema(t *testing.T) {
	got, err := parseFieldsSchema("field,ref{a,b{c}},z_9-x")
	if err != nil {
		t.Fatal(err)
	}
	want := []fieldSel{
		{name: "field"},
		{name: "ref", sub: []fieldSel{{name: "a"}, {name: "b", sub: []fieldSel{{name: "c"}}}}},
		{name: "z_9-x"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(fieldSel{})); diff != "" {
		t.Errorf("parse (-want +got):\n%s", diff)
	}
	for _, bad := range []string{
		"", ",", "a,", ",a", "a,,b", "a{", "a{}", "a}", "{a}", "a b", "a{b}}", "a{b,}", "a{{b}}",
		"a.b", "a\x00", strings.Repeat("a{", maxFieldsSchemaDepth+2) + "b" + strings.Repeat("}", maxFieldsSchemaDepth+2),
		strings.Repeat("a", maxFieldsSchemaLen+1),
	} {
		if sel, err := parseFieldsSchema(bad); err == nil {
			t.Errorf("parseFieldsSchema(%q) = %v; want an error", bad, sel)
		}
	}
	// Nesting up to the limit parses.
	deep := strings.Repeat("a{", maxFieldsSchemaDepth) + "b" + strings.Repeat("}", maxFieldsSchemaDepth)
	if _, err := parseFieldsSchema(deep); err != nil {
		t.Errorf("nesting %d deep: %v", maxFieldsSchemaDepth, err)
	}
}

func TestKeyFieldMask(t *testing.T) {
	sels, _ := parseFieldsSchema("removed,id")
	if sel, err := keyFields(sels); err != nil || sel.mask != 1<<keyRemoved|1<<keyID || sel.partner != 0 {
		t.Errorf("selection %+v, %v", sel, err)
	}
	sels, _ = parseFieldsSchema("id,partner{name,id}")
	if sel, err := keyFields(sels); err != nil || sel.mask != 1<<keyID|1<<keyPartner || sel.partner != 1<<partnerName|1<<partnerID {
		t.Errorf("expanded selection %+v, %v", sel, err)
	}
	for _, bad := range []string{"id{x}", "secret", "ID", "partner{secret}", "partner{contact{email}}", "name{id}",
		"removed,id,id", "partner{id},partner", "partner,partner{id}", "partner{id,id}"} {
		sels, _ := parseFieldsSchema(bad)
		if _, err := keyFields(sels); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
