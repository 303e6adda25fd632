package api

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/golang-jwt/jwt/v5"
)

// The no-leak property: over generated notes (every visibility, community
// and readers), generated callers (anonymous, admin, keys of every level and
// scope, tokens naming communities, users and filters) and generated
// requests, no caller ever meets a note it may not see — in hits, totals,
// facet counts, suggestions, "did you mean" totals, related notes,
// /v1/notes/{id} or a note's links. The oracle below is written apart from
// the engine's Scope, from the rules of the access model.

var (
	leakCommunities = []string{"c0", "c1", "c2"}
	leakUsers       = []string{"u0", "u1", "u2"}
	leakCarnets     = []string{"K0", "K1", "K2", "K3"}
	leakOrgs        = []string{"O0", "O1", "O2", "O3"}
	leakTerms       = []string{"T0", "T1", "T2"}
	leakWords       = []string{"potager", "compost", "semences", "arrosage", "verger"}
)

func pick[T any](r *rand.Rand, from []T, max int) []T {
	n := r.IntN(max + 1)
	var out []T
	for _, i := range r.Perm(len(from))[:min(n, len(from))] {
		out = append(out, from[i])
	}
	return out
}

func leakCorpus(r *rand.Rand, n int) []*trouvaille.Note {
	var notes []*trouvaille.Note
	for i := range n {
		id := fmt.Sprintf("n%02d", i)
		note := &trouvaille.Note{ID: id, Type: "note",
			Title:         fmt.Sprintf("Jardin %s %s", leakWords[r.IntN(len(leakWords))], id),
			Summary:       strings.Join(pick(r, leakWords, 3), " "),
			Organisations: pick(r, leakOrgs, 2), Terms: pick(r, leakTerms, 2), Authors: pick(r, []string{"A0", "A1", "A2"}, 1)}
		for _, c := range pick(r, leakCarnets, 2) {
			note.Carnets = append(note.Carnets, trouvaille.Carnet{Title: c})
		}
		switch v := r.IntN(10); {
		case v < 4:
			note.Visibility = "public"
		case v < 7:
			note.Visibility = "community"
		default:
			note.Visibility = "private"
			note.Readers = pick(r, leakUsers, 2)
		}
		if note.Visibility == "community" || r.IntN(2) == 0 {
			note.Community = leakCommunities[r.IntN(len(leakCommunities))]
		}
		notes = append(notes, note)
	}
	for _, note := range notes {
		for _, l := range pick(r, notes, 3) {
			if l.ID != note.ID {
				note.Links = append(note.Links, l.ID)
			}
		}
	}
	return notes
}

// leakCaller is a caller and the oracle of what it may see.
type leakCaller struct {
	name    string
	cred    string
	admin   bool
	level   int // 0 public, 1 community, 2 private
	comms   []string
	user    string
	filters []map[string][]string
}

func oracleValues(n *trouvaille.Note, field string) []string {
	switch field {
	case "carnet":
		return n.CarnetTitles()
	case "organisation":
		return n.Organisations
	case "term":
		return n.Terms
	}
	panic("oracle: unknown field " + field)
}

func passesAll(n *trouvaille.Note, sets []map[string][]string) bool {
	for _, set := range sets {
		for f, want := range set {
			ok := false
			for _, v := range oracleValues(n, f) {
				ok = ok || slices.Contains(want, v)
			}
			if !ok {
				return false
			}
		}
	}
	return true
}

func (c leakCaller) sees(n *trouvaille.Note) bool {
	if n == nil {
		return false
	}
	if !c.admin {
		switch n.Visibility {
		case "public":
		case "community":
			if c.level < 1 || n.Community == "" || !slices.Contains(c.comms, n.Community) {
				return false
			}
		case "private":
			if c.level < 2 || c.user == "" || !slices.Contains(n.Readers, c.user) {
				return false
			}
		default:
			return false
		}
	}
	return passesAll(n, c.filters)
}

func TestNoLeakProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 2026))
	notes := leakCorpus(r, 70)
	byID := map[string]*trouvaille.Note{}
	for _, n := range notes {
		byID[n.ID] = n
	}
	srv, _, clk := newAccessServer(t, notes, Config{})
	exp := clk.Now().Add(time.Hour).Unix()

	callers := []leakCaller{{name: "anonyme"}, {name: "admin", cred: accessAdmin, admin: true, level: 2}}
	type keyInfo struct {
		k     CreatedKey
		level int
		f     map[string][]string
	}
	var keys []keyInfo
	for level, vis := range []string{"public", "community", "private"} {
		for _, f := range []map[string][]string{nil, {"carnet": {"K0"}}, {"organisation": {"O1", "O2"}}} {
			body, _ := json.Marshal(map[string]any{"name": fmt.Sprintf("%s %v", vis, f), "visibility": vis, "filters": f})
			k := createKey(t, srv, string(body))
			keys = append(keys, keyInfo{k, level, f})
			var fs []map[string][]string
			if f != nil {
				fs = append(fs, f)
			}
			callers = append(callers, leakCaller{name: "clé " + k.Name, cred: k.Key, level: level, filters: fs})
		}
	}
	for i := range 40 {
		ki := keys[r.IntN(len(keys))]
		claims := jwt.MapClaims{"exp": exp}
		c := leakCaller{name: fmt.Sprintf("jeton %d (%s)", i, ki.k.Name), level: ki.level}
		if ki.f != nil {
			c.filters = append(c.filters, ki.f)
		}
		if comms := pick(r, leakCommunities, 3); len(comms) > 0 {
			claims["communities"] = comms
			if ki.level >= 1 {
				c.comms = comms
			}
		}
		if r.IntN(3) > 0 {
			u := leakUsers[r.IntN(len(leakUsers))]
			claims["user"] = u
			if ki.level >= 2 {
				c.user = u
			}
		}
		switch r.IntN(4) {
		case 1:
			f := map[string][]string{"carnet": pick(r, leakCarnets, 2)}
			if len(f["carnet"]) > 0 {
				claims["filters"] = f
				c.filters = append(c.filters, f)
			}
		case 2:
			f := map[string][]string{"term": {leakTerms[r.IntN(len(leakTerms))]}}
			claims["filters"] = f
			c.filters = append(c.filters, f)
		}
		if i%4 == 3 {
			// A reader of many communities: a token far over 512 bytes, which
			// every route (the InstantSearch.js ones too) must take.
			comms, _ := claims["communities"].([]string)
			for j := range 30 {
				comms = append(comms, fmt.Sprintf("communauté-sans-notes-%02d", j))
			}
			claims["communities"] = comms
		}
		c.cred = sign(t, ki.k.ID, ki.k.Key, jwt.SigningMethodHS256, claims)
		callers = append(callers, c)
	}

	for _, c := range callers {
		visible := map[string]bool{}
		for _, n := range notes {
			if c.sees(n) {
				visible[n.ID] = true
			}
		}
		get := func(path string) []byte {
			t.Helper()
			resp, b := call(t, srv, "GET", path, c.cred, nil, "")
			if resp.StatusCode != 200 {
				t.Fatalf("%s: GET %s: %d %s", c.name, path, resp.StatusCode, b)
			}
			return b
		}
		for range 4 {
			// Browsing with an optional request filter: the exact set, the
			// exact total, the exact (disjunctive) facet counts.
			var reqF []map[string][]string
			path := "/v1/search?per_page=100&facets=organisations,carnets,terms,type"
			byTitle := r.IntN(2) == 0
			if byTitle {
				path += "&sort=title" // the page is read through Bleve's filter (index.ScopeQuery)
			}
			switch r.IntN(3) {
			case 1:
				v := leakCarnets[r.IntN(len(leakCarnets))]
				path += "&carnet=" + v
				reqF = append(reqF, map[string][]string{"carnet": {v}})
			case 2:
				v := leakOrgs[r.IntN(len(leakOrgs))]
				path += "&organisation=" + v
				reqF = append(reqF, map[string][]string{"organisation": {v}})
			}
			var res struct {
				Total  int
				Hits   []struct{ ID string }
				Facets map[string][]struct {
					Value string
					Count int
				}
			}
			json.Unmarshal(get(path), &res)
			var want []string
			for _, n := range notes {
				if visible[n.ID] && passesAll(n, reqF) {
					want = append(want, n.ID)
				}
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			slices.Sort(got)
			if res.Total != len(want) || !slices.Equal(got, want) {
				t.Fatalf("%s: %s: total %d hits %v, want %v", c.name, path, res.Total, got, want)
			}
			if byTitle {
				// A short page sorted by title: the first visible notes, in order.
				slices.SortFunc(want, func(a, b string) int {
					return strings.Compare(strings.ToLower(byID[a].Title), strings.ToLower(byID[b].Title))
				})
				var page struct{ Hits []struct{ ID string } }
				json.Unmarshal(get(strings.Replace(path, "per_page=100", "per_page=5", 1)), &page)
				var ids []string
				for _, h := range page.Hits {
					ids = append(ids, h.ID)
				}
				if !slices.Equal(ids, want[:min(5, len(want))]) {
					t.Fatalf("%s: %s per_page=5: %v, want %v", c.name, path, ids, want[:min(5, len(want))])
				}
			}
			for facet, field := range map[string]string{"organisations": "organisation", "carnets": "carnet", "terms": "term"} {
				for _, fv := range res.Facets[facet] {
					// Disjunctive: the facet's own request filter is ignored.
					var others []map[string][]string
					for _, f := range reqF {
						if _, own := f[field]; !own {
							others = append(others, f)
						}
					}
					n := 0
					for _, note := range notes {
						if visible[note.ID] && passesAll(note, others) && slices.Contains(oracleValues(note, field), fv.Value) {
							n++
						}
					}
					if fv.Count != n {
						t.Fatalf("%s: %s: facet %s %s counts %d, want %d", c.name, path, facet, fv.Value, fv.Count, n)
					}
				}
			}

			// A text query: every hit visible, the total no more than the hits
			// (one page holds them all), the type facet summing to the total.
			q := leakWords[r.IntN(len(leakWords))]
			if r.IntN(3) == 0 {
				q += " " + leakWords[r.IntN(len(leakWords))][:3] // a prefix
			}
			var tr struct {
				Total      int
				Hits       []struct{ ID string }
				Suggestion *struct{ Total int }
				Facets     map[string][]struct{ Count int }
			}
			json.Unmarshal(get("/v1/search?per_page=100&q="+url.QueryEscape(q)), &tr)
			if tr.Total != len(tr.Hits) {
				t.Fatalf("%s: q=%s: total %d for %d hits", c.name, q, tr.Total, len(tr.Hits))
			}
			sum := 0
			for _, fv := range tr.Facets["type"] {
				sum += fv.Count
			}
			if sum != tr.Total {
				t.Fatalf("%s: q=%s: type facet sums to %d, total %d", c.name, q, sum, tr.Total)
			}
			for _, h := range tr.Hits {
				if !visible[h.ID] {
					t.Fatalf("%s: q=%s: hit %s (%s) not visible", c.name, q, h.ID, byID[h.ID].Visibility)
				}
			}
			// "Did you mean": a typo; its total counts visible notes only.
			var sr struct{ Suggestion *struct{ Total int } }
			typo := leakWords[r.IntN(len(leakWords))]
			typo = typo[:len(typo)-2] + "xe"
			json.Unmarshal(get("/v1/search?per_page=1&q="+typo), &sr)
			if sr.Suggestion != nil && sr.Suggestion.Total > len(visible) {
				t.Fatalf("%s: suggestion for %s counts %d, %d visible", c.name, typo, sr.Suggestion.Total, len(visible))
			}

			// Autocomplete: titles of visible notes only; values held by
			// visible notes, counted no more than they are.
			var sg struct {
				Groups []struct {
					Kind  string
					Items []struct {
						Value, ID string
						Count     int
					}
				}
			}
			for _, pq := range []string{"jard", q[:3], "o", "k", "t", "a"} {
				json.Unmarshal(get("/v1/suggest?limit=20&q="+url.QueryEscape(pq)), &sg)
				for _, g := range sg.Groups {
					for _, it := range g.Items {
						if g.Kind == "titles" {
							if !visible[it.ID] {
								t.Fatalf("%s: suggest %q: title of %s (%s)", c.name, pq, it.ID, byID[it.ID].Visibility)
							}
							continue
						}
						n := 0
						for _, note := range notes {
							if !visible[note.ID] {
								continue
							}
							vals := map[string][]string{"terms": note.Terms, "organisations": note.Organisations, "authors": note.Authors, "carnets": note.CarnetTitles()}[g.Kind]
							if slices.Contains(vals, it.Value) {
								n++
							}
						}
						if n == 0 || it.Count > n {
							t.Fatalf("%s: suggest %q: %s %s counts %d, %d visible notes have it", c.name, pq, g.Kind, it.Value, it.Count, n)
						}
					}
				}
			}

			// Facet value search under a query every note matches.
			var fr struct {
				Values []struct {
					Value string
					Count int
				}
			}
			json.Unmarshal(get("/v1/facets/organisations?limit=100&query=jardin"), &fr)
			for _, fv := range fr.Values {
				n := 0
				for _, note := range notes {
					if visible[note.ID] && slices.Contains(note.Organisations, fv.Value) {
						n++
					}
				}
				if fv.Count != n {
					t.Fatalf("%s: /v1/facets/organisations: %s counts %d, want %d", c.name, fv.Value, fv.Count, n)
				}
			}

			// The InstantSearch.js endpoints, the credential in
			// x-algolia-api-key (or its query parameter): the same notes,
			// totals and facet counts as /v1/search for the same caller.
			compatSameAsV1(t, srv, c, q, tr.Total, tr.Hits, reqF, res.Total, res.Facets)

			// Single notes, their links and related notes.
			for range 3 {
				n := notes[r.IntN(len(notes))]
				resp, b := call(t, srv, "GET", "/v1/notes/"+n.ID, c.cred, nil, "")
				if !visible[n.ID] {
					if resp.StatusCode != 404 {
						t.Fatalf("%s: note %s (%s) answers %d", c.name, n.ID, n.Visibility, resp.StatusCode)
					}
					if resp, _ := call(t, srv, "GET", "/v1/notes/"+n.ID+"/related", c.cred, nil, ""); resp.StatusCode != 404 {
						t.Fatalf("%s: related of hidden %s answers %d", c.name, n.ID, resp.StatusCode)
					}
					continue
				}
				var got trouvaille.Note
				json.Unmarshal(b, &got)
				for _, l := range got.Links {
					if !visible[l] {
						t.Fatalf("%s: note %s links to hidden %s", c.name, n.ID, l)
					}
				}
				if !c.admin && strings.Contains(string(b), `"readers"`) {
					t.Fatalf("%s: note %s shows its readers", c.name, n.ID)
				}
				var rel struct{ Related []struct{ ID string } }
				json.Unmarshal(get("/v1/notes/"+n.ID+"/related?limit=50"), &rel)
				for _, h := range rel.Related {
					if !visible[h.ID] {
						t.Fatalf("%s: related of %s names hidden %s (%s)", c.name, n.ID, h.ID, byID[h.ID].Visibility)
					}
				}
			}
		}
	}
}

