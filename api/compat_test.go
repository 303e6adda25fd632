package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	trouvaille "github.com/encommun/trouvaille"
)

// compatPost sends a body to a compatibility endpoint, validates the answer
// against api/openapi.yaml and decodes it.
func compatPost(t *testing.T, srv *httptest.Server, path, contentType, body string) (int, map[string]any, http.Header) {
	t.Helper()
	return compatPostWith(t, srv, path, contentType, body, nil)
}

// compatPostWith is compatPost with request headers.
func compatPostWith(t *testing.T, srv *httptest.Server, path, contentType, body string, hdr map[string]string) (int, map[string]any, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	checkSpec(t, http.MethodPost, path, resp, b)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("POST %s: body is not a JSON object: %v: %s", path, err, b)
	}
	return resp.StatusCode, m, resp.Header
}

// compatRun sends one query (Algolia params string) through the
// multi-queries endpoint, as algoliasearch/lite does, and returns its result.
func compatRun(t *testing.T, srv *httptest.Server, params url.Values) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"requests": []any{map[string]any{"indexName": "notes", "params": params.Encode()}}})
	status, m, _ := compatPost(t, srv, "/1/indexes/*/queries?x-algolia-application-id=trouvaille&x-algolia-api-key=", "application/x-www-form-urlencoded", string(body))
	if status != http.StatusOK {
		t.Fatalf("params %s: status %d: %v", params.Encode(), status, m)
	}
	return m["results"].([]any)[0].(map[string]any)
}

// v1Search runs the same search through /v1/search.
func v1Search(t *testing.T, srv *httptest.Server, query string) trouvaille.Result {
	t.Helper()
	status, b := get(t, srv.URL+"/v1/search?"+query)
	if status != http.StatusOK {
		t.Fatalf("/v1/search?%s: %d %s", query, status, b)
	}
	var r trouvaille.Result
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func hitIDs(res map[string]any) []string {
	var out []string
	for _, h := range res["hits"].([]any) {
		out = append(out, h.(map[string]any)["objectID"].(string))
	}
	return out
}

func v1IDs(r trouvaille.Result) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	return out
}

func num(v any) int {
	f, _ := v.(float64)
	return int(f)
}

