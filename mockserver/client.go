package mockserver

import (
	"net/http"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

// Retry waits of the clients NewClient makes: a fault test's retries take
// milliseconds, not the SDK's default quarter second and more.
const (
	clientRetryWaitMin = time.Millisecond
	clientRetryWaitMax = 10 * time.Millisecond
)

// NewClient returns an SDK client for partner p of this fake: p.APIKey on
// the Big Interview users API and SSO, p.KeysAPIKey on the TicketsCloud
// keys and partners API (each company's own credential), both at this
// fake — its URL, or its [Server.Transport] when it was made [WithoutListener] — and
// the SDK's default number of retries with waits of 1 to 10 ms, so that a
// test that injects faults runs in milliseconds. (A Retry-After, a whole
// number of seconds, is then longer than the longest wait: the call
// returns at once with [partnerapi.Error].RetryAfter set, as the SDK does for any wait
// beyond its maximum.) opts are applied last and override any of these,
// e.g. [partnerapi.WithRetry](0, 0, 0) for exactly one request per call.
// It is an error if p is not a partner of this Server, and for whatever
// NewClient refuses in opts.
func (s *Server) NewClient(p *Partner, opts ...partnerapi.Option) (*partnerapi.Client, error) {
	s.st.mu.RLock()
	_, err := s.lookupPartnerLocked("NewClient", p)
	s.st.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	base := []partnerapi.Option{
		partnerapi.WithKeysAPIKey(p.KeysAPIKey),
		partnerapi.WithRetry(partnerapi.DefaultMaxRetries, clientRetryWaitMin, clientRetryWaitMax),
	}
	if s.URL != "" {
		base = append(base, partnerapi.WithBaseURL(s.URL))
	} else {
		base = append(base,
			partnerapi.WithBaseURL("http://127.0.0.1"), // any loopback URL reaches the Transport
			partnerapi.WithHTTPClient(&http.Client{Transport: s.Transport()}))
	}
	return partnerapi.NewClient(p.APIKey, append(base, opts...)...)
}
