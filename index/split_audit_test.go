package index

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// TestHyphenatedPrefixNotSplitWhileTyping: the last part of a hyphenated
// word still being typed (no space after it) is a prefix, which no note
// need write whole. « saint-jér » was read as « saint jér » before
// searching (the part « jér » is no term) and found every note holding
// « saint » and a word in « jér » anywhere, where « saint-jérôm » found
// the notes that write the compound: on the demo the count went 62, 69, 6
// as the person typed « saint-jé », « saint-jér », « saint-jérôm », and
// « trois-ri » 21 where « trois-rivi » found 14.
func TestHyphenatedPrefixNotSplitWhileTyping(t *testing.T) {
	ix, m := openTestIndex(t, []*store.Note{
		bodyNote("jerome", "Le 1er juillet à Saint-Jérôme : bilan des ménages."),
		bodyNote("apart", "Un saint patron, et Jérémie le bénévole du comité."),
		bodyNote("trois", "L’entraide à Trois-Rivières."),
		bodyNote("riz", "Trois bols de riz pour le souper."),
	})
	for _, tc := range []struct{ q, want string }{
		{"saint-jér", "jerome"},
		{"saint-jérô", "jerome"},
		{"saint-jérôme", "jerome"},
		{"trois-ri", "trois"},
		{"trois-riv", "trois"},
		// A part no note begins is still read apart (the other parts
		// then find their notes).
		{"saint-jxq", "apart jerome"},
	} {
		ids, res := sortedHits(t, ix, m, query.Request{Q: tc.q, PerPage: 10})
		if got := strings.Join(ids, " "); got != tc.want || res.Total != uint64(len(ids)) {
			t.Errorf("%q: %q (total %d, words %q, relaxed %v), want %q", tc.q, got, res.Total, res.Words, res.Relaxed, tc.want)
		}
	}
}

// TestDashedWordFindingNothingReadApart: « aînés–isolés » (an en dash, as a
// word processor writes it) and « aînés--isolés » found nothing where
// « aînés-isolés » found the notes holding either word: the parts were
// read apart only at a hyphen. A dashed compound that finds notes keeps
// its meaning.
func TestDashedWordFindingNothingReadApart(t *testing.T) {
	ix, m := openTestIndex(t, []*store.Note{
		bodyNote("isoles", "Rejoindre les aînés les plus isolés du quartier."),
		bodyNote("aines", "Un repas pour les aînés."),
		bodyNote("trois", "L’entraide à Trois-Rivières."),
		bodyNote("riv", "Trois rivières et un lac."),
	})
	for _, tc := range []struct{ q, want, words string }{
		{"aînés-bénévoles ", "aines isoles", "aînés|bénévoles"},
		{"aînés–bénévoles ", "aines isoles", "aînés|bénévoles"},
		{"aînés—bénévoles ", "aines isoles", "aînés|bénévoles"},
		{"aînés--bénévoles ", "aines isoles", "aînés|bénévoles"},
		{"Trois–Rivières ", "riv trois", "Trois-Rivières"}, // as « Trois-Rivières »: side by side, named with its hyphen
		{"aînés -aînés–isolés ", "aines", "aînés"},
	} {
		ids, res := sortedHits(t, ix, m, query.Request{Q: tc.q, PerPage: 10})
		if got, words := strings.Join(ids, " "), strings.Join(res.Words, "|"); got != tc.want || words != tc.words || res.Total != uint64(len(ids)) {
			t.Errorf("%q: %q (total %d, words %q), want %q (words %q)", tc.q, got, res.Total, words, tc.want, tc.words)
		}
	}
}

// TestHalfTypedCompoundWithStopWordPart: « rendez-vou » was read apart,
// « rendez » and « vou » being typed, because « vou » begins no term
// (« vous » is a stop word): every note with « rendez » came back, marked
// relaxed, while the person was typing « rendez-vous ». A compound being
// typed that a note writes whole (in the words as written) is kept.
func TestHalfTypedCompoundWithStopWordPart(t *testing.T) {
	ix, m := openTestIndex(t, []*store.Note{
		bodyNote("rdv", "Prenez rendez-vous au comptoir du centre."),
		bodyNote("verb", "Vous rendez service aux voisines et aux voisins."),
	})
	for _, q := range []string{"rendez-v", "rendez-vo", "rendez-vou"} {
		ids, res := sortedHits(t, ix, m, query.Request{Q: q, PerPage: 10})
		if got := strings.Join(ids, " "); got != "rdv" || res.Relaxed || len(res.Words) != 1 {
			t.Errorf("%q: %q (total %d, words %q, relaxed %v), want rdv, one word, not relaxed", q, got, res.Total, res.Words, res.Relaxed)
		}
	}
}

