package index

import (
	"testing"

	"github.com/encommun/trouvaille/store"
)

// A quoted phrase is checked with its stop words, which the index does not
// hold: « "sans but" » is not « à but », and « "sans logis" », one indexed
// word, is a phrase to check, not « logis » (whose stem is logement's).
// Excluded, such a phrase leaves out only the notes that say it: the
// README's rule, better to leave out too little than hide wanted notes.
func TestPhraseStopWords(t *testing.T) {
	notes := []*store.Note{
		{ID: "sansbut", Type: "note", Title: "Un organisme sans but précis", Body: "Sans but.", Visibility: "public"},
		{ID: "abut", Type: "note", Title: "Un organisme à but non lucratif", Body: "À but non lucratif.", Visibility: "public"},
		{ID: "sanslogis", Type: "note", Title: "Les personnes sans logis", Body: "Des ménages sans logis.", Visibility: "public"},
		{ID: "logement", Type: "note", Title: "Le logement social", Body: "Un logement.", Visibility: "public"},
		{ID: "logis", Type: "note", Title: "Un logis pour tous", Body: "Le logis.", Visibility: "public"},
	}
	ix, m := openTestIndex(t, notes)
	for _, tc := range []struct{ q, want string }{
		{`"sans but"`, "sansbut"},
		{`"à but"`, "abut"},
		{`"sans logis"`, "sanslogis"},
		{`organisme -"sans but"`, "abut"},
		{`logement -"sans logis"`, "logement logis"},
		{`"sans but" organisme`, "sansbut"},
		{`« à but non lucratif »`, "abut"},
	} {
		if got := sortedSearch(t, ix, m, tc.q); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.q, got, tc.want)
		}
	}
}

// A place whose name holds an elided article is found however it is typed:
// « Val-d'Or », « val-dor », « valdor » (the compound was « valor », and
// « val-dor » found nothing).
func TestCompoundWithElision(t *testing.T) {
	notes := []*store.Note{
		{ID: "valdor", Type: "note", Title: "Logement à Val-d’Or", Body: "À Val-d'Or.", Visibility: "public"},
		{ID: "valeur", Type: "note", Title: "Une valeur sûre", Body: "La valeur.", Visibility: "public"},
	}
	ix, m := openTestIndex(t, notes)
	for _, q := range []string{"Val-d'Or", "val-dor", "valdor", "val-d’or"} {
		if got := sortedSearch(t, ix, m, q+" "); got != "valdor" {
			t.Errorf("%s: %s, want valdor", q, got)
		}
	}
}
