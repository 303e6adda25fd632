package analysis

import "testing"

// The abbreviations and variant writings added on 6 December 2026 (address
// words, titles, words notes shorten) find their full form and back, as
// their lines say; the short forms left out because their stem is also a
// common word (boul: boule, tél: tel and télé, min: mine and mini) or
// because they mean something else (ch: centre hospitalier, CP: communiqué
// de presse, app: application) find nothing new.
func TestDefaultSynonymsAbbreviations(t *testing.T) {
	s := DefaultSynonyms()
	cases := []expansion{
		// Addresses.
		{"av.", []string{"avenue"}, nil, "the dot is dropped"},
		{"avenue", []string{"av", "ave"}, nil, "back"},
		{"avenues", []string{"av"}, nil, "plural"},
		{"rte", []string{"route"}, nil, ""},
		{"routes", []string{"rte"}, nil, "back, plural"},
		{"bur.", []string{"bureau"}, nil, ""},
		{"bureaux", []string{"bur"}, nil, "back, plural"},
		{"apt", []string{"appartement"}, nil, ""},
		{"appartements", []string{"apt"}, nil, "back, plural"},
		{"appart", []string{"apt"}, nil, "appart folds with appartement"},
		{"casier postal", []string{"case postale"}, nil, ""},
		{"cases postales", []string{"casier postal"}, nil, "back, plural"},

		// Titles and functions.
		{"Mme", []string{"madame", "mesdames"}, nil, ""},
		{"Mmes", []string{"madame"}, nil, "plural"},
		{"madame", []string{"Mme"}, nil, "back"},
		{"mesdames", []string{"Mme"}, nil, "back, plural"},
		{"Dr", []string{"docteur", "Dre"}, nil, ""},
		{"Dre", []string{"docteur", "Dr"}, nil, ""},
		{"docteure", []string{"Dre", "Dr"}, nil, "feminine folds with docteur"},
		{"docteurs", []string{"Dr"}, nil, "plural"},
		{"VP", []string{"vice-président", "vice-présidente"}, nil, ""},
		{"vice-présidente", []string{"VP"}, nil, "back, feminine"},
		{"vice-président", []string{"VP"}, nil, "back"},
		{"TS", []string{"travailleur social", "travailleuse sociale"}, nil, ""},
		{"travailleuse sociale", []string{"TS"}, nil, "back"},
		{"travailleurs sociaux", []string{"TS"}, nil, "back, plural"},
		{"éduc spé", []string{"éducatrice spécialisée", "éducateur spécialisé"}, nil, ""},
		{"éducatrices spécialisées", []string{"éduc spé"}, nil, "back, plural"},

		// Words notes shorten.
		{"admin", []string{"administration", "administrateur", "administratrice"}, nil, ""},
		{"administration", []string{"admin"}, []string{"administrateur", "administratrice"}, "back, not to the person"},
		{"administratives", []string{"admin"}, nil, "the adjective shares the stem"},
		{"administratrice", []string{"admin"}, []string{"administration"}, "back, not to the office"},
		{"ODJ", []string{"ordre du jour"}, nil, ""},
		{"ordre du jour", []string{"ODJ"}, nil, "back"},
		{"fax", []string{"télécopieur", "télécopie", "téléc"}, nil, ""},
		{"téléc.", []string{"fax", "télécopieur"}, nil, ""},
		{"télécopieur", []string{"fax"}, nil, "back"},
		{"hebdo", []string{"hebdomadaire"}, nil, ""},
		{"hebdomadaires", []string{"hebdo"}, nil, "back, plural"},
		{"km", []string{"kilomètre"}, nil, ""},
		{"kilomètres", []string{"km"}, nil, "back, plural"},
		{"temps plein", []string{"temps complet"}, nil, ""},
		{"temps complet", []string{"temps plein"}, nil, "back"},
		{"assemblée extraordinaire", []string{"assemblée générale spéciale", "AG extraordinaire"}, nil, ""},
		{"AG spéciale", []string{"assemblée générale extraordinaire"}, nil, ""},
		{"QC", []string{"Québec"}, nil, "one-way"},
		{"Qc", []string{"Québec"}, nil, "one-way"},
		{"Québec", nil, []string{"QC"}, "not back: every address « (QC) »"},
	}
	checkExpansions(t, s, cases)

	// Left out: each is also a common word once stemmed, or another
	// abbreviation (see the list's comments).
	for _, w := range []string{
		"boul.", "boule", "bd", "ch.", "CH", "c.p.", "CP", "succ.", "cie",
		"tél.", "tel", "télé", "min", "mini", "h", "hrs", "sem.", "M.", "Me",
		"bio", "etc.", "arr.", "env.", "mar.", "sept.", "rang",
	} {
		if got := s.Expand(w); got != nil {
			t.Errorf("Expand(%q) = %q, want nothing", w, got)
		}
	}
	// Nor do the full forms find the short ones.
	checkExpansions(t, s, []expansion{
		{"boulevard", nil, []string{"boul", "bd"}, "boul is boule"},
		{"téléphone", nil, []string{"tél", "tel"}, "tél is tel and télé"},
		{"minute", nil, []string{"min"}, "min is mine and mini"},
		{"heure", nil, []string{"h", "hrs"}, "h is any letter h"},
		{"appartement", nil, []string{"app"}, "app is the mobile app"},
		{"app", nil, []string{"appartement", "apt"}, "app is the mobile app"},
		{"case postale", nil, []string{"c.p.", "CP"}, "c.p. keeps only p"},
		{"biologique", nil, []string{"bio"}, "bio is not biologie"},
	})
}
