package main

import (
	"crypto/tls"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// An https base URL whose server speaks plain http: one connection, one
// line saying so and what to use instead, exit 2; not five attempts
// ending in "server gave HTTP response to HTTPS client".
func TestHTTPSToPlainHTTPServerSaysSoOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
			c.Close()
		}
	}()
	addr := ln.Addr().String()
	for _, args := range [][]string{{"keys", "list"}, {"users", "tracks", "u1"}} {
		conns.Store(0)
		env := []string{"PARTNERAPI_KEY=" + canary, "PARTNERAPI_KEYS_KEY=" + canary, "PARTNERAPI_PARTNER=" + stubPartner, "PARTNERAPI_BASE_URL=https://" + addr}
		r := runCLI(t, env, []string{canary}, "", args...)
		wantCode(t, r, exitUsage, args...)
		want := "partnerapi: https://" + addr + " answered in plain http: the server does not speak https; " +
			"if it is a partnerapi-mock on this machine, use --base-url http://" + addr
		if got := oneErrorLine(t, r); got != want {
			t.Fatalf("%v:\n got %s\nwant %s", args, got, want)
		}
		if n := conns.Load(); n != 1 {
			t.Fatalf("%v: %d connections, want 1", args, n)
		}
	}
}

// countingTransport fails every request as a TLS handshake answered in
// plain http does.
type countingTransport struct{ calls atomic.Int32 }

func (c *countingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	c.calls.Add(1)
	return nil, tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake", RecordHeader: [5]byte{'H', 'T', 'T', 'P', '/'}}
}

// A host that is not this machine: plain http would be refused there, so
// the message says to check the URL rather than to switch to http.
func TestHTTPSToPlainHTTPRemoteHost(t *testing.T) {
	tr := &countingTransport{}
	env := map[string]string{envKey: otherKey, envBaseURL: "https://proxy.example:8443", envPartner: stubPartner}
	r := runInProcess(t, env, tr, nil, "users", "sync", writeFile(t, rosterHeader+"u1,A,B,c@example.com\nu2,A,B,c@example.com\n"))
	if r.code != exitUsage || tr.calls.Load() != 1 {
		t.Fatalf("exit %d after %d attempts, want %d after 1\n%s", r.code, tr.calls.Load(), exitUsage, r.stderr)
	}
	want := "partnerapi: https://proxy.example:8443 answered in plain http: the server does not speak https; check the base URL " +
		"(--base-url or PARTNERAPI_BASE_URL): keys travel over https, or over plain http to this machine only"
	if got := strings.TrimSpace(r.stderr); got != want {
		t.Fatalf("stderr:\n got %s\nwant %s", got, want)
	}
}
