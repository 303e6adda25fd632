package index

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// sortedSearch returns the sorted ids of the notes q finds (sortedIDs).
func sortedSearch(t *testing.T, ix *Index, m Notes, q string) string {
	t.Helper()
	r := query.Request{Q: q, Facets: []string{}, NoSuggestion: true}
	if err := r.Normalize(); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), r, m)
	if err != nil {
		t.Fatal(err)
	}
	return sortedIDs(res)
}

// A word finds the notes that write its singular or its plural, and no note
// that only writes another word sharing Snowball's stem (« loyer » was
// stemmed as « loi »).
func TestSingularFindsPluralNotes(t *testing.T) {
	notes := []*store.Note{
		{ID: "loyers", Type: "note", Title: "Hausse des loyers", Body: "Les loyers montent.", Visibility: "public"},
		{ID: "loyer", Type: "note", Title: "Un loyer abordable", Body: "Le loyer d’un logement.", Visibility: "public"},
		{ID: "loi", Type: "note", Title: "La loi 31", Body: "Une loi sur l’habitation.", Visibility: "public"},
		{ID: "recits", Type: "note", Title: "Des récits de pratique", Body: "Trois récits.", Visibility: "public"},
		{ID: "recit", Type: "note", Title: "Un récit", Body: "Le récit d’une intervenante.", Visibility: "public"},
		{ID: "revenus", Type: "note", Title: "Les revenus autonomes", Body: "Diversifier ses revenus.", Visibility: "public"},
		{ID: "revenu", Type: "note", Title: "Revenu minimum", Body: "Un revenu garanti.", Visibility: "public"},
		{ID: "emplois", Type: "note", Title: "Des emplois", Body: "Les emplois d’été.", Visibility: "public"},
		{ID: "emploi", Type: "note", Title: "Un emploi", Body: "Un emploi stable.", Visibility: "public"},
		{ID: "usagers", Type: "note", Title: "Les usagers du transport", Body: "Des usagers.", Visibility: "public"},
		{ID: "usager", Type: "note", Title: "Un usager", Body: "Chaque usager.", Visibility: "public"},
		{ID: "foyer", Type: "note", Title: "Un foyer de groupe", Body: "Le foyer accueille.", Visibility: "public"},
		{ID: "foi", Type: "note", Title: "La bonne foi", Body: "De bonne foi.", Visibility: "public"},
	}
	ix, m := openTestIndex(t, notes)
	for _, tc := range []struct{ q, want string }{
		{"loyer", "loyer,loyers"},
		{"loyers", "loyers,loyer"},
		{"loi", "loi"},
		{"récit", "recit,recits"},
		{"recits", "recits,recit"},
		{"revenu", "revenu,revenus"},
		{"revenus", "revenus,revenu"},
		{"emploi", "emploi,emplois"},
		{"emplois", "emplois,emploi"},
		{"usager", "usager,usagers"},
		{"usagers", "usagers,usager"},
		{"foyer", "foyer"},
		{"foi bonne", "foi"}, // not last: no completion of « foi » (fois)
	} {
		want := strings.Split(tc.want, ",")
		sort.Strings(want)
		if got := sortedSearch(t, ix, m, tc.q); got != strings.Join(want, " ") {
			t.Errorf("%q: %s, want %s", tc.q, got, tc.want)
		}
	}
}

