package trouvaille

import (
	"context"
	"slices"
	"testing"
)

// TestRequestFrameNotSearched: the request that opens a query (« je
// cherche », « j'aimerais », « j'ai besoin de », « info sur », « existe-t-il
// des », « où est-ce que je peux trouver », « qui peut m'aider avec ») says
// how the person asks; the query finds, counts and ranks as its subject alone, and
// the request's synonyms (« info » => « information ») are not searched
// either.
func TestRequestFrameNotSearched(t *testing.T) {
	e := openEngine(t, t.TempDir())
	ingestLines(t, e, string(DemoNotes))
	search := func(q string) *Result {
		t.Helper()
		res, err := e.Search(context.Background(), Scope{}, Request{Q: q, PerPage: 50})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		return res
	}
	for _, c := range []struct{ asked, subject string }{
		{"je cherche du compost ", "compost "},
		{"info sur le compost ", "compost "},
		{"j'aimerais un budget participatif ", "budget participatif "},
		{"on voudrait partir une coopérative ", "partir coopérative "},
		{"j’ai besoin de bénévoles ", "bénévoles "},
		{"renseignements logement social ", "logement social "},
		{"existe-t-il des jardins communautaires à québec ", "jardins communautaires québec "},
		{"où est-ce que je peux trouver du compost ", "compost "},
		{"qui peut m'aider avec un budget participatif ", "budget participatif "},
	} {
		a, b := search(c.asked), search(c.subject)
		if b.Total == 0 {
			t.Errorf("%q finds nothing: the comparison says nothing", c.subject)
			continue
		}
		if a.Total != b.Total || a.Relaxed != b.Relaxed || !slices.Equal(a.Words, b.Words) {
			t.Errorf("%q: total %d relaxed %v words %q; %q: %d %v %q", c.asked, a.Total, a.Relaxed, a.Words, c.subject, b.Total, b.Relaxed, b.Words)
			continue
		}
		for i := range a.Hits {
			if a.Hits[i].ID != b.Hits[i].ID {
				t.Errorf("%q: place %d is %s, %q has %s", c.asked, i+1, a.Hits[i].ID, c.subject, b.Hits[i].ID)
				break
			}
		}
	}
}
