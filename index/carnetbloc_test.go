package index

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// TestBlocsOfTheChosenCarnet: a note in two carnets has one bloc in each.
// A bloc filter beside a carnet filter found the notes holding the bloc in
// any of their carnets (« carnet A, bloc 3 » found the note whose bloc 3 is
// in carnet B), and the blocs facet under a chosen carnet listed the blocs
// its notes have in their other carnets. Both now read each bloc with its
// carnet, through every path: browsing (columns), words (bitmaps), the
// title sort (Bleve's query), a key's scope, and the facet's full list.
func TestBlocsOfTheChosenCarnet(t *testing.T) {
	note := carnetNote
	ix, m := openTestIndex(t, []*store.Note{
		note("n1", store.Carnet{Title: "A", Bloc: "Bloc 1"}, store.Carnet{Title: "B", Bloc: "Bloc 3"}),
		note("n2", store.Carnet{Title: "A", Bloc: "Bloc 3"}),
		note("n3", store.Carnet{Title: "B", Bloc: "Bloc 3"}),
		note("n4", store.Carnet{Title: "A"}),
		note("n5", store.Carnet{Title: "C", Bloc: "Bloc 1"}, store.Carnet{Title: "B", Bloc: "Bloc 1"}),
	})
	facet := func(res *Result, name string) string { return facetText(res.Facets[name]) }
	for _, tc := range []struct {
		name    string
		filters map[string][]string
		ids     string // the notes found, sorted
		blocs   string // the blocs facet, sorted
	}{
		{"a carnet", map[string][]string{"carnet": {"A"}}, "n1 n2 n4", "Bloc 1:1 Bloc 3:1"},
		{"a carnet and a bloc of another carnet of its notes", map[string][]string{"carnet": {"A"}, "bloc": {"Bloc 3"}}, "n2", "Bloc 1:1 Bloc 3:1"},
		{"a carnet and its bloc", map[string][]string{"carnet": {"A"}, "bloc": {"Bloc 1"}}, "n1", "Bloc 1:1 Bloc 3:1"},
		{"two carnets and a bloc", map[string][]string{"carnet": {"A", "C"}, "bloc": {"Bloc 1"}}, "n1 n5", "Bloc 1:2 Bloc 3:1"},
		{"a bloc in any carnet", map[string][]string{"bloc": {"Bloc 3"}}, "n1 n2 n3", "Bloc 1:2 Bloc 3:3"},
		{"a carnet whose notes have no bloc there", map[string][]string{"carnet": {"C"}, "bloc": {"Bloc 3"}}, "", "Bloc 1:1"},
	} {
		for _, q := range []string{"", "jardin "} {
			r := query.Request{Q: q, Filters: tc.filters, Facets: []string{"blocs"}, PerPage: 10}
			ids, res := sortedHits(t, ix, m, r)
			if got := strings.Join(ids, " "); got != tc.ids || res.Total != uint64(len(ids)) {
				t.Errorf("%s, q=%q: %q (total %d), want %q", tc.name, q, got, res.Total, tc.ids)
			}
			if got := facet(res, "blocs"); got != tc.blocs {
				t.Errorf("%s, q=%q: blocs %q, want %q", tc.name, q, got, tc.blocs)
			}
			r.Sort = "title"
			ids, _ = sortedHits(t, ix, m, r)
			if got := strings.Join(ids, " "); got != tc.ids {
				t.Errorf("%s, q=%q, by title: %q, want %q", tc.name, q, got, tc.ids)
			}
			// A key held to the same filters.
			r = query.Request{Q: q, PerPage: 10, Scope: query.Scope{Filters: []map[string][]string{tc.filters}}}
			ids, _ = sortedHits(t, ix, m, r)
			if got := strings.Join(ids, " "); got != tc.ids {
				t.Errorf("%s, q=%q, as a key's scope: %q, want %q", tc.name, q, got, tc.ids)
			}
			// The facet's full list (/v1/facets/blocs).
			all, err := ix.FacetCounts(context.Background(), "blocs", query.Request{Q: q, Filters: tc.filters}, m)
			if err != nil {
				t.Fatal(err)
			}
			if got := facetText(all); got != tc.blocs {
				t.Errorf("%s, q=%q: FacetCounts blocs %q, want %q", tc.name, q, got, tc.blocs)
			}
		}
	}
}

