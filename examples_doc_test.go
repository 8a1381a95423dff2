package partnerapi_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// packageDoc reads the documentation of the package in dir, with the
// Examples of its test files attached to what they show.
func packageDoc(t *testing.T, dir, importPath string) *doc.Package {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range names {
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	p, err := doc.NewFromFiles(fset, files, importPath)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestEveryServiceMethodHasAnExample: each exported method of each service,
// and WebhookHandler, has an Example (named so that go doc shows it under
// the method).
func TestEveryServiceMethodHasAnExample(t *testing.T) {
	p := packageDoc(t, ".", "github.com/partnerapi/go-partnerapi")
	services := 0
	for _, typ := range p.Types {
		if !strings.HasSuffix(typ.Name, "Service") {
			continue
		}
		services++
		for _, m := range typ.Methods {
			if m.Name == "Format" { // fmt.Formatter, so that a service never prints a credential
				continue
			}
			if len(m.Examples) == 0 {
				t.Errorf("%s.%s has no Example (Example%s_%s)", typ.Name, m.Name, typ.Name, m.Name)
			}
		}
	}
	if services < 4 {
		t.Errorf("found %d services, want at least Users, SSO, APIKeys and Partners", services)
	}
	for _, f := range p.Funcs {
		if f.Name == "WebhookHandler" && len(f.Examples) == 0 {
			t.Error("WebhookHandler has no Example")
		}
	}
}

// TestTheFakesControlsHaveExamples: each control a test of the fake uses
// has an Example.
func TestTheFakesControlsHaveExamples(t *testing.T) {
	p := packageDoc(t, "mockserver", "github.com/partnerapi/go-partnerapi/mockserver")
	want := []string{
		"NewClient", "Fail", "Advance", "Requests", "AddWebhook", "AddWebhookWithKey", "Deliveries",
		"SetProgress", "AddInterview", "UpdateInterview", "DeleteInterview",
		"User", "Users", "Reset", "Snapshot", "Restore", "Transport", "AddAPIKey",
	}
	for _, typ := range p.Types {
		if typ.Name != "Server" {
			continue
		}
		for _, m := range typ.Methods {
			if i := slices.Index(want, m.Name); i >= 0 {
				if len(m.Examples) == 0 {
					t.Errorf("Server.%s has no Example (ExampleServer_%s)", m.Name, m.Name)
				}
				want = slices.Delete(want, i, i+1)
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("mockserver.Server has no methods %v", want)
	}
}
