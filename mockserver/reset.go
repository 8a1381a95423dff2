package mockserver

// Reset takes the fake back to how it was when its partners had just been
// added: every partner, however it was added, keeps its first two keys —
// [Partner].APIKey and [Partner].KeysAPIKey, live again and the latter
// named "default" again, so the [Partner] values a test holds stay valid —
// and the clock goes back to its start time. Everything else is cleared:
// users, tokens, sessions, progress, interviews, every other key, webhook
// registrations, pending deliveries, faults, and both journals
// ([Server.Requests], [Server.Deliveries]). A webhook attempt in progress
// is not recorded. A seeded fake's generator is not rewound (see
// [WithSeed]).
func (s *Server) Reset() {
	s.webhooks.reset(false)
	s.faults.clear()
	s.journal.clear()

	st := &s.st
	st.mu.Lock()
	st.biKeys = make(map[string]*partner, len(st.partners))
	st.keys = make(map[string]*apiKey, len(st.partners))
	st.tokens = make(map[[32]byte]*user)
	st.sessions = make(map[[32]byte]*session)
	st.ivNext, st.ivSeq = 1, 0
	for _, p := range st.partners {
		p.users = make(map[string]*user)
		p.biKeys = []string{p.firstKey}
		st.biKeys[p.firstKey] = p
		first := p.keys[0]
		first.name, first.removed = "default", false
		p.keys = []*apiKey{first}
		p.keyByID = map[string]*apiKey{first.id: first}
		st.keys[first.key] = first
	}
	st.mu.Unlock()

	start := s.clock.start()
	s.clock.set(start, start)
	s.changed()
}

// reset forgets every registration, queued first attempt and pending
// retry, and starts a new epoch, so that an attempt in progress is neither
// journaled nor retried. The delivery journal is cleared unless
// keepJournal.
func (ws *webhookSender) reset(keepJournal bool) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	ws.epoch++
	for _, ts := range ws.targets {
		for _, t := range ts {
			ws.firstPending -= len(t.queue)
			t.queue = nil
		}
	}
	ws.targets = make(map[*partner][]*webhookTarget)
	ws.retries = nil
	if !keepJournal {
		ws.journal = deliveryJournal{size: ws.journal.size}
	}
	if ws.firstPending == 0 {
		ws.idle.Broadcast()
	}
}
