package api

import (
	"strings"
	"testing"
)

// TestKeyOriginsAsBrowsersSendThem: a key's origins are compared exactly
// with the Origin header, which browsers write with the host in lower case
// and without the scheme's default port. An origin written otherwise would
// make the key refuse its own site (403) while the admin sees it listed, so
// it is refused at creation with the form to write.
func TestKeyOriginsAsBrowsersSendThem(t *testing.T) {
	srv, _, _ := newAccessServer(t, accessNotes, Config{})
	for _, tc := range []struct{ origin, want string }{
		{"https://Partenaire.org", "https://partenaire.org"},
		{"https://partenaire.org:443", "https://partenaire.org"},
		{"http://partenaire.org:80", "http://partenaire.org"},
		{"http://LOCALHOST:8080", "http://localhost:8080"},
	} {
		for _, method := range []string{"POST /v1/keys", "PATCH"} {
			path := "/v1/keys"
			m := "POST"
			if method == "PATCH" {
				k := createKey(t, srv, `{"name": "à corriger"}`)
				path, m = "/v1/keys/"+k.ID, "PATCH"
			}
			resp, b := call(t, srv, m, path, accessAdmin, map[string]string{"Content-Type": "application/json"},
				`{"name": "partenaire", "origins": ["`+tc.origin+`"]}`)
			if resp.StatusCode != 400 || errCode(b) != "invalid_origin" || !strings.Contains(string(b), "« "+tc.want+" »") || !strings.Contains(string(b), `"param":"origins"`) {
				t.Errorf("%s %s: %d %s, want 400 invalid_origin naming « %s »", m, tc.origin, resp.StatusCode, b, tc.want)
			}
		}
		// The form the message gives is the one a browser sends: accepted,
		// and a page of that origin may search with the key.
		k := createKey(t, srv, `{"name": "partenaire", "origins": ["`+tc.want+`"]}`)
		resp, b := call(t, srv, "GET", "/v1/search?q=jardin", k.Key, map[string]string{"Origin": tc.want}, "")
		if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != tc.want {
			t.Errorf("search from %s: %d %q %s", tc.want, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), b)
		}
	}
	// Origins already in the browsers' form stay accepted as written.
	for _, o := range []string{"https://partenaire.org:8443", "http://[::1]:8080", "http://127.0.0.1:8080", "https://xn--caf-dma.example"} {
		createKey(t, srv, `{"name": "partenaire", "origins": ["`+o+`"]}`)
	}
}
