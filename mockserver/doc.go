// Package mockserver is a stateful, in-process fake of the two partner APIs
// that package partnerapi wraps — Big Interview's users API with its SSO
// pages, and TicketsCloud's v1 API keys — so that programs using the SDK
// can be tested without the network and without credentials.
//
// Both API families are served on one base URL, and authenticated as the
// real services document: /api/… with the raw key in Authorization, /v1/…
// with "key <key>". A Partner stands for a TicketsCloud partner and the Big
// Interview organization it works with; its keys act on that organization's
// users and on that partner's keys, and on nothing else.
//
//	srv := mockserver.New()
//	defer srv.Close()
//	p := srv.AddPartner("xyz", mockserver.AllowAnonymous())
//
//	client, err := partnerapi.NewClient(p.APIKey, partnerapi.WithBaseURL(srv.URL))
//	user, err := client.Users.CreateOrUpdate(ctx, "abc123def", &partnerapi.UserParams{
//		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
//	})
//	// user.Created == true; a second call refreshes: Created false, a new token.
//
//	srv.SetProgress(p, "abc123def", "Fast Track", 1, 2) // state the API cannot create
//	srv.Fail(mockserver.Fault{Path: "/api/", Status: 503, Times: 2})
//	srv.Advance(49 * time.Hour)                            // the token has expired
//	for _, r := range srv.Requests() { fmt.Println(r.Method, r.Path, r.Status) }
//
// The same fake is reachable three ways that share one state and one
// control plane: over a loopback socket at URL, as an http.Handler
// (Handler), and in memory with no socket (Transport).
//
// The control plane:
//   - a clock (Now, Advance, WithStartTime) that runs in real time from its
//     start plus every Advance, so tests see expiry without sleeping;
//   - faults (Fail, ClearFaults): statuses, Retry-After, latency and dropped
//     connections, counted exactly under concurrency;
//   - a journal (Requests, WithJournalSize) of every request with the status
//     it got;
//   - seeding (SetProgress, AddInterview, UpdateInterview, DeleteInterview);
//   - outbound webhooks (AddWebhook, Deliveries): seeding an interview sends
//     interview.created, interview.updated or interview.deleted to the
//     partner's registered URLs, retried every 10 minutes of the fake's
//     clock (Advance performs the retries that fall due), 6 attempts in all.
//
// The fake is strict where a real server would refuse: bad credentials,
// another partner's or organization's data, malformed partner_ids, bodies,
// paths and queries all get a 4xx in the family's own error body, never a
// 5xx (unless a Fault asks for one). The decisions it makes where the APIs'
// documentation is silent are written next to the code that makes them
// (users.go, apikeys.go, sso.go) and listed in the README.
//
// cmd/partnerapi-mock serves this fake as a standalone server for programs
// in any language.
package mockserver
