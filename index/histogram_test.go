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

// The choice of months reads the range asked, not the range clamped to the
// dates notes can take (a range from 2200 to 2300 is not « within 2200 »).
func TestHistogramMonthsReadsTheBoundsYears(t *testing.T) {
	for _, tc := range []struct {
		after, before string
		year          int
		months        bool
	}{
		{"2024-05-01", "2024-06-01", 2024, true},
		{"2024-01-01", "2025-01-01", 2024, true}, // the end is exclusive
		{"2024-01-01", "2025-01-02", 0, false},
		{"2200-12-31", "2300-01-01", 0, false},
		{"1700-01-01", "1800-06-01", 0, false},
		{"2250-01-01", "2300-01-01", 0, false},
	} {
		r := query.Request{PublishedAfter: day(tc.after), PublishedBefore: day(tc.before)}
		if err := r.Normalize(); err != nil {
			t.Fatalf("%s – %s: %v", tc.after, tc.before, err)
		}
		year, months := histogramMonths(r)
		if year != tc.year || months != tc.months {
			t.Errorf("%s – %s: months %v of %d, want %v of %d", tc.after, tc.before, months, year, tc.months, tc.year)
		}
	}
}
