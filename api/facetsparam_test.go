package api

import (
	"encoding/json"
	"testing"
)

// TestEmptyFacetsIsTheDefault: « facets= » (or only commas and spaces)
// names no facet, and gets the default, every facet, as an empty sort or
// page gets theirs; it silently gave none, as « none » does.
func TestEmptyFacetsIsTheDefault(t *testing.T) {
	srv, _ := newTestServer(t)
	facets := func(params string) []string {
		t.Helper()
		code, b := get(t, srv.URL+"/v1/search?q=logement&per_page=1"+params)
		if code != 200 {
			t.Fatalf("%s: %d %s", params, code, b)
		}
		var r struct{ Facets map[string]json.RawMessage }
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		var names []string
		for k := range r.Facets {
			names = append(names, k)
		}
		return names
	}
	all := len(facets(""))
	if all < 6 {
		t.Fatalf("default: %d facets", all)
	}
	for _, p := range []string{"&facets=", "&facets=,", "&facets=%20", "&facets=&facets="} {
		if n := len(facets(p)); n != all {
			t.Errorf("%s: %d facets, want the default %d", p, n, all)
		}
	}
	if n := len(facets("&facets=none")); n != 0 {
		t.Errorf("facets=none: %d facets", n)
	}
	if n := len(facets("&facets=carnets,")); n != 1 {
		t.Errorf("facets=carnets,: %d facets", n)
	}
}
