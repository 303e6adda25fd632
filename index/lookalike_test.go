package index

import (
	"context"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// TestLookalikesAreNotTypos: a word that no note writes finds nothing
// rather than the notes of a shorter word it starts with (« pétition » is
// not « petit » with a typo, nor « courriel » « cours » or « court »),
// whether typed in full or still being typed; a typo in the ending of a
// word the index holds only through its stem still finds it (« economei »,
// « économie » being only in a body); and a misspelled word also finds the
// synonyms of the word it is one typo from (« cooperatve » finds « coop »).
func TestLookalikesAreNotTypos(t *testing.T) {
	notes := []*store.Note{
		{ID: "petit", Title: "Un petit organisme", Visibility: "public"},
		{ID: "petites", Title: "Équipes", Body: "Les petites équipes s’organisent autrement.", Visibility: "public"},
		{ID: "cours", Title: "Verdir les cours d’école", Visibility: "public"},
		{ID: "court", Title: "Circuit court", Visibility: "public"},
		{ID: "economie", Title: "Bilan du quartier", Body: "Son économie tient aux commerces.", Visibility: "public"},
		{ID: "cooperative", Title: "Une coopérative d’habitation", Visibility: "public"},
		{ID: "coop", Title: "La coop du village", Visibility: "public"},
	}
	ix, m := openTestIndex(t, notes)
	if err := ix.SetSynonyms(mustSyn(t, "coopérative, coop")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q    string
		want string // ids, sorted
	}{
		{"pétition ", ""},
		{"pétition", ""}, // being typed
		{"courriel ", ""},
		{"courriel", ""},
		{"petite", "petit petites"}, // being typed: a form of « petit »
		{"petites ", "petit petites"},
		{"economei ", "economie"},
		{"cooperatve ", "coop cooperative"},
		{"cooperative ", "coop cooperative"},
	} {
		res := hits(t, ix, m, c.q, 20)
		if got := sortedIDs(res); got != c.want {
			t.Errorf("%q found [%s], want [%s]", c.q, got, c.want)
		}
		if c.q == "cooperatve " {
			for _, h := range res.Hits {
				if h.ID == "coop" && !strings.Contains(h.TitleHTML, "<mark>coop</mark>") {
					t.Errorf("%q: the synonym is not marked: %s", c.q, h.TitleHTML)
				}
			}
		}
	}
}

// TestLookalikesOnTheDemo: the README's examples, on the demo corpus, which
// writes « petit », « cours » and « court » but neither « pétition » nor
// « courriel ».
func TestLookalikesOnTheDemo(t *testing.T) {
	ix, notes := openDemoIndex(t)
	for _, q := range []string{"pétition", "courriel", "pétition ", "courriel "} {
		if res := hits(t, ix, notes, q, 20); res.Total != 0 {
			t.Errorf("%q found %d notes (first %q), want none", q, res.Total, res.Hits[0].Title)
		}
	}
}

// TestTyposFindWhatTheWordFinds: a misspelled word finds what the word
// meant finds, where the typo makes the stemmer cut it otherwise: « collctif »
// stays whole where « collectif » is cut to « collect », « animater » is cut
// to « animat » where « animateur » stays whole, a word being typed with its
// last letter doubled (« passerr »), each written only in a body (the index
// holds them only as their stem); and the close forms the word finds
// (« régional » finds « région ») are found by its misspelling too, after
// the notes of the word itself.
func TestTyposFindWhatTheWordFinds(t *testing.T) {
	notes := []*store.Note{
		{ID: "collectif", Title: "Bilan", Body: "Un jardin collectif au bout de la rue.", Visibility: "public"},
		{ID: "animateur", Title: "Portrait", Body: "Notre animateur arrive le lundi.", Visibility: "public"},
		{ID: "passer", Title: "Consignes", Body: "Il faut passer par l’accueil.", Visibility: "public"},
		{ID: "regional", Title: "Un plan régional", Visibility: "public"},
		{ID: "region", Title: "Vivre en région", Visibility: "public"},
		{ID: "other", Title: "Rien à voir", Body: "Le marché du samedi.", Visibility: "public"},
	}
	ix, m := openTestIndex(t, notes)
	for _, c := range []struct {
		q    string
		want string // ids in order
	}{
		{"collectif ", "collectif"},
		{"collctif ", "collectif"},
		{"animateur ", "animateur"},
		{"animater ", "animateur"},
		{"passer", "passer"},
		{"passerr", "passer"},
		{"régional ", "regional region"},
		{"regioal ", "regional region"},
	} {
		var got []string
		for _, h := range hits(t, ix, m, c.q, 20).Hits {
			got = append(got, h.ID)
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%q found %v, want [%s]", c.q, got, c.want)
		}
	}
}

// hits searches q as the API does, a page of per hits, no facet.
func hits(t *testing.T, ix *Index, m Notes, q string, per int) *Result {
	t.Helper()
	r := query.Request{Q: q, PerPage: per, Facets: []string{}, NoSuggestion: true}
	if err := r.Normalize(); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), r, m)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestOrdinalsAreNotTyposOfNumbers: an ordinal in letters is read as its
// figures (« troisième » is « 3e », analysis) and is no typo of the number
// it starts with: « troisième » does not find « Trois-Rivières », nor
// « septième » « Sept-Îles », nor « quatrième » « quatre » or « quartier »,
// however few notes write the ordinal, whether typed in full or being typed.
func TestOrdinalsAreNotTyposOfNumbers(t *testing.T) {
	notes := []*store.Note{
		{ID: "trois", Title: "Entraide à Trois-Rivières", Visibility: "public"},
		{ID: "sept", Title: "Café citoyen à Sept-Îles", Visibility: "public"},
		{ID: "quatre", Title: "Semaine de quatre jours", Body: "Dans le quartier.", Visibility: "public"},
		{ID: "deux", Title: "Fondation des Deux-Rives", Visibility: "public"},
		{ID: "3e", Title: "Sorties du 3ème âge", Visibility: "public"},
		{ID: "7e", Title: "Le 7e rang", Visibility: "public"},
	}
	ix, m := openTestIndex(t, notes)
	for _, c := range []struct {
		q    string
		want string // ids, sorted
	}{
		{"troisième ", "3e"},
		{"troisieme", "3e"},
		{"septième ", "7e"},
		{"septieme", "7e"},
		{"quatrième ", ""},
		{"quatrieme", ""},
		{"deuxième ", ""},
		{"trois ", "trois"}, // the number still finds itself
	} {
		if got := sortedIDs(hits(t, ix, m, c.q, 20)); got != c.want {
			t.Errorf("%q found [%s], want [%s]", c.q, got, c.want)
		}
	}
}
