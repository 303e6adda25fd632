package index

import (
	"context"
	"github.com/encommun/trouvaille/query"
	"reflect"
	"sort"
	"sync"
	"testing"
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
