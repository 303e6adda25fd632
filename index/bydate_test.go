package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/encommun/trouvaille/query"
)

func TestNthSmallest(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 3, 10, 100, 5000} {
		for _, spread := range []int64{1, 3, 1 << 40} {
			xs := make([]int64, n)
			for i := range xs {
				xs[i] = rng.Int64N(spread) - spread/2
			}
			sorted := slices.Clone(xs)
			slices.Sort(sorted)
			for _, k := range []int{0, n / 3, n / 2, n - 1} {
				if got := nthSmallest(slices.Clone(xs), k); got != sorted[k] {
					t.Fatalf("n=%d spread=%d k=%d: %d, want %d", n, spread, k, got, sorted[k])
				}
			}
		}
	}
}

// Pages by date, and browsing (no query text) on bitmaps, give what ranking
// every note gives (perNote, and note by note through the columns for
// browsing): same notes in the same order, same total, facets and
// histogram, for pages cut anywhere, anonymous and administrator, with and
// without filters.
func TestByDateMatchesEveryNote(t *testing.T) {
	ix, notes := openDemoIndex(t)
	qs := append([]string{""}, allBucketQueries()...)
	// Two organisations among the most frequent, for a second filter.
	all, err := ix.Search(context.Background(), query.Request{PerPage: 1, FacetSize: 2}, notes)
	if err != nil {
		t.Fatal(err)
	}
	var orgs []string
	for _, v := range all.Facets["organisations"] {
		orgs = append(orgs, v.Value)
	}
	if len(orgs) < 2 {
		t.Fatalf("organisations facet: %v", all.Facets["organisations"])
	}
	after := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	checked := 0
	for _, q := range qs {
		for _, order := range []string{"-published_at", "published_at", "relevance"} {
			if order == "relevance" && q != "" {
				continue // relevance with words: TestBucketSortMatchesRankingEveryNote
			}
			for _, admin := range []bool{false, true} {
				for _, filtered := range []int{0, 1, 2} {
					for _, keep := range []int{1, 3, 7, 20, 60} {
						r := query.Request{Q: q, PerPage: keep, Sort: order}
						if admin {
							r.Scope = query.Scope{Admin: true}
						}
						switch filtered {
						case 1:
							r.Filters = map[string][]string{"type": {"note", "terme"}}
						case 2: // three filters, one a date range
							r.Filters = map[string][]string{"type": {"note", "terme"}, "organisation": orgs}
							r.PublishedAfter = &after
						}
						if err := r.Normalize(); err != nil {
							t.Fatal(err)
						}
						plan := planFor(t, ix, notes, r)
						run := func(oracle bool) *execResult {
							return executePlan(t, ix, r, plan, func(ep *execPlan) {
								ep.plan, ep.fill, ep.keep = plan, keep, keep
								ep.perNote, ep.visitAll = oracle, oracle
							})
						}
						want, got := run(true), run(false)
						name := fmt.Sprintf("%q %s admin=%v filtered=%d keep=%d", q, order, admin, filtered, keep)
						if want.total != got.total || !reflect.DeepEqual(want.counts, got.counts) || !reflect.DeepEqual(want.hist, got.hist) {
							t.Errorf("%s: total %d, want %d; or facets, histogram differ", name, got.total, want.total)
						}
						var w, g []uint64
						for _, h := range want.hits {
							w = append(w, h.global)
						}
						for _, h := range got.hits {
							g = append(g, h.global)
						}
						if !slices.Equal(w, g) {
							t.Errorf("%s: hits %v, want %v", name, g, w)
						}
						if want.total > uint64(keep) {
							checked++
						}
					}
				}
			}
		}
	}
	if checked < 50 {
		t.Errorf("only %d cases with more notes than the page", checked)
	}
}
