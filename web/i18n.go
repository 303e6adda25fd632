package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/encommun/trouvaille/schema"
)

// Languages of the interface: Québec French first, English second.
const (
	langFR = "fr"
	langEN = "en"
)

// messages holds every human string of the page, by language. Templates read
// them as {{$.T.key}}; the JavaScript receives the same map as JSON, so the
// page says the same thing whether it was rendered by the server or the browser.
// The labels of the facets (facet_<facet>) and of the filters in chips
// (chip_<filter>) come from schema.Dimensions (withDimensionLabels).
var messages = frenchSpaces(withDimensionLabels(map[string]map[string]string{
	langFR: {
		"html_lang":                 "fr-CA",
		"site_title":                "Trouvaille",
		"tagline":                   "Chercher dans les notes de savoir des plateformes En commun",
		"skip":                      "Aller au contenu",
		"nav_label":                 "Navigation principale",
		"nav_search":                "Recherche",
		"nav_orgs":                  "Organisations",
		"nav_carnets":               "Carnets",
		"nav_terms":                 "Termes",
		"other_lang":                "English",
		"other_lang_code":           "en",
		"search_label":              "Que cherchez-vous ?",
		"search_hint":               "Tapez quelques mots : un sujet, une organisation, un terme. Les fautes de frappe et les accents oubliés sont tolérés.",
		"search_button":             "Chercher",
		"filters":                   "Filtres",
		"filters_open":              "Afficher les filtres",
		"filters_close":             "Fermer les filtres",
		"colon":                     "\u00a0:",
		"apply":                     "Appliquer les filtres",
		"clear":                     "Effacer les filtres",
		"active_filters":            "Filtres choisis",
		"remove_filter":             "Retirer le filtre",
		"see_more":                  "Voir plus",
		"filter_values":             "Filtrer la liste",
		"browse_all":                "Tout parcourir",
		"sort":                      "Trier par",
		"sort_relevance":            "Pertinence",
		"sort_newest":               "Plus récentes d’abord",
		"sort_oldest":               "Plus anciennes d’abord",
		"sort_title":                "Titre (A à Z)",
		"dates":                     "Date de publication",
		"date_after":                "Depuis le",
		"date_before":               "Jusqu’au",
		"date_format":               "AAAA-MM-JJ",
		"facet_published":           "Année",
		"type_note":                 "Note",
		"type_terme":                "Terme",
		"type_organisation":         "Organisation",
		"results":                   "Résultats",
		"count_recent":              "%s notes, les plus récentes d’abord",
		"loading":                   "Recherche en cours…",
		"relaxed":                   "Aucun résultat ne contient tous vos mots : voici ceux qui en contiennent le plus.",
		"partial":                   "Votre expression entre guillemets se trouve dans beaucoup de notes : seules les plus pertinentes ont été vérifiées, il peut y en avoir d’autres.",
		"did_you_mean":              "Vouliez-vous dire",
		"qmark":                     "\u00a0?",
		"lquote":                    "«\u00a0",
		"rquote":                    "\u00a0»",
		"empty_title":               "Aucun résultat pour « %s ».",
		"empty_one_letter":          "Une seule lettre ne suffit pas pour chercher : continuez à taper le mot.",
		"empty_filters":             "Aucun résultat avec ces filtres.",
		"empty_try":                 "Vous pouvez :",
		"empty_spelling":            "vérifier l’orthographe;",
		"empty_general":             "utiliser des mots plus généraux (par exemple « logement » plutôt que « coopérative d’habitation à Rimouski »);",
		"empty_remove":              "retirer des filtres;",
		"empty_browse":              "parcourir les listes :",
		"pagination":                "Pages de résultats",
		"prev":                      "Page précédente",
		"next":                      "Page suivante",
		"page_n":                    "Page %d",
		"page_of":                   "Page %d sur %d",
		"by":                        "Par",
		"orgs":                      "Organisations",
		"in_carnet":                 "Carnet",
		"published":                 "Publiée le",
		"updated":                   "Mise à jour le",
		"note_authors":              "Auteur·trices",
		"note_curator":              "Ajoutée par",
		"note_orgs":                 "Organisations reliées",
		"note_terms":                "Termes reliés",
		"note_carnets":              "Carnets et blocs",
		"note_community":            "Communauté",
		"note_original":             "Voir la note originale",
		"note_about":                "À propos de cette note",
		"note_summary":              "En bref",
		"related":                   "Notes reliées",
		"linked":                    "Notes liées",
		"back":                      "Retour à la recherche",
		"not_found":                 "Note introuvable",
		"not_found_text":            "Cette note n’existe pas ou n’est pas publique. Elle a peut-être été retirée.",
		"page_not_found":            "Page introuvable",
		"page_not_found_text":       "Aucune page du site ne se trouve à cette adresse. Vérifiez le lien, ou cherchez une note à partir de l’accueil.",
		"search_closed":             "Recherche publique fermée",
		"search_closed_text":        "Ce site n’offre pas de recherche publique : ses notes se consultent sur les sites partenaires. Pour y avoir accès, écrivez à l’équipe qui gère ce site.",
		"dates_reversed":            "la date « Jusqu’au » (%s) vient avant la date « Depuis le » (%s). Inversez les deux dates, ou retirez-en une.",
		"date_invalid":              "la date « %s » n’est pas une date : « %s ». Écrivez-la AAAA-MM-JJ (par exemple 2024-05-02), ou retirez-la.",
		"page_too_far":              "la page %s est trop loin : on ne peut parcourir que les %s premiers résultats (page %s au plus). Précisez la recherche ou ajoutez des filtres.",
		"browse_orgs":               "Organisations",
		"browse_orgs_intro":         "Toutes les organisations reliées à des notes, en ordre alphabétique. Choisissez-en une pour voir ses notes.",
		"browse_carnets":            "Carnets",
		"browse_carnets_intro":      "Les carnets regroupent des notes par thème. Choisissez-en un pour voir ses notes.",
		"browse_terms":              "Termes",
		"browse_terms_intro":        "Les termes du lexique En commun. Choisissez-en un pour voir les notes qui l’utilisent.",
		"az":                        "Index alphabétique",
		"notes_count_one":           "1 note",
		"notes_count_many":          "%s notes",
		"filter_list":               "Filtrer cette liste",
		"no_match_list":             "Aucun élément ne correspond.",
		"suggestions":               "Suggestions",
		"sugg_titles":               "Notes",
		"sugg_terms":                "Termes",
		"sugg_organisations":        "Organisations",
		"sugg_authors":              "Auteur·trices",
		"sugg_carnets":              "Carnets",
		"sugg_back":                 "Suggestions",
		"sugg_back_sr":              "Les suggestions sont masquées : appuyez sur la flèche vers le bas, ou touchez la boîte, pour les revoir.",
		"error":                     "La recherche n’a pas pu se faire",
		"error_rebuilding":          "La recherche est en entretien et revient dans quelques minutes. Aucune note n’est perdue; réessayez un peu plus tard.",
		"footer":                    "Trouvaille, le moteur de recherche des notes En commun. Aucun pistage : vos recherches sont comptées sans vous identifier, et rien n’est chargé d’un autre site.",
		"api":                       "API",
		"skip_results":              "Aller aux résultats",
		"help_link":                 "Aide : comment chercher",
		"help_title":                "Aide : comment chercher",
		"nav_help":                  "Aide",
		"count_zero":                "Aucun résultat",
		"count_one":                 "1 résultat",
		"count_many":                "%s résultats",
		"home_order":                "les plus récentes d’abord",
		"home_browse":               "À parcourir",
		"home_order_oldest":         "les plus anciennes d’abord",
		"home_order_title":          "par titre, de A à Z",
		"kind1_note":                "1 note",
		"kinds_note":                "%s notes",
		"kind1_terme":               "1 terme",
		"kinds_terme":               "%s termes",
		"kind1_organisation":        "1 organisation",
		"kinds_organisation":        "%s organisations",
		"and":                       "et",
		"see_none":                  "Aucun résultat : fermer",
		"see_one":                   "Voir le résultat",
		"see_many":                  "Voir les %s résultats",
		"what":                      "C’est quoi ?",
		"what_type":                 "Le genre de fiche : une note (un savoir partagé par un organisme), un terme du lexique (un mot du milieu expliqué simplement) ou une organisation (sa présentation).",
		"what_organisations":        "Les organismes dont parle la note, ou qui l’ont écrite.",
		"what_terms":                "Le lexique explique les mots du milieu communautaire (par exemple « OBNL »). Une note est reliée aux termes du lexique qu’elle utilise.",
		"what_carnets":              "Un carnet regroupe des notes sur un même thème, comme un cahier. Il est divisé en blocs (Bloc 1, Bloc 2…), comme des chapitres : choisissez un carnet pour voir ses blocs.",
		"what_blocs":                "Les blocs sont les parties d’un carnet, comme des chapitres.",
		"what_authors":              "Les personnes qui ont écrit la note.",
		"what_curator":              "La personne qui a ajouté la note à la plateforme (pas toujours celle qui l’a écrite).",
		"blocs_of":                  "Blocs du carnet « %s »",
		"correction_read":           "Résultats pour",
		"correction_instead":        "Chercher plutôt",
		"missing":                   "ne contient pas",
		"guide_examples":            "Exemples de recherches",
		"guide_orgs":                "Organisations les plus présentes",
		"guide_terms":               "Termes les plus utilisés",
		"examples":                  "logement|financement communautaire|tiers-lieu|bénévolat",
		"empty_suggest":             "essayer l’orthographe proposée :",
		"empty_fewer":               "chercher avec moins de mots :",
		"empty_french":              "Les notes sont écrites en français : cherchez avec des mots français.",
		"empty_french_try":          "Mots français pour votre recherche :",
		"entity_notes_terme":        "Voir les notes qui utilisent ce terme",
		"entity_notes_organisation": "Voir les notes de cette organisation",
		"entity_page":               "Fiche complète",
		"reason_link":               "La note que vous lisez y renvoie.",
		"reason_back":               "Elle renvoie à la note que vous lisez.",
		"reason_term":               "Même terme : « %s ».",
		"reason_org":                "Même organisation : « %s ».",
		"reason_carnet":             "Même carnet : « %s ».",
		"reason_text":               "Sujet semblable.",
		"copy_link":                 "Copier le lien",
		"copied":                    "Lien copié.",
		"copy_failed":               "Copiez l’adresse dans la barre du navigateur.",
		"hit_terms":                 "Termes",
		"hit_bloc":                  "bloc",
		"browse_count":              "%s au total, de A à Z.",
		"browse_letter_page":        "Lettre %s",
		"browse_more":               "Les listes longues sont présentées une lettre à la fois : choisissez une lettre.",
		"print":                     "Imprimer",
	},
	langEN: {
		"html_lang":                 "en-CA",
		"site_title":                "Trouvaille",
		"tagline":                   "Search the knowledge notes of the En commun platforms",
		"skip":                      "Skip to content",
		"nav_label":                 "Main navigation",
		"nav_search":                "Search",
		"nav_orgs":                  "Organisations",
		"nav_carnets":               "Notebooks",
		"nav_terms":                 "Terms",
		"other_lang":                "Français",
		"other_lang_code":           "fr",
		"search_label":              "What are you looking for?",
		"search_hint":               "Type a few words: a topic, an organisation, a term. Typos and missing accents are fine.",
		"search_button":             "Search",
		"filters":                   "Filters",
		"filters_open":              "Show filters",
		"filters_close":             "Close filters",
		"colon":                     ":",
		"apply":                     "Apply filters",
		"clear":                     "Clear filters",
		"active_filters":            "Selected filters",
		"remove_filter":             "Remove filter",
		"see_more":                  "Show more",
		"filter_values":             "Filter the list",
		"browse_all":                "Browse all",
		"sort":                      "Sort by",
		"sort_relevance":            "Relevance",
		"sort_newest":               "Newest first",
		"sort_oldest":               "Oldest first",
		"sort_title":                "Title (A to Z)",
		"dates":                     "Publication date",
		"date_after":                "From",
		"date_before":               "Until",
		"date_format":               "YYYY-MM-DD",
		"facet_published":           "Year",
		"type_note":                 "Note",
		"type_terme":                "Term",
		"type_organisation":         "Organisation",
		"results":                   "Results",
		"count_recent":              "%s notes, newest first",
		"loading":                   "Searching…",
		"relaxed":                   "No result contains all your words: here are those that contain the most.",
		"partial":                   "Your quoted phrase may be in many notes: only the most relevant were checked, there may be others.",
		"did_you_mean":              "Did you mean",
		"qmark":                     "?",
		"lquote":                    "“",
		"rquote":                    "”",
		"empty_title":               "No result for “%s”.",
		"empty_one_letter":          "One letter is not enough to search: keep typing the word.",
		"empty_filters":             "No result with these filters.",
		"empty_try":                 "You can:",
		"empty_spelling":            "check the spelling;",
		"empty_general":             "use more general words (for example “housing” rather than “housing co-op in Rimouski”);",
		"empty_remove":              "remove some filters;",
		"empty_browse":              "browse the lists:",
		"pagination":                "Result pages",
		"prev":                      "Previous page",
		"next":                      "Next page",
		"page_n":                    "Page %d",
		"page_of":                   "Page %d of %d",
		"by":                        "By",
		"orgs":                      "Organisations",
		"in_carnet":                 "Notebook",
		"published":                 "Published on",
		"updated":                   "Updated on",
		"note_authors":              "Authors",
		"note_curator":              "Added by",
		"note_orgs":                 "Related organisations",
		"note_terms":                "Related terms",
		"note_carnets":              "Notebooks and sections",
		"note_community":            "Community",
		"note_original":             "See the original note",
		"note_about":                "About this note",
		"note_summary":              "In short",
		"related":                   "Related notes",
		"linked":                    "Linked notes",
		"back":                      "Back to search",
		"not_found":                 "Note not found",
		"not_found_text":            "This note does not exist or is not public. It may have been removed.",
		"page_not_found":            "Page not found",
		"page_not_found_text":       "No page of this site lives at this address. Check the link, or search for a note from the home page.",
		"search_closed":             "Public search closed",
		"search_closed_text":        "This site offers no public search: its notes are read on the partner sites. To get access, write to the team that runs this site.",
		"dates_reversed":            "the “Until” date (%s) comes before the “From” date (%s). Swap the two dates, or remove one.",
		"date_invalid":              "the “%s” date is not a date: “%s”. Write it YYYY-MM-DD (for example 2024-05-02), or remove it.",
		"page_too_far":              "page %s is too far: only the first %s results can be browsed (page %s at most). Narrow the search or add filters.",
		"browse_orgs":               "Organisations",
		"browse_orgs_intro":         "Every organisation related to notes, in alphabetical order. Pick one to see its notes.",
		"browse_carnets":            "Notebooks",
		"browse_carnets_intro":      "Notebooks group notes by theme. Pick one to see its notes.",
		"browse_terms":              "Terms",
		"browse_terms_intro":        "The terms of the En commun lexicon. Pick one to see the notes that use it.",
		"az":                        "Alphabetical index",
		"notes_count_one":           "1 note",
		"notes_count_many":          "%s notes",
		"filter_list":               "Filter this list",
		"no_match_list":             "Nothing matches.",
		"suggestions":               "Suggestions",
		"sugg_titles":               "Notes",
		"sugg_terms":                "Terms",
		"sugg_organisations":        "Organisations",
		"sugg_authors":              "Authors",
		"sugg_carnets":              "Notebooks",
		"sugg_back":                 "Suggestions",
		"sugg_back_sr":              "Suggestions are hidden: press the down arrow, or tap the box, to see them again.",
		"error":                     "The search could not be done",
		"error_rebuilding":          "Search is under maintenance and will be back in a few minutes. No note is lost; please try again a little later.",
		"footer":                    "Trouvaille, the search engine of the En commun notes. No tracking: your searches are counted without identifying you, and nothing is loaded from another site.",
		"api":                       "API",
		"skip_results":              "Skip to results",
		"help_link":                 "Help: how to search",
		"help_title":                "Help: how to search",
		"nav_help":                  "Help",
		"count_zero":                "No results",
		"count_one":                 "1 result",
		"count_many":                "%s results",
		"home_order":                "newest first",
		"home_browse":               "To browse",
		"home_order_oldest":         "oldest first",
		"home_order_title":          "by title, A to Z",
		"kind1_note":                "1 note",
		"kinds_note":                "%s notes",
		"kind1_terme":               "1 term",
		"kinds_terme":               "%s terms",
		"kind1_organisation":        "1 organisation",
		"kinds_organisation":        "%s organisations",
		"and":                       "and",
		"see_none":                  "No results: close",
		"see_one":                   "See the result",
		"see_many":                  "See the %s results",
		"what":                      "What is this?",
		"what_type":                 "The kind of entry: a note (knowledge shared by an organisation), a lexicon term (a word of the sector explained simply) or an organisation (its presentation).",
		"what_organisations":        "The organisations the note is about, or that wrote it.",
		"what_terms":                "The lexicon explains the words of the community sector (for example “OBNL”, a non-profit). A note is linked to the lexicon terms it uses.",
		"what_carnets":              "A notebook (carnet) groups notes on one theme, like a binder. It is divided into sections (blocs), like chapters: pick a notebook to see its sections.",
		"what_blocs":                "Sections (blocs) are the parts of a notebook, like chapters.",
		"what_authors":              "The people who wrote the note.",
		"what_curator":              "The person who added the note to the platform (not always the one who wrote it).",
		"blocs_of":                  "Sections of the notebook “%s”",
		"correction_read":           "Results for",
		"correction_instead":        "Search instead for",
		"missing":                   "does not contain",
		"guide_examples":            "Example searches",
		"guide_orgs":                "Most present organisations",
		"guide_terms":               "Most used terms",
		"examples":                  "logement|financement communautaire|tiers-lieu|bénévolat",
		"empty_suggest":             "try the suggested spelling:",
		"empty_fewer":               "search with fewer words:",
		"empty_french":              "The notes are written in French: search with French words.",
		"empty_french_try":          "French words for your search:",
		"entity_notes_terme":        "See the notes that use this term",
		"entity_notes_organisation": "See this organisation’s notes",
		"entity_page":               "Full entry",
		"reason_link":               "The note you are reading links to it.",
		"reason_back":               "It links to the note you are reading.",
		"reason_term":               "Same term: “%s”.",
		"reason_org":                "Same organisation: “%s”.",
		"reason_carnet":             "Same notebook: “%s”.",
		"reason_text":               "Similar topic.",
		"copy_link":                 "Copy the link",
		"copied":                    "Link copied.",
		"copy_failed":               "Copy the address from the browser’s address bar.",
		"hit_terms":                 "Terms",
		"hit_bloc":                  "section",
		"browse_count":              "%s in all, from A to Z.",
		"browse_letter_page":        "Letter %s",
		"browse_more":               "Long lists are shown one letter at a time: pick a letter.",
		"print":                     "Print",
	},
}))

