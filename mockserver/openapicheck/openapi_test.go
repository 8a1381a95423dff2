package openapicheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/partnerapi/go-partnerapi/mockserver"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	vErrors "github.com/pb33f/libopenapi-validator/errors"
)

// checker sends requests to the fake and validates each answer against
// the document the fake serves, counting the operations answered 2xx.
type checker struct {
	t        *testing.T
	base     string
	v        validator.Validator
	hc       *http.Client
	answered map[string]bool // operationId → answered 2xx
}

// call sends one request and validates the answer (and, for a request
// meant to be good, the request too); it returns the answer's status and
// body. op names the operation, for the count of what was covered.
func (c *checker) call(op, method, path, body string, header ...string) (int, []byte) {
	c.t.Helper()
	newReq := func() *http.Request {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, c.base+path, rd)
		if err != nil {
			c.t.Fatal(err)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		return req
	}
	resp, err := c.hc.Do(newReq())
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	good := resp.StatusCode < 400
	var ok bool
	var errs []*vErrors.ValidationError
	if good {
		ok, errs = c.v.ValidateHttpRequestResponse(newReq(), resp)
	} else {
		ok, errs = c.v.ValidateHttpResponse(newReq(), resp)
	}
	if !ok {
		for _, e := range errs {
			msg := e.Message + ": " + e.Reason
			for _, se := range e.SchemaValidationErrors {
				msg += "; " + se.FieldPath + " (" + se.KeywordLocation + "): " + se.Reason
			}
			c.t.Errorf("%s %s → %d %s: %s", method, path, resp.StatusCode, truncate(b), msg)
		}
	}
	if good && op != "" {
		c.answered[op] = true
	}
	return resp.StatusCode, b
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

func TestOpenAPIDocumentValidatesTheFakesAnswers(t *testing.T) {
	srv := mockserver.New(mockserver.WithStartTime(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)), mockserver.WithSeed(1))
	t.Cleanup(srv.Close)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }))
	t.Cleanup(receiver.Close)

	resp, err := http.Get(srv.URL + "/_mock/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /_mock/openapi.json: %d %v", resp.StatusCode, err)
	}
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		t.Fatalf("the document does not load: %v", err)
	}
	if v := doc.GetVersion(); v != "3.1.0" {
		t.Errorf("OpenAPI version %q; want 3.1.0", v)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("validator: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("the document is not valid OpenAPI 3.1: %s", e)
		}
	}
	c := &checker{t: t, base: srv.URL, v: v, answered: map[string]bool{},
		hc: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}

	// The control plane sets the scene.
	_, b := c.call("addPartner", "POST", "/_mock/partners", `{"org":"acme","anonymous":true}`)
	var p struct{ ID, APIKey, KeysAPIKey string }
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	p.ID, p.APIKey, p.KeysAPIKey = raw["id"].(string), raw["api_key"].(string), raw["keys_api_key"].(string)
	bi := []string{"Authorization", p.APIKey}
	tc := []string{"Authorization", "key " + p.KeysAPIKey}
	c.call("health", "GET", "/_mock/health", "")
	c.call("listControlPartners", "GET", "/_mock/partners", "")
	c.call("addPartner", "POST", "/_mock/partners", `{"org":"acme"}`) // 409
	c.call("addPartner", "POST", "/_mock/partners", `{"org":"a b"}`)  // 400
	c.call("addPartner", "POST", "/_mock/partners", `{"orgg":"x"}`)   // 400
	_, b = c.call("addBigInterviewKey", "POST", "/_mock/partners/"+p.ID+"/api_keys", "")
	var k struct{ Key string }
	json.Unmarshal(b, &k)
	c.call("removeBigInterviewKey", "DELETE", "/_mock/partners/"+p.ID+"/api_keys/"+k.Key, "")
	c.call("removeBigInterviewKey", "DELETE", "/_mock/partners/"+p.ID+"/api_keys/"+k.Key, "") // 404

	// The Big Interview users API.
	user := `{"first_name":"Ada","last_name":"Lovelace","email":"ada@example.com"}`
	c.call("createOrRefreshUser", "POST", "/api/users/ada", user, bi...)
	c.call("createOrRefreshUser", "POST", "/api/users/ada", "{}", bi...)
	c.call("createOrRefreshUser", "POST", "/api/users/bob", "{}", bi...)                      // 422, fields named
	c.call("createOrRefreshUser", "POST", "/api/users/ada", "{", bi...)                       // 400
	c.call("createOrRefreshUser", "POST", "/api/users/"+strings.Repeat("x", 65), user, bi...) // 422
	c.call("createOrRefreshUser", "POST", "/api/users/ada", user)                             // 401
	c.call("createAnonymousUser", "POST", "/api/users/anonymous", "{}", bi...)
	c.call("readTracks", "GET", "/api/users/ada/tracks", "", bi...)
	c.call("readTrack", "GET", "/api/users/ada/track", "", bi...)
	c.call("readProgress", "GET", "/api/users/ada/progress", "", bi...)
	c.call("readTracks", "GET", "/api/users/nobody/tracks", "", bi...) // 404

	// Seeding, and the user as stored.
	c.call("setProgress", "PUT", "/_mock/partners/"+p.ID+"/users/ada/progress", `{"track":"Fast Track","completed":[1,2]}`)
	c.call("setProgress", "PUT", "/_mock/partners/"+p.ID+"/users/ada/progress", `{"track":"Slow Track","completed":[1]}`) // 400
	c.call("setProgress", "PUT", "/_mock/partners/"+p.ID+"/users/ada/progress", `{"track":"Fast Track","completed":[9]}`) // 400
	c.call("setProgress", "PUT", "/_mock/partners/"+p.ID+"/users/nobody/progress", `{"track":"Fast Track"}`)              // 404
	c.call("listStoredUsers", "GET", "/_mock/partners/"+p.ID+"/users", "")
	c.call("getStoredUser", "GET", "/_mock/partners/"+p.ID+"/users/ada", "")
	c.call("getStoredUser", "GET", "/_mock/partners/"+p.ID+"/users/nobody", "")            // 404
	c.call("listStoredUsers", "GET", "/_mock/partners/000000000000000000000000/users", "") // 404
	c.call("addWebhook", "POST", "/_mock/partners/"+p.ID+"/webhooks", `{"url":"`+receiver.URL+`/hook"}`)
	c.call("addWebhook", "POST", "/_mock/partners/"+p.ID+"/webhooks", `{"url":"`+receiver.URL+`/hook2","key":"chosen-key"}`)
	c.call("addWebhook", "POST", "/_mock/partners/"+p.ID+"/webhooks", `{"url":"ftp://x"}`) // 400
	_, b = c.call("addInterview", "POST", "/_mock/partners/"+p.ID+"/users/ada/interviews", `{"title":"Top 10","interviewer_name":"Sam","category":"General","completed":true,"links":{"review":"/r","retake":"/t"}}`)
	var iv struct{ ID int64 }
	json.Unmarshal(b, &iv)
	id := fmt.Sprint(iv.ID)
	c.call("addInterview", "POST", "/_mock/partners/"+p.ID+"/users/ada/interviews", `{"created_at":"yesterday"}`) // 400
	c.call("updateInterview", "PUT", "/_mock/partners/"+p.ID+"/users/ada/interviews/"+id, `{"title":"Top 10 (retake)"}`)
	c.call("updateInterview", "PUT", "/_mock/partners/"+p.ID+"/users/ada/interviews/999", `{"title":"x"}`) // 404
	c.call("readInterviews", "GET", "/api/users/ada/interviews", "", bi...)
	c.call("deleteInterview", "DELETE", "/_mock/partners/"+p.ID+"/users/ada/interviews/"+id, "")
	c.call("deleteInterview", "DELETE", "/_mock/partners/"+p.ID+"/users/ada/interviews/"+id, "") // 404
	c.call("advanceClock", "POST", "/_mock/clock/advance", `{"by":"0s"}`)                        // the deliveries are made
	c.call("listDeliveries", "GET", "/_mock/deliveries", "")

	// SSO and the member app.
	_, b = c.call("createOrRefreshUser", "POST", "/api/users/ada", "{}", bi...)
	var u struct {
		User struct{ Token struct{ Token string } }
	}
	json.Unmarshal(b, &u)
	login, err := c.hc.Get(srv.URL + "/sso/login?token=" + u.User.Token.Token)
	if err != nil || login.StatusCode != 302 || len(login.Cookies()) != 1 {
		t.Fatalf("SSO login for the cookie: %v %v", login, err)
	}
	login.Body.Close()
	cookie := login.Cookies()[0].String()
	c.call("memberPage", "GET", "/members/dashboard", "", "Cookie", cookie)
	status, _ := c.call("ssoLogin", "GET", "/sso/login?token="+u.User.Token.Token+"&return_url=https%3A%2F%2Fpartner.example%2F", "")
	if status != 302 {
		t.Errorf("SSO login: %d", status)
	}
	c.call("ssoLogin", "GET", "/sso/login?token=00", "")                    // 401 page
	c.call("ssoLogin", "GET", "/sso/login?token=00&redirect_to=//evil", "") // 400 page
	c.call("memberPage", "GET", "/members/dashboard", "")                   // 401 page without the cookie
	c.call("ssoLogout", "GET", "/sso/logout", "")
	c.call("landingPage", "GET", "/", "")

	// TicketsCloud v1.
	c.call("listPartners", "GET", "/v1/resources/partners", "", tc...)
	c.call("listPartners", "GET", "/v1/resources/partners?fields-schema=id,name", "", tc...)
	c.call("getPartner", "GET", "/v1/resources/partners/"+p.ID, "", tc...)
	c.call("getPartner", "GET", "/v1/resources/partners/000000000000000000000000", "", tc...) // 403
	c.call("listAPIKeys", "GET", "/v1/resources/partners/"+p.ID+"/api_keys", "", tc...)
	c.call("listAPIKeys", "GET", "/v1/resources/partners/"+p.ID+"/api_keys?fields-schema=id,partner%7Bid,name%7D", "", tc...)
	c.call("listAPIKeys", "GET", "/v1/resources/partners/"+p.ID+"/api_keys?fields-schema=nope", "", tc...) // 400
	_, b = c.call("createAPIKey", "POST", "/v1/resources/partners/"+p.ID+"/api_keys", `{"name":"ci"}`, tc...)
	var key struct{ ID string }
	json.Unmarshal(b, &key)
	c.call("getAPIKey", "GET", "/v1/resources/partners/"+p.ID+"/api_keys/"+key.ID, "", tc...)
	c.call("updateAPIKey", "PATCH", "/v1/resources/partners/"+p.ID+"/api_keys/"+key.ID, `{"name":"ci-2"}`, tc...)
	c.call("deleteAPIKey", "DELETE", "/v1/resources/partners/"+p.ID+"/api_keys/"+key.ID, "", tc...)
	c.call("getAPIKey", "GET", "/v1/resources/partners/"+p.ID+"/api_keys/000000000000000000000000", "", tc...)         // 404
	c.call("listAPIKeys", "GET", "/v1/resources/partners/"+p.ID+"/api_keys", "", "Authorization", p.APIKey)            // 401
	c.call("listAPIKeys", "GET", "/v1/resources/partners/"+p.ID+"/api_keys", "", append(tc, "Accept", "text/html")...) // 406

	// Faults, the clock, the journal, the state.
	c.call("addFault", "POST", "/_mock/faults", `{"path":"/api/","status":503,"retry_after":"1s","times":1}`)
	c.call("addFault", "POST", "/_mock/faults", `{"path":"/v1/","status":429,"times":1}`)
	c.call("addFault", "POST", "/_mock/faults", `{"latency":"soon"}`) // 400
	c.call("listFaults", "GET", "/_mock/faults", "")
	c.call("readTracks", "GET", "/api/users/ada/tracks", "", bi...)    // 503
	c.call("listPartners", "GET", "/v1/resources/partners", "", tc...) // 429
	c.call("clearFaults", "DELETE", "/_mock/faults", "")
	c.call("clock", "GET", "/_mock/clock", "")
	c.call("advanceClock", "POST", "/_mock/clock/advance", `{"by":"49h"}`)
	c.call("advanceClock", "POST", "/_mock/clock/advance", `{"by":"two days"}`) // 400
	c.call("listRequests", "GET", "/_mock/requests?method=post&path_prefix=/api/&status=201", "")
	c.call("listRequests", "GET", "/_mock/requests?status=abc", "") // 400
	c.call("clearRequests", "DELETE", "/_mock/requests", "")
	_, state := c.call("getState", "GET", "/_mock/state", "")
	c.call("putState", "PUT", "/_mock/state", string(state))
	c.call("putState", "PUT", "/_mock/state", `{"version":2}`)              // 400
	c.call("putState", "PUT", "/_mock/state", string(state[:len(state)/2])) // 400
	c.call("openAPI", "GET", "/_mock/openapi.json", "")
	c.call("reset", "POST", "/_mock/reset", "")

	// Every operation of the document was answered 2xx at least once.
	var ops struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(spec, &ops); err != nil {
		t.Fatal(err)
	}
	n := 0
	for path, item := range ops.Paths {
		for method, op := range item {
			n++
			if !c.answered[op.OperationID] {
				t.Errorf("%s %s (%s): no successful answer validated", strings.ToUpper(method), path, op.OperationID)
			}
		}
	}
	t.Logf("%d operations, each answered and validated", n)
}
