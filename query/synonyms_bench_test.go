package query

import (
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/trouvaille/analysis"
)

// What a synonym group costs a search and the indexing, with the default
// list: go test -bench 'SynonymPlan|PhraseMarker' -run '^$' ./query
//
// BenchmarkSynonymPlan parses and plans a query and applies the synonyms
// as a search does (Parse, NewPlan, SynonymPhrases, ApplySynonyms), each
// phrase taken as marked in the index (one term query, as phraseNotes
// gives it). No dictionary: the typo and prefix look-ups, the same with
// or without synonyms, are left out. It reports the term queries of the
// planned query (terms/op), which Bleve then runs, and the synonym
// phrases the index looks up (phrases/op).
func BenchmarkSynonymPlan(b *testing.B) {
	syn := analysis.DefaultSynonyms()
	for _, q := range []string{
		"logement social",
		"logement Trois-Rivières",
		"logement Montérégie",
		"alphabétisation Mauricie",
		"banque alimentaire Saguenay–Lac-Saint-Jean",
		"logement Côte-Nord",
	} {
		b.Run(strings.ReplaceAll(q, " ", "_"), func(b *testing.B) {
			var terms, phrases int
			b.ReportAllocs()
			for b.Loop() {
				pq, err := Parse(q + " ")
				if err != nil {
					b.Fatal(err)
				}
				p, err := NewPlan(pq, nil)
				if err != nil {
					b.Fatal(err)
				}
				pws := p.SynonymPhrases(pq, syn)
				verified := make(map[string]query.Query, len(pws))
				for _, pw := range pws {
					t := query.NewTermQuery(PhraseKey(pw))
					t.SetField("_syn")
					verified[pw.Text()] = t
				}
				p.ApplySynonyms(pq, syn, verified)
				phrases = len(pws)
				terms = countTerms(p.Strict().Must)
			}
			b.ReportMetric(float64(terms), "terms/op")
			b.ReportMetric(float64(phrases), "phrases/op")
		})
	}
}

// countTerms counts the term queries of q.
func countTerms(q query.Query) int {
	switch q := q.(type) {
	case *query.TermQuery:
		return 1
	case *query.ConjunctionQuery:
		n := 0
		for _, c := range q.Conjuncts {
			n += countTerms(c)
		}
		return n
	case *query.DisjunctionQuery:
		n := 0
		for _, c := range q.Disjuncts {
			n += countTerms(c)
		}
		return n
	case *query.BooleanQuery:
		return countTerms(q.Must) + countTerms(q.Should) + countTerms(q.MustNot)
	}
	return 0
}

// regionNote is a note of about 300 words naming places, as the index
// marks it.
var regionNote = strings.Repeat("Le comité logement de Saint-Jean-sur-Richelieu et l’organisme à but non lucratif "+
	"de Saint-Hyacinthe ont tenu leur assemblée générale annuelle à Trois-Rivières; "+
	"la banque alimentaire de Sainte-Marie et le centre d’action bénévole de Saint-Georges "+
	"parlent de sécurité alimentaire, de pouvoir d’agir et de transition écologique avec les "+
	"personnes aînées du quartier. ", 5)

// BenchmarkPhraseMarkerMark marks the synonym phrases of one note (done
// for each note indexed). It reports the phrases of the list (phrases).
func BenchmarkPhraseMarkerMark(b *testing.B) {
	m := NewPhraseMarker(analysis.DefaultSynonyms())
	toks := analysis.Tokens(regionNote, nil)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		m.Mark(toks, func(string) { n++ })
	}
	b.ReportMetric(float64(len(m.Keys())), "phrases")
}

// BenchmarkNewPhraseMarker builds the marker of the default list (at each
// start and each reload of the list).
func BenchmarkNewPhraseMarker(b *testing.B) {
	syn := analysis.DefaultSynonyms()
	b.ReportAllocs()
	for b.Loop() {
		NewPhraseMarker(syn)
	}
}
