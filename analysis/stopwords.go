package analysis

// French stop words, already folded (lower case, no accents), as produced by
// Fold. The list follows the usual French lists (Snowball, Lucene) but keeps
// words that are also meaningful nouns or adjectives in notes: "ete" (summer),
// "etre", "avoir", "certain", "divers", "non", "passe", "plein", "merci".
//
// Single letters and the elision particles (l, d, j, m, n, s, t, c, qu, ...)
// are included so that a stray "l’" or "qu’" never produces a term.
//
// Words written in capitals (acronyms such as CA, IA, OU) bypass this list:
// see Analyze.
var stopWords = map[string]struct{}{}

var stopWordList = []string{
	// letters and elided particles
	"a", "c", "d", "j", "l", "m", "n", "s", "t", "y",
	"qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
	// articles, determiners
	"le", "la", "les", "un", "une", "des", "du", "de", "au", "aux",
	"ce", "cet", "cette", "ces",
	"mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses",
	"notre", "nos", "votre", "vos", "leur", "leurs",
	"quel", "quelle", "quels", "quelles",
	"tout", "toute", "tous", "toutes",
	// pronouns
	"je", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles",
	"me", "te", "se", "moi", "toi", "soi", "lui", "eux", "y", "en",
	"ceci", "cela", "ca", "celui", "celle", "ceux", "celles",
	"qui", "que", "quoi", "dont", "ou",
	"lequel", "laquelle", "lesquels", "lesquelles",
	"duquel", "desquels", "desquelles", "auquel", "auxquels", "auxquelles",
	"mien", "mienne", "miens", "miennes", "tien", "tienne", "tiens", "tiennes",
	"sien", "sienne", "siens", "siennes", "notres", "votres",
	"meme", "memes",
	// prepositions, conjunctions, adverbs
	"et", "mais", "ni", "car", "donc", "si", "sinon",
	"dans", "pour", "par", "sur", "sous", "avec", "sans", "chez", "vers",
	"entre", "parmi", "selon", "depuis", "pendant", "durant", "avant", "apres",
	"contre", "malgre", "sauf", "hors", "outre", "des", "afin", "parce",
	"comme", "quand", "lorsque", "puisque", "quoique", "jusque",
	"ne", "pas", "plus", "moins", "tres", "aussi", "ainsi", "donc",
	"ici", "voici", "voila", "ci", "etc",
	// etre, avoir (common conjugated forms, not the infinitives)
	"suis", "es", "est", "sommes", "etes", "sont",
	"etais", "etait", "etions", "etiez", "etaient",
	"serai", "seras", "sera", "serons", "serez", "seront",
	"serais", "serait", "serions", "seriez", "seraient",
	"fus", "fut", "fumes", "futes", "furent", "sois", "soit", "soyons", "soyez", "soient",
	"ai", "as", "avons", "avez", "ont",
	"avais", "avait", "avions", "aviez", "avaient",
	"aurai", "auras", "aura", "aurons", "aurez", "auront",
	"aurais", "aurait", "aurions", "auriez", "auraient",
	"eus", "eut", "eumes", "eutes", "eurent", "aie", "aies", "ait", "ayons", "ayez", "aient",
}

func init() {
	for _, w := range stopWordList {
		stopWords[w] = struct{}{}
	}
}

// isStopWord reports whether a folded word is a French stop word. It does
// not allocate.
func isStopWord(folded []byte) bool {
	_, ok := stopWords[string(folded)]
	return ok
}
