package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestInvalidUTF8SaysWhatToDo: every refusal of invalid UTF-8 names the
// parameter and says what to do (encode it in UTF-8), on the compatible
// routes as on /v1/search.
func TestInvalidUTF8SaysWhatToDo(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, tc := range []struct{ method, path, ctype, body, param string }{
		{"GET", "/v1/search?q=%FF", "", "", "q"},
		{"POST", "/1/indexes/notes/query", "application/json", `{"params": "query=%FF"}`, "query"},
		{"POST", "/1/indexes/*/queries", "application/json", `{"requests": [{"indexName": "notes", "params": "query=%FF"}]}`, "query"},
		{"POST", "/1/indexes/notes/facets/%FF/query", "application/json", `{"facetQuery": "hab"}`, "facet"},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
		if tc.ctype != "" {
			req.Header.Set("Content-Type", tc.ctype)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e ErrorBody
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != 400 || e.Error.Code != "invalid_utf8" || e.Error.Param != tc.param || !strings.Contains(e.Error.Message, "encodez-") {
			t.Errorf("%s %s: %d %+v, want 400 invalid_utf8 naming %s and saying to encode it in UTF-8", tc.method, tc.path, resp.StatusCode, e.Error, tc.param)
		}
	}
}
