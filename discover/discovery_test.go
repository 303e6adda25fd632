package index

import (
	"context"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/store"
)

func TestParseSynonyms(t *testing.T) {
	s, err := ParseSynonyms(`# commentaire
OBNL, OSBL, organisme à but non lucratif   # fin de ligne
garderie => CPE, centre de la petite enfance

CA, conseil d'administration
`, "test")
	if err != nil {
		t.Fatal(err)
	}
	if s.Groups != 3 {
		t.Errorf("groups = %d, want 3", s.Groups)
	}
	cases := []struct {
		words string
		want  []string
	}{
		{"OBNL", []string{"OSBL", "organisme à but non lucratif"}},    // two-way
		{"osbl", []string{"OBNL", "organisme à but non lucratif"}},    // case
		{"organismes à but non lucratif", []string{"OBNL", "OSBL"}},   // multi-word source, plural
		{"organisme a but non lucratif", []string{"OBNL", "OSBL"}},    // accents
		{"garderie", []string{"CPE", "centre de la petite enfance"}},  // one-way
		{"garderies", []string{"CPE", "centre de la petite enfance"}}, // plural
		{"CPE", nil},                                       // one-way: not back
		{"centre de la petite enfance", nil},               //
		{"ca", []string{"CA", "conseil d'administration"}}, // stop-word acronym stands for itself
		{"ça", nil},                                        // never ça
		{"conseil d’administration", []string{"CA"}},       // typographic apostrophe
	}
	for _, c := range cases {
		if got := s.Expand(c.words); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Expand(%q) = %q, want %q", c.words, got, c.want)
		}
	}
}

func TestParseSynonymsErrors(t *testing.T) {
	for _, bad := range []string{
		"seul",
		"a, , b",
		"a => b => c",
		"=> b",
		"a =>",
		"a, b\nc, \"d\"",
		"le, la", // nothing but... two stop words each alone are fine; see below
	} {
		_, err := ParseSynonyms(bad, "t")
		if bad == "le, la" {
			continue
		}
		if err == nil {
			t.Errorf("%q: no error", bad)
		} else if !strings.HasPrefix(err.Error(), "ligne ") {
			t.Errorf("%q: error %q does not name the line", bad, err)
		}
	}
}

func TestDefaultSynonyms(t *testing.T) {
	s := DefaultSynonyms()
	if s.Groups < 60 {
		t.Errorf("default list has %d groups, want at least 60", s.Groups)
	}
	for _, acr := range []string{"CdP", "OBNL", "OSBL", "CDC", "CPE", "CLSC", "CIUSSS", "MRC", "TIESS", "ÉS", "IA", "ODD", "RH", "CA", "AGA", "PAB"} {
		if len(s.Expand(acr)) == 0 {
			t.Errorf("%s has no synonym", acr)
		}
	}
}

func TestSynonymExpansionInSearch(t *testing.T) {
	notes := []*store.Note{
		{ID: "obnl", Title: "Gouvernance d’un OBNL", Visibility: "public"},
		{ID: "osbl", Title: "Les OSBL en région", Visibility: "public"},
		{ID: "long", Title: "Un organisme à but non lucratif", Visibility: "public"},
		{ID: "loose", Title: "Organisme de charité", Body: "Dans le but de rester non lucratif… non.", Visibility: "public"},
		{ID: "cpe", Title: "Le CPE du quartier", Visibility: "public"},
		{ID: "ca", Title: "Rôle du CA", Visibility: "public"},
		{ID: "ca2", Title: "Former son conseil d’administration", Visibility: "public"},
		{ID: "garderie", Title: "Une garderie privée", Visibility: "public"},
	}
	ix, m := openTestIndex(t, notes)
	ix.SetSynonyms(mustSyn(t, "OBNL, OSBL, organisme à but non lucratif\ngarderie => CPE\nCA, conseil d'administration"))
	cases := []struct {
		q     string
		nosyn bool
		want  string // ids, sorted
	}{
		{"OBNL", false, "long obnl osbl"},                               // two-way, multi-word synonym verified as a phrase ("loose" is not)
		{"osbl", false, "long obnl osbl"},                               //
		{"organisme à but non lucratif", false, "long loose obnl osbl"}, // multi-word source (typed words, not a phrase)
		{"OBNL", true, "obnl"},                                          // disabled
		{"garderie", false, "cpe garderie"},                             // one-way
		{"CPE", false, "cpe"},                                           // not back
		{"role du ca", false, "ca"},                                     // stop-word acronym typed in lower case
		{"conseil d'administration", false, "ca ca2"},                   // towards the acronym
	}
	for _, c := range cases {
		res, err := ix.Search(context.Background(), Request{Q: c.q + " ", NoSynonyms: c.nosyn, Facets: []string{}, NoSuggestion: true}, m)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		sort.Strings(got)
		if strings.Join(got, " ") != c.want {
			t.Errorf("%q (nosyn %v) = %v, want %s", c.q, c.nosyn, got, c.want)
		}
	}
	// Synonyms are highlighted.
	res, _ := ix.Search(context.Background(), Request{Q: "osbl ", Facets: []string{}}, m)
	for _, h := range res.Hits {
		if h.ID == "obnl" && !strings.Contains(h.TitleHTML, "<mark>OBNL</mark>") {
			t.Errorf("synonym not highlighted: %s", h.TitleHTML)
		}
	}
}

