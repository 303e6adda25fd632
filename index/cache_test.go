package index

import (
	"context"
	"encoding/json"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/encommun/trouvaille/query"
)

// Regression: the result cache handed the same facet slices to every caller,
// so a caller sorting them in place (the organisations page) changed what the
// next search returned, and raced with it.
func TestCachedResultIsImmutable(t *testing.T) {
	ix, notes := openTestIndex(t, testNotes)
	ctx := context.Background()
	req := query.Request{Q: "économie"}
	first, err := ix.Search(ctx, req, notes)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]FacetValue{}
	for k, v := range first.Facets {
		want[k] = append([]FacetValue(nil), v...)
	}
	if len(want["organisations"]) < 2 {
		t.Fatalf("need two organisations to see a reordering, got %v", want["organisations"])
	}
	// What web/browse.go does: sort the facet values alphabetically in place,
	// then scribble over them.
	for _, vals := range first.Facets {
		sort.Slice(vals, func(i, j int) bool { return vals[i].Value > vals[j].Value })
		for i := range vals {
			vals[i].Count = -1
		}
	}
	first.Facets["organisations"] = nil
	second, err := ix.Search(ctx, req, notes)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(second.Facets, want) {
		t.Errorf("cached facets changed by a caller:\n got %v\nwant %v", second.Facets, want)
	}
}

// Under -race: callers mutating their results while others search the same
// cached request must not race.
func TestCachedResultConcurrentMutation(t *testing.T) {
	ix, notes := openTestIndex(t, testNotes)
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				res, err := ix.Search(ctx, query.Request{Q: "économie"}, notes)
				if err != nil {
					t.Error(err)
					return
				}
				for _, vals := range res.Facets {
					sort.Slice(vals, func(i, j int) bool { return vals[i].Value < vals[j].Value })
				}
			}
		}()
	}
	wg.Wait()
}

// TestResultCacheKeepsRequestsApart: requests that differ in one field each
// (no facets against the default ones, a facet size, an order, a page, a
// page size, dates, a filter, a caller, synonyms, snippets) never get each
// other's cached answer: searched in one order on one index and in the
// other order on another, every answer is the same. Regression: facets=none
// and the default facets shared a cache key, so a partner widget's request
// emptied the facets of the next API call with the same words.
func TestResultCacheKeepsRequestsApart(t *testing.T) {
	since := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	base := query.Request{Q: "économie"}
	vary := []func(*query.Request){
		func(r *query.Request) {},
		func(r *query.Request) { r.Facets = []string{} },
		func(r *query.Request) { r.Facets = []string{"type"} },
		func(r *query.Request) { r.Facets = []string{"published"} },
		func(r *query.Request) { r.FacetSize = 1 },
		func(r *query.Request) { r.Sort = "title" },
		func(r *query.Request) { r.Sort = "-published_at" },
		func(r *query.Request) { r.Page, r.PerPage = 2, 1 },
		func(r *query.Request) { r.PerPage = 1 },
		func(r *query.Request) { r.PublishedAfter = &since },
		func(r *query.Request) { r.Filters = map[string][]string{"type": {"note"}} },
		func(r *query.Request) { r.Scope = query.Scope{Admin: true, Level: query.LevelPrivate} },
		func(r *query.Request) { r.NoSynonyms = true },
		func(r *query.Request) { r.NoSnippets = true },
	}
	answer := func(ix *Index, notes Notes, i int) string {
		r := base
		vary[i](&r)
		res, err := ix.Search(context.Background(), r, notes)
		if err != nil {
			t.Fatal(err)
		}
		res.TookMS = 0
		b, _ := json.Marshal(res)
		return string(b)
	}
	// Each variant alone on a fresh index, then all on one index, in one
	// order and back.
	want := map[int]string{}
	for i := range vary {
		ix, notes := openTestIndex(t, testNotes)
		want[i] = answer(ix, notes, i)
	}
	ix, notes := openTestIndex(t, testNotes)
	var order []int
	for i := range vary {
		order = append(order, i)
	}
	for i := range vary {
		order = append(order, len(vary)-1-i)
	}
	for _, i := range order {
		if got := answer(ix, notes, i); got != want[i] {
			t.Errorf("variant %d answers differently after the others:\n got %s\nwant %s", i, got, want[i])
		}
	}
}
