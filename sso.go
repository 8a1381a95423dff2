package partnerapi

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// SSOService builds single sign-on links into Big Interview's member app.
type SSOService struct {
	c     *client
	users *UsersService // the token of a link comes from a create or refresh
}

// LoginOptions are the optional parameters of an SSO login link.
type LoginOptions struct {
	// RedirectTo is a path inside the member app to land on, such as a
	// Step.Link; it must start with a single "/". Default /members/dashboard.
	RedirectTo string
	// ReturnURL is an absolute http(s) URL the person is sent to after
	// logging out.
	ReturnURL string
}

// LoginURL refreshes the user partnerID (creating it from p if needed, as
// [UsersService.CreateOrUpdate] does) to get a fresh token, then returns
// the login link {base}/sso/login?token=…. The options are checked before
// any request. The link holds a credential valid for 48 hours: send it to
// the person's browser, never to a log.
func (s *SSOService) LoginURL(ctx context.Context, partnerID string, p *UserParams, o *LoginOptions) (string, error) {
	if err := checkLoginOptions(o); err != nil {
		return "", err
	}
	if err := s.c.users.ready(); err != nil {
		return "", err
	}
	user, err := s.users.CreateOrUpdate(ctx, partnerID, p)
	if err != nil {
		return "", err
	}
	return s.URL(user.Token.Token, o)
}

// URL builds the login link for a token already in hand, with no I/O.
func (s *SSOService) URL(token Secret, o *LoginOptions) (string, error) {
	if token.Reveal() == "" {
		return "", invalidArg("the SSO token is empty")
	}
	if err := checkLoginOptions(o); err != nil {
		return "", err
	}
	if err := s.c.users.ready(); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(s.c.users.base)
	b.WriteString("/sso/login?token=")
	b.WriteString(url.QueryEscape(token.Reveal()))
	if o != nil && o.RedirectTo != "" {
		b.WriteString("&redirect_to=")
		b.WriteString(url.QueryEscape(o.RedirectTo))
	}
	if o != nil && o.ReturnURL != "" {
		b.WriteString("&return_url=")
		b.WriteString(url.QueryEscape(o.ReturnURL))
	}
	return b.String(), nil
}

// checkLoginOptions refuses anything that could send the person off-site:
// RedirectTo must be a path in the member app, ReturnURL an absolute
// http(s) URL. The errors say what is wrong without quoting the value,
// which could be anything the caller holds.
func checkLoginOptions(o *LoginOptions) error {
	if o == nil {
		return nil
	}
	if r := o.RedirectTo; r != "" {
		const must = "RedirectTo must be a path in the member app (one leading '/', no scheme or host)"
		switch u, err := url.Parse(r); {
		case !strings.HasPrefix(r, "/"):
			return invalidArg("%s: it does not start with '/'", must)
		case strings.HasPrefix(r, "//"):
			return invalidArg("%s: it starts with '//', which names a host", must)
		case strings.ContainsAny(r, "\\"):
			return invalidArg("%s: it has a backslash", must)
		case hasControlOrSpace(r):
			return invalidArg("%s: it has white space or a control character", must)
		case err != nil || u.Scheme != "" || u.Host != "":
			return invalidArg("%s: it does not parse as a path", must)
		}
	}
	if r := o.ReturnURL; r != "" {
		const must = "ReturnURL must be an absolute http or https URL"
		switch u, err := url.Parse(r); {
		case err != nil || hasControlOrSpace(r):
			return invalidArg("%s: it does not parse, or has white space or a control character", must)
		case u.Scheme != "http" && u.Scheme != "https":
			return invalidArg("%s: its scheme is not http or https", must)
		case u.Host == "":
			return invalidArg("%s: it has no host", must)
		case u.User != nil:
			return invalidArg("%s: it must not carry user info", must)
		}
	}
	return nil
}

func hasControlOrSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// Format prints the service without its client's credentials.
func (s SSOService) Format(f fmt.State, verb rune) { formatService(f, "SSOService", s.c) }