// TestOneLetterBeingTypedNotSearched: a word still being typed of one
// letter (or one after an elided article) was searched as that letter,
// which no note holds: at each pause of a person typing « maison des
// familles », « maison des f » came back relaxed with the notes of
// « maison », and « comment f » found nothing. Until the second letter the
// other words are searched alone; a letter the notes hold is still a word
// when a note holds it with the other words, as is one typed whole, and
// stop words alone are no search.
func TestOneLetterBeingTypedNotSearched(t *testing.T) {
	ix, m := openTestIndex(t, []*store.Note{
		bodyNote("familles", "La maison des familles ouvre ses portes."),
		bodyNote("jeunes", "Une maison des jeunes au centre du village."),
		bodyNote("comment", "Un comment écrit dans le code du site."),
		bodyNote("vitx", "La maison a reçu la vitamine x en don."),
		bodyNote("autre", "Le jardin communautaire du quartier."),
		bodyNote("heures", "Le comptoir ouvre de 9 h à 17 h."),
	})
	for _, tc := range []struct{ q, want, words string }{
		{"maison des f", "familles jeunes vitx", "maison"},
		{"maison d'u", "familles jeunes vitx", "maison"},
		{"maison d’é", "familles jeunes vitx", "maison"},
		{"comment f", "comment", "comment"},
		{"jardin -maison f", "autre", "jardin"},
		// A letter some notes hold as a word (« 9 h »), but none with
		// the other words: the other words' notes.
		{"jardin h", "autre", "jardin"},
		{"comptoir h", "heures", "comptoir|h"}, // held with them: kept
		// Kept: a letter the notes hold, a letter typed whole, a letter
		// after stop words only, a letter alone.
		{"maison x", "familles jeunes vitx", "maison|x"}, // vitx first, then the notes of « maison »
		{"maison f ", "familles jeunes vitx", "maison|f"},
		{"c'est q", "", "q"},
		{"f", "", "f"},
	} {
		ids, res := sortedHits(t, ix, m, query.Request{Q: tc.q, PerPage: 10})
		got, words := strings.Join(ids, " "), strings.Join(res.Words, "|")
		if got != tc.want || words != tc.words || res.Total != uint64(len(ids)) {
			t.Errorf("%q: %q (total %d, words %q, relaxed %v), want %q (words %q)", tc.q, got, res.Total, words, res.Relaxed, tc.want, tc.words)
		}
		if tc.words == "maison" && res.Relaxed {
			t.Errorf("%q: relaxed, want the notes of « maison » as they are", tc.q)
		}
	}
}

// TestStopWordBeingTypedNotSearched: a stop word still being typed after
// other words (« théorie du », on the way to « théorie du changement ») is
// searched as a prefix, « durée », « unique »…, which the notes of the other
// words seldom hold: every pause on it came back relaxed, the page saying
// that no note holds every word. When no note holds every word, the search
// runs again without it. Kept: a stop word that completes in the notes of
// the other words (« projet du », « durée »), one the notes write as an
// acronym (« CA »), one typed whole.
func TestStopWordBeingTypedNotSearched(t *testing.T) {
	ix, m := openTestIndex(t, []*store.Note{
		bodyNote("theorie", "La théorie du changement expliquée."),
		bodyNote("theorie2", "Une théorie à revoir."),
		bodyNote("duree", "La durée du projet."),
		bodyNote("ca", "Le CA adopte la théorie."),
		bodyNote("autre", "Le jardin communautaire."),
	})
	for _, tc := range []struct {
		q, want, words string
		relaxed        bool
	}{
		{q: "theorie du", want: "ca theorie theorie2", words: "theorie"},
		{q: "theorie un", want: "ca theorie theorie2", words: "theorie"},
		{q: "theorie pour", want: "ca theorie theorie2", words: "theorie"},
		{q: "projet du", want: "duree", words: "projet|du"},                   // « durée »: kept
		{q: "theorie ca", want: "ca theorie theorie2", words: "theorie|ca"},   // the CA: kept
		{q: "jardin ca", want: "autre ca", words: "jardin|ca", relaxed: true}, // the CA: kept
		{q: "theorie du ", want: "ca theorie theorie2", words: "theorie"},     // typed whole: a stop word
		{q: "du", want: "duree", words: "du"},                                 // alone
	} {
		ids, res := sortedHits(t, ix, m, query.Request{Q: tc.q, PerPage: 10})
		got, words := strings.Join(ids, " "), strings.Join(res.Words, "|")
		if got != tc.want || words != tc.words || res.Relaxed != tc.relaxed {
			t.Errorf("%q: %q (words %q, relaxed %v), want %q (words %q, relaxed %v)", tc.q, got, words, res.Relaxed, tc.want, tc.words, tc.relaxed)
		}
	}
}

