package query

import (
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/trouvaille/analysis"
)

// excludeDocs are texts an exclusion may or may not leave out, by id.
var excludeDocs = map[string]string{
	"montreal":    "Logement à Montréal",
	"mtl":         "Logement à MTL",
	"montrer":     "Montrer le logement",          // close to montreal, not a synonym
	"montrealais": "Une association montréalaise", // a close form, not a synonym
	"quebec":      "Logement à Québec",
	"saint":       "Logement à Saint-Jérôme",
	"st":          "Logement à St-Jérôme",
	"obnl":        "Un organisme à but non lucratif du quartier",
	"scattered":   "Un organisme de charité; son but : rester non lucratif",
	"osbl":        "Les OSBL du quartier",
	"ca":          "Le conseil d’administration se réunit",
	"conseil":     "Le conseil de quartier",
	"cpe":         "Le CPE du quartier",
	"garderie":    "Une garderie du quartier",
	"cooperativ":  "Une coopérative d’habitation",
	"coop":        "La coop d’habitation",
}

// TestExcludedWordSynonyms: an excluded word excludes what the same word,
// typed as a positive word, finds through the synonyms (one-word and
// verified multi-word ones, compounds, one-way rules in their direction),
// and nothing it only looks like; an excluded phrase keeps its exact
// words. The exclusion query is evaluated on each text's analysed terms,
// multi-word synonyms verified as phrases as the index does.
func TestExcludedWordSynonyms(t *testing.T) {
	syn := analysis.DefaultSynonyms()
	for _, tc := range []struct {
		q     string
		nosyn bool
		want  string // ids excluded, sorted
	}{
		{q: "logement -mtl", want: "montreal mtl"},
		{q: "logement -mtl", nosyn: true, want: "mtl"},
		{q: "logement -montreal", want: "montreal mtl"},              // not « montrer »: no close form
		{q: "logement -montral", want: ""},                           // a typo is not corrected in an exclusion
		{q: `logement -"mtl"`, want: "mtl"},                          // quotes: this spelling only
		{q: `logement -"Montréal"`, want: "montreal"},                //
		{q: "logement -St-Jérôme", want: "saint st"},                 // compound synonym, verified as a phrase
		{q: "logement -Saint-Jérôme", want: "saint st"},              //
		{q: "quartier -OBNL", want: "obnl osbl"},                     // multi-word synonym only as a phrase
		{q: "quartier -osbl", want: "obnl osbl"},                     //
		{q: "quartier -CA", want: "ca"},                              // stop-word acronym
		{q: "quartier -ca", want: "ca"},                              // typed in lower case: plans to no word of its own
		{q: "quartier -ça", want: ""},                                // never « ça »
		{q: "quartier -conseil -administration", want: "ca conseil"}, // words apart: no multi-word group
		{q: "quartier -garderie", want: "cpe garderie"},              // one way…
		{q: "quartier -CPE", want: "cpe"},                            // …not back
		{q: "habitation -coop", want: "coop cooperativ"},             //
		{q: "habitation -coop -coop", want: "coop cooperativ"},       // twice is once
	} {
		pq, p := planOf(t, tc.q)
		if !tc.nosyn {
			verified := map[string]query.Query{}
			for _, pw := range p.SynonymPhrases(pq, syn) {
				var ids []string
				for id, text := range excludeDocs {
					if pw.InText(text) {
						ids = append(ids, id)
					}
				}
				verified[pw.Text()] = nil
				if len(ids) > 0 {
					verified[pw.Text()] = query.NewDocIDQuery(ids)
				}
			}
			p.ApplySynonyms(pq, syn, verified)
		}
		// Excluded phrases of several words are verified by the index
		// (AddExcludedIDs); none here.
		if _, neg := p.Phrases(); len(neg) > 0 {
			t.Fatalf("%q: unexpected excluded phrase", tc.q)
		}
		not := p.Strict().MustNot
		var got []string
		for id, text := range excludeDocs {
			if not != nil && evalOn(t, not, id, text) {
				got = append(got, id)
			}
		}
		slices.Sort(got)
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%q (nosyn %v) excludes %v, want %s", tc.q, tc.nosyn, got, tc.want)
		}
	}
}

// TestExcludedSynonymsInKey: the plan key tells an exclusion with its
// synonyms from one without, and an excluded word from an excluded
// one-word phrase (the result cache keys on it).
func TestExcludedSynonymsInKey(t *testing.T) {
	key := func(q string, syn bool) string {
		pq, p := planOf(t, q)
		if syn {
			p.ApplySynonyms(pq, analysis.DefaultSynonyms(), nil)
		}
		return p.Key()
	}
	if key("logement -mtl", true) == key("logement -mtl", false) {
		t.Error("same key with and without the excluded word's synonyms")
	}
	if key("logement -mtl", true) == key(`logement -"mtl"`, true) {
		t.Error("same key for -mtl and -\"mtl\"")
	}
}

// evalOn reports whether q matches the text (its analysed terms, in any
// field) or its id (DocIDQuery).
func evalOn(t *testing.T, q query.Query, id, text string) bool {
	t.Helper()
	switch q := q.(type) {
	case *query.TermQuery:
		for _, tok := range analysis.Analyze(text) {
			if tok.Term == q.Term {
				return true
			}
		}
		return false
	case *query.DisjunctionQuery:
		n := 0
		for _, d := range q.Disjuncts {
			if evalOn(t, d, id, text) {
				n++
			}
		}
		return n > 0 && n >= int(q.Min)
	case *query.ConjunctionQuery:
		for _, c := range q.Conjuncts {
			if !evalOn(t, c, id, text) {
				return false
			}
		}
		return len(q.Conjuncts) > 0
	case *query.DocIDQuery:
		return slices.Contains(q.IDs, id)
	}
	t.Fatalf("unexpected query %T", q)
	return false
}
