package api

import (
	"slices"
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

// TestCORSOnEveryAnswerOfACORSRoute: what a browser of another origin
// reads. A query string that does not decode is refused before any key is
// read, and the routes that carry no note read no key: both answered
// without Access-Control-Allow-Origin, so a partner's page saw a bare CORS
// failure where the refusal names what to fix, and could not follow a
// write's task nor read readiness or the OpenAPI document, though their
// preflights allow every origin. Anonymous search open or closed alike.
func TestCORSOnEveryAnswerOfACORSRoute(t *testing.T) {
	for _, cfg := range []Config{{}, {NoAnonymous: true}} {
		srv, _, _ := newAccessServer(t, accessNotes, cfg)
		k := createKey(t, srv, `{"name": "partenaire", "origins": ["https://partenaire.org"]}`)
		o := map[string]string{"Origin": "https://ailleurs.org", "Content-Type": "application/json"}
		for _, tc := range []struct {
			method, path, cred, body string
			status                   int
		}{
			{"GET", "/v1/search?q=jardin%zz", "", "", 400},
			{"GET", "/v1/search?q=jardin%zz", k.Key, "", 400},
			{"GET", "/v1/suggest?q=ja%zz", "", "", 400},
			{"GET", "/v1/notes/pub1?x=%zz", "", "", 400},
			{"GET", "/v1/facets/organisations?q=%zz", "", "", 400},
			{"POST", "/1/indexes/notes/queries?x-algolia-agent=%zz", "", `{"requests":[]}`, 400},
			{"GET", "/v1/tasks/1", "", "", 200},
			{"GET", "/v1/tasks/999", "", "", 404},
			{"GET", "/v1/openapi.yaml", "", "", 200},
			{"GET", "/readyz", "", "", 0}, // 503 while the discovery tables are built
		} {
			resp, b := call(t, srv, tc.method, tc.path, tc.cred, o, tc.body)
			if (tc.status != 0 && resp.StatusCode != tc.status) || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("closed=%v %s %s: %d ACAO %q, want %d and *: %.200s", cfg.NoAnonymous, tc.method, tc.path, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), tc.status, b)
			}
			if !slices.Contains(resp.Header.Values("Vary"), "Origin") {
				t.Errorf("%s: no Vary: Origin", tc.path)
			}
		}
		// Without an Origin (a server), no CORS header.
		if resp, _ := call(t, srv, "GET", "/v1/openapi.yaml", "", nil, ""); resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("no origin: ACAO %q", resp.Header.Get("Access-Control-Allow-Origin"))
		}
		// /healthz is left out of CORS, as before.
		if resp, _ := call(t, srv, "GET", "/healthz", "", o, ""); resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("/healthz: ACAO %q", resp.Header.Get("Access-Control-Allow-Origin"))
		}
	}
}
