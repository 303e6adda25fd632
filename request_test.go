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
		{"🙂 que faire si on veut du compost ", "compost "},
		{"svp comment faire un budget participatif ", "budget participatif "},
		{"je cherche comment faire un budget participatif ", "budget participatif "},
		{"je voudrais des infos sur le compost ", "compost "},
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

// TestQueryInCapitals: a query typed with Caps Lock on finds, counts and
// ranks as typed in lower case: its stop words are no acronyms (« ILES DE
// LA MADELEINE » found nothing), and a lexicon entry named in capitals is
// still its title. One word in capitals stays an acronym.
func TestQueryInCapitals(t *testing.T) {
	e := openEngine(t, t.TempDir())
	ingestLines(t, e, string(DemoNotes))
	for _, c := range []struct{ caps, lower string }{
		{"ILES DE LA MADELEINE ", "iles de la madeleine "},
		{"ÉCONOMIE SOCIALE ", "économie sociale "},
		{"MAISON DES FAMILLES ", "maison des familles "},
		{"RÔLE DU CA ", "rôle du ca "},
	} {
		a, err := e.Search(context.Background(), Scope{}, Request{Q: c.caps, PerPage: 50})
		if err != nil {
			t.Fatal(err)
		}
		b, err := e.Search(context.Background(), Scope{}, Request{Q: c.lower, PerPage: 50})
		if err != nil {
			t.Fatal(err)
		}
		if b.Total == 0 {
			t.Errorf("%q finds nothing: the comparison says nothing", c.lower)
			continue
		}
		if a.Total != b.Total || a.Relaxed != b.Relaxed {
			t.Errorf("%q: total %d relaxed %v; %q: %d %v", c.caps, a.Total, a.Relaxed, c.lower, b.Total, b.Relaxed)
			continue
		}
		for i := range a.Hits {
			if a.Hits[i].ID != b.Hits[i].ID {
				t.Errorf("%q: place %d is %s, %q has %s", c.caps, i+1, a.Hits[i].ID, c.lower, b.Hits[i].ID)
				break
			}
		}
	}
}
