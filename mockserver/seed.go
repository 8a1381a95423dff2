package mockserver

import (
	"fmt"
	"net/http"
	"time"

	partnerapi "github.com/partnerapi/go-partnerapi"
)

// Seeding: state a test needs that the public API cannot create — progress
// through the guided tracks, and interviews. Users themselves are created
// through the API (POST /api/users/…). Every seeding call names a live
// user of the partner's organization; an unknown partner, user, track, step
// or interview is an error, never a silent no-op.

// interview event names, as Big Interview's webhooks call them.
const (
	eventInterviewCreated = "interview.created"
	eventInterviewUpdated = "interview.updated"
	eventInterviewDeleted = "interview.deleted"
)

// seedUserLocked finds the live user partnerID of p's organization. The
// caller holds st.mu.
func (s *Server) seedUserLocked(op string, p *Partner, partnerID string) (*partner, *user, error) {
	sp, err := s.lookupPartnerLocked(op, p)
	if err != nil {
		return nil, nil, err
	}
	u := sp.lookupUser(partnerID, s.nowMillis())
	if u == nil {
		return nil, nil, &controlError{op, http.StatusNotFound, fmt.Sprintf("no user %q in organization %q", partnerID, sp.org)}
	}
	return sp, u, nil
}

// SetProgress replaces the set of steps the user partnerID has completed
// in the guided track titled track ("Fast Track" or "Mastery Track",
// case-sensitive). Steps are numbered from 1; none clears the track. The
// track's progress becomes completed steps / steps.
func (s *Server) SetProgress(p *Partner, partnerID, track string, completedSteps ...int) error {
	_, _, err := s.setProgress(p, partnerID, track, completedSteps)
	return err
}

// setProgress is SetProgress; it returns the track's index and the bit
// set of its completed steps.
func (s *Server) setProgress(p *Partner, partnerID, track string, completedSteps []int) (int, uint32, error) {
	ti, mask, err := completedMask(track, completedSteps)
	if err != nil {
		return 0, 0, err
	}
	s.st.mu.Lock()
	_, u, err := s.seedUserLocked("SetProgress", p, partnerID)
	if err != nil {
		s.st.mu.Unlock()
		return 0, 0, err
	}
	u.completed[ti] = mask
	s.st.mu.Unlock()
	s.changed()
	return ti, mask, nil
}

// completedMask returns the index of the guided track titled track and the
// bit set of completedSteps, or a *controlError (400) naming the unknown
// track or step.
func completedMask(track string, completedSteps []int) (int, uint32, error) {
	ti := trackIndex(track)
	if ti < 0 {
		return 0, 0, &controlError{"SetProgress", http.StatusBadRequest, fmt.Sprintf("no guided track %q (there are %q and %q)", track, guidedTracks[0].title, guidedTracks[1].title)}
	}
	n := len(guidedTracks[ti].steps)
	var mask uint32
	for _, st := range completedSteps {
		if st < 1 || st > n {
			return 0, 0, &controlError{"SetProgress", http.StatusBadRequest, fmt.Sprintf("%q has steps 1 to %d, not %d", track, n, st)}
		}
		mask |= 1 << (st - 1)
	}
	return ti, mask, nil
}

// fakeMillis is the fake's time truncated to milliseconds, the precision
// Big Interview shows.
func (s *Server) fakeMillis() time.Time {
	return time.UnixMilli(s.nowMillis()).UTC()
}