// TestCompatMatchesSearch: a compat query finds the same notes, in the same
// order, with the same totals and facet counts as /v1/search; its page
// counts from 0; facetFilters are ORed within a group and ANDed between.
func TestCompatMatchesSearch(t *testing.T) {
	srv, _ := newTestServer(t)
	base := v1Search(t, srv, "q=financement&per_page=100&facets=organisations,terms")
	if base.Total < 12 || len(base.Facets["organisations"]) < 2 {
		t.Fatalf("demo corpus too small for this test: %d hits", base.Total)
	}
	orgA, orgB := base.Facets["organisations"][0].Value, base.Facets["organisations"][1].Value
	cases := []struct {
		name   string
		params url.Values
		v1     string
	}{
		{"query", url.Values{"query": {"financement"}, "hitsPerPage": {"5"}}, "q=financement&per_page=5&facets=none"},
		{"page 1 is the second page", url.Values{"query": {"financement"}, "hitsPerPage": {"5"}, "page": {"1"}}, "q=financement&per_page=5&page=2&facets=none"},
		{"facets", url.Values{"query": {"financement"}, "facets": {`["organisations","terms"]`}, "maxValuesPerFacet": {"10"}}, "q=financement&facets=organisations,terms&facet_size=10"},
		{"all facets", url.Values{"query": {"logement"}, "facets": {`["*"]`}, "maxValuesPerFacet": {"5"}}, "q=logement&facets=authors,organisations,carnets,blocs,terms,type&facet_size=5"},
		{"one filter", url.Values{"query": {"financement"}, "facetFilters": {`[["organisations:` + orgA + `"]]`}}, "q=financement&facets=none&organisation=" + url.QueryEscape(orgA)},
		{"or group", url.Values{"query": {"financement"}, "facetFilters": {`[["organisations:` + orgA + `","organisations:` + orgB + `"]]`}, "facets": {`["organisations"]`}}, "q=financement&facets=organisations&facet_size=100&organisation=" + url.QueryEscape(orgA) + "&organisation=" + url.QueryEscape(orgB)},
		{"and between fields", url.Values{"query": {"financement"}, "facetFilters": {`["organisations:` + orgA + `",["type:note"]]`}}, "q=financement&facets=none&organisation=" + url.QueryEscape(orgA) + "&type=note"},
		{"filter name as attribute", url.Values{"facetFilters": {`organisation:` + orgA}}, "facets=none&organisation=" + url.QueryEscape(orgA)},
		{"empty query", url.Values{"query": {""}, "hitsPerPage": {"7"}}, "per_page=7&facets=none"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := compatRun(t, srv, c.params)
			want := v1Search(t, srv, c.v1)
			if num(got["nbHits"]) != int(want.Total) {
				t.Errorf("nbHits %v, /v1/search total %d", got["nbHits"], want.Total)
			}
			if ids := hitIDs(got); !slices.Equal(ids, v1IDs(want)) {
				t.Errorf("hits %v, /v1/search %v", ids, v1IDs(want))
			}
			facets := got["facets"].(map[string]any)
			for name, vals := range want.Facets {
				if name == "published" {
					continue
				}
				g, _ := facets[name].(map[string]any)
				if len(g) != len(vals) {
					t.Errorf("facet %s: %d values, /v1/search %d", name, len(g), len(vals))
				}
				for _, fv := range vals {
					if num(g[fv.Value]) != fv.Count {
						t.Errorf("facet %s value %q: %v, /v1/search %d", name, fv.Value, g[fv.Value], fv.Count)
					}
				}
			}
			hpp := num(got["hitsPerPage"])
			if hpp > 0 && num(got["nbPages"]) != (int(want.Total)+hpp-1)/hpp {
				t.Errorf("nbPages %v for %d hits by %d", got["nbPages"], want.Total, hpp)
			}
		})
	}
	// The facet filter really narrows: the OR of two organisations finds more
	// than one, fewer than none.
	one := num(compatRun(t, srv, url.Values{"query": {"financement"}, "facetFilters": {`[["organisations:` + orgA + `"]]`}})["nbHits"])
	two := num(compatRun(t, srv, url.Values{"query": {"financement"}, "facetFilters": {`[["organisations:` + orgA + `","organisations:` + orgB + `"]]`}})["nbHits"])
	if !(one < two && two < int(base.Total)) {
		t.Errorf("facet filters do not narrow: %s %d, %s or %s %d, none %d", orgA, one, orgA, orgB, two, base.Total)
	}
}

// TestCompatHighlightTags: the tags the client asks for surround the found
// words, in plain (unescaped) text; Algolia's <em> by default.
func TestCompatHighlightTags(t *testing.T) {
	srv, _ := newTestServer(t)
	const pre, post = "__ais-highlight__", "__/ais-highlight__"
	res := compatRun(t, srv, url.Values{"query": {"economie sociale"}, "highlightPreTag": {pre}, "highlightPostTag": {post}, "hitsPerPage": {"20"}})
	hits := res["hits"].([]any)
	if len(hits) == 0 {
		t.Fatal("no hits")
	}
	marked := 0
	for _, h := range hits {
		hit := h.(map[string]any)
		title := hit["title"].(string)
		hl := hit["_highlightResult"].(map[string]any)["title"].(map[string]any)
		v := hl["value"].(string)
		if strings.Contains(v, "<mark>") || strings.Contains(v, "&amp;") || strings.Contains(v, "&#39;") {
			t.Errorf("highlighted title %q holds HTML", v)
		}
		if strings.ReplaceAll(strings.ReplaceAll(v, pre, ""), post, "") != title {
			t.Errorf("highlighted title %q is not the title %q with tags", v, title)
		}
		if strings.Contains(v, pre) {
			marked++
			if hl["matchLevel"] != "full" || len(hl["matchedWords"].([]any)) == 0 {
				t.Errorf("%q: matchLevel %v, matchedWords %v", v, hl["matchLevel"], hl["matchedWords"])
			}
		}
		sn := hit["_snippetResult"].(map[string]any)["snippet"].(map[string]any)["value"].(string)
		if strings.ReplaceAll(strings.ReplaceAll(sn, pre, ""), post, "") != hit["snippet"] {
			t.Errorf("snippet %q is not the plain snippet %q with tags", sn, hit["snippet"])
		}
		if u := hit["url"].(string); !strings.HasPrefix(u, "http") {
			t.Errorf("url %q is not absolute", u)
		}
	}
	if marked == 0 {
		t.Error("no title highlighted with the asked tags")
	}
	// A title with an apostrophe comes back unescaped (InstantSearch.js
	// escapes it again before display: escaped here, it would show &#39;),
	// with Algolia's <em> when no tags are asked.
	res = compatRun(t, srv, url.Values{"query": {"financement"}, "hitsPerPage": {"100"}})
	apos := 0
	for _, h := range res["hits"].([]any) {
		hit := h.(map[string]any)
		v := hit["_highlightResult"].(map[string]any)["title"].(map[string]any)["value"].(string)
		if !strings.Contains(hit["title"].(string), "'") {
			continue
		}
		if strings.Contains(v, "<em>") {
			apos++
		}
		if !strings.Contains(v, "'") || strings.ReplaceAll(strings.ReplaceAll(v, "<em>", ""), "</em>", "") != hit["title"] {
			t.Errorf("title %q highlighted as %q", hit["title"], v)
		}
	}
	if apos == 0 {
		t.Error("no highlighted title with an apostrophe among the hits of financement")
	}
}