// The feminine finds the masculine and the other way round (analysis.masculine,
// euseAgent): « aînées » and « aînés », « travailleuses » and « travailleurs »,
// « infirmière » and « infirmiers », « partagée » and « partagé », « active »
// and « actif »; and the
// nouns in -ée whose masculine is another word stay apart (« données »,
// « dons »).
func TestFeminineFindsMasculineNotes(t *testing.T) {
	notes := []*store.Note{
		{ID: "ainees", Type: "note", Title: "Des aînées actives", Body: "Trois aînées.", Visibility: "public"},
		{ID: "aines", Type: "note", Title: "Les aînés du quartier", Body: "Des aînés.", Visibility: "public"},
		{ID: "travailleuses", Type: "note", Title: "Travailleuses de rue", Body: "Deux travailleuses.", Visibility: "public"},
		{ID: "travailleurs", Type: "note", Title: "Travailleurs sociaux", Body: "Un travailleur.", Visibility: "public"},
		{ID: "travailler", Type: "note", Title: "Travailler ensemble", Body: "On travaille.", Visibility: "public"},
		{ID: "infirmiere", Type: "note", Title: "Une infirmière de proximité", Body: "L’infirmière.", Visibility: "public"},
		{ID: "infirmiers", Type: "note", Title: "Infirmiers en région", Body: "Des infirmiers.", Visibility: "public"},
		{ID: "partagee", Type: "note", Title: "Gouvernance partagée", Body: "Une direction partagée.", Visibility: "public"},
		{ID: "partage", Type: "note", Title: "Un bureau partagé", Body: "Un local partagé.", Visibility: "public"},
		{ID: "donnees", Type: "note", Title: "Données ouvertes", Body: "Des données.", Visibility: "public"},
		{ID: "dons", Type: "note", Title: "Campagne de dons", Body: "Des dons.", Visibility: "public"},
		{ID: "actrice", Type: "note", Title: "Une actrice du milieu", Body: "Une actrice.", Visibility: "public"},
		{ID: "acteurs", Type: "note", Title: "Les acteurs du milieu", Body: "Des acteurs.", Visibility: "public"},
		{ID: "actif", Type: "note", Title: "Le transport actif", Body: "Des modes actifs.", Visibility: "public"},
		{ID: "active", Type: "note", Title: "L’écoute active", Body: "Une écoute active.", Visibility: "public"},
		{ID: "sportif", Type: "note", Title: "Un club sportif", Body: "Le club.", Visibility: "public"},
		{ID: "sportives", Type: "note", Title: "Des sorties sportives", Body: "Les sorties.", Visibility: "public"},
	}
	ix, m := openTestIndex(t, notes)
	for _, tc := range []struct{ q, want string }{
		{"actif ", "actif active ainees"}, // « Des aînées actives »
		{"active ", "actif active ainees"},
		{"sportives ", "sportif sportives"},
		{"aînés ", "ainees aines"},
		{"aînées ", "ainees aines"},
		{"travailleurs ", "travailleurs travailleuses"},
		{"infirmières ", "infirmiere infirmiers"},
		{"partagé ", "partage partagee"},
		{"données ", "donnees"},
		{"dons ", "dons"},
		{"acteur ", "acteurs actrice"},
	} {
		want := strings.Fields(tc.want)
		sort.Strings(want)
		if got := sortedSearch(t, ix, m, tc.q); got != strings.Join(want, " ") {
			t.Errorf("%q: %s, want %s", tc.q, got, tc.want)
		}
	}
}

// Among notes missing one word of the query, the one missing a common word
// comes before the one missing the rare word (ruleRarity), even when the
// common word sits in its title and the rare one in a body.
func TestMissingTheCommonWordFirst(t *testing.T) {
	notes := []*store.Note{
		{ID: "rare", Type: "note", Title: "Vigie numérique", Body: "La cybersécurité d’un organisme.", Visibility: "public"},
		{ID: "common", Type: "note", Title: "Petits budgets", Body: "Portrait des organismes du quartier.", Visibility: "public"},
	}
	for _, id := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		notes = append(notes, &store.Note{ID: id, Type: "note", Title: "Note " + id, Body: "De petits gestes et un organisme.", Visibility: "public"})
	}
	ix, m := openTestIndex(t, notes)
	r := query.Request{Q: "cybersécurité petits organismes", PerPage: 3, Facets: []string{}, NoSuggestion: true}
	if err := r.Normalize(); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), r, m)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].ID != "rare" {
		t.Errorf("hits %s, want rare first", ids(res))
	}
}

