package mockserver

import (
	"net/http"
	"net/url"
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
	if !ex.decode(&in, false) {
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
	afs := s.Faults()
	out := make([]faultJSON, len(afs))
	for i, af := range afs {
		out[i] = toFaultJSON(af)
	}
	ex.reply(http.StatusOK, out)
}

func (s *Server) controlClearFaults(ex *exchange) {
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
	q, err := url.ParseQuery(ex.r.URL.RawQuery)
	if err != nil {
		ex.fail(http.StatusBadRequest, "the query string is malformed")
		return
	}
	for name := range q {
		if name != "method" && name != "path_prefix" && name != "status" {
			ex.fail(http.StatusBadRequest, "unknown query parameter "+strconv.Quote(name)+" (there are method, path_prefix and status)")
			return
		}
	}
	method, prefix := q.Get("method"), q.Get("path_prefix")
	status := -1
	if v := q.Get("status"); v != "" {
		if status, err = strconv.Atoi(v); err != nil || status < 0 || status > 599 {
			ex.fail(http.StatusBadRequest, "status: "+strconv.Quote(v)+" is not an HTTP status (0 for a dropped request)")
			return
		}
	}
	out := []requestJSON{}
	for _, r := range s.Requests() {
		if method != "" && !strings.EqualFold(method, r.Method) || !strings.HasPrefix(r.Path, prefix) || status >= 0 && r.Status != status {
			continue
		}
		h := r.Header
		if h == nil {
			h = http.Header{}
		}
		out = append(out, requestJSON{r.Method, r.Path, r.RawQuery, h, string(r.Body), r.Status, r.At})
	}
	ex.reply(http.StatusOK, out)
}

func (s *Server) controlClearRequests(ex *exchange) {
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
	ds := s.Deliveries()
	out := make([]deliveryJSON, len(ds))
	for i, d := range ds {
		out[i] = deliveryJSON{d.EventID, d.EventName, d.URL, d.Attempt, d.Status, d.Err, d.At}
	}
	ex.reply(http.StatusOK, out)
}
