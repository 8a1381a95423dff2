package main

import (
	"context"
	"flag"
	"fmt"

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
			fs.StringVar(&o.firstName, "first-name", "", "create the user if needed: first name")
			fs.StringVar(&o.lastName, "last-name", "", "create the user if needed: last name")
			fs.StringVar(&o.email, "email", "", "create the user if needed: e-mail address")
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
	link, err := c.client.SSO.LoginURL(ctx, inv.userID(), params, lo)
	if err != nil {
		return err
	}
	fmt.Fprintln(inv.stdout, link)
	return nil
}
