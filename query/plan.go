package query

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/schema"
)

// Boosts of the looser ways a word can match, relative to an exact term match.
const (
	fuzzyBoost  = 0.35
	prefixBoost = 0.6
	// knownCompletionBoost scales the completions of a word the notes know
	// well: it was most likely typed in full, and its completions only keep
	// the promise that a longer word never finds notes a prefix misses.
	knownCompletionBoost = 0.1
)

// TextQuery is the text part of a search: what must match and what must not.
type TextQuery struct {
	Must    query.Query // nil: every note (browse)
	MustNot query.Query
}

// Word is one query word (or phrase) and how it may match.
type Word struct {
	clause Clause
	// positions holds the analyzed terms of the word, grouped by position:
	// alternatives at one position (masculine/feminine, hyphenated compound)
	// are ORed, positions are ANDed.
	positions [][]string
	// offsets holds each position's distance from the first one (stop words
	// leave gaps), used to verify phrases in the stored text.
	offsets []int
	fuzz    int    // edit distance tolerated, in characters
	folded  string // the word folded, unstemmed (inclusive writing as its masculine: analysis.InclusiveBase)
	// unwritten: no note in the caller's scope holds the word's own terms
	// (asked for an unknown word, and for one of four letters).
	unwritten bool
	// begun: a term of the notes begins with the word being typed (its
	// own included).
	begun  bool
	prefix string // folded prefix while typing ("" when not a prefix)
	// Index terms found near the word (typos) and completing it (prefix),
	// read from the index's term dictionaries by expand.
	fuzzyTerms  []string
	prefixTerms []string
	// farTypos are the fuzzy terms the word reaches only with two typos
	// (the typo rule ranks them after those one typo away).
	farTypos []string
	// Completions of the word being typed among the words as written
	// (folded, unstemmed: schema.Words), their stems and the close forms of those
	// stems: every prefix of a word finds at least what the whole word finds.
	prefixWords    []string
	prefixStems    []string
	prefixVariants []string
	prefixSyn      []query.Query // synonyms of the completions (applySynonyms)
	// typoSynTerms are the terms of the one-word synonyms of what the
	// word reaches with one typo (« coop » for « cooperatve », one typo
	// from « coopérative »), matched like its typo terms, and counted as
	// typos by the ranking.
	typoSynTerms []string
	// looseTerms are the terms of the word this word and its neighbour,
	// typed apart, spell joined (JoinWritten): matched as the word too,
	// counted as typos by the ranking.
	looseTerms []string
	known      bool // the notes use the word often: taken as spelled right and typed in full
	written    bool // a short word being typed that the notes write (maxScoredPrefix)
	unscored   map[string]bool
	// Synonyms (synonyms.go): what the word also stands for, and their
	// analyzed terms, highlighted like the word's own.
	synonyms []string
	synTerms []string
	// synPhrases are the synonyms of several words the word matches
	// through, highlighted as phrases (Matcher.MarkPhrases).
	synPhrases []string
	synWords   []string // one-word synonyms, matched like the word itself
	// stops are a phrase's stop words, which the index does not hold:
	// checked in the text where its words are found (InAnalyzed).
	stops []stopAt
	// compound is the term of a hyphenated word whole (« valdor » for
	// « val-dor »), which matches without its parts: the notes may write
	// the parts otherwise (« Val-d'Or »).
	compound string
	q        query.Query
}

// maxScoredPrefix is the longest word being typed whose completions add to
// the score when the notes do not write it as a word of its own (an
// acronym typed whole, « rh », « aga », keeps them, weighted down: see
// knownCompletionBoost). « co », « pr » complete to hundreds of terms, in
// most notes at a million: scoring the notes tied on every rule read all
// their postings (« co » alone 0.4 s at a million notes). Two or three
// letters say little of what the notes are about; their completions still
// match, and count for every rule before the score (words, typos, field,
// exactness), and the notes level on all of them come newest first.
const maxScoredPrefix = 3

// stopAt is a stop word of a phrase, at its distance in positions from the
// phrase's first indexed word (negative before it).
type stopAt struct {
	offset int
	word   string
}

// verified reports whether the word is a phrase checked in the notes' text:
// several words, or one with stop words (« sans logis »).
func (w *Word) verified() bool {
	return w.clause.Phrase && (len(w.positions) > 1 || len(w.stops) > 0)
}

// Plan turns a parsed query into Bleve queries and a highlighter.
type Plan struct {
	words    []*Word // positive words and phrases that produce terms
	excluded []*Word
	// titleKey is the query's analyzed form as an index term
	// (analysis.TitleKeyTerm), compared with notes' title keys.
	titleKey string
	// asking holds the clauses that say how the person asks (question
	// words, « je cherche », « info sur »), left out of the search: their
	// synonyms too.
	asking map[int]bool
	// After phrase verification: the notes that hold every positive phrase
	// (nil: no positive phrase), and those that hold an excluded phrase.
	phraseIDs   []string
	excludedIDs []string
	// partial: a phrase's candidates were not all verified (index's
	// phrase budget), so its notes may be missing or, for an excluded
	// phrase, present.
	partial bool
}

// questionWords are dropped from queries of several words.
var questionWords = map[string]bool{
	"comment": true, "pourquoi": true, "quoi": true, "quand": true, "quel": true, "quelle": true,
	"quels": true, "quelles": true, "combien": true, "lequel": true, "laquelle": true,
	"lesquels": true, "lesquelles": true, "est-ce": true, "estce": true,
}

// frameVerbs are the verbs a question puts after its question word to ask
// how to do something (« comment faire pour », « que faire si », « comment
// savoir si », « où trouver »): how the person asks, not what the notes
// hold (requestFrame).
var frameVerbs = map[string]bool{"faire": true, "savoir": true, "trouver": true}

// frameNouns open a query that asks what a thing is (« définition tiers
// lieu », « je cherche la définition de l'économie sociale »): how the
// person asks, as « c'est quoi » (requestFrame).
var frameNouns = map[string]bool{"definition": true, "definitions": true}

// requestSubjects start a request (« je cherche », « on voudrait »).
var requestSubjects = map[string]bool{"je": true, "on": true, "nous": true, "vous": true, "tu": true}

// requestVerbs say what the person wants, not what the notes hold, right
// after a subject or starting the query (« je cherche un local », « veux
// des idées de financement »). « recherche » also names research (« la
// recherche-action », « recherche d'emploi »): a request only after a
// subject; the infinitive (« chercher une job ») is the subject itself.
var requestVerbs = map[string]bool{
	"cherche": true, "cherchons": true, "recherche": true, "recherchons": true,
	"veux": true, "veut": true, "voulons": true, "voulez": true, "veulent": true,
	"voudrais": true, "voudrait": true, "voudrions": true, "voudriez": true,
	"aimerais": true, "aimerait": true, "aimerions": true,
	"souhaite": true, "souhaitons": true, "souhaiterais": true, "souhaiterait": true,
	// Whether something exists, or can be had (« existe-t-il des haltes-
	// garderies », « où est-ce que je peux trouver un local »).
	"existe": true, "existent": true,
	"peux": true, "peut": true, "pouvons": true, "pouvez": true, "peuvent": true,
	"pourrais": true, "pourrait": true, "pourrions": true, "pourriez": true, "puis": true,
}

// requestInfinitives follow a request's verb (« je voudrais savoir si »,
// « je peux trouver »): the request still.
var requestInfinitives = map[string]bool{"trouver": true, "savoir": true, "connaitre": true, "obtenir": true}

// requestNouns ask for information on a subject (« info sur le
// compostage », « des renseignements logement », « je cherche de
// l'information sur »), as « définition » does.
var requestNouns = map[string]bool{
	"info": true, "infos": true, "information": true, "informations": true,
	"renseignement": true, "renseignements": true,
}

