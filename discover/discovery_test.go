package discover

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/encommun/trouvaille/index"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// openTest indexes notes in a real Bleve index and a real Badger store on
// temp dirs and returns their discovery features.
func openTest(t testing.TB, notes []*store.Note) *Discovery {
	t.Helper()
	_, st, ix := openStoreIndex(t)
	applyNotes(t, st, ix, notes...)
	d := New(ix, st)
	t.Cleanup(d.Close)
	return d
}

// openStoreIndex opens a real Badger store and a real Bleve index in a temp
// dir (returned), closed when the test ends.
func openStoreIndex(t testing.TB) (string, *store.Store, *index.Index) {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "store"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ix, err := index.Open(filepath.Join(dir, "index"), t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return dir, st, ix
}

// applyNotes writes notes to the store and brings the index up to date;
// it returns the store's last sequence number before the write and the
// entries written.
func applyNotes(t testing.TB, st *store.Store, ix *index.Index, notes ...*store.Note) (uint64, []store.Entry) {
	t.Helper()
	var changes []store.Change
	for _, n := range notes {
		changes = append(changes, store.Change{Note: n})
	}
	from := st.LastSeq()
	_, seqs, err := st.Apply(changes)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.CatchUp(st, 1000); err != nil {
		t.Fatal(err)
	}
	entries := make([]store.Entry, len(notes))
	for i, n := range notes {
		entries[i] = store.Entry{Seq: seqs[i], ID: n.ID, Note: n}
	}
	return from, entries
}

// searchWithSuggestion searches as the engine does: the index's result,
// then the discovery's correction.
func searchWithSuggestion(d *Discovery, r query.Request) (*index.Result, error) {
	res, err := d.ix.Search(context.Background(), r, d.notes)
	if err != nil {
		return nil, err
	}
	res.Suggestion = d.Suggestion(context.Background(), r, res)
	return res, nil
}

func day(s string) *time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return &t
}

var testNotes = []*store.Note{
	{ID: "eco", Type: "note", Title: "L’économie sociale au Québec", Body: "Les participant·es ont parlé du financement des organismes communautaires à Trois-Rivières. 🚀", Visibility: "public", Organisations: []string{"TIESS"}, Authors: []string{"Émilie Tremblay"}, Carnets: []store.Carnet{{Title: "Carnet A", Bloc: "Bloc 1"}}, PublishedAt: day("2024-05-02")},
	{ID: "alim", Type: "note", Title: "Sécurité alimentaire", Body: "Un OBNL distribue des repas. L'économie locale en profite.", Visibility: "public", Organisations: []string{"Moisson"}, Authors: []string{"Jean Gagnon"}, PublishedAt: day("2023-01-02")},
	{ID: "terme", Type: "terme", Title: "Économie sociale", Summary: "Ensemble des entreprises collectives.", Visibility: "public", Organisations: []string{"TIESS"}, Terms: []string{"Économie sociale"}, PublishedAt: day("2022-01-02")},
	{ID: "priv", Type: "note", Title: "Budget confidentiel économie", Body: "secret", Visibility: "private", Organisations: []string{"TIESS"}},
	{ID: "comm", Type: "note", Title: "Économie entre membres", Body: "communauté", Visibility: "community", Organisations: []string{"Moisson"}},
}

