package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	trouvaille "github.com/encommun/trouvaille"
)

// FuzzReadRoutes sends arbitrary query strings to the read routes of a
// server holding the demo corpus (real Badger and Bleve): a search, a
// completion, a facet's values, a note's related notes. It never answers
// 500 (nor a 503: no search here outlasts its deadline), every body is
// JSON, a refusal names what is at fault in French, the notes a response
// names (hits, completions, related notes) are public ones, and a search
// shows no more than its total.
//
//	go test ./api -run - -fuzz FuzzReadRoutes -fuzztime 60s
func FuzzReadRoutes(f *testing.F) {
	routes := []string{"/v1/search", "/v1/suggest", "/v1/facets/organisations", "/v1/facets/terms", "/v1/notes/H2wz6U5i8aojdkVP7h59je1g26P/related"}
	for _, s := range []string{
		"q=economie+sociale", "q=economie+sociale+saguenay+zzzq&term=Tiers-lieu&facets=terms,organisations",
		"q=%22conseil+d%27administration%22+-logement&sort=title&page=2&per_page=3", "q=logem&sort=-published_at",
		"q=obnl+ca+aga&type=note&published_after=2021-01-01", "q=participant%C2%B7es&organisation=TIESS&facet_size=100",
		"q=a", "q=%C3%A9", "q=le+la+les+de", "q=-x", "q=%22%22", "q=" + strings.Repeat("finacement+", 40), "q=x&limit=5",
		"q=hab&query=logement&type=note", "limit=0", "q=%FF%FE", "page=999999999999999999999", "q=*", "q=(a+OR+b)",
	} {
		for r := range routes {
			f.Add(uint8(r), s)
		}
	}
	eng := demoEngine(f, func(string, ...any) {})
	h := New(eng, Config{AnonymousRatePerMinute: -1, Ops: quietOps()})
	f.Fuzz(func(t *testing.T, route uint8, raw string) {
		path := routes[int(route)%len(routes)]
		req, err := http.NewRequest(http.MethodGet, "http://x"+path, nil)
		if err != nil {
			return
		}
		req.URL.RawQuery = raw
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body := rec.Body.Bytes()
		if rec.Code >= 500 {
			t.Fatalf("%s?%s: %d %s", path, raw, rec.Code, body)
		}
		if !json.Valid(body) {
			t.Fatalf("%s?%s: %d, body not JSON: %q", path, raw, rec.Code, body)
		}
		if rec.Code != http.StatusOK {
			var eb ErrorBody
			if err := json.Unmarshal(body, &eb); err != nil || eb.Error.Code == "" || eb.Error.Message == "" || !utf8.ValidString(eb.Error.Message) {
				t.Fatalf("%s?%s: %d without a clear error: %s", path, raw, rec.Code, body)
			}
			return
		}
		// The notes a response names: every one public.
		var res struct {
			Total  uint64                `json:"total"`
			Hits   []struct{ ID string } `json:"hits"`
			Groups []struct {
				Items []struct{ ID string } `json:"items"`
			} `json:"groups"`
			Related []struct{ ID string } `json:"related"`
		}
		if err := json.Unmarshal(body, &res); err != nil {
			t.Fatalf("%s?%s: %v", path, raw, err)
		}
		if uint64(len(res.Hits)) > res.Total {
			t.Fatalf("%s?%s: %d hits for a total of %d", path, raw, len(res.Hits), res.Total)
		}
		named := make([]string, 0, len(res.Hits)+len(res.Related))
		for _, h := range res.Hits {
			named = append(named, h.ID)
		}
		for _, g := range res.Groups {
			for _, it := range g.Items {
				if it.ID != "" {
					named = append(named, it.ID)
				}
			}
		}
		for _, r := range res.Related {
			named = append(named, r.ID)
		}
		for _, id := range named {
			n, err := eng.Note(trouvaille.Scope{Admin: true}, id)
			if err != nil || n.Visibility != "public" {
				t.Fatalf("%s?%s: names %s, not a public note (%v)", path, raw, id, err)
			}
		}
	})
}
