package index

import (
	"context"
	"reflect"
	"testing"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/schema"
)

func TestPublishedHistogram(t *testing.T) {
	ix, m := openTestIndex(t, testNotes)
	res, err := ix.Search(context.Background(), query.Request{Facets: []string{schema.PublishedFacet}}, m)
	if err != nil {
		t.Fatal(err)
	}
	want := []FacetValue{{"2024", 1}, {"2023", 1}, {"2022", 1}}
	if !reflect.DeepEqual(res.Facets[schema.PublishedFacet], want) {
		t.Errorf("years = %v, want %v", res.Facets[schema.PublishedFacet], want)
	}
	// A date range within one year: months of that year; the range itself
	// does not narrow the histogram (disjunctive).
	res, err = ix.Search(context.Background(), query.Request{Facets: []string{schema.PublishedFacet}, PublishedAfter: day("2024-05-01"), PublishedBefore: day("2024-06-01")}, m)
	if err != nil {
		t.Fatal(err)
	}
	if want := []FacetValue{{"2024-05", 1}}; !reflect.DeepEqual(res.Facets[schema.PublishedFacet], want) {
		t.Errorf("months = %v, want %v", res.Facets[schema.PublishedFacet], want)
	}
	// Other filters apply.
	res, _ = ix.Search(context.Background(), query.Request{Facets: []string{schema.PublishedFacet}, Filters: map[string][]string{"organisation": {"TIESS"}}}, m)
	if want := []FacetValue{{"2024", 1}, {"2022", 1}}; !reflect.DeepEqual(res.Facets[schema.PublishedFacet], want) {
		t.Errorf("filtered years = %v, want %v", res.Facets[schema.PublishedFacet], want)
	}
}
