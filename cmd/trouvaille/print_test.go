package main

import (
	"strings"
	"testing"

	trouvaille "github.com/encommun/trouvaille"
)

// A result says the words of the query it lacks, as the page does, from
// the words the engine searched for (never a stop word or a question's
// word); nothing for a result with every word, a single-word query or a
// page that does not say (sorted by title).
func TestPrintSaysMissingWords(t *testing.T) {
	res := &trouvaille.Result{
		Total: 2, Page: 1, PerPage: 10,
		Words: []string{"financer", "organisme"},
		Hits: []trouvaille.Hit{
			{ID: "a", Type: "note", TitleHTML: "<mark>Financer</mark> un <mark>organisme</mark>", MatchedWords: []string{"financer", "organisme"}},
			{ID: "b", Type: "note", TitleHTML: "Un <mark>organisme</mark>", MatchedWords: []string{"organisme"}},
		},
	}
	var out strings.Builder
	printResult(&out, res, false)
	if got := strings.Count(out.String(), "ne contient pas"); got != 1 || !strings.Contains(out.String(), "«organisme»  [note]  b\n    ne contient pas : financer\n") {
		t.Errorf("%d lines of missing words:\n%s", got, out.String())
	}
	res.Words = nil // sorted by title: the engine does not say
	out.Reset()
	printResult(&out, res, false)
	if strings.Contains(out.String(), "ne contient pas") {
		t.Errorf("missing words said without the words searched for:\n%s", out.String())
	}
}