// withDimensionLabels adds to m, in both languages, the label of each facet
// ("facet_organisations") and of each filter ("chip_organisation") declared
// in schema.Dimensions. It runs once, when the package is initialised.
// frenchSpaces puts the no-break space French typography wants before « : »
// and « ? » and inside « », in the French messages: written as plain
// spaces, a narrow screen left « : » or « ? » alone at the start of a line,
// or « apart from its word.
func frenchSpaces(m map[string]map[string]string) map[string]map[string]string {
	for k, v := range m[langFR] {
		m[langFR][k] = frenchSpaced.Replace(v)
	}
	return m
}

// frenchSpaced puts those no-break spaces in a French text.
var frenchSpaced = strings.NewReplacer(" :", "\u00a0:", " ?", "\u00a0?", "« ", "«\u00a0", " »", "\u00a0»")

func withDimensionLabels(m map[string]map[string]string) map[string]map[string]string {
	for _, d := range schema.Dimensions {
		for lang, label := range map[string]string{langFR: d.Label.FR, langEN: d.Label.EN} {
			if d.Facet != "" {
				m[lang]["facet_"+d.Facet] = label
			}
			m[lang]["chip_"+d.Filter] = label
		}
	}
	return m
}

// pickLang chooses the interface language: French, whatever the browser
// says (the notes are in French, and a browser set to en-US by default
// must not give an English interface over French content); English only
// when chosen with the explicit link (?lang=en). explicit reports whether
// ?lang= chose it, so that links carry it on.
func pickLang(r *http.Request) (lang string, explicit bool) {
	switch strings.ToLower(r.URL.Query().Get("lang")) {
	case "en":
		return langEN, true
	case "fr":
		return langFR, true
	}
	return langFR, false
}

// formatCount writes an integer the way each language groups digits.
func formatCount(n int, lang string) string {
	s := fmt.Sprint(n)
	sep := "\u202f" // French: narrow no-break space
	if lang == langEN {
		sep = ","
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}

var monthsFR = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// formatDate writes a date in words: « 12 juillet 2022 », "July 12, 2022".
func formatDate(t *time.Time, lang string) string {
	if t == nil || t.IsZero() {
		return ""
	}
	d := t.UTC() // dates given without a time are stored at midnight UTC
	if lang == langEN {
		return d.Format("January 2, 2006")
	}
	day := fmt.Sprint(d.Day())
	if d.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %d", day, monthsFR[d.Month()-1], d.Year())
}

// dayText writes a day of the address (2024-01-01) in words, as the results
// write their dates (« 1er janvier 2024 »); as given when it is no day.
func dayText(s, lang string) string {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return formatDate(&d, lang)
}

// notesCount says "12 notes" in the page's language.
func notesCount(n int, lang string) string {
	t := messages[lang]
	if n == 1 {
		return t["notes_count_one"]
	}
	return fmt.Sprintf(t["notes_count_many"], formatCount(n, lang))
}
