package query

import (
	"strings"
	"testing"

	"github.com/encommun/trouvaille/analysis"
)

// FuzzSynonymPlan: a query made of an accepted synonyms list's own text
// plans and takes the synonyms without panicking.
func FuzzSynonymPlan(f *testing.F) {
	f.Add("a, b\nc => d, e f # x\n")
	f.Add("CA, conseil d'administration")
	f.Add("OBNL, OSBL, organisme à but non lucratif\ngarderie => CPE, centre de la petite enfance")
	f.Add("=>,,#")
	f.Add("St, Saint, ca\n-St-Jérôme, -saint -ca -x") // excluded words
	f.Fuzz(func(t *testing.T, text string) {
		s, err := analysis.ParseSynonyms(text, "fuzz")
		if err != nil {
			return
		}
		pq, err := Parse(strings.ReplaceAll(text, "\n", " "))
		if err == nil {
			p, _ := NewPlan(pq, nil)
			p.SynonymPhrases(pq, s)
			p.ApplySynonyms(pq, s, nil)
		}
	})
}
