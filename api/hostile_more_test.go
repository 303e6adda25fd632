package api

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// The smaller refusals found by a hostile run: each in French, naming what
// to change, with nosniff.
func TestHostileSmallRefusals(t *testing.T) {
	srv, _, _, _ := newSiteServer(t)
	long := strings.Repeat("x", 70<<10)
	cases := []struct {
		name, method, path string
		header             map[string]string
		status             int
		code, param, says  string
	}{
		{"query too long on the facet route names query", "GET", "/v1/facets/organisations?query=" + strings.Repeat("x", 1001), nil, 400, "query_too_long", "query", ""},
		{"route without parameters", "GET", "/v1/notes/x?foo=1", nil, 400, "unknown_parameter", "foo", "aucun paramètre"},
		{"synonym reload takes no parameter", "POST", "/v1/admin/synonyms/reload?x=1", map[string]string{"Authorization": "Bearer jeton-de-test"}, 400, "unknown_parameter", "x", "aucun paramètre"},
		{"address too long", "GET", "/v1/search?q=" + long, nil, 414, "uri_too_long", "", "adresse trop longue"},
		{"filter too long", "GET", "/v1/search?author=" + long, nil, 414, "uri_too_long", "", "adresse trop longue"},
		{"bearer too long", "GET", "/v1/search?q=a", map[string]string{"Authorization": "Bearer " + long}, 431, "headers_too_large", "", "en-têtes"},
		{"page address too long", "GET", "/?q=" + long, nil, 414, "", "", "adresse trop longue"},
		{"page filter not UTF-8 (as the API)", "GET", "/?q=logement&organisation=a%FFb", nil, 400, "", "", "UTF-8"},
		{"API filter not UTF-8", "GET", "/v1/search?q=logement&organisation=a%FFb", nil, 400, "invalid_utf8", "organisation", "UTF-8"},
		{"parameter name not UTF-8", "GET", "/v1/search?q=logement&a%FFb=1", nil, 400, "invalid_utf8", "a?b", "UTF-8"},
		{"facets none and a facet", "GET", "/v1/search?q=logement&facets=none,authors", nil, 400, "invalid_facets", "facets", "none"},
		{"facets none and a facet, repeated", "GET", "/v1/search?q=logement&facets=authors&facets=none", nil, 400, "invalid_facets", "facets", "gardez"},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		for k, v := range c.header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: %d (nosniff %q), want %d\n%.300s", c.name, resp.StatusCode, resp.Header.Get("X-Content-Type-Options"), c.status, b)
			continue
		}
		if !strings.Contains(string(b), c.says) {
			t.Errorf("%s: %.300s, want it to say %q", c.name, b, c.says)
		}
		if c.code == "" {
			continue
		}
		var e ErrorBody
		if err := json.Unmarshal(b, &e); err != nil || e.Error.Code != c.code || e.Error.Param != c.param {
			t.Errorf("%s: %.300s, want code %s naming %q", c.name, b, c.code, c.param)
		}
	}
}