// TestCompatRequestForms: the params string (v4 clients), the same
// parameters as JSON fields (v5 clients) and /1/indexes/notes/query agree.
func TestCompatRequestForms(t *testing.T) {
	srv, _ := newTestServer(t)
	a := compatRun(t, srv, url.Values{"query": {"logement"}, "hitsPerPage": {"3"}, "page": {"1"}, "facets": {`["type"]`}, "facetFilters": {`[["type:note"]]`}})
	_, multi, _ := compatPost(t, srv, "/1/indexes/*/queries", "application/json", `{"requests":[{"indexName":"notes","query":"logement","hitsPerPage":3,"page":1,"facets":["type"],"facetFilters":[["type:note"]]}]}`)
	b := multi["results"].([]any)[0].(map[string]any)
	status, c, _ := compatPost(t, srv, "/1/indexes/notes/query", "", `{"params":"query=logement&hitsPerPage=3&page=1&facets=type&facetFilters=type%3Anote"}`)
	if status != http.StatusOK {
		t.Fatalf("/1/indexes/notes/query: %d %v", status, c)
	}
	for _, r := range []map[string]any{b, c} {
		if !slices.Equal(hitIDs(a), hitIDs(r)) || num(a["nbHits"]) != num(r["nbHits"]) || fmt.Sprint(a["facets"]) != fmt.Sprint(r["facets"]) {
			t.Errorf("forms disagree:\n%v %v %v\n%v %v %v", hitIDs(a), a["nbHits"], a["facets"], hitIDs(r), r["nbHits"], r["facets"])
		}
	}
	// hitsPerPage=0 (InstantSearch's facet-only queries): no hits, counts.
	z := compatRun(t, srv, url.Values{"query": {"logement"}, "hitsPerPage": {"0"}, "facets": {`["organisations"]`}})
	if len(z["hits"].([]any)) != 0 || num(z["nbHits"]) != num(compatRun(t, srv, url.Values{"query": {"logement"}})["nbHits"]) || len(z["facets"].(map[string]any)["organisations"].(map[string]any)) == 0 {
		t.Errorf("hitsPerPage=0: %v", z)
	}
}

// TestCompatFacetValues: the facet value search answers the values one of
// whose words starts with what is typed, with the tags, counted under the
// query; the multi-queries "facet" type gives the same.
func TestCompatFacetValues(t *testing.T) {
	srv, _ := newTestServer(t)
	status, m, _ := compatPost(t, srv, "/1/indexes/notes/facets/organisations/query", "application/x-www-form-urlencoded", `{"facetQuery":"hab","highlightPreTag":"<b>","highlightPostTag":"</b>","maxFacetHits":5,"query":"logement"}`)
	if status != http.StatusOK {
		t.Fatalf("%d %v", status, m)
	}
	hits := m["facetHits"].([]any)
	if len(hits) == 0 {
		t.Fatal("no organisation starting with hab under logement")
	}
	var want []trouvaille.FacetValue
	_, b := get(t, srv.URL+"/v1/facets/organisations?q=hab&query=logement&limit=5")
	var fr FacetValuesResponse
	if err := json.Unmarshal(b, &fr); err != nil {
		t.Fatal(err)
	}
	want = fr.Values
	if len(hits) != len(want) {
		t.Fatalf("%d facet hits, /v1/facets %d", len(hits), len(want))
	}
	for i, h := range hits {
		fh := h.(map[string]any)
		if fh["value"] != want[i].Value || num(fh["count"]) != want[i].Count {
			t.Errorf("facet hit %d: %v, want %v", i, fh, want[i])
		}
		if hl := fh["highlighted"].(string); !strings.Contains(strings.ToLower(hl), "<b>hab") || strings.ReplaceAll(strings.ReplaceAll(hl, "<b>", ""), "</b>", "") != fh["value"] {
			t.Errorf("highlighted %q", hl)
		}
	}
	_, multi, _ := compatPost(t, srv, "/1/indexes/*/queries", "", `{"requests":[{"indexName":"notes","type":"facet","facet":"organisations","facetQuery":"hab","highlightPreTag":"<b>","highlightPostTag":"</b>","maxFacetHits":5,"query":"logement"}]}`)
	if got := multi["results"].([]any)[0].(map[string]any)["facetHits"]; fmt.Sprint(got) != fmt.Sprint(hits) {
		t.Errorf("type facet: %v, want %v", got, hits)
	}
}