func normalizeTime(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// AddInterview gives the user partnerID an interview. Where iv's ID is
// zero it assigns the next id; where CreatedAt or UpdatedAt are zero it
// sets the fake's now. Times are kept in UTC to the millisecond, as the API
// shows them. It returns the interview as stored, which is what the API
// then answers. An ID the user already has is an error.
func (s *Server) AddInterview(p *Partner, partnerID string, iv partnerapi.Interview) (partnerapi.Interview, error) {
	if iv.ID < 0 {
		return partnerapi.Interview{}, &controlError{"AddInterview", http.StatusBadRequest, fmt.Sprintf("negative interview id %d", iv.ID)}
	}
	now := s.fakeMillis()
	if iv.CreatedAt.IsZero() {
		iv.CreatedAt = now
	}
	if iv.UpdatedAt.IsZero() {
		iv.UpdatedAt = now
	}
	iv.CreatedAt, iv.UpdatedAt = normalizeTime(iv.CreatedAt), normalizeTime(iv.UpdatedAt)

	s.st.mu.Lock()
	sp, u, err := s.seedUserLocked("AddInterview", p, partnerID)
	if err != nil {
		s.st.mu.Unlock()
		return partnerapi.Interview{}, err
	}
	if iv.ID == 0 {
		iv.ID = s.st.ivNext
	} else if u.interviewIndex(iv.ID) >= 0 {
		s.st.mu.Unlock()
		return partnerapi.Interview{}, &controlError{"AddInterview", http.StatusConflict, fmt.Sprintf("user %q already has interview %d", partnerID, iv.ID)}
	}
	if iv.ID >= s.st.ivNext {
		s.st.ivNext = iv.ID + 1
	}
	s.st.ivSeq++
	u.interviews = append(u.interviews, storedInterview{iv: iv, seq: s.st.ivSeq})
	s.st.mu.Unlock()
	s.changed()

	s.interviewChanged(sp, partnerID, eventInterviewCreated, iv)
	return iv, nil
}

// UpdateInterview replaces the user's interview iv.ID with iv, keeping its
// CreatedAt and setting UpdatedAt to the fake's now, so that it comes first
// in the list. An unknown id is an error.
func (s *Server) UpdateInterview(p *Partner, partnerID string, iv partnerapi.Interview) error {
	_, err := s.updateInterview(p, partnerID, iv)
	return err
}

// updateInterview is UpdateInterview; it returns the interview as stored.
func (s *Server) updateInterview(p *Partner, partnerID string, iv partnerapi.Interview) (partnerapi.Interview, error) {
	now := s.fakeMillis()
	s.st.mu.Lock()
	sp, u, err := s.seedUserLocked("UpdateInterview", p, partnerID)
	if err != nil {
		s.st.mu.Unlock()
		return partnerapi.Interview{}, err
	}
	i := u.interviewIndex(iv.ID)
	if i < 0 {
		s.st.mu.Unlock()
		return partnerapi.Interview{}, &controlError{"UpdateInterview", http.StatusNotFound, fmt.Sprintf("user %q has no interview %d", partnerID, iv.ID)}
	}
	iv.CreatedAt, iv.UpdatedAt = u.interviews[i].iv.CreatedAt, now
	s.st.ivSeq++
	u.interviews[i] = storedInterview{iv: iv, seq: s.st.ivSeq}
	s.st.mu.Unlock()
	s.changed()

	s.interviewChanged(sp, partnerID, eventInterviewUpdated, iv)
	return iv, nil
}

// DeleteInterview removes the user's interview id. An unknown id is an
// error.
func (s *Server) DeleteInterview(p *Partner, partnerID string, id int64) error {
	s.st.mu.Lock()
	sp, u, err := s.seedUserLocked("DeleteInterview", p, partnerID)
	if err != nil {
		s.st.mu.Unlock()
		return err
	}
	i := u.interviewIndex(id)
	if i < 0 {
		s.st.mu.Unlock()
		return &controlError{"DeleteInterview", http.StatusNotFound, fmt.Sprintf("user %q has no interview %d", partnerID, id)}
	}
	iv := u.interviews[i].iv
	u.interviews = append(u.interviews[:i:i], u.interviews[i+1:]...)
	s.st.mu.Unlock()
	s.changed()

	s.interviewChanged(sp, partnerID, eventInterviewDeleted, iv)
	return nil
}

func (u *user) interviewIndex(id int64) int {
	for i := range u.interviews {
		if u.interviews[i].iv.ID == id {
			return i
		}
	}
	return -1
}

// interviewChanged is called after every interview change, outside the
// state lock, with the event name (interview.created, interview.updated,
// interview.deleted) and the interview as stored (as it was, for a
// deletion). It sends the event to the partner's registered webhook URLs
// without waiting for any delivery.
func (s *Server) interviewChanged(p *partner, partnerID, event string, iv partnerapi.Interview) {
	s.webhooks.emit(p, partnerID, event, &iv)
}
