package partnerapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/partnerapi/go-partnerapi/partnerid"
)

// UsersService calls Big Interview's users API: create or refresh a user,
// create an anonymous user, read progress, tracks and interviews.
type UsersService struct{ c *client }

// UserParams are the attributes required to create a user. They are
// ignored for a user that exists; empty fields are not sent.
type UserParams struct {
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	Email     string `json:"email,omitempty"`
}

// User is a Big Interview user as the API returns it.
type User struct {
	PartnerID string    `json:"partner_id"`
	Anonymous bool      `json:"anonymous"`
	CreatedAt time.Time `json:"created_at"`
	Token     Token     `json:"token"`
	// Created is true when this call created the user (HTTP 201) and false
	// when it refreshed an existing one (HTTP 200).
	Created bool `json:"-"`
}

// Token is a user's single sign-on token. It expires 48 hours after it was
// issued, and each create/refresh call issues a new one.
type Token struct {
	Token     Secret    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Track is one of the guided tracks with the user's progress through it.
type Track struct {
	Title    string  `json:"title"`
	Progress float64 `json:"progress"` // 0.00 to 1.00
	Steps    []Step  `json:"tracks"`   // the API names the steps "tracks"
}

// Step is one step of a Track. Link is a path in the member app, suitable as
// LoginOptions.RedirectTo.
type Step struct {
	Step      int    `json:"step"`
	Title     string `json:"title"`
	Link      string `json:"link"`
	Completed bool   `json:"completed"`
}

// Interview is a practice interview a user has taken.
type Interview struct {
	ID              int64          `json:"id"`
	Title           string         `json:"title"`
	InterviewerName string         `json:"interviewer_name"`
	Category        string         `json:"category"`
	Completed       bool           `json:"completed"`
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`
	Links           InterviewLinks `json:"links"`
}

// InterviewLinks are paths in the member app to review or retake an interview.
type InterviewLinks struct {
	Review string `json:"review"`
	Retake string `json:"retake"`
}

// anonymousPartnerID is the path segment of the anonymous-user endpoint; as
// a partner_id it would create a stranger instead of the user meant.
const anonymousPartnerID = "anonymous"

// checkPartnerID validates a partner_id before it goes into a path. The
// error matches ErrInvalidArgument and partnerid.ErrInvalid.
func checkPartnerID(partnerID string) error {
	if err := partnerid.Validate(partnerID); err != nil {
		return &argError{msg: "bad partner_id", cause: err}
	}
	return nil
}

func userPath(partnerID, suffix string) string {
	return "/api/users/" + partnerID + suffix // validated: nothing in it needs escaping
}

// CreateOrUpdate creates the user partnerID (POST /api/users/{partner_id})
// or, when it exists, refreshes it; either way the user gets a new SSO
// token. Creating needs p's three fields; pass p == nil to refresh a user
// known to exist (the server answers 422 if it does not). User.Created tells
// which happened. The call is idempotent, so it is retried like a GET.
// partner_id "anonymous" is refused: it is the anonymous-user endpoint.
// For a whole roster use Sync, which runs these calls concurrently and
// paces them under rate limits.
func (s *UsersService) CreateOrUpdate(ctx context.Context, partnerID string, p *UserParams) (*User, error) {
	if partnerID == anonymousPartnerID {
		return nil, invalidArg("partner_id %q would create an anonymous user; use Users.CreateAnonymous", partnerID)
	}
	if err := checkPartnerID(partnerID); err != nil {
		return nil, err
	}
	body := p
	if body == nil {
		body = &UserParams{}
	}
	var out struct {
		User User `json:"user"`
	}
	status, err := s.c.do(ctx, request{
		api: &s.c.users, method: http.MethodPost, path: userPath(partnerID, ""),
		body: body, idempotent: true,
	}, &out)
	if err != nil {
		return nil, err
	}
	out.User.Created = status == http.StatusCreated
	return &out.User, nil
}

// CreateAnonymous creates a temporary user whose partner_id the API
// generates (POST /api/users/anonymous); it lasts 24 hours. The organization
// must be approved for anonymous users. The call is not idempotent: once it
// has reached the server it is never resent.
func (s *UsersService) CreateAnonymous(ctx context.Context) (*User, error) {
	var out struct {
		User User `json:"user"`
	}
	status, err := s.c.do(ctx, request{
		api: &s.c.users, method: http.MethodPost, path: "/api/users/anonymous",
		body: struct{}{},
	}, &out)
	if err != nil {
		return nil, err
	}
	out.User.Created = status == http.StatusCreated
	return &out.User, nil
}

// Progress returns the user's progress through the guided tracks
// (GET /api/users/{partner_id}/progress, the Getting Started example).
func (s *UsersService) Progress(ctx context.Context, partnerID string) ([]Track, error) {
	return s.tracks(ctx, partnerID, "/progress")
}

// Tracks returns the guided tracks with the user's progress
// (GET /api/users/{partner_id}/tracks). A user that does not exist is
// ErrNotFound.
func (s *UsersService) Tracks(ctx context.Context, partnerID string) ([]Track, error) {
	return s.tracks(ctx, partnerID, "/tracks")
}

func (s *UsersService) tracks(ctx context.Context, partnerID, suffix string) ([]Track, error) {
	if err := checkPartnerID(partnerID); err != nil {
		return nil, err
	}
	if suffix == "/progress" {
		var out trackList
		if _, err := s.c.do(ctx, request{
			api: &s.c.users, method: http.MethodGet, path: userPath(partnerID, suffix), idempotent: true,
		}, &out); err != nil {
			return nil, err
		}
		return out.Tracks, nil
	}
	// The documented shape, decoded in one pass with no custom unmarshaler.
	var out struct {
		Tracks *[]Track `json:"tracks"`
	}
	if _, err := s.c.do(ctx, request{
		api: &s.c.users, method: http.MethodGet, path: userPath(partnerID, suffix), idempotent: true,
	}, &out); err != nil {
		return nil, err
	}
	if out.Tracks == nil {
		return nil, fmt.Errorf(`partnerapi: GET %s: no "tracks" in the answer`, userPath(partnerID, suffix))
	}
	return *out.Tracks, nil
}

// trackList decodes {"tracks": [...]}, the documented answer; the shape of
// /progress is not documented, so {"progress": [...]} and a bare array are
// read too.
type trackList struct{ Tracks []Track }

func (l *trackList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		return json.Unmarshal(b, &l.Tracks)
	}
	var doc struct {
		Tracks   *[]Track `json:"tracks"`
		Progress *[]Track `json:"progress"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return err
	}
	switch {
	case doc.Tracks != nil:
		l.Tracks = *doc.Tracks
	case doc.Progress != nil:
		l.Tracks = *doc.Progress
	default:
		return errors.New(`no "tracks" in the answer`)
	}
	return nil
}

// Interviews returns every interview of the user, most recently updated
// first (GET /api/users/{partner_id}/interviews). A user that does not exist
// is ErrNotFound.
func (s *UsersService) Interviews(ctx context.Context, partnerID string) ([]Interview, error) {
	if err := checkPartnerID(partnerID); err != nil {
		return nil, err
	}
	var out struct {
		Interviews *[]Interview `json:"interviews"`
	}
	if _, err := s.c.do(ctx, request{
		api: &s.c.users, method: http.MethodGet, path: userPath(partnerID, "/interviews"), idempotent: true,
	}, &out); err != nil {
		return nil, err
	}
	if out.Interviews == nil {
		return nil, fmt.Errorf(`partnerapi: GET %s: no "interviews" in the answer`, userPath(partnerID, "/interviews"))
	}
	return *out.Interviews, nil
}

// Format prints the service without its client's credentials.
func (s UsersService) Format(f fmt.State, verb rune) { formatService(f, "UsersService", s.c) }

func formatService(f fmt.State, name string, c *client) {
	if c == nil {
		fmt.Fprintf(f, "partnerapi.%s{}", name)
		return
	}
	fmt.Fprintf(f, "partnerapi.%s{%s}", name, c.describe())
}