// haveForms are the forms of « avoir » of a need (« j'ai besoin », « on a
// besoin », « nous avons besoin »).
var haveForms = map[string]bool{"ai": true, "a": true, "avons": true, "avez": true}

// politeWords open a request without saying what it is about (« svp »,
// « bonjour », « s'il vous plaît »).
var politeWords = map[string]bool{"svp": true, "stp": true, "bonjour": true, "allo": true, "salut": true, "merci": true, "plait": true}

// invertedSubjects are the pronouns a question puts after its verb
// (« existe-t-il », « puis-je », « pouvez-vous »).
var invertedSubjects = map[string]bool{"t": true, "il": true, "ils": true, "elle": true, "elles": true, "on": true, "je": true, "tu": true, "nous": true, "vous": true}

// verbOf returns a folded word without the subject a question puts after
// it (« existe-t-il »: existe), and any other word as it is.
func verbOf(w string) string {
	parts := strings.Split(w, "-")
	if len(parts) < 2 {
		return w
	}
	for _, p := range parts[1:] {
		if !invertedSubjects[p] {
			return w
		}
	}
	return parts[0]
}

// requestFrame returns how many clauses starting pq say how the person
// asks (« je cherche », « j'aimerais », « j'ai besoin de », « info sur »,
// « existe-t-il des », « où est-ce que je peux trouver », « qui peut
// m'aider avec »): dropped like question words when a word to search
// follows them; 0 for none. It reads the query's opening, its clauses
// before the first word that says what the notes hold: stop words,
// question words, subjects, and the request's verbs, nouns and
// infinitives.
func requestFrame(pq ParsedQuery) int {
	end := 0
	subject, asked, have, question := false, false, false, false
scan:
	for i, c := range pq.Clauses {
		if c.Exclude || c.Phrase {
			break
		}
		f := analysis.Fold(c.Text)
		elided := func(p string) bool { return strings.HasPrefix(f, p+"'") || strings.HasPrefix(f, p+"’") }
		w := verbOf(analysis.BareWord(f))
		switch {
		case requestNouns[w] || frameNouns[w]:
			end, asked = i+1, true
		case question && frameVerbs[w]:
			end = i + 1 // « que faire si », « comment savoir si », « où trouver »
		case requestVerbs[w] && (w != "recherche" || subject || elided("j")):
			end, asked = i+1, true
		case asked && (requestInfinitives[w] || w == "aider" && (elided("m") || elided("t"))):
			end = i + 1 // « je peux trouver », « qui peut m'aider »
		case haveForms[w] && (subject || elided("j")):
			have = true
		case w == "besoin" && have:
			end, asked = i+1, true
		case requestSubjects[w]:
			subject = true
		case questionWords[w] || w == "ou" || w == "que":
			question = true
		case w == "qui" || politeWords[w] || planWord(c) == nil:
			// stop words, greetings, an emoji: the opening goes on
		default:
			break scan // a word that says what the notes hold
		}
		if elided("j") {
			subject = true
		}
	}
	if end == 0 {
		return 0
	}
	// Only when a word to search follows (« je cherche » alone is
	// searched as typed).
	for _, c := range pq.Clauses[end:] {
		if !c.Exclude && planWord(c) != nil {
			return end
		}
	}
	return 0
}

// Dictionary is what query expansion reads of the index: the terms of a
// field within an edit distance of a term, or starting with a prefix.
type Dictionary interface {
	Fuzzy(field, term string, fuzziness int) ([]DictTerm, error)
	// FuzzyInflected returns the terms within fuzziness edits of term,
	// alone or with a plural's or a feminine's ending (s, x, e, es).
	FuzzyInflected(field, term string, fuzziness int) ([]DictTerm, error)
	Prefix(field, prefix string, limit int) ([]DictTerm, error)
	// FuzzyPrefix returns up to limit terms of field that begin with a
	// string within fuzziness edits of prefix (first character fixed).
	FuzzyPrefix(field, prefix string, fuzziness, limit int) ([]DictTerm, error)
	// Term returns the document frequency of term in field (0: absent),
	// a direct look-up where Prefix walks the dictionary.
	Term(field, term string) (uint64, error)
	// SoundsLike returns the terms of field written the way folded word
	// sounds (analysis.SoundsLike): spellings of the whole word, or, with
	// stems, also stems that spell its first sounds up to an ending.
	SoundsLike(field, word string, stems bool) ([]DictTerm, error)
	// SoundsLikePrefix returns up to limit terms of field that begin with
	// a spelling of folded word being typed as it sounds
	// (analysis.SoundsLikePrefix).
	SoundsLikePrefix(field, prefix string, limit int) ([]DictTerm, error)
}

// DictTerm is one term of a field's dictionary with its document frequency.
type DictTerm struct {
	Term  string
	Count uint64
}

// fuzzyFields are the dictionaries searched for typos: the body holds most
// of the vocabulary, the title and the names fields the rest that matters.
var fuzzyFields = []string{schema.Title, schema.Body, schema.TermsT, schema.OrgsT, schema.PeopleT}

// HasTerm reports whether term is a term of one of the fields searched for
// typos (the vocabulary of the notes, bodies included).
func HasTerm(dict Dictionary, term string) bool {
	for _, f := range fuzzyFields {
		if n, err := dict.Term(f, term); err == nil && n > 0 {
			return true
		}
	}
	return false
}

// inflectedTypo reports whether term, found by FuzzyInflected for typed
// within f typos, is a form of the word meant: within f typos as written,
// or through an ending that leaves its stem as it is (« aidants »,
// « aidante » for « aidayt »), not a word that happens to be another plus
// e or s (« entrée » is « entre » + e for « encre », « rivière » « rivier »
// + e for « rilier »).
func inflectedTypo(typed, term string, f int) bool {
	if analysis.WithinTypos(typed, term, f) {
		return true
	}
	stem := analysis.Stem(term)
	for _, end := range [...]string{"es", "s", "x", "e"} {
		if base, ok := strings.CutSuffix(term, end); ok && analysis.WithinTypos(typed, base, f) && analysis.Stem(base) == stem {
			return true
		}
	}
	return false
}

// typoCount is the number of typos (1 or 2) of a term found within f typos,
// within(k) telling whether it is within k.
func typoCount(f int, within func(k int) bool) int {
	if f <= 1 || within(1) {
		return 1
	}
	return 2
}

// inflectionOf reports whether word is base, or base with a plural's or a
// feminine's ending (s, x, e, es), as FuzzyInflected takes them.
func inflectionOf(word, base string) bool {
	switch strings.TrimPrefix(word, base) {
	case "", "s", "x", "e", "es":
		return strings.HasPrefix(word, base)
	}
	return false
}

// knownWordDF is the document frequency (summed over the fuzzy fields) from
// which a word is taken as correctly spelled and not expanded for typos.
const knownWordDF = 3

// maxVariantTerms bounds the close stem forms of a known word.
const maxVariantTerms = 8

// maxCorrections is how many of a misspelled word's likeliest corrections
// also bring their close forms.
const maxCorrections = 1

// Expansion limits: a typo or an unfinished word never turns into more than
// this many index terms (the most frequent win), which bounds query cost.
const (
	maxFuzzyTerms  = 24
	maxPrefixTerms = 40
	// Completions of the word being typed: the words as written scanned in
	// the dictionary, the most frequent kept, and the stems kept of those.
	maxPrefixScan  = 256
	maxPrefixWords = 40
	maxPrefixStems = 8
)

