package trouvaille

import (
	"slices"
	"strings"
	"testing"
)

// TestAbbreviationsWrittenEitherWay: a note that shortens a word (« av. »,
// « ODJ », « Mme », « km ») is found by a search that writes it in full,
// and the other way round (the default list's abbreviation groups); a short
// form left out of the list (« boul. », whose stem is « boule ») does not
// make « boulevard » find a game of boules.
func TestAbbreviationsWrittenEitherWay(t *testing.T) {
	e := openEngine(t, t.TempDir())
	defer e.Close()
	notes := `{"id":"av","type":"note","title":"Friperie solidaire, 4500 av. du Parc","body":"Des vêtements.","visibility":"public"}
{"id":"avenue","type":"note","title":"Friperie solidaire de l’avenue Mont-Royal","body":"Des vêtements.","visibility":"public"}
{"id":"odj","type":"note","title":"Modèle d’ODJ pour l’assemblée des membres","body":"Un gabarit.","visibility":"public"}
{"id":"ordre","type":"note","title":"Préparer l’ordre du jour d’une assemblée","body":"Un guide.","visibility":"public"}
{"id":"mme","type":"note","title":"Entrevue avec Mme Tremblay, fondatrice","body":"Son parcours.","visibility":"public"}
{"id":"km","type":"note","title":"Covoiturage solidaire : 40 km par jour","body":"Des trajets partagés.","visibility":"public"}
{"id":"boules","type":"note","title":"Tournoi de boules au parc","body":"Pour les aînés.","visibility":"public"}
`
	if _, err := (&Ingester{Engine: e}).Ingest(strings.NewReader(notes), "notes.jsonl"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"friperie avenue", []string{"av", "avenue"}},
		{"av. friperie", []string{"av", "avenue"}},
		{"ordre du jour assemblée", []string{"odj", "ordre"}},
		{"odj assemblée", []string{"odj", "ordre"}},
		{"madame Tremblay", []string{"mme"}},
		{"covoiturage kilomètres", []string{"km"}},
		{"boulevard", nil},
	} {
		if got := withEveryWord(t, e, c.q); !slices.Equal(got, c.want) {
			t.Errorf("%q: %v, want %v", c.q, got, c.want)
		}
	}
}