// TestCompatBadInput: every mistake is a 4xx with a French message in both
// shapes (Algolia's message and status, Trouvaille's error), never a 500.
func TestCompatBadInput(t *testing.T) {
	srv, _ := newTestServer(t)
	q := func(params string) string {
		b, _ := json.Marshal(map[string]any{"requests": []any{map[string]any{"indexName": "notes", "params": params}}})
		return string(b)
	}
	many := `{"requests":[` + strings.Repeat(`{"indexName":"notes"},`, 50) + `{"indexName":"notes"}]}`
	cases := []struct {
		name, path, body string
		status           int
		param            string
	}{
		{"not json", "/1/indexes/*/queries", `{"requests":`, 400, ""},
		{"json array", "/1/indexes/*/queries", `[1,2]`, 400, ""},
		{"two objects", "/1/indexes/*/queries", `{"requests":[]} {}`, 400, ""},
		{"no requests", "/1/indexes/*/queries", `{}`, 400, "requests"},
		{"requests not an array", "/1/indexes/*/queries", `{"requests":"x"}`, 400, ""},
		{"unknown index", "/1/indexes/*/queries", `{"requests":[{"indexName":"produits"}]}`, 400, "indexName"},
		{"no index name", "/1/indexes/*/queries", `{"requests":[{"params":"query=a"}]}`, 400, "indexName"},
		{"unknown index in path", "/1/indexes/produits/query", `{}`, 404, "indexName"},
		{"star for one query", "/1/indexes/*/query", `{}`, 404, "indexName"},
		{"named index for multi", "/1/indexes/notes/queries", `{"requests":[]}`, 404, "indexName"},
		{"unknown parameter", "/1/indexes/*/queries", q("query=a&hitPerPage=3"), 400, "hitPerPage"},
		{"unknown field", "/1/indexes/*/queries", `{"requests":[{"indexName":"notes","facetFilter":["type:note"]}]}`, 400, "facetFilter"},
		{"params not a string", "/1/indexes/*/queries", `{"requests":[{"indexName":"notes","params":3}]}`, 400, "params"},
		{"repeated parameter", "/1/indexes/*/queries", q("query=a&query=b"), 400, "query"},
		{"query not a string", "/1/indexes/*/queries", `{"requests":[{"indexName":"notes","query":["a"]}]}`, 400, "query"},
		{"hitsPerPage too big", "/1/indexes/*/queries", q("hitsPerPage=1000"), 400, "hitsPerPage"},
		{"hitsPerPage negative", "/1/indexes/*/queries", q("hitsPerPage=-1"), 400, "hitsPerPage"},
		{"hitsPerPage not a number", "/1/indexes/*/queries", q("hitsPerPage=dix"), 400, "hitsPerPage"},
		{"page negative", "/1/indexes/*/queries", q("page=-1"), 400, "page"},
		{"page too far", "/1/indexes/*/queries", q("page=5000&hitsPerPage=20"), 400, "page"},
		{"page huge", "/1/indexes/*/queries", q("page=99999999999999999999"), 400, "page"},
		{"maxValuesPerFacet zero", "/1/indexes/*/queries", q("maxValuesPerFacet=0"), 400, "maxValuesPerFacet"},
		{"unknown facet", "/1/indexes/*/queries", q(`facets=["organisation","couleur"]`), 400, "facets"},
		{"facets bad json", "/1/indexes/*/queries", q(`facets=["a"`), 400, "facets"},
		{"facet filter without colon", "/1/indexes/*/queries", q(`facetFilters=[["TIESS"]]`), 400, "facetFilters"},
		{"facet filter unknown attribute", "/1/indexes/*/queries", q(`facetFilters=[["couleur:rouge"]]`), 400, "facetFilters"},
		{"facet filter negation", "/1/indexes/*/queries", q(`facetFilters=[["organisations:-TIESS"]]`), 400, "facetFilters"},
		{"facet filter mixed or group", "/1/indexes/*/queries", q(`facetFilters=[["organisations:TIESS","type:note"]]`), 400, "facetFilters"},
		{"facet filter two groups on one field", "/1/indexes/*/queries", q(`facetFilters=["organisations:A","organisations:B"]`), 400, "facetFilters"},
		{"facet filter nested too deep", "/1/indexes/*/queries", q(`facetFilters=[[["type:note"]]]`), 400, "facetFilters"},
		{"facet filter empty value", "/1/indexes/*/queries", q(`facetFilters=[["type:"]]`), 400, "facetFilters"},
		{"filters", "/1/indexes/*/queries", q(`filters=type:note`), 400, "filters"},
		{"numericFilters", "/1/indexes/*/queries", q(`numericFilters=["year>2020"]`), 400, "numericFilters"},
		{"tagFilters", "/1/indexes/*/queries", q(`tagFilters=["a"]`), 400, "tagFilters"},
		{"tagFilters nested", "/1/indexes/*/queries", q(`tagFilters=[["a"]]`), 400, "tagFilters"},
		{"empty tagFilters", "/1/indexes/*/queries", q(`tagFilters=[[]]&filters=&numericFilters=[]`), 200, ""},
		{"tag too long", "/1/indexes/*/queries", q("highlightPreTag=" + strings.Repeat("x", 101)), 400, "highlightPreTag"},
		{"query too long", "/1/indexes/*/queries", q("query=" + strings.Repeat("mot ", 300)), 400, "query"},
		{"invalid utf-8", "/1/indexes/*/queries", q("query=%FF%FE"), 400, "query"},
		{"lone surrogate", "/1/indexes/notes/query", `{"query":"\ud800"}`, 400, "query"},
		{"lone surrogate in a word", "/1/indexes/*/queries", `{"requests":[{"indexName":"notes","query":"loge\udc00ment"}]}`, 400, "query"},
		{"too many requests", "/1/indexes/*/queries", many, 400, "requests"},
		{"bad strategy", "/1/indexes/*/queries", `{"requests":[],"strategy":"tout"}`, 400, "strategy"},
		{"misspelled field of the body", "/1/indexes/*/queries", `{"requests":[],"stratgy":"none"}`, 400, "stratgy"},
		{"bad type", "/1/indexes/*/queries", `{"requests":[{"indexName":"notes","type":"autre"}]}`, 400, "type"},
		{"facet type without facet", "/1/indexes/*/queries", `{"requests":[{"indexName":"notes","type":"facet"}]}`, 400, "facet"},
		{"unknown facet value search", "/1/indexes/notes/facets/couleur/query", `{"facetQuery":"r"}`, 400, "facet"},
		{"maxFacetHits too big", "/1/indexes/notes/facets/organisations/query", `{"maxFacetHits":1000}`, 400, "maxFacetHits"},
		{"unknown url parameter", "/1/indexes/*/queries?hitsPerPage=3", `{"requests":[]}`, 400, "hitsPerPage"},
		{"body too big", "/1/indexes/*/queries", `{"requests":[{"indexName":"notes","query":"` + strings.Repeat("a", 70<<10) + `"}]}`, 413, ""},
		{"null body", "/1/indexes/notes/query", `null`, 200, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, m, _ := compatPost(t, srv, c.path, "application/x-www-form-urlencoded", c.body)
			if status != c.status {
				t.Fatalf("status %d, want %d: %v", status, c.status, m)
			}
			if status == http.StatusOK {
				return
			}
			e, _ := m["error"].(map[string]any)
			msg, _ := m["message"].(string)
			if e == nil || msg == "" || e["message"] != msg || num(m["status"]) != status {
				t.Fatalf("error body %v", m)
			}
			if c.param != "" && e["param"] != c.param {
				t.Errorf("param %v, want %s (%s)", e["param"], c.param, msg)
			}
			if !frenchLooking(msg) {
				t.Errorf("message not French: %q", msg)
			}
		})
	}
	// Wrong methods are JSON 405s naming the allowed ones.
	resp, body := do(t, http.MethodGet, srv.URL+"/1/indexes/*/queries")
	if resp.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(resp.Header.Get("Allow"), "POST") || !json.Valid(body) {
		t.Errorf("GET: %d %s %s", resp.StatusCode, resp.Header.Get("Allow"), body)
	}
	// A malformed key is refused; a well-formed one (no keys yet) searches the public notes.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/1/indexes/*/queries", strings.NewReader(`{"requests":[]}`))
	req.Header.Set("X-Algolia-API-Key", "clé invalide")
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != http.StatusUnauthorized {
		t.Errorf("malformed key: %d", r2.StatusCode)
	}
}

