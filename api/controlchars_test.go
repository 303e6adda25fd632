package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestControlCharactersInQuery: a query holding a control character (NUL,
// ESC…) is refused with a 400 naming q, on every route that searches: no
// one types one, a query of it alone answered every note as an empty query
// does, and one inside a word found nothing without saying why (as U+FFFD,
// refused for the same reasons). Tab and line feed, which a pasted text
// holds, still separate words.
func TestControlCharactersInQuery(t *testing.T) {
	srv, _, _, _ := newSiteServer(t)
	for _, tc := range []struct{ path, param string }{
		{"/v1/search?q=%00", "q"},
		{"/v1/search?q=log%00ement", "q"},
		{"/v1/search?q=logement%1B%5B31m", "q"},
		{"/v1/search?q=logement+%C2%85", "q"}, // C1 control (NEL)
		{"/v1/facets/organisations?query=%00", "query"},
		// The prefixes completed: /v1/suggest's q (%00log completed as
		// log) and a facet's value prefix.
		{"/v1/suggest?q=%00log", "q"},
		{"/v1/suggest?q=lo%07g", "q"},
		{"/v1/facets/organisations?q=%00", "q"},
	} {
		resp, b := do(t, "GET", srv.URL+tc.path)
		var e ErrorBody
		if err := json.Unmarshal(b, &e); err != nil || resp.StatusCode != http.StatusBadRequest || e.Error.Param != tc.param ||
			e.Error.Code != "invalid_query" || !strings.Contains(e.Error.Message, "caractère de contrôle") {
			t.Errorf("%s: %d %.300s, want a 400 invalid_query naming %s and the control character", tc.path, resp.StatusCode, b, tc.param)
		}
	}
	// The InstantSearch.js route and the search page refuse it too.
	req, _ := http.NewRequest("POST", srv.URL+"/1/indexes/*/queries", strings.NewReader(`{"requests": [{"indexName": "notes", "params": "query=%00"}]}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("InstantSearch.js query of a NUL: %d, want 400", resp.StatusCode)
	}
	if resp, b := do(t, "GET", srv.URL+"/?q=%00"); resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "caractère de contrôle") || strings.Contains(string(b), `class="hit`) {
		t.Errorf("/?q=%%00: %d, want a 400 page saying why, without hits", resp.StatusCode)
	}
	// Tab and line feed separate words.
	for _, p := range []string{"/v1/search?q=logement%09habitation", "/v1/search?q=logement%0Ahabitation%0D%0A"} {
		if resp, b := do(t, "GET", srv.URL+p); resp.StatusCode != 200 {
			t.Errorf("%s: %d %.300s", p, resp.StatusCode, b)
		}
	}
}
