package mockserver

import "testing"

func TestV1ErrorName(t *testing.T) {
	for status, want := range map[int]string{
		400: "HTTPBadRequest", 401: "HTTPUnauthorized", 403: "HTTPForbidden", 404: "HTTPNotFound",
		405: "HTTPMethodNotAllowed", 413: "HTTPRequestEntityTooLarge", 415: "HTTPUnsupportedMediaType",
		418: "HTTPImATeapot", 429: "HTTPTooManyRequests", 500: "HTTPInternalServerError",
		503: "HTTPServiceUnavailable", 599: "HTTPError599",
	} {
		if got := v1ErrorName(status); got != want {
			t.Errorf("v1ErrorName(%d) = %q; want %q", status, got, want)
		}
	}
}