// compatSameAsV1 checks the InstantSearch.js endpoints against /v1/search's
// answers for the same caller: the text query q (total, hits in order) and
// the browse with the request filters reqF (total, facet counts); and that
// facet-value search counts what the caller sees.
func compatSameAsV1[H any, F any](t *testing.T, srv *httptest.Server, c leakCaller, q string, qTotal int, qHits []H, reqF []map[string][]string, bTotal int, bFacets map[string][]F) {
	t.Helper()
	post := func(path string, body map[string]any) []byte {
		t.Helper()
		b, _ := json.Marshal(body)
		// Every way of presenting the credential: Algolia's header, the
		// address (the browser clients), the other routes' two ways.
		var hdr map[string]string
		bearer := ""
		mode := len(c.cred) % 4
		if c.admin && (mode == 1 || mode == 3) {
			mode = 2 // the admin token never in the address (TestAdminTokenNotInURL)
		}
		switch mode {
		case 0:
			hdr = map[string]string{"x-algolia-api-key": c.cred}
		case 1:
			path += "?x-algolia-api-key=" + url.QueryEscape(c.cred)
		case 2:
			bearer = c.cred
		default:
			path += "?key=" + url.QueryEscape(c.cred)
		}
		resp, out := call(t, srv, "POST", path, bearer, hdr, string(b))
		if resp.StatusCode != 200 {
			t.Fatalf("%s: POST %s (key of %d bytes): %d %s", c.name, path, len(c.cred), resp.StatusCode, out)
		}
		return out
	}
	type compatRes struct {
		NbHits int
		Hits   []struct{ ObjectID string }
		Facets map[string]map[string]int
	}
	var cr compatRes
	json.Unmarshal(post("/1/indexes/notes/query", map[string]any{"query": q, "hitsPerPage": 100}), &cr)
	want := idsOf(t, qHits)
	var got []string
	for _, h := range cr.Hits {
		got = append(got, h.ObjectID)
	}
	if cr.NbHits != qTotal || !slices.Equal(got, want) {
		t.Fatalf("%s: compat query %q: %d hits %v, /v1/search %d %v", c.name, q, cr.NbHits, got, qTotal, want)
	}

	names := map[string]string{"carnet": "carnets", "organisation": "organisations", "term": "terms"}
	var facetFilters [][]string
	for _, f := range reqF {
		for field, vals := range f {
			var or []string
			for _, v := range vals {
				or = append(or, names[field]+":"+v)
			}
			facetFilters = append(facetFilters, or)
		}
	}
	body := map[string]any{"query": "", "hitsPerPage": 1, "facets": []string{"organisations", "carnets", "terms", "type"}, "maxValuesPerFacet": 100}
	if facetFilters != nil {
		body["facetFilters"] = facetFilters
	}
	var multi struct{ Results []compatRes }
	req := map[string]any{"indexName": "notes"}
	for k, v := range body {
		req[k] = v
	}
	json.Unmarshal(post("/1/indexes/*/queries", map[string]any{"requests": []any{req}}), &multi)
	if len(multi.Results) != 1 {
		t.Fatalf("%s: compat browse: %d results", c.name, len(multi.Results))
	}
	br := multi.Results[0]
	if br.NbHits != bTotal {
		t.Fatalf("%s: compat browse %v: %d hits, /v1/search %d", c.name, facetFilters, br.NbHits, bTotal)
	}
	v1Counts := map[string]map[string]int{}
	raw, _ := json.Marshal(bFacets)
	var fs map[string][]struct {
		Value string
		Count int
	}
	json.Unmarshal(raw, &fs)
	for facet, vals := range fs {
		v1Counts[facet] = map[string]int{}
		for _, v := range vals {
			v1Counts[facet][v.Value] = v.Count
		}
	}
	for _, facet := range []string{"organisations", "carnets", "terms"} {
		if !maps.Equal(br.Facets[facet], v1Counts[facet]) && (len(br.Facets[facet]) > 0 || len(v1Counts[facet]) > 0) {
			t.Fatalf("%s: compat browse %v: facet %s %v, /v1/search %v", c.name, facetFilters, facet, br.Facets[facet], v1Counts[facet])
		}
	}

	var fh struct {
		FacetHits []struct {
			Value string
			Count int
		}
	}
	json.Unmarshal(post("/1/indexes/notes/facets/organisations/query", map[string]any{"facetQuery": "o", "maxFacetHits": 100}), &fh)
	for _, v := range fh.FacetHits {
		if n := v1Counts["organisations"][v.Value]; v.Count != n && len(reqF) == 0 {
			t.Fatalf("%s: compat facet search: %s counts %d, /v1/search %d", c.name, v.Value, v.Count, n)
		}
		if v1Counts["organisations"][v.Value] == 0 && len(reqF) == 0 {
			t.Fatalf("%s: compat facet search names %s, which no visible note has", c.name, v.Value)
		}
	}
}

// idsOf reads the "ID" field of /v1/search hits decoded into any struct.
func idsOf[H any](t *testing.T, hits []H) []string {
	t.Helper()
	raw, _ := json.Marshal(hits)
	var hs []struct{ ID string }
	if err := json.Unmarshal(raw, &hs); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range hs {
		ids = append(ids, h.ID)
	}
	return ids
}
