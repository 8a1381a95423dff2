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

// Step is one step of a [Track]. Link is a path in the member app, suitable
// as [LoginOptions].RedirectTo.
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
// error matches [ErrInvalidArgument] and [partnerid.ErrInvalid]; it quotes
// the id, so it goes through the client's redactor.
func (c *client) checkPartnerID(partnerID string) error {
	if err := partnerid.Validate(partnerID); err != nil {
		return c.red.error(&argError{msg: "bad partner_id", cause: err})
	}
	return nil
}

func userPath(partnerID, suffix string) string {
	return "/api/users/" + partnerID + suffix // validated: nothing in it needs escaping
}

// userAnswer is the answer of a create or refresh: {"user": {...}} with the
// user's partner_id and a token. (A value, not a pointer: an absent or null
// user leaves the partner_id empty, and the call makes one allocation less.)
type userAnswer struct {
	User User `json:"user"`
}

func (a *userAnswer) missing() string {
	switch {
	case a.User.PartnerID == "":
		return `"user" with a partner_id`
	case a.User.Token.Token.Reveal() == "":
		return `"user.token.token"`
	}
	return ""
}

// CreateOrUpdate creates the user partnerID (POST /api/users/{partner_id})
// or, when it exists, refreshes it; either way the user gets a new SSO
// token. Creating needs p's three fields; pass p == nil to refresh a user
// known to exist (the server answers 422 if it does not). [User.Created]
// tells which happened. The call is idempotent, so it is retried like a
// GET. partner_id "anonymous" is refused: it is the anonymous-user
// endpoint. For a whole roster use [UsersService.Sync], which runs these
// calls concurrently and paces them under rate limits.
func (s *UsersService) CreateOrUpdate(ctx context.Context, partnerID string, p *UserParams) (*User, error) {
	return s.createOrUpdate(ctx, partnerID, p, nil)
}

// createOrUpdate is CreateOrUpdate with its attempts paced by pace, when
// it is not nil.
func (s *UsersService) createOrUpdate(ctx context.Context, partnerID string, p *UserParams, pace *rateGate) (*User, error) {
	if partnerID == anonymousPartnerID {
		return nil, invalidArg("partner_id %q would create an anonymous user; use Users.CreateAnonymous", anonymousPartnerID)
	}
	if err := s.c.checkPartnerID(partnerID); err != nil {
		return nil, err
	}
	body := p
	if body == nil {
		body = &UserParams{}
	}
	var out userAnswer
	status, err := s.c.do(ctx, request{
		api: &s.c.users, method: http.MethodPost, path: userPath(partnerID, ""),
		body: body, idempotent: true, pace: pace,
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
	var out userAnswer
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
// (GET /api/users/{partner_id}/progress, the Getting Started example). A
// user that does not exist is [ErrNotFound].
func (s *UsersService) Progress(ctx context.Context, partnerID string) ([]Track, error) {
	var out trackList
	if err := s.get(ctx, userPath(partnerID, "/progress"), partnerID, &out, nil); err != nil {
		return nil, err
	}
	return out.Tracks, nil
}

// Tracks returns the guided tracks with the user's progress
// (GET /api/users/{partner_id}/tracks). A user that does not exist is
// [ErrNotFound].
func (s *UsersService) Tracks(ctx context.Context, partnerID string) ([]Track, error) {
	return s.tracks(ctx, partnerID, nil)
}

// tracks is Tracks with its attempts paced by pace, when it is not nil.
func (s *UsersService) tracks(ctx context.Context, partnerID string, pace *rateGate) ([]Track, error) {
	var out tracksAnswer
	if err := s.get(ctx, userPath(partnerID, "/tracks"), partnerID, &out, pace); err != nil {
		return nil, err
	}
	return *out.Tracks, nil
}

// get reads path, a resource of the user partnerID, into out.
func (s *UsersService) get(ctx context.Context, path, partnerID string, out any, pace *rateGate) error {
	if err := s.c.checkPartnerID(partnerID); err != nil {
		return err
	}
	_, err := s.c.do(ctx, request{api: &s.c.users, method: http.MethodGet, path: path, idempotent: true, pace: pace}, out)
	return err
}

// tracksAnswer is the documented answer of /tracks, {"tracks": [...]},
// decoded in one pass with no custom unmarshaler.
type tracksAnswer struct {
	Tracks *[]Track `json:"tracks"`
}

func (a *tracksAnswer) missing() string {
	if a.Tracks == nil {
		return `"tracks"`
	}
	return ""
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
// is [ErrNotFound].
func (s *UsersService) Interviews(ctx context.Context, partnerID string) ([]Interview, error) {
	return s.interviews(ctx, partnerID, nil)
}

// interviews is Interviews with its attempts paced by pace, when it is not
// nil.
func (s *UsersService) interviews(ctx context.Context, partnerID string, pace *rateGate) ([]Interview, error) {
	var out interviewsAnswer
	if err := s.get(ctx, userPath(partnerID, "/interviews"), partnerID, &out, pace); err != nil {
		return nil, err
	}
	return *out.Interviews, nil
}

// interviewsAnswer is the documented answer of /interviews.
type interviewsAnswer struct {
	Interviews *[]Interview `json:"interviews"`
}

func (a *interviewsAnswer) missing() string {
	if a.Interviews == nil {
		return `"interviews"`
	}
	return ""
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