// TestTypoInWordBeingTyped: a word still being typed with a typo in it
// (« finacem » on the way to « finacement ») found nothing at every pause
// until it was typed whole, when the typo tolerance of whole words found
// « financement »: no word begins as typed, and the word read whole is
// within its typos of none. The words that begin within its typos of it
// are now its completions. A word whole within its typos of some word
// keeps to those (TestTyposFindTheRightWordsNotes).
func TestTypoInWordBeingTyped(t *testing.T) {
	ix, m := openTestIndex(t, []*store.Note{
		bodyNote("fin", "Le financement de la mission globale."),
		bodyNote("sent", "Former des sentinelles dans les villages."),
		bodyNote("autre", "Le jardin communautaire du quartier."),
	})
	for _, tc := range []struct{ q, want string }{
		{"finacem", "fin"},
		{"finaceme", "fin"},
		{"sentinn", "sent"},
		{"sentinne", "sent"},
		{"village sentinn", "sent"},
		{"finacem ", ""}, // typed whole: a word, which no note is within one typo of
		{"fonacem", ""},  // the first letter is never a typo
	} {
		ids, res := sortedHits(t, ix, m, query.Request{Q: tc.q, PerPage: 10})
		if got := strings.Join(ids, " "); got != tc.want || res.Total != uint64(len(ids)) {
			t.Errorf("%q: %q (total %d, words %q), want %q", tc.q, got, res.Total, res.Words, tc.want)
		}
	}
}

