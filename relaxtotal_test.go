package trouvaille

import (
	"bytes"
	"context"
	"testing"

	"github.com/encommun/trouvaille/query"
)

// TestTotalWhateverThePageSize: the notes with most of the words followed
// those with every word when fewer than the page asked for had them all,
// so that the total depended on per_page: « logement montreal » (one demo
// note holds both words) counted 1 note with per_page=1 and 56 with
// per_page=2, and the partners' box (5 notes) announced « Voir les N
// résultats » for a page of the site (10) counting another number. The
// threshold is now query.RelaxBelow for every request: the same total and
// the same first notes whatever the page size.
func TestTotalWhateverThePageSize(t *testing.T) {
	e := openEngine(t, t.TempDir())
	defer e.Close()
	if _, err := (&Ingester{Engine: e}).Ingest(bytes.NewReader(DemoNotes), "notes.jsonl"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"logement montreal", "logement montreal ", "jardin collectif rimouski", "economie sociale", "logement xyzzy", "\"communauté de pratique\" animation"} {
		var first []string
		var total uint64
		for i, pp := range []int{1, 2, 5, query.RelaxBelow - 1, query.RelaxBelow, 20, 100} {
			res, err := e.Search(context.Background(), Scope{}, Request{Q: q, PerPage: pp, Facets: []string{}})
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				total = res.Total
			} else if res.Total != total {
				t.Errorf("%q: per_page=%d counts %d notes, per_page=1 %d", q, pp, res.Total, total)
			}
			if len(res.Hits) > 0 {
				if i == 0 {
					first = append(first, res.Hits[0].ID)
				} else if res.Hits[0].ID != first[0] {
					t.Errorf("%q: per_page=%d puts %s first, per_page=1 %s", q, pp, res.Hits[0].ID, first[0])
				}
			}
		}
		if total == 0 {
			t.Errorf("%q finds nothing: the case proves nothing", q)
		}
	}
}