func TestCorrector(t *testing.T) {
	notes := []*store.Note{
		{ID: "a", Title: "Logement social à Québec", Visibility: "public"},
		{ID: "b", Title: "Logement abordable", Visibility: "public"},
		{ID: "c", Title: "Le logement étudiant", Visibility: "public"},
		{ID: "d", Title: "Sécurité alimentaire", Summary: "Épicerie solidaire et frigos communautaires", Visibility: "public"},
		{ID: "s", Title: "Souveraineté des données", Visibility: "public"},
		{ID: "s2", Title: "Données ouvertes", Visibility: "public"},
		{ID: "f", Title: "Les fondations peuvent-elles changer la donne ?", Body: "Elles donnent et tu donnes sans compter.", Visibility: "public"},
		{ID: "g", Title: "Donner du temps", Visibility: "public"},
		{ID: "p", Title: "Zanzibar confidentiel", Visibility: "private"},
	}
	d := openTest(t, notes)
	cases := []struct {
		q, want string
	}{
		{"lpgemrnt ", "logement"},                   // 2 edits, 8 letters
		{"l'lpgemrnt ", "l'logement"},               // elision kept
		{"securite lpgemrnt ", "securite logement"}, // relaxed: the correction finds more
		{"lojemant ", ""},                           // spelled by ear: found as it sounds, nothing more to suggest
		{"zanzibat ", ""},                           // never a word of a private note
		{"epicerie solidair ", ""},                  // typo tolerance already finds it
		{"xylophone ", ""},                          // nothing close
		{"securite alimentaire ", ""},               // accents only: found, no suggestion
		// A typo that is a word of the bodies: known through its stem, so
		// corrected only when nothing has every word, into a word of
		// another stem (not "donne") that gives a note with every word.
		{"souverainete des donnes ", "souverainete des données"},
		{"fondations donnes ", ""},       // every word found: no suggestion
		{"souverainete des donner ", ""}, // "donner" as typed is a word of a title
		{"logement donnes ", ""},         // no correction finds both words together
	}
	for _, c := range cases {
		res, err := searchWithSuggestion(d, query.Request{Q: c.q, Facets: []string{}})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if res.Suggestion != nil {
			got = res.Suggestion.Q
			if res.Suggestion.Total <= res.Total && !res.Relaxed {
				t.Errorf("%q: suggestion %+v finds no more than %d", c.q, res.Suggestion, res.Total)
			}
		}
		if got != c.want {
			t.Errorf("%q: suggestion %q, want %q (total %d relaxed %v)", c.q, got, c.want, res.Total, res.Relaxed)
		}
	}
}

func TestRelatedReasons(t *testing.T) {
	notes := []*store.Note{
		{ID: "n", Type: "note", Title: "Financer un OBNL", Body: "subvention fondation bailleurs mission financement récurrent", Terms: []string{"OBNL"}, Organisations: []string{"TIESS"}, Carnets: []store.Carnet{{Title: "Financement"}}, Links: []string{"l"}, Visibility: "public"},
		{ID: "l", Type: "note", Title: "Note liée", Visibility: "public"},
		{ID: "b", Type: "note", Title: "Rétrolien", Links: []string{"n"}, Visibility: "public"},
		{ID: "t", Type: "note", Title: "Même terme", Terms: []string{"OBNL"}, Visibility: "public"},
		{ID: "o", Type: "note", Title: "Même organisation", Organisations: []string{"TIESS"}, Visibility: "public"},
		{ID: "c", Type: "note", Title: "Même carnet", Carnets: []store.Carnet{{Title: "Financement", Bloc: "B"}}, Visibility: "public"},
		{ID: "x", Type: "note", Title: "Texte proche", Body: "subvention fondation bailleurs mission financement", Visibility: "public"},
		{ID: "y", Type: "note", Title: "Autre texte", Body: "subvention fondation bailleurs mission", Visibility: "public"},
		{ID: "z", Type: "note", Title: "Sans rapport", Body: "vélo montagne", Visibility: "public"},
		{ID: "p", Type: "note", Title: "Privée liée", Terms: []string{"OBNL"}, Links: []string{"n"}, Visibility: "private"},
		{ID: "obnl", Type: "terme", Title: "OBNL", Visibility: "public"},
	}
	d := openTest(t, notes)
	hits, err := d.Related(context.Background(), query.Scope{}, "n", 20)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, h := range hits {
		got[h.ID] = h.Reasons
	}
	want := map[string][]string{
		"l": {"lien"},
		"b": {"rétrolien"},
		"t": {"terme : OBNL"},
		"o": {"organisation : TIESS"},
		"c": {"carnet : Financement"},
		"x": {"texte semblable"},
		"y": {"texte semblable"},
	}
	for id, r := range want {
		if !reflect.DeepEqual(got[id], r) {
			t.Errorf("%s: reasons %q, want %q", id, got[id], r)
		}
	}
	for _, id := range []string{"n", "p", "z"} {
		if _, ok := got[id]; ok {
			t.Errorf("%s must not be related (%q)", id, got[id])
		}
	}
	if len(hits) > 0 && hits[0].ID != "l" && hits[0].ID != "b" {
		t.Errorf("links must rank first, got %s", hits[0].ID)
	}
	// A lexicon term's note is related to the notes labelled with it.
	th, err := d.Related(context.Background(), query.Scope{}, "obnl", 5)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range th {
		if h.ID == "t" && reflect.DeepEqual(h.Reasons, []string{"terme : OBNL"}) {
			found = true
		}
	}
	if !found {
		t.Errorf("term note: %+v", th)
	}
	for _, id := range []string{"p", "inconnue"} {
		if _, err := d.Related(context.Background(), query.Scope{}, id, 5); err != store.ErrNotFound {
			t.Errorf("Related(%s) err = %v, want ErrNotFound", id, err)
		}
	}
}

