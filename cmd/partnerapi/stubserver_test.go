package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// echoMode is how the hostile stub answers.
type echoMode int

const (
	echoSuccess   echoMode = iota // 2xx answers whose text (names, titles, ids) quotes the request
	echoRefusal                   // 422 errors whose message quotes the request
	echoTransport                 // a transport error naming the host, as a TLS failure does (never retried)
)

func (m echoMode) String() string {
	return [...]string{"success", "refusal", "transport"}[m]
}

// stubServer is a server of both APIs that repeats back what it was sent -
// the request's URL (its host and path) and Authorization header - in
// every text it answers with, passed through taint (which adds control
// characters, say; it then taints the keys' ids and secrets too).
// The CLI runs against it in process, through app.transport: no DNS, no
// socket, so a request to https://{a key}.biginterview.com reaches it too.
type stubServer struct {
	mode  echoMode
	taint func(string) string // applied to every echoed text; nil: as it is
}

const stubKeyID = "0123456789abcdef01234567"

func (s *stubServer) RoundTrip(req *http.Request) (*http.Response, error) {
	if s.mode == echoTransport {
		return nil, x509.HostnameError{Certificate: &x509.Certificate{DNSNames: []string{"other.example"}}, Host: req.URL.Host + req.URL.Path}
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec.Result(), nil
}

func (s *stubServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	echo := fmt.Sprintf("seen %s %s auth=%s", r.Method, r.URL, auth)
	if s.taint != nil {
		echo = s.taint(echo)
	}
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", echo)
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	keysAPI := strings.HasPrefix(r.URL.Path, "/v1/")
	if s.mode == echoRefusal {
		if keysAPI {
			reply(http.StatusUnprocessableEntity, map[string]any{"errors": []string{echo}})
		} else {
			reply(http.StatusUnprocessableEntity, map[string]any{"error": map[string]any{"type": "validation_error", "message": echo}})
		}
		return
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Format(time.RFC3339)
	key := func(id, secret string) map[string]any {
		if s.taint != nil {
			id, secret = s.taint(id), s.taint(secret)
		}
		return map[string]any{"id": id, "name": echo, "key": secret, "partner": "0123456789abcdef0123abcd", "removed": false, "created_at": now}
	}
	used := strings.TrimPrefix(auth, "key ")
	switch {
	case keysAPI && r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/api_keys"):
		reply(http.StatusOK, []any{key(stubKeyID, used)})
	case keysAPI && r.Method == http.MethodPost:
		reply(http.StatusCreated, key("0123456789abcdef0123aaaa", "feedfacefeedfacefeedfacefeedface"))
	case keysAPI && r.Method == http.MethodDelete:
		reply(http.StatusOK, map[string]any{})
	case keysAPI: // GET or PATCH one key
		reply(http.StatusOK, key(r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:], used))
	case r.Method == http.MethodPost: // create or refresh a user
		reply(http.StatusCreated, map[string]any{"user": map[string]any{
			"partner_id": strings.TrimPrefix(r.URL.Path, "/api/users/"), "created_at": now,
			"token": map[string]any{"token": "9f8e7d6c5b4a", "expires_at": now},
		}})
	case strings.HasSuffix(r.URL.Path, "/tracks"):
		reply(http.StatusOK, map[string]any{"tracks": []any{map[string]any{"title": echo, "progress": 0.5,
			"tracks": []any{map[string]any{"step": 1, "title": echo, "link": "/members/" + echo, "completed": true}}}}})
	case strings.HasSuffix(r.URL.Path, "/interviews"):
		reply(http.StatusOK, map[string]any{"interviews": []any{map[string]any{"id": 7, "title": echo, "interviewer_name": echo,
			"category": echo, "completed": true, "created_at": now, "updated_at": now,
			"links": map[string]any{"review": "/r/" + echo, "retake": "/t/" + echo}}}})
	default:
		reply(http.StatusNotFound, map[string]any{"error": map[string]any{"type": "not_found", "message": echo}})
	}
}

// runInProcess runs the CLI in this process with exactly env, its
// requests carried by transport, and fails the test if stdout or stderr
// holds any of secrets in any letter case.
func runInProcess(t *testing.T, env map[string]string, transport http.RoundTripper, secrets []string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, transport: transport,
		getenv: func(name string) string { return env[name] }}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a safety net, not an assertion
	defer cancel()
	r := result{code: a.main(ctx, args)}
	r.stdout, r.stderr = stdout.String(), stderr.String()
	for _, s := range secrets {
		for name, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
			if strings.Contains(strings.ToLower(out), strings.ToLower(s)) {
				t.Fatalf("partnerapi %q: %s holds a credential:\n%s", args, name, out)
			}
		}
	}
	return r
}