// Words the singular/plural rules must not join, nor bring within the close
// forms' reach (one or two letters shorter, up to three longer), found by an
// audit: « québécois » reached every « Québec » note, « pétition » every
// « petit », « foi » every « à la fois », « demi » a « Demers ».
func TestStemsKeepOtherWordsApart(t *testing.T) {
	notes := []*store.Note{
		{ID: "quebecois", Type: "note", Title: "Les Québécois", Body: "Des Québécoises et des Québécois.", Visibility: "public"},
		{ID: "quebec", Type: "note", Title: "Le Québec", Body: "Partout au Québec.", Visibility: "public"},
		{ID: "petition", Type: "note", Title: "Une pétition", Body: "Signer la pétition.", Visibility: "public"},
		{ID: "petit", Type: "note", Title: "Un petit jardin", Body: "De petits pots.", Visibility: "public"},
		{ID: "foi", Type: "note", Title: "De bonne foi", Body: "La foi.", Visibility: "public"},
		{ID: "fois", Type: "note", Title: "À la fois", Body: "Une fois par mois.", Visibility: "public"},
		{ID: "demers", Type: "note", Title: "Myriam Demers", Body: "Par Myriam Demers.", Visibility: "public"},
		{ID: "demi", Type: "note", Title: "Une demi-journée", Body: "Une demie heure.", Visibility: "public"},
		{ID: "travaux", Type: "note", Title: "Travaux de rénovation", Body: "Les travaux.", Visibility: "public"},
		{ID: "travail", Type: "note", Title: "Le travail", Body: "Du travail.", Visibility: "public"},
		{ID: "propos", Type: "note", Title: "À propos", Body: "Quelques propos.", Visibility: "public"},
		{ID: "proportion", Type: "note", Title: "Une proportion", Body: "La proportion.", Visibility: "public"},
		{ID: "parc", Type: "note", Title: "Un parc urbain", Body: "Les parcs.", Visibility: "public"},
		{ID: "parce", Type: "note", Title: "Parce que c’est urgent", Body: "Parce qu’il le faut.", Visibility: "public"},
		{ID: "seules", Type: "note", Title: "Personnes seules", Body: "Des aînées seules.", Visibility: "public"},
		{ID: "seulement", Type: "note", Title: "Non seulement", Body: "Pas seulement ici.", Visibility: "public"},
		{ID: "notes", Type: "note", Title: "Prendre des notes", Body: "Une note.", Visibility: "public"},
		{ID: "notamment", Type: "note", Title: "Notamment ceci", Body: "Notamment cela.", Visibility: "public"},
		{ID: "levis", Type: "note", Title: "Logement à Lévis", Body: "À Lévis.", Visibility: "public"},
		{ID: "lever", Type: "note", Title: "Lever des sous", Body: "Levez des sous.", Visibility: "public"},
		{ID: "environ", Type: "note", Title: "Environ trente personnes", Body: "Environ dix.", Visibility: "public"},
		{ID: "environnement", Type: "note", Title: "Protéger l’environnement", Body: "L’environnement.", Visibility: "public"},
		{ID: "commun", Type: "note", Title: "Un jardin en commun", Body: "Des biens communs.", Visibility: "public"},
		{ID: "communication", Type: "note", Title: "Plan de communication", Body: "Communiquer avec les membres.", Visibility: "public"},
		{ID: "participation", Type: "note", Title: "La participation", Body: "Participer à la vie du quartier.", Visibility: "public"},
		{ID: "participant", Type: "note", Title: "Les participant·es", Body: "Une participante.", Visibility: "public"},
		{ID: "habitation", Type: "note", Title: "Une coopérative d’habitation", Body: "L’habitation.", Visibility: "public"},
		{ID: "habitant", Type: "note", Title: "Les habitants du quartier", Body: "Des habitantes.", Visibility: "public"},
		{ID: "gouvernance", Type: "note", Title: "Gouvernance partagée", Body: "Gouverner ensemble.", Visibility: "public"},
		{ID: "gouvernement", Type: "note", Title: "Le gouvernement du Québec", Body: "Les gouvernements.", Visibility: "public"},
		{ID: "equipe", Type: "note", Title: "Une équipe soudée", Body: "Les équipes.", Visibility: "public"},
		{ID: "equipement", Type: "note", Title: "Prêter de l’équipement", Body: "Les équipements.", Visibility: "public"},
		{ID: "fonds", Type: "note", Title: "Un fonds d’urgence", Body: "Des fonds publics.", Visibility: "public"},
		{ID: "fondee", Type: "note", Title: "Fondée en 1987", Body: "Les fondements.", Visibility: "public"},
		{ID: "annee", Type: "note", Title: "Une année chargée", Body: "Les années passent.", Visibility: "public"},
		{ID: "anne", Type: "note", Title: "Par Anne", Body: "Anne écrit.", Visibility: "public"},
		{ID: "base", Type: "note", Title: "Une base de données", Body: "Les bases, basées sur.", Visibility: "public"},
		{ID: "bas", Type: "note", Title: "Au Bas-Saint-Laurent", Body: "Le bas du fleuve.", Visibility: "public"},
		{ID: "garde", Type: "note", Title: "Service de garde", Body: "Les gardes.", Visibility: "public"},
		{ID: "garder", Type: "note", Title: "Garder ses bénévoles", Body: "Les garder longtemps.", Visibility: "public"},
		{ID: "usager", Type: "note", Title: "Les usagers du service", Body: "Une usagère.", Visibility: "public"},
		{ID: "usage", Type: "note", Title: "Les usages du numérique", Body: "Un usage.", Visibility: "public"},
		{ID: "attente", Type: "note", Title: "Liste d’attente", Body: "Les attentes.", Visibility: "public"},
		{ID: "attention", Type: "note", Title: "Porter attention", Body: "Attention.", Visibility: "public"},
		{ID: "generative", Type: "note", Title: "L’IA générative", Body: "Des modèles génératifs.", Visibility: "public"},
		{ID: "generation", Type: "note", Title: "Entre générations", Body: "Une génération.", Visibility: "public"},
		{ID: "collecte", Type: "note", Title: "Collecte de dons", Body: "Des dons collectés.", Visibility: "public"},
		{ID: "collectif", Type: "note", Title: "Un collectif", Body: "Une action collective.", Visibility: "public"},
		{ID: "organique", Type: "note", Title: "Matières organiques", Body: "Le compost organique.", Visibility: "public"},
		{ID: "organisme", Type: "note", Title: "Un organisme", Body: "Des organismes.", Visibility: "public"},
		{ID: "publique", Type: "note", Title: "Santé publique", Body: "Les consultations publiques.", Visibility: "public"},
	}
	// Each word in three fields: known to the planner (knownWordDF), so
	// that it reaches its close forms and no typo.
	for _, n := range notes {
		n.Terms = []string{n.Title}
	}
	ix, m := openTestIndex(t, notes)
	for _, tc := range []struct{ q, want string }{
		{"québécois", "quebecois"},
		{"quebecoise", "quebecois"},
		{"pétition", "petition"},
		{"foi bonne", "foi"}, // not last: no completion of « foi » (fois)
		{"demi", "demi"},
		{"travaux", "travaux"},
		{"propos", "propos"},
		{"parc", "parc"},
		{"seules", "seules"},
		{"notes", "notes"},
		{"levis", "levis"},
		{"environnement", "environnement"},
		{"communications", "communication"},
		{"participantes", "participant"},
		{"participant(e)s", "participant"},
		{"habitant·es", "habitant"},
		{"gouvernement", "gouvernement"},
		{"gouvernance", "gouvernance"},
		{"équipement", "equipement"},
		{"équipes", "equipe"},
		{"fonds ", "fonds"},
		{"fond ", "fonds"},
		{"fondée ", "fondee"},
		{"année ", "annee"},
		{"annees ", "annee"},
		{"anne ", "anne"},
		{"base ", "base"},
		{"basé ", "base"},
		{"bas ", "bas"},
		{"base de données ", "base"},
		{"service de garde ", "garde usager"}, // « usagers du service » fills the page, « garder » does not
		{"garde ", "garde"},
		{"garder ", "garder"},
		{"usagers ", "usager"},
		{"usagère ", "usager"},
		{"usages ", "usage"},
		{"attente ", "attente"},
		{"attention ", "attention"},
		{"générative ", "generative"},
		{"génération ", "generation"},
		{"collecte ", "collecte"},
		{"collectifs ", "collectif"},
		{"organiques ", "organique"},
		{"organisme ", "organisme"},
		{"public", "fonds publique"},
		{"publique ", "fonds publique"}, // the README: `publique` trouve `public`
		// Being typed, a word still reaches both sides of a split that it
		// begins: « attent » on its way to « attente » or « attention ».
		// (This small index reaches them by completion as well;
		// TestPrefixFindsSplitStemNotes, on the demo, is the one that
		// needs analysis.SplitPartners.)
		{"attent", "attente attention"},
		{"gard", "garde garder"},
		{"fond", "fondee fonds"},
		{"collect", "collecte collectif"},
	} {
		if got := sortedSearch(t, ix, m, tc.q); got != tc.want {
			t.Errorf("%q: %s, want %s", tc.q, got, tc.want)
		}
	}
}