// frenchLooking: the message uses French words (every message of the API is French).
func frenchLooking(s string) bool {
	for _, w := range []string{" le ", " la ", " les ", " de ", " des ", " un ", " une ", "doit", "inconnu", "trop", " est ", " au plus", "écrivez", "nommez", "pris en charge", "renvoyez"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// TestCompatCORS: the preflight and the answers let any origin search
// (anonymous, public notes only); the browser client's simple requests
// (form content type, key in the query string) need no preflight.
func TestCompatCORS(t *testing.T) {
	srv, _ := newTestServer(t)
	req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/1/indexes/*/queries", nil)
	req.Header.Set("Origin", "https://partenaire.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "x-algolia-api-key,x-algolia-application-id,content-type")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := resp.Header
	if resp.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") || !strings.Contains(strings.ToLower(h.Get("Access-Control-Allow-Headers")), "x-algolia-api-key") {
		t.Errorf("preflight: %d %v", resp.StatusCode, h)
	}
	// An anonymous browser request (no key: public notes only) from
	// another origin is answered with CORS.
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/1/indexes/*/queries?x-algolia-application-id=trouvaille&x-algolia-agent=Algolia%20for%20JavaScript", strings.NewReader(`{"requests":[{"indexName":"notes","params":"query=logement"}]}`))
	req.Header.Set("Origin", "https://partenaire.example")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("answer without CORS: %d %v", resp.StatusCode, resp.Header)
	}
	// A key that does not exist is refused, in French, before any search,
	// in the envelope Algolia's clients show (message, status).
	code, body, _ := compatPost(t, srv, "/1/indexes/*/queries?x-algolia-api-key=abc", "application/x-www-form-urlencoded", `{"requests":[{"indexName":"notes","params":"query=logement"}]}`)
	if code != http.StatusUnauthorized || body["status"] != float64(401) || !strings.Contains(fmt.Sprint(body["message"]), "clé") {
		t.Errorf("unknown key: %d %v, want 401 with message and status", code, body)
	}
}

// The compatible routes' refusals of access (anonymous access off, rate
// limit) carry Algolia's envelope too.
func TestCompatDenialsInAlgoliaEnvelope(t *testing.T) {
	_, eng := newTestServer(t)
	for _, tc := range []struct {
		name string
		cfg  Config
		code int
	}{
		{"anonymous off", Config{NoAnonymous: true}, http.StatusUnauthorized},
		{"rate limit", Config{AnonymousRatePerMinute: 1}, http.StatusTooManyRequests},
	} {
		srv := httptest.NewServer(New(eng, tc.cfg))
		var code int
		var body map[string]any
		for i := 0; i < 3; i++ {
			code, body, _ = compatPost(t, srv, "/1/indexes/*/queries", "application/json", `{"requests":[{"indexName":"notes","params":"query=logement"}]}`)
		}
		srv.Close()
		if code != tc.code || body["status"] != float64(tc.code) || body["message"] == nil || body["message"] == "" {
			t.Errorf("%s: %d %v, want %d with message and status", tc.name, code, body, tc.code)
		}
	}
}

// TestCompatNeverNonPublic: no community or private note of the demo corpus
// appears in hits, totals or facet counts of the compatibility endpoints,
// even when the query names it: every number equals /v1/search's, which
// only counts public notes, and no value found only in hidden notes shows.
func TestCompatNeverNonPublic(t *testing.T) {
	srv, eng := newTestServer(t)
	// Two hidden notes whose organisation and carnet no public note has.
	extra := `{"id": "zephyr-communaute", "title": "Zéphyr confidentiel du collectif", "organisations": ["Collectif Zéphyr confidentiel"], "carnets": [{"title": "Carnet Zéphyr secret"}], "visibility": "community", "community": "zephyr"}
{"id": "zephyr-prive", "title": "Zéphyr privé", "body": "financement logement", "organisations": ["Collectif Zéphyr confidentiel"], "visibility": "private"}
`
	if rep, err := (&trouvaille.Ingester{Engine: eng}).Ingest(strings.NewReader(extra), "extra.jsonl"); err != nil || rep.Rejected > 0 {
		t.Fatalf("extra notes: %v %v", err, rep)
	}
	type note struct {
		ID, Title, Visibility string
		Organisations         []string
	}
	hidden := map[string]note{}
	publicOrgs := map[string]bool{}
	sc := bufio.NewScanner(io.MultiReader(bytes.NewReader(trouvaille.DemoNotes), strings.NewReader(extra)))
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		var n note
		if err := json.Unmarshal(sc.Bytes(), &n); err != nil {
			t.Fatal(err)
		}
		if n.Visibility == "public" {
			for _, o := range n.Organisations {
				publicOrgs[o] = true
			}
		} else {
			hidden[n.ID] = n
		}
	}
	if len(hidden) < 5 {
		t.Fatalf("demo corpus has %d hidden notes", len(hidden))
	}
	hiddenOnlyOrgs := map[string]bool{}
	for _, n := range hidden {
		for _, o := range n.Organisations {
			if !publicOrgs[o] {
				hiddenOnlyOrgs[o] = true
			}
		}
	}
	checked := 0
	for _, n := range hidden {
		queries := []url.Values{
			{"query": {n.Title}, "hitsPerPage": {"100"}, "facets": {`["*"]`}, "maxValuesPerFacet": {"100"}},
			{"query": {n.ID}, "facets": {`["organisations"]`}},
		}
		for _, o := range n.Organisations {
			queries = append(queries, url.Values{"facetFilters": {`[["organisations:` + o + `"]]`}, "hitsPerPage": {"100"}, "facets": {`["organisations","type"]`}})
		}
		for _, params := range queries {
			res := compatRun(t, srv, params)
			checked++
			for _, id := range hitIDs(res) {
				if _, bad := hidden[id]; bad {
					t.Fatalf("%s note %s in the hits of %s", hidden[id].Visibility, id, params.Encode())
				}
			}
			// Totals and counts are /v1/search's (public notes only).
			// Same page size: when fewer notes than a page have every
			// word, the page is filled with notes that have most of them,
			// and the total counts those too.
			perPage := params.Get("hitsPerPage")
			if perPage == "" {
				perPage = "20"
			}
			v1 := "facets=authors,organisations,carnets,blocs,terms,type&facet_size=100&per_page=" + perPage + "&q=" + url.QueryEscape(params.Get("query"))
			if ff := params.Get("facetFilters"); ff != "" {
				var groups [][]string
				if err := json.Unmarshal([]byte(ff), &groups); err != nil {
					t.Fatal(err)
				}
				v1 += "&organisation=" + url.QueryEscape(strings.TrimPrefix(groups[0][0], "organisations:"))
			}
			want := v1Search(t, srv, v1)
			if num(res["nbHits"]) != int(want.Total) {
				t.Fatalf("%s: nbHits %v, public total %d", params.Encode(), res["nbHits"], want.Total)
			}
			for name, vals := range res["facets"].(map[string]any) {
				pub := map[string]int{}
				for _, fv := range want.Facets[name] {
					pub[fv.Value] = fv.Count
				}
				for v, cnt := range vals.(map[string]any) {
					if hiddenOnlyOrgs[v] || strings.Contains(v, "Zéphyr") {
						t.Fatalf("%s: value %q of hidden notes only in facet %s", params.Encode(), v, name)
					}
					if num(cnt) != pub[v] {
						t.Fatalf("%s: facet %s %q counts %v, public count %d", params.Encode(), name, v, cnt, pub[v])
					}
				}
			}
		}
	}
	// Facet value search never names an organisation of hidden notes only.
	for o := range hiddenOnlyOrgs {
		prefix := strings.Fields(o)[0]
		_, m, _ := compatPost(t, srv, "/1/indexes/notes/facets/organisations/query", "", `{"facetQuery":`+jsonString(prefix)+`,"maxFacetHits":100}`)
		for _, h := range m["facetHits"].([]any) {
			if h.(map[string]any)["value"] == o {
				t.Fatalf("facet value search shows %q, an organisation of hidden notes only", o)
			}
		}
	}
	if len(hiddenOnlyOrgs) == 0 {
		t.Fatal("no organisation of hidden notes only: the test would prove nothing")
	}
	t.Logf("%d queries over %d hidden notes (%d organisations of hidden notes only)", checked, len(hidden), len(hiddenOnlyOrgs))
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// FuzzCompatParams: whatever a client sends as one query (a params string
// and JSON fields), parsing never panics and every refusal is a request
// error (a 400 naming a parameter), never an internal error.
func FuzzCompatParams(f *testing.F) {
	for _, seed := range []struct{ params, fields string }{
		{"query=logement&hitsPerPage=5&page=1", `{}`},
		{`facets=["*"]&facetFilters=[["organisations:TIESS","organisations:CDC"],"type:note"]`, `{"maxValuesPerFacet": 10}`},
		{"highlightPreTag=__ais-highlight__&highlightPostTag=__/ais-highlight__&tagFilters=", `{"query": ["x"]}`},
		{"page=-1&hitsPerPage=1000", `{"facetFilters": [[["a:b"]]], "facets": 3}`},
		{"%zz", `{"type": "facet", "facet": "organisations", "facetQuery": "hab"}`},
		{"facetFilters=organisations:\\-x&filters=a", `{"page": 1e99}`},
	} {
		f.Add(seed.params, seed.fields)
	}
	f.Fuzz(func(t *testing.T, params, fields string) {
		raw := compatRawQuery{}
		dec := json.NewDecoder(strings.NewReader(fields))
		dec.UseNumber()
		if dec.Decode(&raw) != nil || raw == nil {
			raw = compatRawQuery{}
		}
		raw["indexName"] = "notes"
		raw["params"] = params
		q, err := parseCompat(raw, true)
		if err != nil {
			var re *trouvaille.RequestError
			if !errors.As(err, &re) || re.Param == "" || re.Message == "" {
				t.Fatalf("params %q fields %q: %v is not a request error naming a parameter", params, fields, err)
			}
			return
		}
		if q.req.PerPage < 1 || q.req.PerPage > 100 || q.req.Page < 1 || q.req.FacetSize < 1 || q.req.FacetSize > 100 {
			t.Fatalf("params %q fields %q: accepted out-of-bounds request %+v", params, fields, q.req)
		}
	})
}

// TestCompatCredentialNeverIgnored: a credential presented the way the other
// routes take it (Authorization: Bearer, key=) is decided on the
// compatibility endpoints too: a wrong one is refused, never taken for the
// anonymous view; an over-long one gets the same answer as on /v1/search.
func TestCompatCredentialNeverIgnored(t *testing.T) {
	srv, _ := newTestServer(t)
	body := `{"requests":[{"indexName":"notes","params":"query=logement"}]}`
	long := strings.Repeat("x", MaxCredentialLength+1)
	for _, tc := range []struct {
		name, path string
		hdr        map[string]string
		code       string
	}{
		{"bearer", "/1/indexes/*/queries", map[string]string{"Authorization": "Bearer n-importe-quoi"}, "invalid_key"},
		{"key parameter", "/1/indexes/*/queries?key=n-importe-quoi", nil, "invalid_key"},
		{"algolia header", "/1/indexes/*/queries", map[string]string{"x-algolia-api-key": "n-importe-quoi"}, "invalid_key"},
		{"too long", "/1/indexes/*/queries", map[string]string{"x-algolia-api-key": long}, "invalid_key"},
	} {
		resp, b := call(t, srv, "POST", tc.path, "", tc.hdr, body)
		if resp.StatusCode != http.StatusUnauthorized || errCode(b) != tc.code {
			t.Errorf("%s: %d %s, want 401 %s", tc.name, resp.StatusCode, clipBody(string(b)), tc.code)
		}
		if tc.name == "too long" {
			_, v1 := call(t, srv, "GET", "/v1/search?q=logement", long, nil, "")
			var a, b2 struct{ Error ErrorDetail }
			json.Unmarshal(b, &a)
			json.Unmarshal(v1, &b2)
			if a.Error.Message != b2.Error.Message {
				t.Errorf("too long: compat says %q, /v1/search %q", a.Error.Message, b2.Error.Message)
			}
		}
	}
}
