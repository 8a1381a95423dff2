package mockserver

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
)

// errDropped is what a round trip through Transport returns for a request
// hit by a Drop fault: the in-memory counterpart of a connection closed
// without an answer. (There is no connection to hijack in memory, and a
// responder must not panic.)
var errDropped = errors.New("mockserver: connection closed without an answer (Drop fault)")

// respond is the httpmock responder that Transport hands every request
// to: it runs the handler against an in-memory ResponseWriter and builds
// the *http.Response from it.
func (s *Server) respond(req *http.Request) (*http.Response, error) {
	mw := &memWriter{header: make(http.Header)}
	s.serve(mw, req)
	if req.Body != nil {
		req.Body.Close() // a RoundTripper closes the request body
	}
	if mw.dropped {
		return nil, errDropped
	}
	if mw.status == 0 {
		mw.status = http.StatusOK
	}
	body := mw.body.Bytes()
	if req.Method == http.MethodHead || !bodyAllowed(mw.status) {
		body = nil
	}
	header := mw.header.Clone() // the caller may modify it; the handler's values stay its own
	contentLength := int64(len(body))
	var transferEncoding []string
	if te := header["Transfer-Encoding"]; len(te) == 1 && te[0] == "chunked" {
		// As a client reads a chunked answer off the wire: the framing is
		// in TransferEncoding, the length unknown.
		delete(header, "Transfer-Encoding")
		delete(header, "Content-Length")
		transferEncoding, contentLength = te, -1
	} else if len(body) > 0 || bodyAllowed(mw.status) && req.Method != http.MethodHead {
		header["Content-Length"] = []string{strconv.Itoa(len(body))}
	}
	resp := &http.Response{
		Status:           strconv.Itoa(mw.status) + " " + http.StatusText(mw.status),
		StatusCode:       mw.status,
		Proto:            "HTTP/1.1",
		ProtoMajor:       1,
		ProtoMinor:       1,
		Header:           header,
		Body:             io.NopCloser(bytes.NewReader(body)),
		ContentLength:    contentLength,
		TransferEncoding: transferEncoding,
		Request:          req,
	}
	return resp, nil
}

// memWriter is the ResponseWriter of an in-memory round trip.
type memWriter struct {
	header  http.Header
	status  int
	body    bytes.Buffer
	dropped bool
}

func (m *memWriter) Header() http.Header { return m.header }

func (m *memWriter) WriteHeader(status int) {
	if m.status == 0 {
		m.status = status
	}
}

func (m *memWriter) Write(b []byte) (int, error) {
	if m.status == 0 {
		m.status = http.StatusOK
	}
	return m.body.Write(b)
}
