package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

// cliTransport carries the CLI's requests and ends the command at the
// first failure that no retry can mend, instead of letting the SDK retry
// it: today, an https base URL whose server speaks plain http.
type cliTransport struct {
	base  http.RoundTripper
	abort context.CancelCauseFunc
}

// newTransport returns the transport of the command's client: the app's
// (tests set one), else a clone of http.DefaultTransport with a pool sized
// for --concurrency up to its maximum.
func (inv *invocation) newTransport() http.RoundTripper {
	base := inv.transport
	if base == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns = maxConcurrency
		t.MaxIdleConnsPerHost = maxConcurrency
		base = t
	}
	return &cliTransport{base: base, abort: inv.abort}
}

func (t *cliTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil && t.abort != nil && answeredInPlainHTTP(err) {
		t.abort(&configError{msg: plainHTTPServerMessage(req.URL)})
	}
	return resp, err
}

// answeredInPlainHTTP reports whether err is a TLS handshake answered by
// an http response: the server speaks plain http. (http.Client reports
// this as http.ErrSchemeMismatch; a Transport returns the TLS error.)
func answeredInPlainHTTP(err error) bool {
	if errors.Is(err, http.ErrSchemeMismatch) {
		return true
	}
	var rh tls.RecordHeaderError
	return errors.As(err, &rh) && string(rh.RecordHeader[:]) == "HTTP/"
}

// plainHTTPServerMessage says that the server at u speaks plain http, and
// what to do: use http:// if the SDK allows it there (a loopback host),
// else check the URL.
func plainHTTPServerMessage(u *url.URL) string {
	msg := fmt.Sprintf("https://%s answered in plain http: the server does not speak https", u.Host)
	plain := "http://" + u.Host
	if _, err := partnerapi.NewClient("probe", partnerapi.WithBaseURL(plain)); err == nil {
		return msg + "; if it is a partnerapi-mock on this machine, use --base-url " + plain
	}
	return msg + "; check the base URL (--base-url or " + envBaseURL + "): keys travel over https, or over plain http to this machine only"
}