// The expansion budget of one query (issue 13): typo and prefix expansions
// read term dictionaries (look-ups) and add terms to the query, and a query
// of many misspelled words must not cost much more than the same words
// spelled right. Each word gets an equal share of the query's budget, never
// less than what a correctly spelled word needs (a few prefix look-ups for
// its frequency and close forms), so short and correct queries are never
// cut; the word being typed gets a fixed allowance on top for completions.
const (
	queryLookupBudget  = 720 // look-up units of a query, shared by its words
	wordLookupBudget   = 40  // look-up units a word always gets
	prefixLookupBudget = 96  // extra units of the word being typed
	fuzzyLookupCost    = 8   // units of a typo look-up (automaton walk); a prefix look-up costs 1
	queryFuzzyTerms    = 192 // typo terms of a query, shared by its words
	wordFuzzyTerms     = 8   // typo terms a word always gets
)

// budgetDict enforces one word's share of the expansion budget: once spent,
// look-ups find nothing.
type budgetDict struct {
	d    Dictionary
	left int
}

func (b *budgetDict) Fuzzy(field, term string, fuzziness int) ([]DictTerm, error) {
	if b.left < fuzzyLookupCost {
		return nil, nil
	}
	b.left -= fuzzyLookupCost
	return b.d.Fuzzy(field, term, fuzziness)
}

func (b *budgetDict) FuzzyInflected(field, term string, fuzziness int) ([]DictTerm, error) {
	if b.left < fuzzyLookupCost {
		return nil, nil
	}
	b.left -= fuzzyLookupCost
	return b.d.FuzzyInflected(field, term, fuzziness)
}

func (b *budgetDict) Prefix(field, prefix string, limit int) ([]DictTerm, error) {
	if b.left < 1 {
		return nil, nil
	}
	b.left--
	return b.d.Prefix(field, prefix, limit)
}

func (b *budgetDict) FuzzyPrefix(field, prefix string, fuzziness, limit int) ([]DictTerm, error) {
	if b.left < fuzzyLookupCost {
		return nil, nil
	}
	b.left -= fuzzyLookupCost
	return b.d.FuzzyPrefix(field, prefix, fuzziness, limit)
}

func (b *budgetDict) SoundsLike(field, word string, stems bool) ([]DictTerm, error) {
	if b.left < fuzzyLookupCost {
		return nil, nil
	}
	b.left -= fuzzyLookupCost
	return b.d.SoundsLike(field, word, stems)
}

func (b *budgetDict) SoundsLikePrefix(field, prefix string, limit int) ([]DictTerm, error) {
	if b.left < fuzzyLookupCost {
		return nil, nil
	}
	b.left -= fuzzyLookupCost
	return b.d.SoundsLikePrefix(field, prefix, limit)
}

func (b *budgetDict) Term(field, term string) (uint64, error) {
	if b.left < 1 {
		return 0, nil
	}
	b.left--
	return b.d.Term(field, term)
}

func NewPlan(pq ParsedQuery, dict Dictionary) (*Plan, error) {
	p := &Plan{}
	planned, positive, keyParts, asking := plannedWords(pq)
	p.asking = asking
	lookups := max(wordLookupBudget, queryLookupBudget/max(positive, 1))
	fuzzyTerms := min(maxFuzzyTerms, max(wordFuzzyTerms, queryFuzzyTerms/max(positive, 1)))
	for _, w := range planned {
		c := w.clause
		if dict != nil && !c.Phrase && !c.Exclude {
			b := &budgetDict{d: dict, left: lookups}
			if c.Prefix {
				b.left += prefixLookupBudget
			}
			if err := w.expand(b, fuzzyTerms); err != nil {
				return nil, err
			}
		}
		w.q = w.build()
		if w.q == nil {
			continue
		}
		w.unscored = w.unscoredCompletions()
		if c.Exclude {
			p.excluded = append(p.excluded, w)
		} else {
			p.words = append(p.words, w)
		}
	}
	p.titleKey = analysis.TitleKeyTerm(analysis.TitleKey(strings.Join(keyParts, " ")))
	return p, nil
}

// plannedWords returns the words of pq that a plan searches for, before
// their terms are looked up, how many are positive (not excluded), and the
// positive clauses' texts for the title key.
func plannedWords(pq ParsedQuery) (planned []*Word, positive int, keyParts []string, asking map[int]bool) {
	typed := 0
	for _, c := range pq.Clauses {
		if !c.Exclude {
			typed++
		}
	}
	request := requestFrame(pq)
	// A word typed twice is one word (« logement logement », « Logement
	// logement »): the same terms, read once. Each copy counted as a word
	// of its own, and a query of one common word typed 32 times ranked
	// every note on 32 words alike (a second at a million notes).
	seen := map[string]bool{}
	for ci, c := range pq.Clauses {
		// "comment financer un organisme": question words say how the person
		// asks, not what the notes hold.
		if f := analysis.BareWord(analysis.Fold(c.Text)); ci < request || typed > 1 && !c.Exclude && !c.Phrase && questionWords[f] {
			// How the person asks (« comment », « que faire si »,
			// « je cherche », « info sur »), not what the notes hold.
			if asking == nil {
				asking = map[int]bool{}
			}
			asking[ci] = true
			continue
		}
		w := planWord(c)
		if w != nil {
			if k := w.key(); seen[k] {
				continue // nor in the title key: « tiers-lieu tiers-lieu » names the entry « Tiers-lieu »
			} else {
				seen[k] = true
			}
		}
		if !c.Exclude {
			keyParts = append(keyParts, c.Text)
		}
		if w == nil {
			continue
		}
		planned = append(planned, w)
		if !c.Exclude {
			positive++
		}
	}
	return planned, positive, keyParts, asking
}

