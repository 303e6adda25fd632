package index

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/trouvaille/query"
)

// bleveHits runs q through Bleve's own scoring and returns the hits' ids
// (sorted) and whether a score was not a number.
func bleveHits(t *testing.T, ix *Index, q bq.Query) ([]string, bool) {
	t.Helper()
	req := bleve.NewSearchRequestOptions(q, 1000, 0, false)
	res, err := ix.bi.SearchInContext(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	nan := false
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
		nan = nan || math.IsNaN(h.Score) || math.IsInf(h.Score, 0)
	}
	slices.Sort(ids)
	return ids, nan
}

// The words as written have no frequencies: Bleve scores a note matching one
// NaN, and bleveScored (a phrase's candidates, the executor's fallback) finds
// the same notes with finite scores.
func TestBleveScoredWithoutNaN(t *testing.T) {
	ix, notes := openDemoIndex(t)
	for _, r := range []query.Request{{Q: "de"}, {Q: "financement de"}, {Q: "\"économie sociale\" de"}, {Q: "-logement de"},
		// A completion that only a note the public does not see holds
		// (quenouille), looked up as written: the admin plans with it.
		{Q: "qu", Scope: query.Scope{Admin: true}}} {
		q := r.Q
		tq := unverifiedPlan(t, ix, notes, r).Strict()
		b := bq.NewBooleanQuery(nil, nil, nil)
		b.AddMust(tq.Must)
		if tq.MustNot != nil {
			b.AddMustNot(tq.MustNot)
		}
		raw, rawNaN := bleveHits(t, ix, b)
		if !rawNaN {
			t.Errorf("%q: no NaN score from Bleve on the words as written: is the field indexed with frequencies again?", q)
		}
		scored, nan := bleveHits(t, ix, bleveScored(b))
		if nan {
			t.Errorf("%q: bleveScored still gives a score that is not a number", q)
		}
		if len(raw) == 0 || !slices.Equal(raw, scored) {
			t.Errorf("%q: %d notes through Bleve, %d through bleveScored", q, len(raw), len(scored))
		}
		// Had bleveScored unscored the plan's own terms, Bleve would no
		// longer give them NaN.
		if _, stillNaN := bleveHits(t, ix, b); !stillNaN {
			t.Errorf("%q: bleveScored changed the plan's query", q)
		}
	}
}

// bleveScored rewrites only the terms on the words as written, keeps the
// compound queries' types and copies them instead of changing them.
func TestBleveScoredShapes(t *testing.T) {
	term := func(field, text string) *bq.TermQuery {
		q := bq.NewTermQuery(text)
		q.SetField(field)
		return q
	}
	title := term(fTitle, "logement")
	if bleveScored(title) != bq.Query(title) {
		t.Errorf("a term of a field indexed with frequencies was rewritten")
	}
	for _, f := range lengthFields {
		if _, ok := bleveScored(term(f, "logement")).(unscoredQuery); !ok {
			t.Errorf("a term of %s, whose single occurrences have no frequency, was not unscored", f)
		}
	}
	body := term(fTermsT, "logement")
	words := term(fWords, "logements")
	if _, ok := bleveScored(words).(unscoredQuery); !ok {
		t.Errorf("a term on the words as written was not unscored")
	}
	dis := bq.NewDisjunctionQuery([]bq.Query{body, words})
	conj := bq.NewConjunctionQuery([]bq.Query{dis, term(fTitle, "coop")})
	b := bq.NewBooleanQuery([]bq.Query{conj}, nil, []bq.Query{term(fWords, "quartier")})
	got, ok := bleveScored(b).(*bq.BooleanQuery)
	if !ok || got == b {
		t.Fatalf("boolean query: got %T, a copy expected", bleveScored(b))
	}
	if dis.Disjuncts[1] != bq.Query(words) {
		t.Errorf("the original disjunction was changed")
	}
	gotConj := got.Must.(*bq.ConjunctionQuery).Conjuncts[0].(*bq.ConjunctionQuery)
	gotDis := gotConj.Conjuncts[0].(*bq.DisjunctionQuery)
	if gotDis.Disjuncts[0] != bq.Query(body) {
		t.Errorf("the body term was not kept as is")
	}
	if _, ok := gotDis.Disjuncts[1].(unscoredQuery); !ok {
		t.Errorf("the words term inside the disjunction was not unscored")
	}
	if _, ok := got.MustNot.(*bq.DisjunctionQuery).Disjuncts[0].(unscoredQuery); !ok {
		t.Errorf("the excluded words term was not unscored")
	}
	if bleveScored(conj.Conjuncts[1]) != conj.Conjuncts[1] {
		t.Errorf("a query without the words as written was copied")
	}
}