func TestSuggest(t *testing.T) {
	notes := []*store.Note{
		{ID: "a", Title: "Économie sociale au Québec", Terms: []string{"Économie sociale"}, Organisations: []string{"TIESS"}, Authors: []string{"Émilie Tremblay"}, Carnets: []store.Carnet{{Title: "Économie et territoires"}}, Visibility: "public"},
		{ID: "b", Title: "Économiser l’énergie", Terms: []string{"Économie sociale"}, Visibility: "public"},
		{ID: "c", Title: "Logement social", Visibility: "public"},
		{ID: "p", Title: "Économie secrète", Organisations: []string{"Secret inc."}, Visibility: "private"},
	}
	d := openTest(t, notes)
	s, err := d.Suggest(context.Background(), query.Scope{}, "eco", 5)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string][]SuggestionItem{}
	for _, g := range s.Groups {
		kinds[g.Kind] = g.Items
	}
	if len(kinds["titles"]) != 2 || kinds["titles"][0].ID != "a" && kinds["titles"][0].ID != "b" {
		t.Errorf("titles: %+v", kinds["titles"])
	}
	if len(kinds["terms"]) != 1 || kinds["terms"][0].Count != 2 || kinds["terms"][0].HTML != "<mark>Éco</mark>nomie sociale" {
		t.Errorf("terms: %+v", kinds["terms"])
	}
	if len(kinds["carnets"]) != 1 {
		t.Errorf("carnets: %+v", kinds["carnets"])
	}
	for _, q := range []string{"secr", "Secret"} {
		s, _ := d.Suggest(context.Background(), query.Scope{}, q, 5)
		if len(s.Groups) != 0 {
			t.Errorf("%q leaks a private note: %+v", q, s.Groups)
		}
	}
	// Typo and several words.
	s, _ = d.Suggest(context.Background(), query.Scope{}, "logment soc", 5)
	if len(s.Groups) != 1 || s.Groups[0].Items[0].ID != "c" {
		t.Errorf("logment soc: %+v", s.Groups)
	}
	// An elided article is no word of its own: « l'éco » completes « éco »
	// (the term too), and no « l » is marked.
	for _, q := range []string{"l'eco", "l’éco", "d'eco"} {
		s, _ = d.Suggest(context.Background(), query.Scope{}, q, 5)
		terms := 0
		for _, g := range s.Groups {
			for _, it := range g.Items {
				if strings.Contains(it.HTML, "<mark>l</mark>") || strings.Contains(it.HTML, "<mark>L</mark>") || strings.Contains(it.HTML, "<mark>d</mark>") {
					t.Errorf("%s: %s marks the elision", q, it.HTML)
				}
			}
			if g.Kind == "terms" {
				terms = len(g.Items)
			}
		}
		if terms != 1 {
			t.Errorf("%s: %d terms, want Économie sociale: %+v", q, terms, s.Groups)
		}
	}
	s, _ = d.Suggest(context.Background(), query.Scope{}, "tremb", 5)
	if len(s.Groups) != 1 || s.Groups[0].Kind != "authors" || s.Groups[0].Label != "Auteur·trices" {
		t.Errorf("tremb: %+v", s.Groups)
	}
	if _, err := d.Suggest(context.Background(), query.Scope{}, "x", 500); err == nil {
		t.Error("limit 500 accepted")
	}
}