// key is what makes two query words the same: how they were typed (phrase,
// excluded, being typed), their folded text and their analysis. Words of
// equal keys expand to the same terms.
func (w *Word) key() string {
	var b strings.Builder
	for _, f := range []bool{w.clause.Phrase, w.clause.Exclude, w.clause.Prefix} {
		if f {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	b.WriteString(w.folded)
	b.WriteByte(0)
	b.WriteString(w.prefix)
	b.WriteByte(0)
	b.WriteString(w.compound)
	for i, pos := range w.positions {
		fmt.Fprintf(&b, "\x00%d", w.offsets[i])
		for _, t := range pos {
			b.WriteByte(1)
			b.WriteString(t)
		}
	}
	for _, st := range w.stops {
		fmt.Fprintf(&b, "\x00%d\x02%s", st.offset, st.word)
	}
	return b.String()
}

func planWord(c Clause) *Word {
	w := &Word{clause: c, folded: analysis.InclusiveBase(analysis.Fold(c.Text))}
	toks, stops := analysis.AnalyzeWithStops(c.Text)
	last := -1
	for _, t := range toks {
		if t.Position != last || len(w.positions) == 0 {
			w.positions = append(w.positions, nil)
			if len(w.offsets) == 0 {
				w.offsets = append(w.offsets, 0)
			} else {
				w.offsets = append(w.offsets, w.offsets[len(w.offsets)-1]+t.Position-last)
			}
			last = t.Position
		}
		i := len(w.positions) - 1
		w.positions[i] = appendUnique(w.positions[i], t.Term)
	}
	if c.Prefix && !c.Phrase {
		w.prefix = prefixOf(c.Text)
	}
	if len(w.positions) == 0 && w.prefix == "" {
		return nil // stop words or symbols only
	}
	if !c.Phrase && len(w.positions) > 1 {
		end := 0
		for _, t := range toks {
			end = max(end, t.End)
		}
		for _, t := range toks {
			if t.Position == toks[0].Position && t.End == end && t.Start == toks[0].Start {
				w.compound = t.Term
			}
		}
	}
	if c.Phrase && len(toks) > 0 {
		// A phrase's stop words are checked too (« sans but » is not
		// « à but »), at their distance from its first word.
		for _, st := range stops {
			w.stops = append(w.stops, stopAt{offset: st.Position - toks[0].Position, word: st.Term})
		}
	}
	if !c.Phrase && !c.Exclude && len(w.positions) == 1 && !ordinalInLetters(w.folded, w.positions[0]) {
		w.fuzz = typoBudget(utf8.RuneCountInString(analysis.BareWord(w.folded)))
	}
	return w
}

// ordinalInLetters reports whether a word written in letters is read as an
// ordinal (« troisième », « première »: the analysis gives it the term of
// its figures, « 3e », « 1e »). Such a word is spelled right and gets no
// typo expansion: the number it starts with is another word (« troisième »
// is no typo of « trois », nor « septième » of « Sept-Îles »).
func ordinalInLetters(folded string, terms []string) bool {
	if folded == "" || '0' <= folded[0] && folded[0] <= '9' {
		return false
	}
	for _, t := range terms {
		if t != "" && '0' <= t[0] && t[0] <= '9' {
			return true
		}
	}
	return false
}

// prefixOf returns the folded last word without elision, for prefix matching.
func prefixOf(s string) string {
	f := analysis.BareWord(analysis.Fold(s))
	if utf8.RuneCountInString(f) < 2 {
		return ""
	}
	return f
}

// soundAlikeTerms reaches the terms written the way folded word sounds
// (Dictionary.SoundsLike): the words as written that spell it whole, by
// their stems, and the stems that spell it whole or up to an ending. Only
// those that spell the most of it are kept: « kartier » reaches
// « quartier », not « quart » as well.
func soundAlikeTerms(dict Dictionary, word string, reach func(string, uint64, int)) error {
	a := analysis.SoundsLike(word)
	if a == nil {
		return nil
	}
	type found struct {
		n     uint64
		cover int
	}
	terms := map[string]found{}
	add := func(term string, n uint64, cover int) {
		f := terms[term]
		terms[term] = found{f.n + n, max(f.cover, cover)}
	}
	written, err := dict.SoundsLike(schema.Words, word, false)
	if err != nil {
		return err
	}
	for _, dt := range written {
		if stem := analysis.Stem(dt.Term); stem != "" {
			add(stem, dt.Count, len(word))
		}
	}
	for _, field := range fuzzyFields {
		stems, err := dict.SoundsLike(field, word, true)
		if err != nil {
			return err
		}
		for _, dt := range stems {
			if c := a.Cover(dt.Term); c >= 0 {
				add(dt.Term, dt.Count, c)
			}
		}
	}
	best := -1
	for _, f := range terms {
		best = max(best, f.cover)
	}
	for t, f := range terms {
		if f.cover == best {
			reach(t, f.n, 1)
		}
	}
	return nil
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// typoBeingTyped reports whether a word being typed that nothing begins
// with may hold a typo to look past: it has a typo budget and, read whole,
// is within its typos of no term (« finacem », « sentinn », which found
// nothing at every pause until typed whole). A word whole that reaches
// some (« finnacemnt ») keeps to its typos: completions within typos of it
// crowded their notes out. Asked once its typos are looked up.
func (w *Word) typoBeingTyped() bool { return w.fuzz > 0 && len(w.fuzzyTerms) == 0 }

// soundBeingTyped reports whether a word being typed that nothing begins
// with, nor within its typos, may be spelled by ear: four letters or more
// (under five, no typo budget), written in no note, no term beginning
// with it, no typo of it reached whole (« frer »,
// « alofo » on their way to « Freire », « allophone »). Asked once its
// typos are looked up and nothing begins as typed.
func (w *Word) soundBeingTyped() bool {
	return w.unwritten && !w.begun && len(w.fuzzyTerms) == 0 && utf8.RuneCountInString(w.prefix) >= 4
}

// expand reads the index's dictionaries for the terms a typo may stand for
// and the terms the word being typed may complete to.
//
// Typos are looked for around the stem and around the word's own prefixes:
// the stem of a misspelled word is often not the stem of the right word
// ("economei" stems to itself, not to "econom"), but a prefix of it is within
// the typo budget of the right stem. Budgets count characters, not bytes.
func (w *Word) expand(dict Dictionary, maxFuzzy int) error {
	typed := w.prefix // the word being typed, kept for completions
	if typed != "" && len(w.positions) == 1 {
		// A stem split from the word's own on purpose (analysis.KeptApart)
		// that the word being typed begins is one of its readings until
		// the word is whole, as it was before the split: « assur » (the
		// stem of « assurée ») on its way to « assurance », « mer » to
		// « mère », « gard » to « garde ».
		for _, t := range w.positions[0] {
			for _, p := range analysis.SplitPartners(t) {
				if strings.HasPrefix(p, typed) && !slices.Contains(w.positions[0], p) {
					w.positions[0] = append(slices.Clip(w.positions[0]), p)
				}
			}
		}
	}
	exact := map[string]bool{}
	for _, alts := range w.positions {
		for _, t := range alts {
			exact[t] = true
		}
	}
	if w.prefix != "" && utf8.RuneCountInString(w.prefix) <= maxScoredPrefix && len(w.positions) == 1 {
		// A short word being typed that the notes write (an acronym typed
		// whole, « rh ») keeps the score of its completions.
		var df uint64
		for _, t := range w.positions[0] {
			for _, field := range fuzzyFields {
				n, err := dict.Term(field, t)
				if err != nil {
					return err
				}
				df += n
			}
		}
		w.written = df >= knownWordDF
	}
	// ownDF: the notes (in the caller's scope) holding the word's own terms.
	var ownDF uint64
	if w.fuzz > 0 {
		// A word the notes use often enough is taken as spelled right: no
		// typo expansion, which keeps precision and speed. Rare or unknown
		// words are looked for around their stem.
		//
		// A stem long enough to have close forms is looked up once per
		// field for both: the term itself, when present, comes first of
		// the terms it starts.
		var df uint64
		extending := map[[2]string][]DictTerm{}
		for _, t := range w.positions[0] {
			long := utf8.RuneCountInString(t) >= 5
			for _, field := range fuzzyFields {
				if !long {
					n, err := dict.Term(field, t)
					if err != nil {
						return err
					}
					df += n
					continue
				}
				terms, err := dict.Prefix(field, t, 64)
				if err != nil {
					return err
				}
				if len(terms) > 0 && terms[0].Term == t {
					df += terms[0].Count
				}
				extending[[2]string{field, t}] = terms
			}
		}
		ownDF = df
		w.unwritten = df == 0
		if df >= knownWordDF {
			w.fuzz = 0
			// Still reach the close forms the stemmer keeps apart
			// (collectif / collective, consentement / consentir): terms
			// extending the stem by up to three letters, or one or two
			// letters shorter. Dictionary prefix look-ups, no automaton.
			counts := map[string]uint64{}
			for _, t := range w.positions[0] {
				rs := []rune(t)
				if len(rs) < 5 {
					continue
				}
				for _, field := range fuzzyFields {
					for _, dt := range extending[[2]string{field, t}] {
						if n := utf8.RuneCountInString(dt.Term); n <= len(rs)+3 && !exact[dt.Term] && !analysis.KeptApart(t, dt.Term) {
							counts[dt.Term] += dt.Count
						}
					}
					for n := len(rs) - 1; n >= 5 && n >= len(rs)-2; n-- {
						short := string(rs[:n])
						if analysis.KeptApart(t, short) {
							continue
						}
						c, err := dict.Term(field, short)
						if err != nil {
							return err
						}
						if c > 0 && !exact[short] {
							counts[short] += c
						}
					}
				}
			}
			w.fuzzyTerms = topTerms(counts, maxVariantTerms)
			// A known word is taken as typed in full: no completion of its
			// stem, and its completions as written weigh less (known).
			w.prefix = ""
			w.known = true
		}
	}
	if w.fuzz > 0 {
		counts := map[string]uint64{}
		// typos holds the fewest typos through which each term was
		// reached (1 or 2): Meilisearch's typo rule counts them.
		typos := map[string]int{}
		reach := func(term string, n uint64, t int) {
			// Not a stem split from the word's own on purpose: a rare
			// « habitants » is no « habitation » misspelled (the split
			// antNoun makes), as « attente » is no « attention ».
			for _, own := range w.positions[0] {
				if analysis.KeptApart(own, term) {
					return
				}
			}
			counts[term] += n
			if have, ok := typos[term]; !ok || t < have {
				typos[term] = t
			}
		}
		probes := map[string]int{}
		for _, t := range w.positions[0] {
			if f := min(w.fuzz, typoBudget(utf8.RuneCountInString(t))); f > 0 {
				probes[t] = f
			}
		}
		// Probes of the word whole and less its last one, two and three
		// letters: they reach the stems whose forms (a stem and up to
		// three letters, analysis.FormNear) may be the word with a typo,
		// where the typo kept the stemmer from cutting the word as it cuts
		// the form meant (« collctif » stays whole where « collectif »
		// stems to « collect », « animater » is cut to « animat » where
		// « animateur » stays whole).
		rs := []rune(analysis.BareWord(w.folded))
		for n := len(rs); n >= 5 && n >= len(rs)-3; n-- {
			if _, ok := probes[string(rs[:n])]; !ok {
				probes[string(rs[:n])] = min(w.fuzz, typoBudget(n))
			}
		}
		// A term these probes reach (but for the word's own stems) stands
		// for the word only if one of its forms is within the word's typos
		// (analysis.FormNear): the forms that are not indexed as written,
		// the others being reached from the words as written below. « pétition » is not a
		// form of « petit » with a typo, nor « courriel » of « cour ».
		wordTypos := min(w.fuzz, typoBudget(len(rs)))
		near := map[string]bool{}
		formNear := func(term string) bool {
			ok, seen := near[term]
			if !seen {
				ok = analysis.FormNear(string(rs), term, wordTypos)
				near[term] = ok
			}
			return ok
		}
		// Probes in a fixed order, most telling first (the stems, then the
		// longest prefixes), so that a spent budget cuts the least useful.
		order := make([]string, 0, len(probes))
		for probe := range probes {
			order = append(order, probe)
		}
		sort.Slice(order, func(i, j int) bool {
			si, sj := exact[order[i]], exact[order[j]]
			if si != sj {
				return si
			}
			if len(order[i]) != len(order[j]) {
				return len(order[i]) > len(order[j])
			}
			return order[i] < order[j]
		})
		for _, probe := range order {
			f := probes[probe]
			if f == 0 {
				continue
			}
			for _, field := range fuzzyFields {
				terms, err := dict.Fuzzy(field, probe, f)
				if err != nil {
					return err
				}
				for _, dt := range terms {
					if !exact[dt.Term] && (exact[probe] || formNear(dt.Term)) {
						reach(dt.Term, dt.Count, typoCount(f, func(k int) bool { return analysis.WithinTypos(probe, dt.Term, k) }))
					}
				}
			}
		}
		// The word as typed against the words as written, for their stems:
		// a typo can make the stemmer strip nothing ("logment" stays whole
		// where "logement" stems to "log"), and no probe above is then
		// within reach of the right stem. The words whose stem is short
		// are the ones kept as written (analysis.StemReaches). A word as
		// written may add a plural's or a feminine's ending: the notes may
		// write only « aidants » and « aidante », two edits away from
		// « aidayt ».
		if f := min(w.fuzz, typoBudget(len(rs))); f > 0 {
			words, err := dict.FuzzyInflected(schema.Words, string(rs), f)
			if err != nil {
				return err
			}
			for _, dt := range words {
				if !inflectedTypo(string(rs), dt.Term, f) {
					continue
				}
				if stem := analysis.Stem(dt.Term); stem != "" && !exact[stem] {
					reach(stem, dt.Count, typoCount(f, func(k int) bool { return inflectedTypo(string(rs), dt.Term, k) }))
				}
			}
			// The look-ups above keep the first letter. A misspelling of the
			// first sounds (« abitation », « sitoyen », « filanthropie ») is
			// one typo: the rewrite, then what is left of the budget.
			for _, v := range analysis.FirstSounds(string(rs)) {
				var words []DictTerm
				var err error
				if f > 1 {
					words, err = dict.FuzzyInflected(schema.Words, v, f-1)
				} else {
					words, err = dict.Prefix(schema.Words, v, maxPrefixScan)
				}
				if err != nil {
					return err
				}
				for _, dt := range words {
					if f == 1 && !(inflectionOf(dt.Term, v) && analysis.Stem(dt.Term) == analysis.Stem(v)) || f > 1 && !inflectedTypo(v, dt.Term, f-1) {
						continue
					}
					if stem := analysis.Stem(dt.Term); stem != "" && !exact[stem] {
						// The rewrite is one typo; one more if the rest differs.
						t := 1
						if f > 1 && !inflectedTypo(v, dt.Term, 0) {
							t = 2
						}
						reach(stem, dt.Count, t)
					}
				}
			}
		}
		// A word spelled by ear (« comunoté », « asociassion ») that no
		// note writes and no typo reaches: the terms written the way it
		// sounds, counted as one typo and taken as its corrections (their
		// close forms, two typos, rank after them).
		heard := map[string]bool{}
		if len(counts) == 0 && ownDF == 0 {
			err := soundAlikeTerms(dict, string(rs), func(term string, n uint64, t int) {
				heard[term] = true
				reach(term, n, t)
			})
			if err != nil {
				return err
			}
		}
		// What the word meant finds, its misspelling finds: the close
		// forms of the likeliest corrections (the most frequent terms one
		// typo away, or written the way it sounds), as for a word the
		// notes know (« regioal » finds the notes on « région », as
		// « régional » does).
		var corrections []string
		for _, t := range topTerms(counts, len(counts)) {
			if (typos[t] == 1 || heard[t]) && len(corrections) < maxCorrections {
				corrections = append(corrections, t)
			}
		}
		for _, t := range corrections {
			vc, err := closeForms(dict, t, exact)
			if err != nil {
				return err
			}
			for _, v := range topTerms(vc, maxVariantTerms) {
				if _, ok := typos[v]; !ok {
					// Ranked as two typos: after the correction
					// itself, as a close form ranks after the word.
					reach(v, vc[v], 2)
				}
			}
		}
		w.fuzzyTerms = topTerms(counts, maxFuzzy)
		for _, t := range w.fuzzyTerms {
			if typos[t] > 1 {
				w.farTypos = append(w.farTypos, t)
			}
		}
	}
	if bare := analysis.BareWord(w.folded); w.fuzz == 0 && utf8.RuneCountInString(bare) == 4 && len(w.positions) == 1 && !w.known {
		// A word of four letters has no typo budget: whether the notes
		// hold it, and, typed whole, the terms written the way it sounds
		// (« rezo », « réseau »), as for a longer word; being typed, see
		// soundBeingTyped.
		var df uint64
		for _, t := range w.positions[0] {
			for _, field := range fuzzyFields {
				n, err := dict.Term(field, t)
				if err != nil {
					return err
				}
				df += n
			}
		}
		w.unwritten = df == 0
		if w.unwritten && w.prefix == "" {
			counts := map[string]uint64{}
			err := soundAlikeTerms(dict, bare, func(term string, n uint64, _ int) {
				if !exact[term] {
					counts[term] += n
				}
			})
			if err != nil {
				return err
			}
			w.fuzzyTerms = topTerms(counts, maxFuzzy)
		}
	}
	if w.prefix != "" && utf8.RuneCountInString(w.prefix) >= 2 {
		counts := map[string]uint64{}
		rs := []rune(w.prefix)
		// Stems the typed word already extends, if it may be on its way
		// to one of their forms: "petite" reaches "petit", "petition"
		// does not (analysis.Completes); the longer words are completed
		// among the words as written below.
		for n := len(rs) - 1; n >= 4 && n >= len(rs)-3; n-- {
			stem := string(rs[:n])
			if exact[stem] {
				continue
			}
			completes := 0 // 1 yes, -1 no, 0 not asked yet
			for _, fw := range schema.Weights {
				c, err := dict.Term(fw.Field, stem)
				if err != nil {
					return err
				}
				if c == 0 {
					continue
				}
				if completes == 0 {
					completes = -1
					if analysis.Completes(w.prefix, stem) {
						completes = 1
					}
				}
				if completes > 0 {
					counts[stem] += c
				}
			}
		}
		if len(rs) >= 2 {
			for _, fw := range schema.Weights {
				terms, err := dict.Prefix(fw.Field, w.prefix, maxPrefixTerms*4)
				if err != nil {
					return err
				}
				w.begun = w.begun || len(terms) > 0
				for _, dt := range terms {
					if !exact[dt.Term] {
						counts[dt.Term] += dt.Count
					}
				}
			}
		}
		if len(counts) == 0 && w.typoBeingTyped() {
			// No term begins as typed: the terms that begin within the
			// word's typos of it (a body's « sentinelles » is its stem
			// « sentinel » only); the words as written likewise below.
			for _, f := range fuzzyFields {
				terms, err := dict.FuzzyPrefix(f, w.prefix, w.fuzz, maxPrefixTerms*4)
				if err != nil {
					return err
				}
				for _, dt := range terms {
					if !exact[dt.Term] {
						counts[dt.Term] += dt.Count
					}
				}
			}
		}
		if len(counts) == 0 && w.soundBeingTyped() {
			// Nor within its typos: those that begin the way it sounds
			// (« alofo », « allophone »).
			for _, f := range fuzzyFields {
				terms, err := dict.SoundsLikePrefix(f, w.prefix, maxPrefixTerms*4)
				if err != nil {
					return err
				}
				for _, dt := range terms {
					if !exact[dt.Term] {
						counts[dt.Term] += dt.Count
					}
				}
			}
		}
		w.prefixTerms = topTerms(counts, maxPrefixTerms)
	}
	if typed != "" {
		// Completions among the words as written: "logem" reaches
		// "logement" and "logements", then their stem ("log") and its close
		// forms, as if the whole word had been typed.
		words, err := dict.Prefix(schema.Words, typed, maxPrefixScan)
		if err != nil {
			return err
		}
		if i := strings.LastIndexFunc(typed, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }); len(words) == 0 && i >= 0 && utf8.RuneCountInString(typed[i+1:]) >= 2 {
			// A compound being typed that no note writes so
			// (« économie-soc » where the notes say « économie
			// sociale »): its last part is the word being typed.
			typed = typed[i+1:]
			if words, err = dict.Prefix(schema.Words, typed, maxPrefixScan); err != nil {
				return err
			}
		}
		if len(words) == 0 && w.typoBeingTyped() && typed == w.prefix {
			if words, err = dict.FuzzyPrefix(schema.Words, typed, w.fuzz, maxPrefixScan); err != nil {
				return err
			}
		}
		if len(words) == 0 && w.soundBeingTyped() && typed == w.prefix {
			if words, err = dict.SoundsLikePrefix(schema.Words, typed, maxPrefixScan); err != nil {
				return err
			}
		}
		counts := map[string]uint64{}
		for _, dt := range words {
			counts[dt.Term] += dt.Count
		}
		if counts[typed] >= knownWordDF {
			w.known = true // the notes use the word as typed: most likely typed in full
		}
		completions := topTerms(counts, maxPrefixWords)
		stems := map[string]uint64{}
		for _, sw := range completions {
			for _, t := range completionTerms(sw) {
				if !exact[t.Term] {
					stems[t.Term] += counts[sw]
				}
			}
		}
		w.prefixStems = topTerms(stems, maxPrefixStems)
		// A completion whose stem is searched anyway (the word's own, or a
		// kept completion stem, in every field schema.Words is made of) needs no
		// look-up as written; the others (stems cut, stop words) do.
		searched := map[string]bool{}
		for _, s := range w.prefixStems {
			searched[s] = true
		}
		w.prefixWords = nil
		for _, sw := range completions {
			covered := false
			for _, t := range completionTerms(sw) {
				if exact[t.Term] || searched[t.Term] {
					covered = true
					break
				}
			}
			if !covered {
				w.prefixWords = append(w.prefixWords, sw)
			}
		}
		variants := map[string]uint64{}
		for _, s := range w.prefixStems {
			vc, err := closeForms(dict, s, exact)
			if err != nil {
				return err
			}
			for _, t := range topTerms(vc, maxVariantTerms) {
				if _, stem := stems[t]; !stem {
					variants[t] += vc[t]
				}
			}
		}
		w.prefixVariants = topTerms(variants, maxPrefixStems*maxVariantTerms)
	}
	return nil
}

// completionTerms are the terms a completion as written stands for: the
// analysis of its first word. A compound ("bénévoles-organismes") also
// gives the stems of its later parts ("organ"), which the typed prefix does
// not complete: taken too, « benevoles » found every note about
// organisations.
func completionTerms(word string) []analysis.Token {
	toks := analysis.Analyze(word)
	for i, t := range toks {
		if t.Position != toks[0].Position {
			return toks[:i]
		}
	}
	return toks
}

// closeForms returns the close forms of stem t the stemmer keeps apart, as
// for a correctly spelled word: terms extending it by up to three letters, or
// one or two letters shorter, with their frequencies.
func closeForms(dict Dictionary, t string, exact map[string]bool) (map[string]uint64, error) {
	counts := map[string]uint64{}
	rs := []rune(t)
	if len(rs) < 5 {
		return counts, nil
	}
	for _, field := range fuzzyFields {
		terms, err := dict.Prefix(field, t, 64)
		if err != nil {
			return nil, err
		}
		for _, dt := range terms {
			if n := utf8.RuneCountInString(dt.Term); n <= len(rs)+3 && !exact[dt.Term] && dt.Term != t && !analysis.KeptApart(t, dt.Term) {
				counts[dt.Term] += dt.Count
			}
		}
		for n := len(rs) - 1; n >= 5 && n >= len(rs)-2; n-- {
			short := string(rs[:n])
			if analysis.KeptApart(t, short) {
				continue
			}
			c, err := dict.Term(field, short)
			if err != nil {
				return nil, err
			}
			if c > 0 && !exact[short] {
				counts[short] += c
			}
		}
	}
	return counts, nil
}

// topTerms returns the n most frequent terms, ties broken alphabetically.
func topTerms(counts map[string]uint64, n int) []string {
	out := make([]string, 0, len(counts))
	for t := range counts {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool {
		if counts[out[i]] != counts[out[j]] {
			return counts[out[i]] > counts[out[j]]
		}
		return out[i] < out[j]
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// build makes the Bleve query of one word or phrase.
func (w *Word) build() query.Query {
	if w.clause.Phrase && len(w.positions) == 0 {
		return nil
	}
	// A phrase is searched as all of its words; Search then keeps the notes
	// whose stored text has them in order (see phrase.go), so the index needs
	// no term positions on the long fields.
	var conj []query.Query
	for i, alts := range w.positions {
		var qs []query.Query
		for _, term := range alts {
			qs = append(qs, TermInFields(term, 1)...)
		}
		if i == 0 && !w.clause.Phrase {
			for _, term := range w.fuzzyTerms {
				qs = append(qs, TermInFields(term, fuzzyBoost)...)
			}
			for _, term := range w.synWords {
				qs = append(qs, TermInFields(term, synWordBoost)...)
			}
			for _, term := range w.typoSynTerms {
				qs = append(qs, TermInFields(term, fuzzyBoost*synWordBoost)...)
			}
			for _, term := range w.looseTerms {
				qs = append(qs, TermInFields(term, fuzzyBoost)...)
			}
		}
		if i == len(w.positions)-1 && !w.clause.Phrase {
			qs = append(qs, w.prefixQueries()...)
		}
		conj = append(conj, query.NewDisjunctionQuery(qs))
	}
	if len(conj) == 0 {
		if qs := w.prefixQueries(); len(qs) > 0 {
			conj = append(conj, query.NewDisjunctionQuery(qs))
		}
	}
	switch len(conj) {
	case 0:
		return nil
	case 1:
		return conj[0]
	}
	if w.compound != "" {
		// The compound whole, or every part.
		return query.NewDisjunctionQuery(append(TermInFields(w.compound, 1), query.NewConjunctionQuery(conj)))
	}
	return query.NewConjunctionQuery(conj)
}

// prefixQueries are the queries of the word being typed: its completions
// as stems (prefixTerms), as words as written (prefixWords), their stems
// in every field and the close forms of those stems.
func (w *Word) prefixQueries() []query.Query {
	var qs []query.Query
	boost := prefixBoost
	if w.known {
		boost *= knownCompletionBoost
	}
	for _, term := range w.prefixTerms {
		qs = append(qs, termInExpansionFields(term, prefixBoost)...)
	}
	// The completions as written form one clause of the word's disjunction:
	// Bleve scales a disjunction's score by the share of its clauses that
	// match, so a hundred completion clauses side by side would sink the
	// word's weight against the query's other words.
	var cs []query.Query
	for _, word := range w.prefixWords {
		t := query.NewTermQuery(word)
		t.SetField(schema.Words)
		t.SetBoost(boost)
		cs = append(cs, t)
	}
	for _, term := range w.prefixStems {
		cs = append(cs, TermInFields(term, boost)...)
	}
	for _, term := range w.prefixVariants {
		cs = append(cs, termInExpansionFields(term, boost*fuzzyBoost)...)
	}
	cs = append(cs, w.prefixSyn...)
	if len(cs) > 0 {
		qs = append(qs, query.NewDisjunctionQuery(cs))
	}
	return qs
}

// expansionFields are the fields searched for the terms a typo or an
// unfinished word expands to: each expansion term costs one posting-list walk
// per field, and the lesser fields add little to a looser match.
var expansionFields = []string{schema.Title, schema.TermsT, schema.OrgsT, schema.Body}

func termInExpansionFields(term string, boost float64) []query.Query {
	qs := make([]query.Query, 0, len(expansionFields))
	for _, f := range expansionFields {
		t := query.NewTermQuery(term)
		t.SetField(f)
		t.SetBoost(schema.WeightOf(f) * boost)
		qs = append(qs, t)
	}
	return qs
}

// TermInFields is the query of one analyzed term in every text field, each
// weighted by its schema weight times boost.
func TermInFields(term string, boost float64) []query.Query {
	qs := make([]query.Query, 0, len(schema.Weights))
	for _, fw := range schema.Weights {
		t := query.NewTermQuery(term)
		t.SetField(fw.Field)
		t.SetBoost(fw.Weight * boost)
		qs = append(qs, t)
	}
	return qs
}

// Phrases returns the phrase clauses, positive and excluded.
func (p *Plan) Phrases() (pos, neg []*Word) {
	for _, w := range p.words {
		if w.verified() {
			pos = append(pos, w)
		}
	}
	for _, w := range p.excluded {
		if w.verified() {
			neg = append(neg, w)
		}
	}
	return pos, neg
}

// Strict requires every word.
func (p *Plan) Strict() TextQuery {
	tq := TextQuery{MustNot: p.mustNotQuery()}
	qs := make([]query.Query, 0, len(p.words)+1)
	for _, w := range p.words {
		qs = append(qs, w.q)
	}
	if p.phraseIDs != nil {
		qs = append(qs, query.NewDocIDQuery(p.phraseIDs))
	}
	switch len(qs) {
	case 0:
	case 1:
		tq.Must = qs[0]
	default:
		tq.Must = query.NewConjunctionQuery(qs)
	}
	tq.Must = p.withTitleBonus(tq.Must)
	return tq
}

// titleBonus is the boost of a note whose whole title is the query (a
// lexicon term, an organisation): without it, notes that repeat the words in
// title, terms, organisations and body outscore the note that names them.
const titleBonus = 12.0

// withTitleBonus adds the exact-title clause to a query that must match.
func (p *Plan) withTitleBonus(must query.Query) query.Query {
	if must == nil || p.titleKey == "" {
		return must
	}
	t := query.NewTermQuery(p.titleKey)
	t.SetField(schema.TitleKey)
	t.SetBoost(titleBonus)
	b := query.NewBooleanQuery([]query.Query{must}, []query.Query{t}, nil)
	return b
}

// Relaxed requires at least min of the words; notes matching more rank higher.
func (p *Plan) Relaxed(min int) TextQuery {
	qs := make([]query.Query, len(p.words))
	for i, w := range p.words {
		qs[i] = w.q
	}
	d := query.NewDisjunctionQuery(qs)
	d.SetMin(float64(min))
	var must query.Query = d
	if p.phraseIDs != nil {
		must = query.NewConjunctionQuery([]query.Query{d, query.NewDocIDQuery(p.phraseIDs)})
	}
	return TextQuery{Must: p.withTitleBonus(must), MustNot: p.mustNotQuery()}
}

// mustNotQuery excludes the excluded words, and the notes in which an excluded
// phrase was verified (p.excludedIDs, filled by Search).
func (p *Plan) mustNotQuery() query.Query {
	var qs []query.Query
	for _, w := range p.excluded {
		if w.verified() {
			continue // only verified occurrences exclude
		}
		qs = append(qs, w.q)
	}
	if len(p.excludedIDs) > 0 {
		qs = append(qs, query.NewDocIDQuery(p.excludedIDs))
	}
	if len(qs) == 0 {
		return nil
	}
	return query.NewDisjunctionQuery(qs)
}

// Matcher returns the highlighter's view of the query.
func (p *Plan) Matcher() *Matcher {
	m := &Matcher{exact: map[string]bool{}, words: len(p.words)}
	for _, w := range p.words {
		if len(w.positions) > 1 {
			m.grouped = true
		}
		for _, alts := range w.positions {
			for _, t := range alts {
				m.exact[t] = true
			}
		}
		for _, t := range w.fuzzyTerms {
			m.exact[t] = true
		}
		for _, list := range [][]string{w.prefixTerms, w.prefixStems, w.prefixVariants} {
			for _, t := range list {
				m.exact[t] = true
			}
		}
		for _, list := range [][]string{w.synTerms, w.typoSynTerms, w.looseTerms} {
			for _, t := range list {
				m.exact[t] = true
			}
		}
		for _, ph := range w.synPhrases {
			m.addPhrase(ph)
		}
		if w.prefix != "" {
			m.prefixes = append(m.prefixes, w.prefix)
		}
	}
	return m
}

// WordCount is the number of positive words and phrases that produce terms.
func (p *Plan) WordCount() int { return len(p.words) }

// SetPhraseIDs restricts the plan to the notes that hold every positive
// phrase, as verified in their stored text (phrase verification, package index).
func (p *Plan) SetPhraseIDs(ids []string) { p.phraseIDs = ids }

// SetPartial says a phrase's candidates were not all verified.
func (p *Plan) SetPartial() { p.partial = true }

// Partial reports whether a phrase's candidates were not all verified.
func (p *Plan) Partial() bool { return p.partial }

// AddExcludedIDs excludes notes in which an excluded phrase was verified.
func (p *Plan) AddExcludedIDs(ids ...string) { p.excludedIDs = append(p.excludedIDs, ids...) }

// Key identifies what the plan searches for, for result caches: the words,
// their expansions and synonyms, and the verified phrase notes.
func (p *Plan) Key() string {
	var b strings.Builder
	for _, w := range p.words {
		fmt.Fprintf(&b, "%q|%v|%v|%v|%v|%v|%v|%s|%q|%q;", w.clause.Text, w.clause.Phrase, w.fuzzyTerms, w.prefixTerms, w.prefixWords, w.prefixStems, w.prefixVariants, w.prefix, w.synonyms, w.looseTerms)
	}
	fmt.Fprintf(&b, "-%d|%v|%v|%v|", len(p.excluded), p.phraseIDs, p.excludedIDs, p.partial)
	for _, w := range p.excluded {
		fmt.Fprintf(&b, "%q|%v|%q;", w.clause.Text, w.clause.Phrase, w.synonyms)
	}
	return b.String()
}

// Text is the word or phrase as typed.
func (w *Word) Text() string { return w.clause.Text }

// Query is the Bleve query of the word or phrase.
func (w *Word) Query() query.Query { return w.q }

// UnscoredTerms are the terms that match for the word but do not add to
// the score: the completions of a word being typed of at most
// maxScoredPrefix letters that the notes do not write (nil: every term
// scores).
func (w *Word) UnscoredTerms() map[string]bool { return w.unscored }

// unscoredCompletions returns the completions of w being typed that do not
// score (UnscoredTerms), nil when they all do.
func (w *Word) unscoredCompletions() map[string]bool {
	if w.prefix == "" || w.written || utf8.RuneCountInString(w.prefix) > maxScoredPrefix {
		return nil
	}
	return w.otherCompletions()
}

// ShortCompletions are the completions of a short word being typed that is
// a word itself, other than the word and its synonyms: one the notes write
// (« rh ») or one with synonyms (« ca », the CA). The ranking counts a note
// holding only those as matching the word loosely, as a misspelling (nil for
// any other word).
func (w *Word) ShortCompletions() map[string]bool {
	if w.prefix == "" || !(w.written || len(w.synonyms) > 0) || utf8.RuneCountInString(w.prefix) > maxScoredPrefix {
		return nil
	}
	return w.otherCompletions()
}

// otherCompletions returns the completions of w that are not its own terms
// or its synonyms' terms.
func (w *Word) otherCompletions() map[string]bool {
	own := map[string]bool{}
	for _, alts := range w.positions {
		for _, t := range alts {
			own[t] = true
		}
	}
	for _, t := range w.synTerms {
		own[t] = true
	}
	out := map[string]bool{}
	for _, list := range [][]string{w.prefixTerms, w.prefixWords, w.prefixStems, w.prefixVariants} {
		for _, t := range list {
			if !own[t] {
				out[t] = true
			}
		}
	}
	return out
}

// InText reports whether text holds the phrase's terms at the phrase's
// relative positions (alternatives at one position are ORed).
func (w *Word) InText(text string) bool {
	if text == "" || len(w.positions) == 0 {
		return false
	}
	return w.InAnalyzed(Analyzed(text))
}

// AnalyzedText is a text's analysis, kept to check several phrases against
// it without analysing it again.
type AnalyzedText struct {
	toks  []analysis.Token // in position order, as the analyzer gives them
	stops []analysis.Token // the stop words, folded, in position order
}

// Analyzed analyses text once for InAnalyzed.
func Analyzed(text string) *AnalyzedText {
	toks, stops := analysis.AnalyzeWithStops(text)
	return &AnalyzedText{toks: toks, stops: stops}
}

// stopsAt reports whether the text holds each of w's stop words at its
// distance from position start.
func (a *AnalyzedText) stopsAt(w *Word, start int) bool {
	for _, st := range w.stops {
		want := start + st.offset
		i, _ := slices.BinarySearchFunc(a.stops, want, func(t analysis.Token, p int) int { return t.Position - p })
		if i >= len(a.stops) || a.stops[i].Position != want || a.stops[i].Term != st.word {
			return false
		}
	}
	return true
}

// InAnalyzed is InText on an analysed text.
func (w *Word) InAnalyzed(a *AnalyzedText) bool {
	if a == nil || len(w.positions) == 0 {
		return false
	}
	toks := a.toks
	posOf := func(j int) int { return toks[j].Position }
	termIn := func(j int, alts []string) bool { return slices.Contains(alts, toks[j].Term) }
	for i := range toks {
		if termIn(i, w.positions[0]) && phraseFollows(len(toks), posOf, termIn, i, w) && a.stopsAt(w, posOf(i)) {
			return true
		}
	}
	return false
}

// Words returns the positive words and phrases of the plan, in query order
// (a synonym group counts as one word): the units the ranking counts as
// matched or not.
func (p *Plan) Words() []*Word { return p.words }

// TitleKey is the query's analyzed form as the title_key field holds it
// (analysis.TitleKeyTerm; "" when the query has no words): a note whose
// whole title is the query.
func (p *Plan) TitleKey() string { return p.titleKey }

// ExactTerms are the word's own analyzed terms, as typed (no typo, prefix,
// close form or synonym): what the exactness rule counts.
func (w *Word) ExactTerms() []string {
	var out []string
	for _, alts := range w.positions {
		out = append(out, alts...)
	}
	return out
}

// LooseTerms are the terms of the word that this word and its neighbour,
// typed apart, spell joined (« ecoanxiet » for « eco » and « anxiete »):
// the ranking counts them as typos, after the notes holding the words as
// typed.
func (w *Word) LooseTerms() []string { return w.looseTerms }

// TypoTerms are the index terms the word reaches only as a misspelling
// (empty for a word the notes know, whose close forms are not typos).
func (w *Word) TypoTerms() []string {
	if w.fuzz == 0 {
		return nil
	}
	return append(slices.Clip(w.fuzzyTerms), w.typoSynTerms...)
}

// nearTypos are the typo terms the word reaches with one typo.
func (w *Word) nearTypos() []string {
	if w.fuzz == 0 {
		return nil
	}
	var out []string
	for _, t := range w.fuzzyTerms {
		if !slices.Contains(w.farTypos, t) {
			out = append(out, t)
		}
	}
	return out
}

// FarTypoTerms are the TypoTerms the word reaches only with two typos
// (« animation » for « abitation », where « habitation » is one).
func (w *Word) FarTypoTerms() []string {
	if w.fuzz == 0 {
		return nil
	}
	return w.farTypos
}

// PhraseIDs returns the notes holding every positive phrase, as verified in
// their stored text, and whether the plan is restricted to them (it has a
// positive phrase).
func (p *Plan) PhraseIDs() ([]string, bool) { return p.phraseIDs, p.phraseIDs != nil }
