package mockserver

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The control plane's faults and journals: what the fake will do wrong,
// and what it was sent and sent.

// faultJSON is a fault as the control plane takes and shows it.
type faultJSON struct {
	ID         int64  `json:"id"`
	Method     string `json:"method"`
	Path       string `json:"path"`
	Status     int    `json:"status"`
	RetryAfter string `json:"retry_after"`
	Latency    string `json:"latency"`
	Drop       bool   `json:"drop"`
	Times      int    `json:"times"`
	Remaining  int    `json:"remaining"`
}

func toFaultJSON(af ActiveFault) faultJSON {
	return faultJSON{
		ID: af.ID, Method: af.Method, Path: af.Path, Status: af.Status,
		RetryAfter: af.RetryAfter.String(), Latency: af.Latency.String(), Drop: af.Drop,
		Times: af.Times, Remaining: af.Remaining,
	}
}

func (s *Server) controlAddFault(ex *exchange) {
	var in struct {
		Method     string `json:"method"`
		Path       string `json:"path"`
		Status     int    `json:"status"`
		RetryAfter string `json:"retry_after"`
		Latency    string `json:"latency"`
		Drop       bool   `json:"drop"`
		Times      int    `json:"times"`
	}
	if _, ok := ex.input(&in); !ok {
		return
	}
	f := Fault{Method: in.Method, Path: in.Path, Status: in.Status, Drop: in.Drop, Times: in.Times}
	var ok bool
	if f.RetryAfter, ok = ex.parseDuration("retry_after", in.RetryAfter); !ok {
		return
	}
	if f.Latency, ok = ex.parseDuration("latency", in.Latency); !ok {
		return
	}
	af, err := s.fail(f)
	if err != nil {
		ex.failErr(err)
		return
	}
	ex.reply(http.StatusCreated, toFaultJSON(af))
}

func (s *Server) controlFaults(ex *exchange) {
	if _, ok := ex.input(nil); !ok {
		return
	}
	afs := s.Faults()
	out := make([]faultJSON, len(afs))
	for i, af := range afs {
		out[i] = toFaultJSON(af)
	}
	ex.reply(http.StatusOK, out)
}

func (s *Server) controlClearFaults(ex *exchange) {
	if _, ok := ex.input(nil); !ok {
		return
	}
	s.ClearFaults()
	ex.noContent()
}

// requestJSON is a journal entry as the control plane shows it.
type requestJSON struct {
	Method  string              `json:"method"`
	Path    string              `json:"path"`
	Query   string              `json:"query"`
	Headers map[string][]string `json:"headers"`
	Body    string              `json:"body"`
	Status  int                 `json:"status"`
	At      time.Time           `json:"at"`
}

// controlRequests lists the journal, filtered by ?method= (any letter
// case), ?path_prefix= and ?status=.
func (s *Server) controlRequests(ex *exchange) {
	q, ok := ex.input(nil, "method", "path_prefix", "status")
	if !ok {
		return
	}
	method, prefix := q.Get("method"), q.Get("path_prefix")
	status := -1
	if v := q.Get("status"); v != "" {
		var err error
		if status, err = strconv.Atoi(v); err != nil || status < 0 || status > 599 {
			ex.fail(http.StatusBadRequest, "status: "+strconv.Quote(v)+" is not an HTTP status (0 for a dropped request)")
			return
		}
	}
	out := []requestJSON{}
	s.journal.each(func(r *Request) {
		if method != "" && !strings.EqualFold(method, r.Method) || !strings.HasPrefix(r.Path, prefix) || status >= 0 && r.Status != status {
			return
		}
		h := r.Header.Clone()
		if h == nil {
			h = http.Header{}
		}
		out = append(out, requestJSON{r.Method, r.Path, r.RawQuery, h, string(r.Body), r.Status, r.At})
	})
	ex.reply(http.StatusOK, out)
}

func (s *Server) controlClearRequests(ex *exchange) {
	if _, ok := ex.input(nil); !ok {
		return
	}
	s.ClearRequests()
	ex.noContent()
}

// deliveryJSON is a webhook delivery attempt as the control plane shows it.
type deliveryJSON struct {
	EventID   string    `json:"event_id"`
	EventName string    `json:"event_name"`
	URL       string    `json:"url"`
	Attempt   int       `json:"attempt"`
	Status    int       `json:"status"`
	Error     string    `json:"error"`
	At        time.Time `json:"at"`
}

func (s *Server) controlDeliveries(ex *exchange) {
	if _, ok := ex.input(nil); !ok {
		return
	}
	ds := s.Deliveries()
	out := make([]deliveryJSON, len(ds))
	for i, d := range ds {
		out[i] = deliveryJSON{d.EventID, d.EventName, d.URL, d.Attempt, d.Status, d.Err, d.At}
	}
	ex.reply(http.StatusOK, out)
}
