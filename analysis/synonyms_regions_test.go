package analysis

import (
	"slices"
	"testing"
)

// The region groups of the default list (added on 6 December 2026) go one
// way, from a region or a sub-region to its towns: the region's spellings
// (accents or none, en dash or hyphen, St, spaces) find the towns, a town
// finds neither its region nor the other towns, and a sub-region finds its
// own towns only.
func TestDefaultSynonymsRegions(t *testing.T) {
	s := DefaultSynonyms()
	cases := []expansion{
		{"Mauricie", []string{"Trois-Rivières", "Shawinigan", "La Tuque", "Louiseville", "Saint-Tite"}, []string{"Drummondville"}, ""},
		{"mauricie", []string{"Trois-Rivières"}, nil, "lower case"},
		{"Montérégie", []string{"Longueuil", "Saint-Jean-sur-Richelieu", "Saint-Hyacinthe", "Valleyfield"}, []string{"Granby", "Lévis"}, "Granby is in the Estrie since 2021"},
		{"monteregie", []string{"Longueuil", "Brossard"}, nil, "no accents"},
		{"Côte-Nord", []string{"Sept-Îles", "Baie-Comeau", "Forestville"}, nil, ""},
		{"cote nord", []string{"Sept-Îles", "Havre-Saint-Pierre"}, nil, "spaced, no accents"},
		{"Saguenay–Lac-Saint-Jean", []string{"Chicoutimi", "Jonquière", "Alma", "Roberval", "Saguenay", "Lac-Saint-Jean"}, nil, "en dash"},
		{"Saguenay-Lac-Saint-Jean", []string{"Chicoutimi", "Alma", "Saguenay–Lac-Saint-Jean"}, nil, "hyphen: also the en-dash spelling"},
		{"Saguenay-Lac-St-Jean", []string{"Alma", "Saguenay–Lac-Saint-Jean"}, nil, "St: also the Saint spelling"},
		{"saguenay lac saint jean", []string{"Chicoutimi", "Dolbeau-Mistassini"}, nil, "spaced: one match, not Saguenay and Lac-Saint-Jean apart"},
		{"SLSJ", []string{"Saguenay–Lac-Saint-Jean", "Alma", "Chicoutimi"}, nil, "the older two-way group merges"},
		{"Lac-St-Jean", []string{"Alma", "Roberval", "Lac-Saint-Jean"}, []string{"Chicoutimi", "Jonquière"}, "sub-region"},
		{"Saguenay", []string{"Chicoutimi", "Jonquière"}, []string{"Alma", "Roberval"}, "a town and a sub-region"},
		{"Gaspésie–Îles-de-la-Madeleine", []string{"Gaspé", "Chandler", "Cap-aux-Meules", "Gaspésie", "Îles-de-la-Madeleine"}, nil, "en dash"},
		{"Gaspesie-Iles-de-la-Madeleine", []string{"Gaspé", "Cap-aux-Meules"}, nil, "hyphen, no accents"},
		{"GIM", []string{"Gaspé", "Gaspésie–Îles-de-la-Madeleine"}, nil, "no circumflex"},
		{"Gaspésie", []string{"Gaspé", "Sainte-Anne-des-Monts", "New Richmond"}, []string{"Cap-aux-Meules", "Rimouski"}, "the Îles are not the Gaspésie"},
		{"îles de la Madeleine", []string{"Cap-aux-Meules", "Havre-Aubert"}, []string{"Gaspé"}, ""},
		{"Bas-St-Laurent", []string{"Rimouski", "Rivière-du-Loup", "Bas-Saint-Laurent"}, nil, "St: also the Saint spelling"},
		{"BSL", []string{"Rimouski", "Matane", "Bas-Saint-Laurent"}, nil, ""},
		{"Kamouraska", []string{"La Pocatière", "Saint-Pascal"}, []string{"Rimouski"}, ""},
		{"Estrie", []string{"Sherbrooke", "Magog", "Granby", "Lac-Mégantic", "Cantons-de-l'Est"}, nil, ""},
		{"Cantons-de-l’Est", []string{"Sherbrooke", "Estrie"}, nil, "typographic apostrophe"},
		{"Capitale-Nationale", []string{"ville de Québec", "Charlevoix", "Baie-Saint-Paul", "Sainte-Foy"}, nil, ""},
		{"régions du Québec", nil, []string{"ville de Québec", "Limoilou"}, "« région de Québec » is not a source: the common « régions du Québec » reads the same"},
		{"Charlevoix", []string{"Baie-Saint-Paul", "La Malbaie"}, []string{"Sainte-Foy"}, ""},
		{"Abitibi-Témiscamingue", []string{"Rouyn-Noranda", "Val-d'Or", "Amos", "Témiscaming"}, nil, ""},
		{"Abitibi", []string{"Amos", "Val-d'Or", "La Sarre"}, []string{"Témiscaming"}, ""},
		{"Témiscamingue", []string{"Témiscaming", "Notre-Dame-du-Nord"}, []string{"Amos"}, ""},
		{"Nord-du-Québec", []string{"Chibougamau", "Kuujjuaq", "Chisasibi", "Nunavik"}, nil, ""},
		{"Nunavik", []string{"Kuujjuaq", "Puvirnituq"}, []string{"Chibougamau"}, ""},
		{"Chaudière-Appalaches", []string{"Lévis", "Thetford Mines", "Saint-Georges", "Beauce", "Montmagny"}, nil, ""},
		{"Beauce", []string{"Saint-Georges", "Sainte-Marie", "Beauceville"}, []string{"Lévis", "Montmagny"}, ""},
		{"Laurentides", []string{"Saint-Jérôme", "Mont-Tremblant", "Mont-Laurier", "Blainville"}, nil, ""},
		{"Basses-Laurentides", []string{"Saint-Eustache", "Blainville"}, []string{"Mont-Laurier"}, ""},
		{"Lanaudière", []string{"Joliette", "Terrebonne", "Repentigny"}, nil, ""},
		{"Outaouais", []string{"Gatineau", "Maniwaki"}, nil, ""},
		{"Centre-du-Québec", []string{"Drummondville", "Victoriaville", "Bécancour", "Nicolet"}, nil, ""},
		{"Bois-Francs", []string{"Victoriaville", "Plessisville"}, []string{"Drummondville"}, ""},
		{"Haute-Côte-Nord", []string{"Forestville", "Les Escoumins"}, []string{"Sept-Îles"}, ""},
		{"Haute-Mauricie", []string{"La Tuque", "Wemotaci"}, []string{"Trois-Rivières"}, ""},
		{"Rive-Sud", []string{"Longueuil", "Brossard"}, []string{"Terrebonne"}, ""},
		{"Montréal", []string{"Mtl"}, []string{"Verdun", "Rosemont"}, "no borough group"},
		{"Saint", nil, []string{"Saint-Jérôme"}, "a Saint- town's first word is no source"},
	}
	checkExpansions(t, s, cases)

	// A town, however typed, finds neither its region nor the other
	// towns; nor do the words a region's name is made of.
	for _, w := range []string{
		"Trois-Rivières", "trois-rivieres", "Rimouski", "Sept-Îles", "Alma", "Chicoutimi",
		"Gaspé", "Sherbrooke", "Gatineau", "Longueuil", "Saint-Jérôme", "St-Jérôme", "Joliette",
		"Val-d'Or", "Lévis", "La Tuque", "Drummondville", "Granby", "Laval", "Québec",
		"Baie-Comeau", "Rouyn-Noranda", "Saint-Georges", "Kuujjuaq",
		"région", "nord", "côte", "sud", "rive", "lac", "haute", "centre", "c'est",
	} {
		if got := s.Expand(w); got != nil {
			t.Errorf("Expand(%q) = %q, want nothing", w, got)
		}
	}

	// One way: no region is found back from what it finds, but for its
	// other spellings and the sub-regions that are also towns.
	sameRegion := map[string]bool{
		"BSL": true, "Bas-Saint-Laurent": true, "Bas-St-Laurent": true,
		"SLSJ": true, "Saguenay–Lac-Saint-Jean": true, "Saguenay-Lac-Saint-Jean": true,
		"Saguenay–Lac-St-Jean": true, "Saguenay-Lac-St-Jean": true,
		"Lac-Saint-Jean": true, "Lac-St-Jean": true,
		"GÎM": true, "Gaspésie–Îles-de-la-Madeleine": true,
		"Estrie": true, "Cantons-de-l'Est": true,
	}
	for _, region := range []string{
		"Bas-Saint-Laurent", "Saguenay–Lac-Saint-Jean", "Capitale-Nationale", "Mauricie",
		"Estrie", "Outaouais", "Abitibi-Témiscamingue", "Côte-Nord", "Nord-du-Québec",
		"Gaspésie–Îles-de-la-Madeleine", "Chaudière-Appalaches", "Lanaudière", "Laurentides",
		"Montérégie", "Centre-du-Québec",
	} {
		alts := s.Expand(region)
		if len(alts) < 5 {
			t.Errorf("Expand(%q) = %q, want the region's towns", region, alts)
		}
		for _, a := range alts {
			if sameRegion[a] {
				continue
			}
			if back := s.Expand(a); slices.Contains(back, region) {
				t.Errorf("%q finds %q back: region groups go one way", a, region)
			}
		}
	}

	// Names left out because their one analysed word is a common word, a
	// frequent surname or a better-known place (La Baie, La Prairie, Percé,
	// Dégelis, Labelle, Le Bic, Contrecœur, La Bostonnais, Les
	// Bergeronnes, Jamésie): no alternative of the list may come down to it.
	// (La Tuque stays, the one town of the Haute-Mauricie.)
	common := []string{"baie", "prairie", "percée", "dégel", "label", "bic", "contrecœur", "boston", "bergeron", "james"}
	for _, word := range common {
		key, _ := WordKey(word)
		for _, a := range s.Alternatives() {
			toks := Analyze(a)
			if len(toks) == 0 || toks[0].Position != toks[len(toks)-1].Position {
				continue // several words: a phrase
			}
			for _, tk := range toks {
				if tk.Term == key {
					t.Errorf("%q comes down to %q, the common word %q", a, tk.Term, word)
				}
			}
		}
	}
}
