package index

import (
	"sort"
	"strconv"
	"time"

	"github.com/encommun/trouvaille/query"
)

// The date histogram facet (schema.PublishedFacet): notes by year of publication,
// or by month ("2024-03") when the request's date range lies within one
// calendar year. Like the other facets it is disjunctive: its counts ignore
// the date range itself (so the other years stay visible) and respect every
// other filter. Years come newest first, months in calendar order; notes
// without a date are not counted.

// histogramMonths reports whether the request's date range lies within one
// calendar year, and which.
func histogramMonths(r query.Request) (int, bool) {
	if r.PublishedAfter == nil || r.PublishedBefore == nil || !r.PublishedAfter.Before(*r.PublishedBefore) {
		// No range, or an empty one (two bounds past the same end of the
		// dates' range).
		return 0, false
	}
	a := r.PublishedAfter.UTC()
	b := r.PublishedBefore.UTC().Add(-time.Nanosecond) // before is exclusive
	if a.Year() != b.Year() {
		return 0, false
	}
	return a.Year(), true
}

// histogramValues renders histogram counts (execute counts them in its
// single pass): years newest first, or the months of one year in order.
func histogramValues(counts map[int]uint32, months bool, year int) []FacetValue {
	keys := make([]int, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	out := make([]FacetValue, 0, len(keys))
	if months {
		sort.Ints(keys)
		for _, m := range keys {
			out = append(out, FacetValue{Value: time.Date(year, time.Month(m), 1, 0, 0, 0, 0, time.UTC).Format("2006-01"), Count: int(counts[m])})
		}
		return out
	}
	sort.Sort(sort.Reverse(sort.IntSlice(keys)))
	for _, y := range keys {
		out = append(out, FacetValue{Value: strconv.Itoa(y), Count: int(counts[y])})
	}
	return out
}
