// Package mockserver is a stateful, in-process fake of the two partner APIs
// that package partnerapi wraps — Big Interview's users API with its SSO
// pages, and TicketsCloud's v1 partners and API keys — so that programs
// using the SDK can be tested without the network and without credentials.
//
// Both API families are served on one base URL, and authenticated as the
// real services document: /api/… with the raw key in Authorization, /v1/…
// with "key <key>". A [Partner] stands for a TicketsCloud partner and the Big
// Interview organization it works with. They are two companies with two
// credentials: [Partner.APIKey] (a Big Interview key; [Server.AddAPIKey] makes more)
// acts on the organization's users and nothing else, [Partner.KeysAPIKey] (a
// TicketsCloud key; the keys API makes more) on the partner and its keys
// and nothing else — each API refuses the other's key, as in production.
//
//	srv := mockserver.New()
//	defer srv.Close()
//	p := srv.AddPartner("xyz", mockserver.AllowAnonymous())
//
//	client, err := srv.NewClient(p) // each API on its own key, at srv.URL
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
// control plane: over a loopback socket at [Server].URL, as an
// [http.Handler] ([Server.Handler]), and in memory with no socket
// ([Server.Transport]).
//
// The control plane:
//   - a clock ([Server.Now], [Server.Advance], [WithStartTime]) that runs in
//     real time from its start plus every Advance, so tests see expiry
//     without sleeping;
//   - faults ([Server.Fail], [Server.ClearFaults]): statuses, Retry-After,
//     latency and dropped connections, counted exactly under concurrency;
//   - a journal ([Server.Requests]) of every request with the status it got,
//     bounded in entries and bytes ([WithJournalSize],
//     [WithJournalEntryBytes], [WithJournalBytes]);
//   - keys ([Server.AddAPIKey], [Server.RemoveAPIKey]), as Big Interview's
//     admin area makes and deletes them;
//   - seeding ([Server.SetProgress], [Server.AddInterview],
//     [Server.UpdateInterview], [Server.DeleteInterview]), and what the
//     test's code sent ([Server.Users], [Server.User]);
//   - state: [Server.Reset] between tests, [Server.Snapshot] and
//     [Server.Restore], [WithSeed] for ids, keys and tokens that are the
//     same run after run, [Server.Changes];
//   - outbound webhooks ([Server.AddWebhook], [Server.Deliveries]): seeding
//     an interview sends interview.created, interview.updated or
//     interview.deleted to the partner's registered URLs, retried every 10
//     minutes of the fake's clock (Advance performs the retries that fall
//     due), 6 attempts in all.
//
// The fake is strict where a real server would refuse: bad credentials,
// another partner's or organization's data, malformed partner_ids, bodies,
// paths and queries all get a 4xx in the family's own error body, never a
// 5xx (unless a [Fault] asks for one). Its answers reproduce the documents'
// own examples (the TicketsCloud create answer is its documented 203 bytes).
// The decisions it makes where the APIs' documentation is silent are
// written next to the code that makes them (users.go, apikeys.go,
// partners.go, sso.go) and listed in the README. Every route is one line of
// the route table in route.go.
//
// The same control plane is served over HTTP under /_mock/ (health, reset,
// partners, keys, stored users, progress, interviews, faults, the clock,
// the journal, webhooks and deliveries, state, and an OpenAPI 3.1 document
// of everything the fake serves at /_mock/openapi.json), through the URL,
// [Server.Handler] and [Server.Transport] alike, so that a test in any language can drive
// the fake as a Go test does; each route calls the Go method that does the
// same. Control-plane requests are not journaled or faulted and take no API
// key; [WithAdminToken] makes them need a bearer token.
//
// cmd/partnerapi-mock serves this fake as a standalone server for programs
// in any language, with flags for a seed, a start time, webhooks, an admin
// token and a state file that survives restarts.
package mockserver
