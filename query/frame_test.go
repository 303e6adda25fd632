package query

import (
	"strings"
	"testing"
)

// TestQuestionFrame: a frame verb right after the question word that
// starts a query (« que faire si », « comment savoir si », « où trouver »)
// is how the person asks, dropped like the question word; anywhere else,
// or in a query of two words, it is a word like the others.
func TestQuestionFrame(t *testing.T) {
	for _, c := range []struct{ q, want string }{
		{"que faire si rénoviction", "rénoviction"},
		{"comment savoir si quelqu'un sait pas lire", "quelqu'un sait lire"},
		{"où trouver un local", "local"},
		{"ou trouver un local", "local"},
		{"comment faire pour recruter", "recruter"},
		{"Comment Faire pour recruter", "recruter"},
		{"comment faire", "faire"},                        // two words: nothing else to search
		{"partager le savoir", "partager savoir"},         // not after a question word
		{"comment partager le savoir", "partager savoir"}, // not right after it
		{"comment savoir-faire", "savoir-faire"},          // a compound, not the verb
		{"comment \"faire\" mieux", "faire mieux"},        // quoted: asked for
		{"faire comment logement", "faire logement"},      // the question word not first
		// « définition » starting a query asks what a thing is.
		{"définition tiers lieu", "tiers lieu"},
		{"définition tiers-lieu", "tiers-lieu"}, // the README's example
		{"definition de l'économie sociale", "l'économie sociale"},
		{"définition", "définition"},                                     // alone: searched
		{"atelier définition des besoins", "atelier définition besoins"}, // not first
		{"\"définition\" tiers lieu", "définition tiers lieu"},           // quoted: asked for
		// A request (« je cherche », « j'aimerais », « j'ai besoin de »,
		// « info sur ») says how the person asks.
		{"je cherche un local pour des ateliers", "local ateliers"},
		{"Je cherche des bénévoles", "bénévoles"},
		{"cherche local communautaire", "local communautaire"},
		{"on voudrait partir une coop", "partir coop"},
		{"j'aimerais apprendre l'informatique", "apprendre l'informatique"},
		{"j’aimerais apprendre l'informatique", "apprendre l'informatique"},
		{"je veux faire du bénévolat", "faire bénévolat"},
		{"j'ai besoin d'aide pour mon loyer", "d'aide loyer"},
		{"on a besoin de financement", "financement"},
		{"info sur le compostage", "compostage"},
		{"informations aînés isolés", "aînés isolés"},
		{"je recherche une subvention", "subvention"},
		{"recherche action participative", "recherche action participative"}, // research, no subject
		{"chercher une job autrement", "chercher job autrement"},             // the infinitive: the subject
		{"je cherche", "cherche"},                                            // nothing else to search
		{"je cherche des ", "cherche"},                                       // stop words only after it
		{"besoins des aînés", "besoins aînés"},                               // a need, not « j'ai besoin »
		{"j'ai des besoins", "besoins"},                                      // not a request
		{"partage d'informations", "partage d'informations"},                 // not first
		{"\"je cherche\" roman", "je cherche roman"},                         // quoted: asked for
		{"je cherche un local", "local"},                                     // the last word being typed
		{"existe-t-il des haltes-garderies à rimouski ", "haltes-garderies rimouski"},
		{"est-ce qu'il existe des jardins communautaires ", "jardins communautaires"},
		{"où est-ce que je peux trouver un local ", "local"},
		{"qui peut m'aider avec mon loyer ", "loyer"},
		{"je voudrais savoir si le compost est accepté ", "compost accepté"},
		{"pouvez-vous m'aider à remplir ma déclaration ", "remplir déclaration"},
		{"je cherche de l'information sur les coops ", "coops"},
		{"peut-on composter en appartement ", "composter appartement"},
		{"trouver un emploi ", "trouver emploi"},                            // no request before it
		{"savoir-faire des aînés ", "savoir-faire aînés"},                   // a compound, not « savoir »
		{"aide alimentaire qui peut aider ", "aide alimentaire peut aider"}, // the request only opens a query
		{"les organismes qui peuvent m'aider ", "organismes peuvent m'aider"},
		// Whatever opens the query before the question or the request:
		// an emoji, « svp », « bonjour », another request.
		{"🙂 que faire si rénoviction ", "rénoviction"},
		{"svp comment faire un cv sans expérience ", "cv expérience"},
		{"bonjour, je cherche un local ", "local"},
		{"je cherche comment faire un cv ", "cv"},
		{"... comment faire un cv ", "cv"},
		{"je cherche la définition de tiers-lieu ", "tiers-lieu"},
		{"qu'estce que l'économie sociale ", "l'économie sociale"},
		{"s'il vous plaît où trouver un local ", "local"},
	} {
		if got, _ := plannedTexts(t, c.q); got != c.want {
			t.Errorf("%q searches %q, want %q", c.q, got, c.want)
		}
	}
}

// planOf parses q and plans it without a dictionary.
func planOf(t *testing.T, q string) (ParsedQuery, *Plan) {
	t.Helper()
	pq, err := Parse(q)
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(pq, nil)
	if err != nil {
		t.Fatal(err)
	}
	return pq, p
}

// plannedTexts returns the words and the excluded words of q's plan (no
// dictionary), as typed, each list joined by spaces.
func plannedTexts(t *testing.T, q string) (words, excluded string) {
	t.Helper()
	_, p := planOf(t, q)
	var got, ex []string
	for _, w := range p.Words() {
		got = append(got, w.Text())
	}
	for _, w := range p.excluded {
		ex = append(ex, w.Text())
	}
	return strings.Join(got, " "), strings.Join(ex, " ")
}
