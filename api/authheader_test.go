package api

import (
	"slices"
	"strings"
	"testing"
)

// TestAuthorizationHeaderNeverIgnored: an Authorization header that holds
// no usable Bearer credential (the key without the word Bearer, another
// scheme, Bearer with nothing after it, a tab for the space) is refused
// with a 401 that says how to write it, on the read routes and the
// InstantSearch.js ones — never answered as to an anonymous caller, which
// would silently give a partner the public notes only. Basic credentials
// belong to a reverse proxy in front of the server (a staging site behind
// a password): they are left alone, and the key parameter still counts.
func TestAuthorizationHeaderNeverIgnored(t *testing.T) {
	srv, _, _ := newAccessServer(t, accessNotes, Config{})
	k := createKey(t, srv, `{"name": "partenaire", "filters": {"carnet": ["B"]}}`)
	for _, h := range []string{
		k.Key,                      // the key alone, without its scheme
		"Token " + k.Key,           // another scheme
		"Bearer",                   // Bearer and nothing
		"Bearer\t" + k.Key,         // a tab where the space goes
		"trv_000000000000_inconnu", // a wrong key without its scheme
	} {
		hdr := map[string]string{"Authorization": h, "Content-Type": "application/json"}
		for _, r := range []struct{ method, path, body string }{
			{"GET", "/v1/search?q=jardin", ""},
			{"GET", "/v1/suggest?q=jar", ""},
			{"GET", "/v1/notes/pub2", ""},
			{"POST", "/1/indexes/*/queries", `{"requests": [{"indexName": "notes", "params": "query=jardin"}]}`},
		} {
			resp, b := call(t, srv, r.method, r.path, "", hdr, r.body)
			if resp.StatusCode != 401 || errCode(b) != "invalid_key" || !strings.Contains(string(b), "Authorization: Bearer") {
				t.Errorf("%s %s with Authorization %.30q: %d %s, want a 401 invalid_key saying how to write the header", r.method, r.path, h, resp.StatusCode, clipBody(string(b)))
			}
		}
	}
	// Basic credentials are a proxy's: the request is anonymous, or keyed
	// by its key parameter.
	basic := map[string]string{"Authorization": "Basic dXNlcjpwYXNz"}
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/v1/search?q=jardin", []string{"pub1", "pub2"}},
		{"/v1/search?q=jardin&key=" + k.Key, []string{"pub2"}},
	} {
		resp, b := call(t, srv, "GET", tc.path, "", basic, "")
		if resp.StatusCode != 200 {
			t.Errorf("%s with Basic credentials: %d %s", tc.path, resp.StatusCode, clipBody(string(b)))
			continue
		}
		if ids, _ := searchIDs(t, b); !slices.Equal(ids, tc.want) {
			t.Errorf("%s with Basic credentials: hits %v, want %v", tc.path, ids, tc.want)
		}
	}
	// The key written as it should be still works.
	resp, b := call(t, srv, "GET", "/v1/search?q=jardin", k.Key, nil, "")
	if ids, _ := searchIDs(t, b); resp.StatusCode != 200 || !slices.Equal(ids, []string{"pub2"}) {
		t.Errorf("Bearer key: %d %v", resp.StatusCode, ids)
	}
}
