package mockserver

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// openAPIPath is the OpenAPI path that describes a route's ServeMux path:
// the same {name} segments, "/{$}" as "/", and a subtree served by one
// handler ("/members/") as one templated segment ("/members/{page}").
func openAPIPath(muxPath string) string {
	switch {
	case muxPath == "/{$}":
		return "/"
	case strings.HasSuffix(muxPath, "/"):
		return muxPath + "{page}"
	}
	return muxPath
}

// The OpenAPI document describes the route table exactly: every route
// served (method and path) is an operation of the document, and every
// operation is a route. Method-less lines — the catch-alls that answer 404
// for the paths of no route — are no operations. The document served at
// /_mock/openapi.json is the one in the repository.
func TestOpenAPIDocumentMatchesTheRouteTable(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q; want 3.1.0", doc.OpenAPI)
	}
	var described []string
	for path, ops := range doc.Paths {
		for method := range ops {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options", "trace":
				described = append(described, strings.ToUpper(method)+" "+path)
			}
		}
	}
	s := New(WithoutListener())
	var served []string
	for _, r := range s.routes() {
		method, path, ok := strings.Cut(r.pattern, " ")
		if !ok {
			continue
		}
		served = append(served, method+" "+openAPIPath(path))
	}
	slices.Sort(described)
	slices.Sort(served)
	for _, op := range served {
		if _, found := slices.BinarySearch(described, op); !found {
			t.Errorf("served but not described: %s", op)
		}
	}
	for _, op := range described {
		if _, found := slices.BinarySearch(served, op); !found {
			t.Errorf("described but not served: %s", op)
		}
	}
	if len(served) != len(slices.Compact(slices.Clone(served))) {
		t.Errorf("a route is in the table twice: %q", served)
	}

	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/_mock/openapi.json", nil))
	if !controlPlaneServed { // built with nocontrol: the document describes what a default build serves
		if rec.Code != 404 {
			t.Errorf("GET /_mock/openapi.json without the control plane: %d; want 404", rec.Code)
		}
		return
	}
	if rec.Code != 200 || rec.Body.String() != string(openAPIDocument) || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Errorf("GET /_mock/openapi.json: %d %q, %d bytes; want 200, the document", rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len())
	}
}
