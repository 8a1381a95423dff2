package mockserver

import (
	"net/http"
	"strconv"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

// The control plane's partners and what they hold: Big Interview keys,
// stored users, progress, interviews and webhook registrations. Each
// handler calls the Go method that does the same.

// partnerJSON is a partner as the control plane shows it.
type partnerJSON struct {
	ID         string `json:"id"`
	Org        string `json:"org"`
	APIKey     string `json:"api_key"`
	KeysAPIKey string `json:"keys_api_key"`
	Anonymous  bool   `json:"anonymous"`
}

func (s *Server) controlAddPartner(ex *exchange) {
	var in struct {
		Org       *string `json:"org"`
		Anonymous bool    `json:"anonymous"`
	}
	if _, ok := ex.input(&in); !ok {
		return
	}
	if in.Org == nil {
		ex.fail(http.StatusBadRequest, "org: required, the organization's subdomain")
		return
	}
	p, err := s.addPartner(*in.Org, in.Anonymous)
	if err != nil {
		ex.failErr(err)
		return
	}
	ex.reply(http.StatusCreated, partnerJSON{p.ID, p.Org, p.APIKey, p.KeysAPIKey, in.Anonymous})
}

func (s *Server) controlListPartners(ex *exchange) {
	if _, ok := ex.input(nil); !ok {
		return
	}
	s.st.mu.RLock()
	out := make([]partnerJSON, 0, len(s.st.partners))
	for _, p := range s.st.partnersInOrder() {
		out = append(out, partnerJSON{p.id, p.org, p.firstKey, p.keys[0].key, p.anonymous})
	}
	s.st.mu.RUnlock()
	ex.reply(http.StatusOK, out)
}

type keyJSON struct {
	Key string `json:"key"`
}

func (s *Server) controlAddAPIKey(ex *exchange) {
	if _, ok := ex.input(nil); !ok {
		return
	}
	k, err := s.addAPIKey(ex.pathPartner())
	if err != nil {
		ex.failErr(err)
		return
	}
	ex.reply(http.StatusCreated, keyJSON{k})
}

func (s *Server) controlRemoveAPIKey(ex *exchange) {
	if _, ok := ex.input(nil); !ok {
		return
	}
	if err := s.RemoveAPIKey(ex.pathPartner(), ex.r.PathValue("key")); err != nil {
		ex.failErr(err)
		return
	}
	ex.noContent()
}

// userJSON is a stored user as the control plane shows it.
type userJSON struct {
	PartnerID string    `json:"partner_id"`
	FirstName string    `json:"first_name"`
	LastName  string    `json:"last_name"`
	Email     string    `json:"email"`
	Anonymous bool      `json:"anonymous"`
	CreatedAt time.Time `json:"created_at"`
}

func (s *Server) controlUsers(ex *exchange) {
	if _, ok := ex.input(nil); !ok {
		return
	}
	us, err := s.Users(ex.pathPartner())
	if err != nil {
		ex.failErr(err)
		return
	}
	out := make([]userJSON, len(us))
	for i, u := range us {
		out[i] = userJSON(u)
	}
	ex.reply(http.StatusOK, out)
}

func (s *Server) controlUser(ex *exchange) {
	if _, ok := ex.input(nil); !ok {
		return
	}
	u, err := s.User(ex.pathPartner(), ex.r.PathValue("partner_id"))
	if err != nil {
		ex.failErr(err)
		return
	}
	ex.reply(http.StatusOK, userJSON(u))
}

func (s *Server) controlSetProgress(ex *exchange) {
	var in struct {
		Track     *string `json:"track"`
		Completed []int   `json:"completed"`
	}
	if _, ok := ex.input(&in); !ok {
		return
	}
	if in.Track == nil {
		ex.fail(http.StatusBadRequest, `track: required, "Fast Track" or "Mastery Track"`)
		return
	}
	ti, mask, err := s.setProgress(ex.pathPartner(), ex.r.PathValue("partner_id"), *in.Track, in.Completed)
	if err != nil {
		ex.failErr(err)
		return
	}
	ex.json(http.StatusOK, appendTrack(nil, ti, mask))
}

// interviewIn reads a control route's input, an interview in the users
// API's JSON shape, answering 400 itself, naming the field, when it
// cannot.
func (ex *exchange) interviewIn() (partnerapi.Interview, bool) {
	var in struct {
		ID              int64                     `json:"id"`
		Title           string                    `json:"title"`
		InterviewerName string                    `json:"interviewer_name"`
		Category        string                    `json:"category"`
		Completed       bool                      `json:"completed"`
		CreatedAt       string                    `json:"created_at"`
		UpdatedAt       string                    `json:"updated_at"`
		Links           partnerapi.InterviewLinks `json:"links"`
	}
	if _, ok := ex.input(&in); !ok {
		return partnerapi.Interview{}, false
	}
	iv := partnerapi.Interview{ID: in.ID, Title: in.Title, InterviewerName: in.InterviewerName, Category: in.Category, Completed: in.Completed, Links: in.Links}
	for _, t := range []struct {
		field, v string
		dst      *time.Time
	}{{"created_at", in.CreatedAt, &iv.CreatedAt}, {"updated_at", in.UpdatedAt, &iv.UpdatedAt}} {
		if t.v == "" {
			continue
		}
		v, err := time.Parse(time.RFC3339Nano, t.v)
		if err != nil {
			ex.fail(http.StatusBadRequest, t.field+": "+strconv.Quote(t.v)+" is not an RFC 3339 time such as 2025-01-01T12:00:00Z")
			return partnerapi.Interview{}, false
		}
		*t.dst = v
	}
	return iv, true
}

func (s *Server) controlAddInterview(ex *exchange) {
	iv, ok := ex.interviewIn()
	if !ok {
		return
	}
	stored, err := s.AddInterview(ex.pathPartner(), ex.r.PathValue("partner_id"), iv)
	if err != nil {
		ex.failErr(err)
		return
	}
	ex.json(http.StatusCreated, appendInterview(nil, &stored))
}

// pathInterviewID reads {iid}, answering 400 itself when it is not a
// positive integer.
func (ex *exchange) pathInterviewID() (int64, bool) {
	id, err := strconv.ParseInt(ex.r.PathValue("iid"), 10, 64)
	if err != nil || id < 1 {
		ex.fail(http.StatusBadRequest, "the interview id in the path is not a positive integer")
		return 0, false
	}
	return id, true
}

func (s *Server) controlUpdateInterview(ex *exchange) {
	iv, ok := ex.interviewIn()
	if !ok {
		return
	}
	id, ok := ex.pathInterviewID()
	if !ok {
		return
	}
	if iv.ID != 0 && iv.ID != id {
		ex.fail(http.StatusBadRequest, "id: the body names interview "+strconv.FormatInt(iv.ID, 10)+", the path "+strconv.FormatInt(id, 10))
		return
	}
	iv.ID = id
	stored, err := s.updateInterview(ex.pathPartner(), ex.r.PathValue("partner_id"), iv)
	if err != nil {
		ex.failErr(err)
		return
	}
	ex.json(http.StatusOK, appendInterview(nil, &stored))
}

func (s *Server) controlDeleteInterview(ex *exchange) {
	if _, ok := ex.input(nil); !ok {
		return
	}
	id, ok := ex.pathInterviewID()
	if !ok {
		return
	}
	if err := s.DeleteInterview(ex.pathPartner(), ex.r.PathValue("partner_id"), id); err != nil {
		ex.failErr(err)
		return
	}
	ex.noContent()
}

func (s *Server) controlAddWebhook(ex *exchange) {
	var in struct {
		URL *string `json:"url"`
		Key *string `json:"key"`
	}
	if _, ok := ex.input(&in); !ok {
		return
	}
	if in.URL == nil {
		ex.fail(http.StatusBadRequest, "url: required, the receiver's absolute http or https URL")
		return
	}
	key, err := s.addWebhook(ex.pathPartner(), *in.URL, in.Key)
	if err != nil {
		ex.failErr(err)
		return
	}
	ex.reply(http.StatusCreated, keyJSON{key})
}
