package api

import "testing"

// TestBearerSchemeAnyCase: the name of an Authorization scheme is
// case-insensitive (RFC 9110, section 11.1). A partner's client sending
// "bearer <key>" must get its key's notes on the read routes (not a silent
// anonymous answer with the public notes only), and the admin token sent
// that way must open the write and admin routes.
func TestBearerSchemeAnyCase(t *testing.T) {
	srv, _, _ := newAccessServer(t, accessNotes, Config{})
	k := createKey(t, srv, `{"name": "partenaire", "filters": {"carnet": ["B"]}}`)
	for _, scheme := range []string{"Bearer", "bearer", "BEARER", "beaRer"} {
		for _, tc := range []struct {
			method, path, cred, body string
			status                   int
			ids                      []string // for searches: the hits wanted
		}{
			// The key's scope: carnet B, public notes (pub2 only).
			{"GET", "/v1/search?q=jardin", k.Key, "", 200, []string{"pub2"}},
			// The admin key sees every note, private ones too.
			{"GET", "/v1/search?q=jardin&per_page=10", accessAdmin, "", 200, []string{"com1", "com2", "priv1", "priv2", "pub1", "pub2"}},
			{"GET", "/v1/notes/priv1", accessAdmin, "", 200, nil},
			{"GET", "/v1/keys", accessAdmin, "", 200, nil},
			{"PUT", "/v1/notes/ajout", accessAdmin, `{"title": "Note ajoutée", "visibility": "public"}`, 200, nil},
			{"POST", "/v1/admin/synonyms/reload", accessAdmin, "", 200, nil},
		} {
			resp, b := call(t, srv, tc.method, tc.path, "", map[string]string{"Authorization": scheme + " " + tc.cred, "Content-Type": "application/json"}, tc.body)
			if resp.StatusCode != tc.status {
				t.Errorf("%s %s with %q: %d %s", tc.method, tc.path, scheme, resp.StatusCode, clipBody(string(b)))
				continue
			}
			if tc.ids != nil {
				ids, _ := searchIDs(t, b)
				if len(ids) != len(tc.ids) {
					t.Errorf("%s %s with %q: hits %v, want %v", tc.method, tc.path, scheme, ids, tc.ids)
					continue
				}
				for i := range ids {
					if ids[i] != tc.ids[i] {
						t.Errorf("%s %s with %q: hits %v, want %v", tc.method, tc.path, scheme, ids, tc.ids)
						break
					}
				}
			}
		}
	}
}