// « St » and « Saint » complete each other, as the search finds them:
// « saint-jer » proposed « Saint-Jérôme » only, not « St-Jérôme »; a word
// being typed stays a prefix (« st » completes « stage » too), and the
// whole « St » is marked; « st », « ste » being typed still complete
// « St », « Ste ».
func TestSuggestSaintWrittenEitherWay(t *testing.T) {
	d := openTest(t, []*store.Note{
		{ID: "st", Title: "Fête de quartier à St-Jérôme", Visibility: "public"},
		{ID: "saint", Title: "Comité logement de Saint-Jérôme", Visibility: "public"},
		{ID: "ste", Title: "Friperie de Ste-Agathe-des-Monts", Organisations: []string{"Friperie Ste-Agathe"}, Visibility: "public"},
		{ID: "stage", Title: "Un stage en économie sociale", Visibility: "public"},
	})
	titles := func(q string) (ids []string, html []string) {
		t.Helper()
		s, err := d.Suggest(context.Background(), query.Scope{}, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range s.Groups {
			if g.Kind == "titles" {
				for _, it := range g.Items {
					ids, html = append(ids, it.ID), append(html, it.HTML)
				}
			}
		}
		slices.Sort(ids)
		return ids, html
	}
	for _, c := range []struct{ q, want string }{
		{"saint-jer", "saint st"},
		{"st-jer", "saint st"},
		{"St Jérôme", "saint st"},
		{"sainte-ag", "ste"},
		{"friperie ste", "ste"},
		{"friperie sainte", "ste"},
		{"st", "st stage ste"},
		{"sta", "stage"},
		// Invisible characters pasted inside a word are not part of it.
		{"saint-j\u200ber", "saint st"},
		{"\ufeffsta", "stage"},
		{"fri\u200dperie ste", "ste"},
	} {
		if ids, html := titles(c.q); strings.Join(ids, " ") != c.want {
			t.Errorf("%q: %v (%q), want %s", c.q, ids, html, c.want)
		}
	}
	if _, html := titles("saint-jer"); !slices.Contains(html, "Fête de quartier à <mark>St</mark>-<mark>Jér</mark>ôme") {
		t.Errorf("saint-jer marks %q", html)
	}
}

// A misspelling of the first sounds completes the word meant, as the
// search finds it (one typo): « abitation » proposed only notes on
// « animation », two letters away and more frequent, « otonomie » and
// « sitoyen » nothing.
func TestSuggestFirstSounds(t *testing.T) {
	notes := []*store.Note{
		{ID: "h", Title: "Coopérative d’habitation Les Cormiers", Visibility: "public"},
		{ID: "a", Title: "Autonomie alimentaire", Visibility: "public"},
		{ID: "c", Title: "Participation citoyenne", Visibility: "public"},
	}
	for i := range 4 {
		notes = append(notes, &store.Note{ID: fmt.Sprintf("anim%d", i), Title: fmt.Sprintf("Guide d’animation %d", i), Visibility: "public"})
	}
	d := openTest(t, notes)
	for q, want := range map[string]string{"abitation": "h", "abitat": "h", "otonomie": "a", "sitoyen": "c", "coop abitation": "h"} {
		s, err := d.Suggest(context.Background(), query.Scope{}, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		var titles []SuggestionItem
		for _, g := range s.Groups {
			if g.Kind == "titles" {
				titles = g.Items
			}
		}
		if len(titles) == 0 || titles[0].ID != want {
			t.Errorf("%s: titles %+v, want %s first", q, titles, want)
			continue
		}
		if !strings.Contains(titles[0].HTML, "<mark>") {
			t.Errorf("%s: %s marks nothing", q, titles[0].HTML)
		}
		for _, it := range titles {
			if strings.HasPrefix(it.ID, "anim") {
				t.Errorf("%s: %q (two typos) proposed beside %q (one)", q, it.Value, titles[0].Value)
			}
		}
	}
}

func TestFacetSearch(t *testing.T) {
	d := openTest(t, testNotes)
	vals, err := d.FacetSearch(context.Background(), "organisations", "moi", query.Request{}, 10)
	if err != nil || !reflect.DeepEqual(vals, []index.FacetValue{{Value: "Moisson", Count: 1}}) {
		t.Errorf("moi: %v %v", vals, err)
	}
	vals, _ = d.FacetSearch(context.Background(), "organisations", "", query.Request{Q: "economie"}, 10)
	if !reflect.DeepEqual(vals, []index.FacetValue{{Value: "TIESS", Count: 2}, {Value: "Moisson", Count: 1}}) {
		t.Errorf("under economie: %v", vals)
	}
	all, _ := d.FacetValues(context.Background(), "organisations")
	if !reflect.DeepEqual(all, []index.FacetValue{{Value: "TIESS", Count: 2}, {Value: "Moisson", Count: 1}}) {
		t.Errorf("FacetValues: %v", all)
	}
	// « St » and « Saint » either way, as completions.
	d = openTest(t, []*store.Note{
		{ID: "a", Title: "a", Organisations: []string{"Friperie Ste-Agathe"}, Visibility: "public"},
		{ID: "b", Title: "b", Organisations: []string{"Comité Saint-Jérôme"}, Visibility: "public"},
		{ID: "c", Title: "c", Organisations: []string{"Stages Québec"}, Visibility: "public"},
	})
	for q, want := range map[string]string{"sainte-a": "Friperie Ste-Agathe", "ste-a": "Friperie Ste-Agathe", "st-jer": "Comité Saint-Jérôme",
		"saint j": "Comité Saint-Jérôme", "stag": "Stages Québec", "sain": "Comité Saint-Jérôme Friperie Ste-Agathe"} {
		vals, err := d.FacetSearch(context.Background(), "organisations", q, query.Request{}, 10)
		var got []string
		for _, v := range vals {
			got = append(got, v.Value)
		}
		if slices.Sort(got); err != nil || strings.Join(got, " ") != want {
			t.Errorf("%q: %q %v, want %s", q, got, err, want)
		}
	}
	if _, err := d.FacetSearch(context.Background(), "couleurs", "", query.Request{}, 10); err == nil {
		t.Error("unknown facet accepted")
	}
}

// TestSuggestSeveralWideWords: words typed, each in more items than a
// range is read in full (wideRange), every two of them together in many
// items and the one item with all of them ranked last: the sample of each
// word's best items misses it, and so does crossing only the two narrowest
// words; crossing every word's items (a typo word's through the words its
// budget accepts) finds it. At a million titles, most completions of two
// common words came back empty.
func TestSuggestSeveralWideWords(t *testing.T) {
	var vals []string
	for i := range 2 * wideRange {
		vals = append(vals, fmt.Sprintf("alpha a%d", i), fmt.Sprintf("bêta b%d", i), fmt.Sprintf("gamma c%d", i),
			fmt.Sprintf("bêta alpha %d", i), fmt.Sprintf("gamma alpha %d", i), fmt.Sprintf("gamma bêta %d", i))
	}
	const target = "Alpha et encore bien des mots avant la bêta puis gamma"
	vals = append(vals, target)
	k := newSugKind(vals, nil, nil)
	// Three words (each two of them together in many better ranked
	// items), and a typo (« alpxa »: the typo budget's words).
	for _, q := range []string{"alpha bêta gam", "gamma alp bêt", "alpha et bet pui", "bêta alpxa gam", "alpxa bêta gamm"} {
		qw, _ := foldedWords(q)
		got := k.complete(qw, nil, DefaultSuggestLimit, nil)
		if len(got) != 1 || got[0].Value != target {
			t.Errorf("%q: %+v, want the one value with all the words", q, got)
		}
	}
	// Many items with both: the best ranked (shortest) first, as ever.
	for i := range 2 * wideRange {
		vals = append(vals, fmt.Sprintf("alpha bêta %d", i+10))
	}
	k = newSugKind(vals, nil, nil)
	qw, _ := foldedWords("alpha bet")
	got := k.complete(qw, nil, DefaultSuggestLimit, nil)
	if len(got) != DefaultSuggestLimit || got[0].Value != "alpha bêta 10" {
		t.Errorf("alpha bet: %+v, want alpha bêta 10 first of %d", got, DefaultSuggestLimit)
	}
}

// A word spelled by ear, out of the typo budget's reach, completes the word
// meant, as the search finds it (analysis.SoundsLike): being typed, the
// words that begin with one of its spellings; typed whole, the words that
// spell it. From five letters, the words a typo reaches keep the place: no
// word by ear beside them; under five, where the search takes no typo, the
// word is heard first. A word the notes write, or begin with while it is
// typed, is not heard, as the search does not hear it; nor a word between
// quotes, which the search takes as written. A private note's title is
// not heard.
func TestSuggestWordsSpelledByEar(t *testing.T) {
	notes := []*store.Note{
		{ID: "com", Title: "Communauté de pratique en loisir", Visibility: "public"},
		{ID: "aso", Title: "Association des locataires de Villeray", Visibility: "public"},
		{ID: "alo", Title: "Accueil des personnes allophones", Visibility: "public"},
		{ID: "soc", Title: "Économie sociale au Bas-Saint-Laurent", Visibility: "public"},
		{ID: "com2", Title: "Commun, communs et biens communs", Visibility: "public"},
		{ID: "spot", Title: "Un spot de planche à roulettes", Visibility: "public"},
		{ID: "priv", Title: "Kartier secret", Visibility: "private"},
		{ID: "quart", Title: "Quartier Saint-Roch", Visibility: "public"},
		{ID: "res", Title: "Réseau des bénévoles", Visibility: "public"},
		{ID: "ren", Title: "Renouveler les règlements", Visibility: "public"},
		{ID: "log", Title: "Logement abordable", Visibility: "public"},
		{ID: "car", Title: "Carrefour jeunesse-emploi", Visibility: "public"},
		{ID: "fem", Title: "Centre de femmes", Visibility: "public"},
		{ID: "faim", Title: "Banque alimentaire", Body: "Personne ne devrait avoir faim dans le quartier.", Visibility: "public"},
	}
	d := openTest(t, notes)
	titles := func(q string) ([]string, []string) {
		t.Helper()
		s, err := d.Suggest(context.Background(), query.Scope{}, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		var ids, html []string
		for _, g := range s.Groups {
			if g.Kind == "titles" {
				for _, it := range g.Items {
					ids = append(ids, it.ID)
					html = append(html, it.HTML)
				}
			}
		}
		return ids, html
	}
	for _, c := range []struct {
		q    string
		want string // the titles' ids, in order
	}{
		{"comunoté", "com"},            // being typed: « communauté » begins so
		{"comunoté ", "com"},           // typed whole
		{"comunote de", "com"},         // a whole word, then one being typed
		{"asociassion", "aso"},         // three typos from « association »
		{"asociassion des loc", "aso"}, // with other words
		{"alofo", "alo"},               // « allophones » begins with a spelling
		{"alofones", "alo"},            // whole, a silent ending
		{"sossial", "soc"},             // being typed: « sociale »
		{"ekonomie sossiale", "soc"},   // a first sound, then by ear
		{"kartier", "quart"},           // the private « Kartier » is not there to be heard
		{"comunaute", "com"},           // one typo: by typo, not by ear
		{"rezo", "res"},                // under five letters, heard before any typo (« reno… » is one away)
		{"logm", "log"},                // nothing heard: the typo
		{"kart", "quart"},              // the last letter typed is sounded: not « Carrefour »
		{"faim", ""},                   // a word the notes write is not heard (« femmes »)
		{"faim ", ""},                  // nor typed whole
		{"comunot", "com"},             // being typed
		{`"comunot"`, ""},              // between quotes, as written: not heard
		{`"comunaute"`, ""},            // nor by a typo
		{`"communaute de`, "com"},      // a phrase being typed still completes
		{"spotify", ""},                // « spot » does not spell it
		{"zzzz", ""},                   // nothing sounds so
		{"-comunoté", ""},              // an exclusion is not completed
	} {
		ids, html := titles(c.q)
		if got := strings.Join(ids, " "); got != c.want {
			t.Errorf("%q: titles %q, want %q", c.q, got, c.want)
			continue
		}
		for _, h := range html {
			if !strings.Contains(h, "<mark>") {
				t.Errorf("%q: %s marks nothing", c.q, h)
			}
		}
	}
	// « comunaute » is one typo from « communaute »: the words a typo
	// reaches are taken alone (« communs », by ear, is not added).
	if ids, _ := titles("comunaute"); slices.Contains(ids, "com2") {
		t.Errorf("comunaute: %v holds « communs », which only its sound reaches", ids)
	}
}
