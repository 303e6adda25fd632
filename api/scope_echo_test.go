package api

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestSearchSaysTheKeysFilters: a search through a key held to filters
// says which (scope), so that a partner's search box can link to the
// site's page of results with them and the page counts what the box
// counted; a token's filters on other fields join them; none for an
// anonymous caller or a key without filters, nor when a key and its token
// filter the same field (no page filter says « a value of each »), which
// the answer then says (scope_on_pages: false) so that the box does not
// link to a page counting every note.
func TestSearchSaysTheKeysFilters(t *testing.T) {
	srv, _, clk := newAccessServer(t, accessNotes, Config{})
	kA := createKey(t, srv, `{"name": "carnet A", "filters": {"carnet": ["A"]}}`)
	kPub := createKey(t, srv, `{"name": "publique"}`)
	tok := func(k CreatedKey, claims jwt.MapClaims) string {
		claims["exp"] = clk.Now().Add(10 * time.Minute).Unix()
		return sign(t, k.ID, k.Key, jwt.SigningMethodHS256, claims)
	}
	for _, tc := range []struct {
		name, cred string
		want       map[string][]string
		unlisted   bool
	}{
		{"anonymous", "", nil, false},
		{"key without filters", kPub.Key, nil, false},
		{"key held to carnet A", kA.Key, map[string][]string{"carnet": {"A"}}, false},
		{"its token adds an organisation", tok(kA, jwt.MapClaims{"filters": map[string][]string{"organisation": {"X"}}}), map[string][]string{"carnet": {"A"}, "organisation": {"X"}}, false},
		{"its token filters the carnet too", tok(kA, jwt.MapClaims{"filters": map[string][]string{"carnet": {"A", "B"}}}), nil, true},
	} {
		resp, b := call(t, srv, "GET", "/v1/search?q=jardin", tc.cred, nil, "")
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", tc.name, resp.StatusCode, b)
		}
		var r struct {
			Total        int                 `json:"total"`
			Scope        map[string][]string `json:"scope"`
			ScopeOnPages *bool               `json:"scope_on_pages"`
		}
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(r.Scope, tc.want) {
			t.Errorf("%s: scope %v, want %v", tc.name, r.Scope, tc.want)
		}
		if unlisted := r.ScopeOnPages != nil && !*r.ScopeOnPages; unlisted != tc.unlisted || (r.ScopeOnPages != nil && *r.ScopeOnPages) {
			t.Errorf("%s: scope_on_pages %v, want false only when the scope cannot be the page's filters (%v)", tc.name, r.ScopeOnPages, tc.unlisted)
		}
		if tc.want == nil {
			continue
		}
		// The page's filters find what the key found (public notes here).
		q := "/v1/search?q=jardin"
		for f, vs := range r.Scope {
			for _, v := range vs {
				q += "&" + f + "=" + v
			}
		}
		_, pb := call(t, srv, "GET", q, "", nil, "")
		var p struct {
			Total int `json:"total"`
		}
		json.Unmarshal(pb, &p)
		if p.Total != r.Total {
			t.Errorf("%s: %d notes with the scope as filters, %d through the key", tc.name, p.Total, r.Total)
		}
	}
}
