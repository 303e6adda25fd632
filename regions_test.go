package trouvaille

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
)

// TestRegionFindsItsTowns: a region finds the notes naming its towns (the
// default list's one-way groups), a town not its region's other notes. A
// town of one hyphenated word (« Trois-Rivières ») is found through the
// term its compound is indexed as, not as a phrase of its parts: « les
// trois rivières de la région » in a sentence is not the town; a town of
// several words (« La Tuque », « New Richmond ») stays a phrase. The list's
// hyphenated towns are not among the phrases marked at indexing.
func TestRegionFindsItsTowns(t *testing.T) {
	e := openEngine(t, t.TempDir())
	defer e.Close()
	notes := `{"id":"tr","type":"note","title":"Alphabétisation à Trois-Rivières","body":"Des ateliers de lecture.","visibility":"public"}
{"id":"sh","type":"note","title":"Alphabétisation à Shawinigan","body":"Des ateliers d’écriture.","visibility":"public"}
{"id":"lt","type":"note","title":"Alphabétisation à La Tuque","body":"Des ateliers.","visibility":"public"}
{"id":"riv","type":"note","title":"Alphabétisation près des trois rivières","body":"Les trois rivières de la région débordent.","visibility":"public"}
{"id":"gat","type":"note","title":"Alphabétisation à Gatineau","body":"Des ateliers.","visibility":"public"}
`
	if _, err := (&Ingester{Engine: e}).Ingest(strings.NewReader(notes), "notes.jsonl"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"alphabétisation Mauricie", []string{"lt", "sh", "tr"}},
		{"mauricie", []string{"lt", "sh", "tr"}},
		{"alphabétisation Outaouais", []string{"gat"}},
		{"alphabétisation Shawinigan", []string{"sh"}},
	} {
		if got := withEveryWord(t, e, c.q); !slices.Equal(got, c.want) {
			t.Errorf("%q: %v, want %v", c.q, got, c.want)
		}
	}
	keys := query.NewPhraseMarker(analysis.DefaultSynonyms()).Keys()
	for _, k := range keys {
		if strings.Contains(k, "troisrivi") || strings.Contains(k, "saintjeansurrichelieu") {
			t.Errorf("a hyphenated town is marked as a phrase: %q", k)
		}
	}
	if !slices.ContainsFunc(keys, func(k string) bool { return strings.Contains(k, "richmond") }) {
		t.Errorf("« New Richmond », of two words, is not among the %d phrases marked", len(keys))
	}
}

// TestSaintWrittenEitherWay: places written « St- », « Ste- » or in full
// are found whichever way the search writes them, and a region finds its
// towns written either way (before, « sainte-agathe » missed
// « Ste-Agathe-des-Monts » and « laurentides » missed « St-Jérôme »).
func TestSaintWrittenEitherWay(t *testing.T) {
	e := openEngine(t, t.TempDir())
	defer e.Close()
	notes := `{"id":"st","type":"note","title":"Dépannage alimentaire à St-Jérôme","body":"Des paniers.","visibility":"public"}
{"id":"saint","type":"note","title":"Dépannage alimentaire à Saint-Jérôme","body":"Des paniers.","visibility":"public"}
{"id":"spaced","type":"note","title":"Aide aux devoirs, rue St Jérôme","body":"Des ateliers.","visibility":"public"}
{"id":"ste","type":"note","title":"Friperie de Ste-Agathe-des-Monts","body":"Des vêtements.","visibility":"public"}
{"id":"sainte","type":"note","title":"Friperie de Sainte-Agathe-des-Monts","body":"Des vêtements.","visibility":"public"}
{"id":"stage","type":"note","title":"Un stage au Mont-Tremblant","body":"Test.","visibility":"public"}
`
	if _, err := (&Ingester{Engine: e}).Ingest(strings.NewReader(notes), "notes.jsonl"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"Saint-Jérôme", []string{"saint", "spaced", "st"}},
		{"st-jerome", []string{"saint", "spaced", "st"}},
		{"st jerome", []string{"saint", "spaced", "st"}},
		{"dépannage saint jérôme", []string{"saint", "st"}},
		{"sainte-agathe", []string{"sainte", "ste"}},
		{"Ste Agathe", []string{"sainte", "ste"}},
		{"friperie Laurentides", []string{"sainte", "ste"}},
		{"dépannage Laurentides", []string{"saint", "st"}},
		{"stage", []string{"stage"}},
	} {
		if got := withEveryWord(t, e, c.q); !slices.Equal(got, c.want) {
			t.Errorf("%q: %v, want %v", c.q, got, c.want)
		}
	}
}

// withEveryWord returns, sorted, the notes of the first page holding every
// word of q the engine searched for (the others follow them, relaxed, and
// say the words they lack: Result.Missing; a synonym of several words,
// « ordre du jour », is one of them).
func withEveryWord(t *testing.T, e *Engine, q string) []string {
	t.Helper()
	res, err := e.Search(context.Background(), Scope{}, Request{Q: q, Facets: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range res.Hits {
		if len(res.Missing(&res.Hits[i])) == 0 {
			ids = append(ids, res.Hits[i].ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// TestOrdinalsWrittenEveryWay: an ordinal is found however a note or a
// search writes it (« 3e âge », « 3ème âge », « troisième âge »; « 1re
// ligne », « première ligne »), and not for another number.
func TestOrdinalsWrittenEveryWay(t *testing.T) {
	e := openEngine(t, t.TempDir())
	defer e.Close()
	notes := `{"id":"3e","type":"note","title":"Activités pour le 3e âge","body":"Des sorties.","visibility":"public"}
{"id":"3eme","type":"note","title":"Activités pour le 3ème âge","body":"Des sorties.","visibility":"public"}
{"id":"troisieme","type":"note","title":"Activités pour le troisième âge","body":"Des sorties.","visibility":"public"}
{"id":"2e","type":"note","title":"Activités au 2e étage","body":"Des sorties à trois.","visibility":"public"}
{"id":"1re","type":"note","title":"Intervenant·es de 1re ligne","body":"Accueil.","visibility":"public"}
{"id":"premiere","type":"note","title":"Intervenant·es de première ligne","body":"Accueil.","visibility":"public"}
`
	if _, err := (&Ingester{Engine: e}).Ingest(strings.NewReader(notes), "notes.jsonl"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"activités 3e âge", []string{"3e", "3eme", "troisieme"}},
		{"activites troisieme", []string{"3e", "3eme", "troisieme"}},
		{"3ème", []string{"3e", "3eme", "troisieme"}},
		{"intervenants première ligne", []string{"1re", "premiere"}},
		{"1ere ligne", []string{"1re", "premiere"}},
		{"deuxième étage", []string{"2e"}},
		{"trois ", []string{"2e"}}, // a word typed whole: the number, not the ordinal
	} {
		if got := withEveryWord(t, e, c.q); !slices.Equal(got, c.want) {
			t.Errorf("%q: %v, want %v", c.q, got, c.want)
		}
	}
}
