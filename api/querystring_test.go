package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// A parameter that does not decode (a bad "%" escape, a ";") is refused with
// a 400 naming it, on every kind of route, instead of vanishing: dropped, a
// filter widened the search, q found every note, per_page passed its bound.
func TestMalformedQueryStringRefused(t *testing.T) {
	srv, _, _, _ := newSiteServer(t)
	cases := []struct {
		method, path, body, param string
	}{
		{"GET", "/v1/search?q=logement&organisation=TIESS%zz", "", "organisation"},
		{"GET", "/v1/search?q=logement&organisation=TIESS;", "", "organisation"},
		{"GET", "/v1/search?q=logement%zz", "", "q"},
		{"GET", "/v1/search?q=logement&per_page=1000%zz", "", "per_page"},
		{"GET", "/v1/search?q=logement&foo%zz=1", "", "foo%zz"},
		{"GET", "/v1/suggest?q=econ%zz", "", "q"},
		{"GET", "/v1/facets/organisations?q=hab%zz", "", "q"},
		{"GET", "/v1/notes/x?a=%", "", "a"},
		{"POST", "/1/indexes/*/queries?x-algolia-api-key=%zz", `{"requests":[]}`, "x-algolia-api-key"},
		{"GET", "/?q=logement%zz", "", ""},
		// The only parameter, nameless, its value badly encoded.
		{"GET", "/v1/search?=%zz", "", ""},
		// A name of 60 KB is named in part only.
		{"GET", "/v1/search?" + strings.Repeat("n", 60000) + "%zz=1", "", strings.Repeat("n", 80) + "…"},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(buf)
			body.Write(buf[:n])
			if err != nil {
				break
			}
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s %s: %d, want 400\n%s", c.method, c.path, resp.StatusCode, body.String())
			continue
		}
		if strings.HasPrefix(c.path, "/?") {
			if !strings.Contains(body.String(), "mal encodé") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("page %s: %q", c.path, body.String())
			}
			continue
		}
		var e struct {
			Error ErrorDetail `json:"error"`
		}
		if err := json.Unmarshal([]byte(body.String()), &e); err != nil {
			t.Errorf("%s: %v\n%s", c.path, err, body.String())
			continue
		}
		if e.Error.Code != "invalid_query_string" || e.Error.Param != c.param || !strings.Contains(e.Error.Message, "mal encodé") {
			t.Errorf("%s %s: %+v, want invalid_query_string naming %q", c.method, c.path, e.Error, c.param)
		}
	}
}

// More parameters than Go decodes (10,000) are refused as such, not as a
// bad encoding.
func TestTooManyQueryParameters(t *testing.T) {
	srv, _, _, _ := newSiteServer(t)
	resp, err := http.Get(srv.URL + "/v1/search?q=a" + strings.Repeat("&a", 10001))
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Error ErrorDetail `json:"error"`
	}
	json.NewDecoder(resp.Body).Decode(&e)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(e.Error.Message, "trop de paramètres") {
		t.Errorf("10,002 parameters: %d %+v", resp.StatusCode, e.Error)
	}
}
