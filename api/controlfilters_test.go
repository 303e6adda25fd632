package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestControlCharactersInFilters: a filter value holding a control
// character other than tab and line feed (which no stored value holds:
// ingestion refuses them) is refused with a 400 naming the filter, as in a
// key's filters, instead of silently finding nothing.
func TestControlCharactersInFilters(t *testing.T) {
	srv, _, _, _ := newSiteServer(t)
	for _, tc := range []struct{ path, param string }{
		{"/v1/search?organisation=%00", "organisation"},
		{"/v1/search?q=logement&author=Ana%1B%5B31m", "author"},
		{"/v1/search?carnet=a&carnet=b%07", "carnet"},
		{"/v1/facets/authors?q=a&term=%00", "term"},
	} {
		resp, b := do(t, "GET", srv.URL+tc.path)
		var e ErrorBody
		if err := json.Unmarshal(b, &e); err != nil || resp.StatusCode != http.StatusBadRequest || e.Error.Param != tc.param ||
			e.Error.Code != "invalid_filter" || !strings.Contains(e.Error.Message, "caractère de contrôle") {
			t.Errorf("%s: %d %.300s, want a 400 invalid_filter naming %s", tc.path, resp.StatusCode, b, tc.param)
		}
	}
}