// TestApostropheNotTyped: a word typed without its apostrophe (« coop
// dhabitation », « lia générative », « jai besoin daide ») found nothing
// for that word: no note writes it, and the typo look-ups keep the first
// letter. A word no note writes that begins with an elided word before a
// vowel or an h, whose rest the notes hold, is read with its apostrophe
// (query.RestoreElisions). A word the notes write is left as typed
// (« lune » is no « l’une »; « lia » being typed completes « liaison »),
// and « sait » is no « s’ait », nor « sais » « s’ais » (a short rest must
// be written as typed, not only share a stem: « aisé » stems to « ais »).
func TestApostropheNotTyped(t *testing.T) {
	ix, m := openTestIndex(t, []*store.Note{
		bodyNote("habitation", "Une coopérative d’habitation à Montréal."),
		bodyNote("ia", "L’IA générative dans nos organismes."),
		bodyNote("liaison", "Une liaison entre les comités."),
		bodyNote("aide", "Besoin d’aide alimentaire ?"),
		bodyNote("inscrire", "S’inscrire comme bénévole."),
		bodyNote("lune", "La lune et le soleil."),
		bodyNote("auj", "Aujourd’hui, la relève."),
		bodyNote("aise", "Un budget aisé à suivre."),
		bodyNote("ail", "De l’ail et du basilic."),
		bodyNote("age", "Un âge d’or."),
		bodyNote("others", "L’entraide, l’organisme, l’élection et l’équipe."),
		bodyNote("budget", "Le budget de l’année."),
	})
	for _, tc := range []struct{ q, want string }{
		{"coop dhabitation", "habitation"},
		{"cooperative dhabita", "habitation"}, // being typed
		{"lia generative", "ia"},
		{"lia", "liaison"}, // being typed: « liaison » begins with it
		{"jai besoin daide", "aide"},
		{"sinscrire ", "inscrire"},
		{"lune ", "lune"},
		{"aujourdhui releve", "auj"},
		{"sait ", ""},
		{"sais ", ""},                       // « aisé » stems to « ais », but no note writes « ais »
		{"coop dhabitations", "habitation"}, // a long rest: its stem is enough
		{"mail ", ""},                       // « ail » is written, but « m’ail » is no French
		{"sage ", ""},                       // nor « s’âge »
		{"centraide ", ""},                  // « c’ » only before être or ça
		{"cest le budget ", "aise budget"},  // « c’est », a stop word: left out
		{"nequipe ", ""},                    // « n’ » only before a verb
		{"morgan ", ""},                     // after a pronoun, a verb in the infinitive
		{"selection ", ""},
		{"morgan", ""},             // being typed too
		{"sinscrire", "inscrire"},  // being typed, the infinitive whole
		{`"coop dhabitation"`, ""}, // a phrase: as typed
	} {
		ids, res := sortedHits(t, ix, m, query.Request{Q: tc.q, PerPage: 10})
		if got := strings.Join(ids, " "); got != tc.want || res.Relaxed {
			t.Errorf("%q: %q (relaxed %v, words %q), want %q", tc.q, got, res.Relaxed, res.Words, tc.want)
		}
		// The README: « jai besoin daide » searches « aide », « j'ai
		// besoin de » being the request.
		if tc.q == "jai besoin daide" && strings.Join(res.Words, " ") != "d’aide" {
			t.Errorf("%q searches %q, want only « d’aide »", tc.q, res.Words)
		}
	}
}

// TestCompoundTypedApart: a member of a synonym group written with a hyphen
// and typed as its parts (« sans abri », « burn out ») was not read as the
// member: « sans », a stop word, left « abri » alone, which no note writes,
// and the search found nothing where « sans-abri » finds the notes on
// itinérance. The parts, joined by hyphens, now match the member (up to
// four words, « lac a l'epaule »). When none of the member's synonyms is
// held by a note (« proces verbal » where no note writes « PV »), the words
// stay apart and the search relaxes them as before.
func TestCompoundTypedApart(t *testing.T) {
	ix, m := openTestIndex(t, []*store.Note{
		bodyNote("itin", "Le dénombrement de l’itinérance cachée en région."),
		bodyNote("epuis", "Prévenir l’épuisement professionnel des intervenant·es."),
		bodyNote("retraite", "Notre retraite stratégique de deux jours."),
		bodyNote("proces", "Le procès de l’ancien maire."),
		bodyNote("verbal", "Un accord verbal entre voisins."),
	})
	for _, tc := range []struct {
		q, want string
		relaxed bool
	}{
		{"sans abri", "itin", false},
		{"sans abri ", "itin", false},
		{"burn out ", "epuis", false},
		{"lac a l'epaule ", "retraite", false},
		{"proces verbal ", "proces verbal", true},
		{"proces verbal", "proces verbal", true}, // being typed
	} {
		ids, res := sortedHits(t, ix, m, query.Request{Q: tc.q, PerPage: 10})
		if got := strings.Join(ids, " "); got != tc.want || res.Relaxed != tc.relaxed {
			t.Errorf("%q: %q (relaxed %v, words %q), want %q (relaxed %v)", tc.q, got, res.Relaxed, res.Words, tc.want, tc.relaxed)
		}
	}
}