// The README's example of what an exclusion takes: « -montreal » leaves out
// « montréalais » (the same stem) and keeps « montréalaise » (a close form).
func TestExclusionTakesTheStemNotCloseForms(t *testing.T) {
	notes := []*store.Note{
		{ID: "masc", Type: "note", Title: "Un organisme montréalais", Visibility: "public"},
		{ID: "fem", Type: "note", Title: "Une initiative montréalaise", Visibility: "public"},
		{ID: "laval", Type: "note", Title: "Un organisme de Laval", Visibility: "public"},
	}
	ix, m := openTestIndex(t, notes)
	if got := sortedSearch(t, ix, m, "organisme initiative -montreal"); got != "fem laval" {
		t.Errorf("%s, want fem laval", got)
	}
}

// A typo reaches the plurals and feminines of the word meant, not another
// word that is a near word plus e or s (an audit: « rilier » found the
// notes about a « rivière », « rivier » + e). (« encre » still finds
// « entrée »: one letter from its stem « entre », an ordinary typo.)
func TestTypoEndingsKeepTheWord(t *testing.T) {
	var notes []*store.Note
	for _, n := range []struct{ id, title string }{
		{"riviere", "Au bord de la rivière"},
		{"relier", "Relier les quartiers"},
		{"aidantes", "Des proches aidantes"},
	} {
		notes = append(notes, &store.Note{ID: n.id, Type: "note", Title: n.title, Visibility: "public"})
	}
	ix, m := openTestIndex(t, notes)
	for _, tc := range []struct{ q, want string }{
		{"rilier", "relier"},
		{"aidayt", "aidantes"},
	} {
		if got := sortedSearch(t, ix, m, tc.q); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.q, got, tc.want)
		}
	}
}

// A rare noun in -ant is not read as a misspelling of the word its
// Snowball stem belongs to: « habitants », written in one note, finds
// that note, not those on « habitation » (the split antNoun makes), nor
// does a misspelled « habitnts ».
func TestRareAntNounNotHabitation(t *testing.T) {
	notes := []*store.Note{
		bodyNote("h1", "Une coopérative d’habitation à Rimouski."),
		bodyNote("h2", "L’habitation communautaire en région."),
		bodyNote("h3", "Des habitations abordables."),
		bodyNote("hab", "Les habitant·es du quartier se mobilisent."),
	}
	ix, m := openTestIndex(t, notes)
	for _, q := range []string{"habitants ", "habitantes ", "habitant ", "habitnts "} {
		ids, _ := sortedHits(t, ix, m, query.Request{Q: q, PerPage: 10})
		if got := strings.Join(ids, " "); got != "hab" {
			t.Errorf("%q finds %q, want only the note on its habitant·es", q, got)
		}
	}
}
