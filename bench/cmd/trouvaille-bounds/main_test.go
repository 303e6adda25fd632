package main

import (
	"testing"

	"github.com/encommun/trouvaille/query"
)

// Each of up to maxRuns runs of a query asks for a page size of its own,
// a valid one, so that none is answered from the result cache.
func TestRunPageSizesDiffer(t *testing.T) {
	for base := 1; base <= query.MaxPerPage; base++ {
		seen := map[int]int{}
		for k := range maxRuns {
			p := runPerPage(base, k)
			if p < 1 || p > query.MaxPerPage {
				t.Fatalf("base %d, run %d: page size %d", base, k, p)
			}
			if j, ok := seen[p]; ok {
				t.Fatalf("base %d: runs %d and %d both ask for %d a page", base, j, k, p)
			}
			seen[p] = k
		}
	}
	if runPerPage(20, 0) != 20 || runPerPage(96, 5) != 94 {
		t.Errorf("page sizes %d and %d, want 20 and 94", runPerPage(20, 0), runPerPage(96, 5))
	}
}
