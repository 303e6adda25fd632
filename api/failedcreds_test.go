package api

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestFailedCredentialsLimited: the admin key and the search keys cannot
// be guessed at the server's full speed. Past FailedCredentialsPerMinute
// refused credentials from one client IP within a minute, every credential
// it presents — the right one too, so that a guess cannot be confirmed — is
// answered 429 with Retry-After, in French, on the admin routes, the admin
// page's form and the read routes alike, until its bucket refills; its
// anonymous searches go on, and other addresses are untouched.
func TestFailedCredentialsLimited(t *testing.T) {
	srv, _, clk := newAccessServer(t, accessNotes, Config{TrustedProxies: []string{"127.0.0.1"}})
	k := createKey(t, srv, `{"name": "partenaire"}`)
	from := func(ip string, h map[string]string) map[string]string {
		out := map[string]string{"X-Forwarded-For": ip}
		for n, v := range h {
			out[n] = v
		}
		return out
	}
	attacker := "203.0.113.9"
	guesses := []struct{ method, path, cred string }{
		{"GET", "/v1/keys", "jeton-devine"},
		{"POST", "/v1/admin/synonyms/reload", "jeton-devine"},
		{"GET", "/v1/search?q=jardin", "trv_000000000000_devine"},
		{"GET", "/v1/search?q=jardin", "jeton-devine"},
	}
	for i := range FailedCredentialsPerMinute {
		g := guesses[i%len(guesses)]
		if resp, b := call(t, srv, g.method, g.path, g.cred, from(attacker, nil), ""); resp.StatusCode != 401 {
			t.Fatalf("guess %d (%s %s): %d %s, want 401", i+1, g.method, g.path, resp.StatusCode, clipBody(string(b)))
		}
	}
	blocked := func(what, method, path, cred string, hdr map[string]string, body string) {
		t.Helper()
		resp, b := call(t, srv, method, path, cred, from(attacker, hdr), body)
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(b), "réessayez") {
			t.Errorf("%s after %d refused credentials: %d Retry-After %q %s, want 429", what, FailedCredentialsPerMinute, resp.StatusCode, resp.Header.Get("Retry-After"), clipBody(string(b)))
		}
	}
	blocked("a wrong admin key", "GET", "/v1/keys", "jeton-devine", nil, "")
	blocked("the right admin key", "GET", "/v1/keys", accessAdmin, nil, "")
	blocked("the right admin key on a write", "DELETE", "/v1/notes/pub1", accessAdmin, nil, "")
	blocked("a wrong key", "GET", "/v1/search?q=jardin", "trv_000000000000_devine", nil, "")
	blocked("the right key", "GET", "/v1/search?q=jardin", k.Key, nil, "")
	blocked("the admin page's form", "POST", "/admin/recherches", "", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, url.Values{"jeton": {accessAdmin}}.Encode())
	if resp, b := call(t, srv, "GET", "/v1/search?q=jardin", "", from(attacker, nil), ""); resp.StatusCode != 200 {
		t.Errorf("anonymous search from the blocked address: %d %s", resp.StatusCode, clipBody(string(b)))
	}
	if resp, _ := call(t, srv, "GET", "/v1/keys", accessAdmin, from("198.51.100.1", nil), ""); resp.StatusCode != 200 {
		t.Errorf("admin key from another address: %d", resp.StatusCode)
	}
	clk.Add(time.Minute)
	if resp, b := call(t, srv, "GET", "/v1/keys", accessAdmin, from(attacker, nil), ""); resp.StatusCode != 200 {
		t.Errorf("the right admin key a minute later: %d %s", resp.StatusCode, clipBody(string(b)))
	}
}