func mustSyn(t *testing.T, text string) *Synonyms {
	t.Helper()
	s, err := ParseSynonyms(text, "test")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCorrector(t *testing.T) {
	notes := []*store.Note{
		{ID: "a", Title: "Logement social à Québec", Visibility: "public"},
		{ID: "b", Title: "Logement abordable", Visibility: "public"},
		{ID: "c", Title: "Le logement étudiant", Visibility: "public"},
		{ID: "d", Title: "Sécurité alimentaire", Summary: "Épicerie solidaire et frigos communautaires", Visibility: "public"},
		{ID: "p", Title: "Zanzibar confidentiel", Visibility: "private"},
	}
	ix, m := openTestIndex(t, notes)
	cases := []struct {
		q, want string
	}{
		{"lojemant ", "logement"},                   // 2 edits, 8 letters
		{"l'lojemant ", "l'logement"},               // elision kept
		{"securite lojemant ", "securite logement"}, // relaxed: the correction finds more
		{"zanzibat ", ""},                           // never a word of a private note
		{"epicerie solidair ", ""},                  // typo tolerance already finds it
		{"xylophone ", ""},                          // nothing close
		{"securite alimentaire ", ""},               // accents only: found, no suggestion
	}
	for _, c := range cases {
		res, err := ix.Search(context.Background(), Request{Q: c.q, Facets: []string{}}, m)
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
	ix, m := openTestIndex(t, notes)
	hits, err := ix.Related(context.Background(), "n", 20, m)
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
	th, err := ix.Related(context.Background(), "obnl", 5, m)
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
		if _, err := ix.Related(context.Background(), id, 5, m); err != store.ErrNotFound {
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
	ix, m := openTestIndex(t, notes)
	s, err := ix.Suggest(context.Background(), "eco", 5, m)
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
		s, _ := ix.Suggest(context.Background(), q, 5, m)
		if len(s.Groups) != 0 {
			t.Errorf("%q leaks a private note: %+v", q, s.Groups)
		}
	}
	// Typo and several words.
	s, _ = ix.Suggest(context.Background(), "logment soc", 5, m)
	if len(s.Groups) != 1 || s.Groups[0].Items[0].ID != "c" {
		t.Errorf("logment soc: %+v", s.Groups)
	}
	s, _ = ix.Suggest(context.Background(), "tremb", 5, m)
	if len(s.Groups) != 1 || s.Groups[0].Kind != "authors" || s.Groups[0].Label != "Auteur·trices" {
		t.Errorf("tremb: %+v", s.Groups)
	}
	if _, err := ix.Suggest(context.Background(), "x", 500, m); err == nil {
		t.Error("limit 500 accepted")
	}
}

func TestPublishedHistogram(t *testing.T) {
	ix, m := openTestIndex(t, testNotes)
	res, err := ix.Search(context.Background(), Request{Facets: []string{PublishedFacet}}, m)
	if err != nil {
		t.Fatal(err)
	}
	want := []FacetValue{{"2024", 1}, {"2023", 1}, {"2022", 1}}
	if !reflect.DeepEqual(res.Facets[PublishedFacet], want) {
		t.Errorf("years = %v, want %v", res.Facets[PublishedFacet], want)
	}
	// A date range within one year: months of that year; the range itself
	// does not narrow the histogram (disjunctive).
	res, err = ix.Search(context.Background(), Request{Facets: []string{PublishedFacet}, PublishedAfter: day("2024-05-01"), PublishedBefore: day("2024-06-01")}, m)
	if err != nil {
		t.Fatal(err)
	}
	if want := []FacetValue{{"2024-05", 1}}; !reflect.DeepEqual(res.Facets[PublishedFacet], want) {
		t.Errorf("months = %v, want %v", res.Facets[PublishedFacet], want)
	}
	// Other filters apply.
	res, _ = ix.Search(context.Background(), Request{Facets: []string{PublishedFacet}, Filters: map[string][]string{"organisation": {"TIESS"}}}, m)
	if want := []FacetValue{{"2024", 1}, {"2022", 1}}; !reflect.DeepEqual(res.Facets[PublishedFacet], want) {
		t.Errorf("filtered years = %v, want %v", res.Facets[PublishedFacet], want)
	}
}

func TestFacetSearch(t *testing.T) {
	ix, m := openTestIndex(t, testNotes)
	vals, err := ix.FacetSearch(context.Background(), "organisations", "moi", Request{}, 10, m)
	if err != nil || !reflect.DeepEqual(vals, []FacetValue{{"Moisson", 1}}) {
		t.Errorf("moi: %v %v", vals, err)
	}
	vals, _ = ix.FacetSearch(context.Background(), "organisations", "", Request{Q: "economie"}, 10, m)
	if !reflect.DeepEqual(vals, []FacetValue{{"TIESS", 2}, {"Moisson", 1}}) {
		t.Errorf("under economie: %v", vals)
	}
	all, _ := ix.FacetValues(context.Background(), "organisations")
	if !reflect.DeepEqual(all, []FacetValue{{"TIESS", 2}, {"Moisson", 1}}) {
		t.Errorf("FacetValues: %v", all)
	}
	if _, err := ix.FacetSearch(context.Background(), "couleurs", "", Request{}, 10, m); err == nil {
		t.Error("unknown facet accepted")
	}
}
