package scenario_test

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	partnerapi "github.com/partnerapi/go-partnerapi"
	"github.com/partnerapi/go-partnerapi/mockserver"
)

// target is one place the scenarios run: the fake, or the real services.
type target struct {
	client  *partnerapi.Client
	partner string              // TicketsCloud partner ObjectId; "" skips the key scenarios
	fake    *mockserver.Server  // nil against the real services
	keysOpt []partnerapi.Option // where a keys-only client (a TicketsCloud key alone) reaches the keys API
}

// eachTarget runs fn against the fake and, when the environment names
// credentials, against the real services.
func eachTarget(t *testing.T, fn func(t *testing.T, tg target)) {
	t.Run("fake", func(t *testing.T) {
		t.Parallel()
		srv := mockserver.New()
		t.Cleanup(srv.Close)
		p := srv.AddPartner("scenario", mockserver.AllowAnonymous())
		c, err := srv.NewClient(p) // each API on its own key, as against the real services
		if err != nil {
			t.Fatal(err)
		}
		fn(t, target{client: c, partner: p.ID, fake: srv, keysOpt: []partnerapi.Option{partnerapi.WithKeysBaseURL(srv.URL)}})
	})
	t.Run("real", func(t *testing.T) {
		org, key := os.Getenv("PARTNERAPI_ORG"), os.Getenv("PARTNERAPI_KEY")
		if org == "" || key == "" {
			t.Skip("real services not configured: set PARTNERAPI_ORG and PARTNERAPI_KEY (the Big Interview key), and PARTNERAPI_PARTNER and PARTNERAPI_KEYS_KEY (the TicketsCloud key) for the keys API, to run these scenarios against them")
		}
		opts := []partnerapi.Option{partnerapi.WithOrganization(org)}
		if k := os.Getenv("PARTNERAPI_KEYS_KEY"); k != "" {
			opts = append(opts, partnerapi.WithKeysAPIKey(k))
		}
		c, err := partnerapi.NewClient(key, opts...)
		if err != nil {
			t.Fatal(err)
		}
		fn(t, target{client: c, partner: os.Getenv("PARTNERAPI_PARTNER")})
	})
}

// uniqueID returns a fresh partner_id, so runs against the real services
// never meet an earlier run's users.
func uniqueID(t *testing.T) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "scenario-" + hex.EncodeToString(b)
}
