package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

// ssoCommands are the single sign-on commands.
func ssoCommands() []*command {
	return []*command{{
		words: []string{"sso-link"}, args: []string{"ID"},
		summary: "print a fresh SSO login URL for a user (the URL alone on stdout)",
		details: `Refreshes the user's token and prints the login URL alone on one line on
stdout. The URL holds a token valid for 48 hours: give it to that person's
browser, not to a log. The user must exist, unless --first-name,
--last-name and --email are given to create it.`,
		conn: connUsers, run: ssoLink,
		flags: func(fs *flag.FlagSet, o *options) {
			fs.StringVar(&o.redirectTo, "redirect-to", "", "a `PATH` in the member app to land on, e.g. /members/curriculum?chapter=6")
			fs.StringVar(&o.returnURL, "return-url", "", "an absolute http(s) `URL` to send the person to after logout")
			fs.StringVar(&o.firstName, "first-name", "", "to create the user if needed: its first `NAME`")
			fs.StringVar(&o.lastName, "last-name", "", "to create the user if needed: its last `NAME`")
			fs.StringVar(&o.email, "email", "", "to create the user if needed: its e-mail `ADDRESS`")
			deriveFlag(fs, o)
		},
	}}
}

func ssoLink(ctx context.Context, inv *invocation) error {
	o := inv.opts
	lo := &partnerapi.LoginOptions{RedirectTo: o.redirectTo, ReturnURL: o.returnURL}
	var params *partnerapi.UserParams
	if o.firstName != "" || o.lastName != "" || o.email != "" {
		params = &partnerapi.UserParams{FirstName: o.firstName, LastName: o.lastName, Email: o.email}
	}
	c, err := inv.connect(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	id := inv.userID()
	link, err := c.client.SSO.LoginURL(ctx, id, params, lo)
	if missing := missingUserFlags(o); errors.Is(err, partnerapi.ErrValidation) && len(missing) > 0 {
		// The API ignores the fields for a user that exists and requires
		// them to create one: a refusal here means the user is not there.
		what := "pass --first-name, --last-name and --email to create it"
		if len(missing) < 3 {
			what = "creating it needs " + strings.Join(missing, " and ") + " too"
		}
		return fmt.Errorf("sso-link: user %q does not exist: %s (the server said: %s)", id, what, errText(err))
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(inv.stdout, printable(link))
	return nil
}

// missingUserFlags lists the user fields of sso-link that were not given.
func missingUserFlags(o *options) []string {
	var missing []string
	for _, f := range []struct{ flag, value string }{
		{"--first-name", o.firstName}, {"--last-name", o.lastName}, {"--email", o.email},
	} {
		if f.value == "" {
			missing = append(missing, f.flag)
		}
	}
	return missing
}