// TestWordsTypedApartWrittenJoined: French closes many compounds (« écoanxiété »,
// « covoiturage », « autopartage ») and people type their parts apart; a
// note writing the word joined held neither part, so « eco anxiete jeunes »
// put it after notes holding « éco » or « jeunes » (the milieux set).
// Two words typed apart that the notes write joined now also match the
// word joined (query.JoinWritten), in the caller's scope: a private note's
// word joins nothing for a caller who may not see it.
func TestWordsTypedApartWrittenJoined(t *testing.T) {
	priv := bodyNote("priv", "La polyculture sur nos toits.")
	priv.Visibility, priv.Authors = "private", []string{"Ana Roy"}
	ix, m := openTestIndex(t, []*store.Note{
		bodyNote("eco", "L’écoanxiété chez les jeunes : trois ressources."),
		bodyNote("covoit", "Le covoiturage vers l’usine."),
		bodyNote("auto", "L’autopartage en quartier."),
		bodyNote("parts", "Une auto en partage entre voisins."),
		bodyNote("poly", "Une culture de courges, poly comme on dit."),
		bodyNote("ecolo", "Une démarche écologique."),
		{ID: "ecot", Type: "note", Title: "Écoanxiété chez les ados", Visibility: "public"},
		bodyNote("loge", "Le logement abordable."),
		priv,
	})
	for _, tc := range []struct {
		q, want string
		words   []string
		noSyn   bool
	}{
		{"eco anxiete jeunes", "eco ecot", []string{"eco", "anxiete", "jeunes"}, false},
		{"eco anxiete", "eco ecot", []string{"eco", "anxiete"}, false}, // being typed: the joined word looked up whole
		{"eco anx", "eco ecot", []string{"eco", "anx"}, false},         // being typed: completed among the words as written
		{"co voiturage ", "covoit", []string{"co", "voiturage"}, false},
		{"auto partage ", "auto parts", []string{"auto", "partage"}, false},
		{`"eco anxiete"`, "", []string{"eco anxiete"}, false}, // a phrase: as typed
		{"poly culture ", "poly", []string{"poly", "culture"}, false},
		// « ecologement » is no form of « ecolog », « écologique »'s stem
		{"eco logement ", "eco loge", []string{"eco", "logement"}, false}, // relaxed; not « ecolo »
		// typed twice, joined once
		{"co voiturage co voiturage ", "covoit", []string{"co", "voiturage"}, false},
		// no synonym: still joined
		{"eco anxiete ", "eco ecot", []string{"eco", "anxiete"}, true},
	} {
		ids, res := sortedHits(t, ix, m, query.Request{Q: tc.q, PerPage: 10, NoSynonyms: tc.noSyn})
		if got := strings.Join(ids, " "); got != tc.want || !slices.Equal(res.Words, tc.words) {
			t.Errorf("%q: %q (words %q), want %q (words %q)", tc.q, got, res.Words, tc.want, tc.words)
		}
	}
}

// TestJoinedWordAfterTypedWords: a word the notes write that two typed
// words spell joined is matched loosely, as a typo is (query.Word.LooseTerms):
// « plan ete » is the summer's plan before « planète », which the join also
// finds.
func TestJoinedWordAfterTypedWords(t *testing.T) {
	ix, m := openTestIndex(t, []*store.Note{
		{ID: "planete", Type: "note", Title: "Sauver la planète", Body: "La planète et nous.", Visibility: "public"},
		bodyNote("plan", "Notre plan pour l’été au camp de jour."),
	})
	res, err := ix.Search(context.Background(), query.Request{Q: "plan ete ", PerPage: 10}, m)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); got != "plan,planete" {
		t.Errorf("plan ete: %s (words %q), want plan,planete", got, res.Words)
	}
}

// TestRegionTypedApartFindsItsTowns: « cote nord » typed apart finds what
// « côte-nord » finds, its towns included (the group « Côte-Nord, Côte
// Nord => Baie-Comeau, Sept-Îles… »). The notes write « Côte-Nord », so the
// two words also spell a word the notes write joined (its compound term),
// and that reading came first and hid the group's towns: synonym groups
// are matched before words joined.
func TestRegionTypedApartFindsItsTowns(t *testing.T) {
	ix, m := openTestIndex(t, []*store.Note{
		bodyNote("sept", "Un café citoyen à Sept-Îles."),
		bodyNote("baie", "Un tiers-lieu à Baie-Comeau."),
		bodyNote("port", "Le port de Port-Cartier."),
		bodyNote("cn", "Le réseau de la Côte-Nord."),
	})
	for _, q := range []string{"cote nord ", "côte-nord ", "cote nord"} {
		ids, res := sortedHits(t, ix, m, query.Request{Q: q, PerPage: 10})
		if got := strings.Join(ids, " "); got != "baie cn port sept" {
			t.Errorf("%q: %q (words %q), want the four notes", q, got, res.Words)
		}
	}
}