// The blocs facet of a key held to a carnet counts the blocs of that carnet
// only (it listed those its notes have in their other carnets).
func TestBlocsFacetOfAKeysCarnet(t *testing.T) {
	note := carnetNote
	ix, m := openTestIndex(t, []*store.Note{
		note("n1", store.Carnet{Title: "A", Bloc: "Bloc 1"}, store.Carnet{Title: "B", Bloc: "Bloc 3"}),
		note("n2", store.Carnet{Title: "A", Bloc: "Bloc 3"}),
		note("n3", store.Carnet{Title: "B", Bloc: "Bloc 2"}),
	})
	for _, tc := range []struct {
		name  string
		scope []map[string][]string
		req   map[string][]string
		want  string
	}{
		{"a key held to A", []map[string][]string{{"carnet": {"A"}}}, nil, "Bloc 1:1 Bloc 3:1"},
		{"a key held to A and B, the request to B", []map[string][]string{{"carnet": {"A", "B"}}}, map[string][]string{"carnet": {"B"}}, "Bloc 2:1 Bloc 3:1"},
		{"no carnet anywhere", nil, nil, "Bloc 1:1 Bloc 2:1 Bloc 3:2"},
	} {
		r := query.Request{Filters: tc.req, Facets: []string{"blocs"}, Scope: query.Scope{Filters: tc.scope}}
		res, err := ix.Search(context.Background(), r, m)
		if err != nil {
			t.Fatal(err)
		}
		if got := facetText(res.Facets["blocs"]); got != tc.want {
			t.Errorf("%s: blocs %q, want %q", tc.name, got, tc.want)
		}
	}
}

// carnetNote is a public note in carnets.
func carnetNote(id string, carnets ...store.Carnet) *store.Note {
	return &store.Note{ID: id, Type: "note", Title: "Jardin " + id, Visibility: "public", Carnets: carnets}
}

// facetText writes a facet's values as « value:count », sorted.
func facetText(vals []FacetValue) string {
	var out []string
	for _, fv := range vals {
		out = append(out, fmt.Sprintf("%s:%d", fv.Value, fv.Count))
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// Many carnets and blocs in one filter set (a key may hold a thousand
// values): the pairs asked for are those the index holds, not every
// product, and the answers are the same as with few.
func TestManyCarnetsAndBlocs(t *testing.T) {
	ix, m := openTestIndex(t, []*store.Note{
		carnetNote("n1", store.Carnet{Title: "A", Bloc: "Bloc 1"}, store.Carnet{Title: "B", Bloc: "Bloc 3"}),
		carnetNote("n2", store.Carnet{Title: "A", Bloc: "Bloc 3"}),
	})
	carnets, blocs := []string{"A"}, []string{"Bloc 3"}
	for i := range 60 {
		carnets = append(carnets, fmt.Sprintf("Carnet %d", i))
		blocs = append(blocs, fmt.Sprintf("Bloc %d", 100+i))
	}
	if n := len(carnets) * len(blocs); n <= maxCarnetBlocPairs {
		t.Fatalf("%d pairs: the test needs more than %d", n, maxCarnetBlocPairs)
	}
	if got := ix.carnetBlocPairs(carnets, blocs); len(got) != 1 {
		t.Errorf("pairs asked for: %q, want the one the index holds", got)
	}
	set := map[string][]string{"carnet": carnets, "bloc": blocs}
	for _, r := range []query.Request{
		{Filters: set, PerPage: 10},
		{Filters: set, PerPage: 10, Sort: "title"},
		{PerPage: 10, Scope: query.Scope{Filters: []map[string][]string{set}}},
		{PerPage: 10, Sort: "title", Scope: query.Scope{Filters: []map[string][]string{set}}},
	} {
		ids, _ := sortedHits(t, ix, m, r)
		if got := strings.Join(ids, " "); got != "n2" {
			t.Errorf("%+v: %q, want n2", r, got)
		}
	}
}
