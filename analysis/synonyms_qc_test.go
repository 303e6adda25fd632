package analysis

import (
	"slices"
	"testing"
)

// The groups added on 6 December 2026 to the default list (OQLF French for
// common anglicisms, familiar Québec abbreviations) behave as their lines
// say: a member of a two-way group finds the others, a one-way group does
// not find backwards, and a word that means something else in French
// (chat, pub, cookie) is never made to find the French term's notes the
// other way.
func TestDefaultSynonymsQuebecAdditions(t *testing.T) {
	s := DefaultSynonyms()
	cases := []expansion{
		{"phishing", []string{"hameçonnage", "filoutage"}, nil, "two-way"},
		{"hameçonnage", []string{"phishing"}, nil, "two-way, back"},
		{"pourriels", []string{"spam", "courriel indésirable"}, nil, "plural"},
		{"smartphone", []string{"téléphone intelligent"}, nil, ""},
		{"téléphones intelligents", []string{"smartphone"}, nil, "multi-word, plural"},
		{"hashtag", []string{"mot-clic", "mots-clics"}, nil, ""},
		{"selfie", []string{"égoportrait"}, nil, ""},
		{"cookies", []string{"témoin de connexion", "fichier témoin"}, nil, "one-way"},
		{"témoin de connexion", []string{"fichier témoin"}, []string{"cookie"}, "not back to cookie (the biscuit)"},
		{"chat en ligne", []string{"clavardage"}, nil, ""},
		{"clavardage", []string{"chat en ligne", "clavarder"}, nil, ""},
		{"chat", nil, []string{"clavardage", "clavarder"}, "chat alone is the cat"},
		{"mise à jour", []string{"update"}, nil, ""},
		{"mis à jour", []string{"update"}, nil, "participle folds with mise"},
		{"backup", []string{"sauvegarde"}, nil, "one-way"},
		{"sauvegarde", nil, []string{"backup"}, "sauvegarde du patrimoine"},
		{"cloud", []string{"infonuagique"}, nil, "one-way into the older group"},
		{"infonuagique", []string{"informatique en nuage"}, []string{"cloud"}, ""},
		{"feedback", []string{"rétroaction"}, nil, "one-way"},
		{"paie rétroactive", nil, []string{"feedback"}, "rétroactif shares rétroaction's stem"},
		{"brainstorming", []string{"remue-méninges", "tempête d'idées"}, nil, ""},
		{"meeting", []string{"réunion", "rencontre"}, nil, "one-way"},
		{"réunion", nil, []string{"meeting"}, ""},
		{"accountability", []string{"reddition de comptes", "redevabilité"}, nil, "one-way into the older group"},
		{"reddition de comptes", []string{"redevabilité"}, []string{"accountability", "imputabilité"}, ""},
		{"crowdfunding", []string{"sociofinancement", "financement participatif"}, nil, ""},
		{"burn-out", []string{"épuisement professionnel", "burnout"}, nil, "compound"},
		{"PTSD", []string{"TSPT", "trouble de stress post-traumatique"}, nil, ""},
		{"aidante naturelle", []string{"proche aidant"}, nil, "feminine folds"},
		{"proche aidant", nil, []string{"aidant naturel"}, "older term is one-way"},
		{"carte soleil", []string{"carte d'assurance maladie"}, nil, ""},
		{"psy", []string{"psychologue", "psychiatre"}, nil, ""},
		{"psychologue", nil, []string{"psy"}, ""},
		{"work-life balance", []string{"conciliation travail-famille"}, nil, ""},
		{"lettre de motivation", []string{"lettre de présentation"}, nil, "France and Québec"},
		{"freelance", []string{"pigiste", "travailleur autonome"}, nil, ""},
		{"pigiste", nil, []string{"freelance"}, ""},
		{"CSST", []string{"CNESST"}, nil, "former name"},
		{"CNESST", []string{"CSST", "Commission des normes de l'équité de la santé et de la sécurité du travail"}, nil, "merged with the older group"},
		{"commission scolaire", []string{"centre de services scolaire", "CSS"}, nil, ""},
		{"CSS", []string{"centre de services scolaire", "commission scolaire"}, nil, "merged with the older group"},
		{"rdv", []string{"rendez-vous"}, nil, ""},
		{"rendez-vous", []string{"rdv"}, nil, ""},
		{"ados", []string{"adolescent"}, nil, "plural"},
		{"adolescentes", []string{"ado"}, nil, "feminine plural"},
		{"profs", []string{"professeur", "enseignant"}, nil, "one-way"},
		{"professeure", nil, []string{"prof"}, ""},
		{"colocation", []string{"colocataire"}, nil, "folds with coloc"},
		{"colocataires", []string{"coloc"}, nil, ""},
		{"proprio", []string{"propriétaire"}, nil, ""},
		{"infos", []string{"information"}, nil, "one-way"},
		{"information", nil, []string{"info"}, ""},
		{"pub", []string{"publicité"}, nil, "one-way"},
		{"publicité", nil, []string{"pub"}, "pub is also a bar"},
		{"fin de semaine", []string{"week-end", "weekend"}, nil, ""},
		{"weekend", []string{"fin de semaine"}, nil, ""},
		{"BS", []string{"aide sociale"}, nil, "one-way"},
		{"aide sociale", nil, []string{"BS", "bien-être social"}, ""},
		{"REER", []string{"régime enregistré d'épargne-retraite"}, nil, ""},
		{"compte d'épargne libre d'impôt", []string{"CELI"}, nil, ""},
		{"RRQ", []string{"Retraite Québec", "Régime de rentes du Québec"}, nil, ""},
	}
	checkExpansions(t, s, cases)

	// Words left out on purpose: each also means something else in Québec
	// French (mail: a shopping mall; bac: a bin; chat: a cat; clé: a key,
	// not CLE; des, tes: stop words, not DES, TES; IP: an address, not
	// IPS; Mt: mont, not MTS). « cell » (a cell phone) is not there: the
	// stemmer makes it one word with CELI, which it then finds.
	for _, w := range []string{"mail", "bac", "chat", "clé", "des", "tes", "IP", "Mt"} {
		if got := s.Expand(w); got != nil {
			t.Errorf("Expand(%q) = %q, want nothing", w, got)
		}
	}

	// The forms the header says need no group: the analyzer already takes
	// them for one word.
	for _, p := range [][2]string{
		{"appart", "appartement"}, {"coloc", "colocation"}, {"ado", "ados"},
		{"prof", "profs"}, {"adolescent", "adolescente"}, {"aidant", "aidante"},
		{"freelance", "freelancer"},
	} {
		a, _ := WordKey(p[0])
		b, _ := WordKey(p[1])
		if a != b {
			t.Errorf("WordKey(%q) = %q, WordKey(%q) = %q: want the same", p[0], a, p[1], b)
		}
	}
}

// expansion is a table case of the default list: what Expand(words) holds
// and does not.
type expansion struct {
	words   string
	finds   []string // each among Expand(words)
	misses  []string // none among Expand(words)
	comment string
}

// checkExpansions checks each case against s.Expand.
func checkExpansions(t *testing.T, s *Synonyms, cases []expansion) {
	t.Helper()
	for _, c := range cases {
		got := s.Expand(c.words)
		for _, w := range c.finds {
			if !slices.Contains(got, w) {
				t.Errorf("Expand(%q) = %q, want it to hold %q (%s)", c.words, got, w, c.comment)
			}
		}
		for _, w := range c.misses {
			if slices.Contains(got, w) {
				t.Errorf("Expand(%q) = %q, holds %q (%s)", c.words, got, w, c.comment)
			}
		}
	}
}
