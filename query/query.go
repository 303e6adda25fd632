package query

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/schema"
)

// Query syntax limits.
const (
	MaxQueryBytes   = 1000
	MaxQueryClauses = 32
)

// ErrBadRequest is the sentinel behind every *RequestError: a caller's mistake
// (bad query syntax, bad filter, bad parameter), never a server fault.
var ErrBadRequest = errors.New("requête invalide")

// RequestError names the parameter at fault and says, in French, what to do.
type RequestError struct {
	Param   string
	Code    string
	Message string
}

func (e *RequestError) Error() string { return fmt.Sprintf("%s : %s", e.Param, e.Message) }

// Unwrap lets errors.Is(err, ErrBadRequest) hold.
func (e *RequestError) Unwrap() error { return ErrBadRequest }

// BadParam returns the *RequestError of a parameter, its message formatted.
func BadParam(param, code, format string, args ...any) *RequestError {
	return &RequestError{Param: param, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Clause is one part of a parsed query: a word or a "quoted phrase",
// possibly excluded with a leading minus.
type Clause struct {
	Text    string
	Phrase  bool
	Exclude bool
	// Prefix is set on the last word while the person is still typing it
	// (the query does not end with a space): it also matches as a prefix.
	Prefix bool
	// JoinNext, when set, is the word the notes write that this word and
	// the next one spell joined (« eco anxiete »: « ecoanxiete »,
	// JoinWritten); the two words also match it.
	JoinNext string
}

// ParsedQuery is the parsed form of the q parameter.
type ParsedQuery struct {
	Clauses []Clause
}

// Positive returns the clauses that must (or should) match.
func (p ParsedQuery) Positive() []Clause {
	var out []Clause
	for _, c := range p.Clauses {
		if !c.Exclude {
			out = append(out, c)
		}
	}
	return out
}

// Empty reports whether the query has nothing to search for (browse mode).
func (p ParsedQuery) Empty() bool { return len(p.Positive()) == 0 }

// String renders the query back in its syntax (used for suggestions and logs).
func (p ParsedQuery) String() string {
	var parts []string
	for _, c := range p.Clauses {
		s := c.Text
		if c.Phrase {
			s = `"` + s + `"`
		}
		if c.Exclude {
			s = "-" + s
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// IsMinus reports whether r excludes the word it starts: the hyphen-minus,
// and the dashes a phone or a word processor puts in its place (minus sign,
// en and em dashes, hyphens, small and full-width hyphen-minus).
func IsMinus(r rune) bool {
	switch r {
	case '-', '\u2212', '\u2010', '\u2011', '\u2013', '\u2014', '\ufe63', '\uff0d':
		return true
	}
	return false
}

// isQueryControl reports a control character a query may not hold: every
// C0 and C1 control but tab, line feed and carriage return (a pasted text's
// spaces).
func isQueryControl(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
}

// CheckText refuses a typed text (a query, a prefix to complete) that no
// one types: bytes that are not UTF-8, the replacement character U+FFFD
// (a character lost on the way: a JSON body's lone surrogate « \ud800 » is
// decoded to it), a control character but tab, line feed and carriage
// return (a pasted text's spaces). Alone, any of them would list every
// note as an empty text does; inside a word, find nothing without saying
// why. The error names param.
func CheckText(param, q string) error {
	if !utf8.ValidString(q) {
		return BadParam(param, "invalid_utf8", "la requête contient des octets qui ne sont pas de l’UTF-8 valide : encodez-la en UTF-8")
	}
	if strings.ContainsRune(q, utf8.RuneError) {
		return BadParam(param, "invalid_utf8", "la requête contient le caractère de remplacement U+FFFD, signe d’un texte mal encodé : encodez-la en UTF-8")
	}
	if i := strings.IndexFunc(q, isQueryControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(q[i:])
		return BadParam(param, "invalid_query", "la requête contient un caractère de contrôle (U+%04X, caractère %d) : retirez-le; seuls la tabulation et les sauts de ligne sont permis", r, utf8.RuneCountInString(q[:i])+1)
	}
	return nil
}

// Parse parses the search syntax: words (all must match), "exact
// phrases", -excluded words or -"phrases". An unclosed quote runs to the end
// (people type quotes as they go). Typographic quotes « » “ ” count as quotes.
func Parse(q string) (ParsedQuery, error) {
	var p ParsedQuery
	if err := CheckText("q", q); err != nil {
		return p, err
	}
	if len(q) > MaxQueryBytes {
		return p, BadParam("q", "query_too_long", "la requête fait %s octets, le maximum est %s : raccourcissez-la", analysis.FrenchInt(int64(len(q))), analysis.FrenchInt(MaxQueryBytes))
	}
	// Pasted text carries invisible characters (zero-width spaces, direction
	// marks) inside its words: the words searched and named are those shown.
	q = analysis.WithoutInvisible(q)
	if shouted(q) {
		// Typed with Caps Lock on: capitals no longer tell an acronym
		// from a word (« ILES DE LA MADELEINE » asked every note for the
		// acronyms DE and LA, and found nothing). Lowered before its
		// words' length is checked, which then holds for what is
		// analysed (a few capitals grow in lower case: « İ »).
		q = strings.ToLower(q)
	}
	if w := analysis.LongWord(q); w != "" {
		return p, BadParam("q", "word_too_long", "le mot « %s… » fait plus de %d caractères : aucune note n’a de mot aussi long; retirez-le ou séparez ses parties par des espaces", string([]rune(w)[:20]), analysis.MaxWordBytes)
	}
	rs := []rune(q)
	i := 0
	typed := "" // the last word's text before its inclusive hyphens were read
	isQuote := func(r rune) bool { return r == '"' || r == '«' || r == '»' || r == '“' || r == '”' || r == '„' }
	for i < len(rs) {
		for i < len(rs) && unicode.IsSpace(rs[i]) {
			i++
		}
		if i >= len(rs) {
			break
		}
		exclude := false
		if IsMinus(rs[i]) && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) {
			exclude = true
			i++
		}
		if isQuote(rs[i]) {
			i++
			start := i
			for i < len(rs) && !isQuote(rs[i]) {
				i++
			}
			text := strings.TrimSpace(string(rs[start:i]))
			if i < len(rs) {
				i++ // closing quote
			}
			if text != "" {
				p.Clauses = append(p.Clauses, Clause{Text: text, Phrase: true, Exclude: exclude})
			}
			continue
		}
		start := i
		for i < len(rs) && !unicode.IsSpace(rs[i]) && !isQuote(rs[i]) {
			i++
		}
		if i < len(rs) && isQuote(rs[i]) && i-1 > start && IsMinus(rs[i-1]) {
			// « logement,-"sans logis" »: the minus excludes the phrase
			// that follows, read next (it was dropped with the comma).
			i--
		}
		// Punctuation typed without a space (« logement,montréal »)
		// separates words (isWordSeparator): joined, they were one compound
		// word that only notes holding both side by side matched. The
		// inclusive forms are read first: their slashes and parentheses
		// join. The minus excludes the word it precedes.
		chunk := []rune(inclusiveSlashes(inclusiveParens(string(rs[start:i]))))
		for k, text := range splitPunctuation(chunk) {
			if strings.TrimFunc(text, func(r rune) bool { return IsMinus(r) || r == '+' }) == "" {
				continue
			}
			if r, _ := utf8.DecodeRuneInString(text); k > 0 && IsMinus(r) {
				// « logement,-montreal »: the minus excludes the word it
				// starts, as after a space (a word kept with its minus
				// was shown « -montreal » and read back as excluded).
				exclude, text = true, strings.TrimLeftFunc(text, IsMinus)
			}
			text = joinDashes(text)
			typed = text
			text = analysis.InclusiveHyphens(text)
			p.Clauses = append(p.Clauses, Clause{Text: text, Exclude: exclude})
			exclude = false
		}
	}
	if len(p.Clauses) > MaxQueryClauses {
		// A word typed twice counts once (the ranking's rule too): a
		// pasted text that repeats its words is refused only for its
		// distinct words. The last one stays, as it may be being typed.
		p.Clauses = distinctClauses(p.Clauses)
	}
	if len(p.Clauses) > MaxQueryClauses {
		return ParsedQuery{}, BadParam("q", "too_many_words", "la requête compte %d mots ou expressions, le maximum est %d : gardez les mots les plus importants", len(p.Clauses), MaxQueryClauses)
	}
	if n := len(p.Clauses); n > 0 && len(rs) > 0 && !unicode.IsSpace(rs[len(rs)-1]) && !isQuote(rs[len(rs)-1]) && !isWordSeparator(rs, len(rs)-1) {
		last := &p.Clauses[n-1]
		if !last.Phrase && !last.Exclude {
			last.Prefix = true
			// Being typed, a hyphen before an ending of inclusive writing
			// may be a compound's (« sous-e » on its way to
			// « sous-effectif », « mi-te »): read as typed here, and as
			// inclusive writing only when no note writes a word it
			// begins (InclusiveLast).
			last.Text = typed
		}
	}
	p.Clauses = withoutRepeats(p.Clauses)
	return p, nil
}

// shouted reports whether q is typed in capitals throughout: two words or
// more, and no lower-case letter. One word in capitals is an acronym
// (« CLSC », « CA », « O.B.N.L. »).
func shouted(q string) bool {
	words := 0
	// Words as the parser separates them (isWordSeparator): « AS!AS » is
	// two, « O.B.N.L. » and « L'OBNL » one.
	sep := func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(",;:+|/()[]{}…!?¡¿", r) }
	for _, f := range strings.FieldsFunc(q, sep) {
		if strings.IndexFunc(f, unicode.IsLetter) >= 0 {
			words++
		}
	}
	return words >= 2 && strings.IndexFunc(q, unicode.IsLower) < 0 && strings.IndexFunc(q, unicode.IsUpper) >= 0
}

// withoutRepeats returns the clauses without those that plan to the same
// word as one before them (Word.key: « logement Logement », « -mtl
// -mtl »): a word typed twice is one clause for everything that reads the
// clauses, synonyms and phrases too (« décision décision par
// consentement » is « décision par consentement »). Stop words stay where
// they are.
func withoutRepeats(cs []Clause) []Clause {
	seen := map[string]bool{}
	out := cs[:0:0]
	for _, c := range cs {
		if w := planWord(c); w != nil {
			k := w.key()
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		out = append(out, c)
	}
	return out
}

// isWordSeparator reports whether rs[i] is punctuation that separates two
// words typed without a space: a comma, a semicolon, a colon, a plus (the
// « and » of other search boxes), a bar, a slash (« logement/habitation »;
// the inclusive forms' were read before), brackets, an ellipsis, ! and ?;
// but not between two digits (« 2,5 », « 10:30 », « 2024/2025 »: a number,
// a time, a span). A hyphen, an apostrophe and a period still join
// (Saint-Jérôme, aujourd’hui, O.B.N.L.).
func isWordSeparator(rs []rune, i int) bool {
	switch rs[i] {
	case ',', ';', ':', '+', '|', '/', '(', ')', '[', ']', '{', '}', '…', '!', '?', '¡', '¿':
		return i == 0 || i == len(rs)-1 || !unicode.IsDigit(rs[i-1]) || !unicode.IsDigit(rs[i+1])
	}
	return false
}

// splitPunctuation splits a word typed without spaces at its punctuation
// (isWordSeparator); the parts may be empty.
func splitPunctuation(rs []rune) []string {
	var parts []string
	start := 0
	for j := range rs {
		if isWordSeparator(rs, j) {
			parts = append(parts, string(rs[start:j]))
			start = j + 1
		}
	}
	return append(parts, string(rs[start:]))
}

// parenForm is inclusive writing with parentheses: « participant(e)s »,
// « acteur(trice)s ».
var parenForm = regexp.MustCompile(`(\p{L})\((\p{Ll}{1,6})\)(\p{Ll}{0,2})(\P{L}|$)`)

// inclusiveParens writes inclusive forms with parentheses with the middle
// dot the analysis reads (« participant·e·s »): as typed, the letters in
// and after the parentheses were words of their own, and the query found
// nothing.
func inclusiveParens(text string) string { return withMiddleDots(parenForm, "(", text) }

// slashForm is inclusive writing with slashes: « étudiant/e/s »,
// « intervenant/es », « travailleur/euse/s ».
var slashForm = regexp.MustCompile(`(\p{L})/(\p{Ll}{1,6})(?:/(\p{Ll}{1,2}))?(\P{L}|$)`)

// inclusiveSlashes writes inclusive forms with slashes with the middle dot
// the analysis reads (« étudiant·e·s »): as typed, the letters after the
// slashes were words of their own (« e », or « es » completed as « escale »)
// and « étudiant/e/s » found nothing. A slash between two words (« ville/
// village », « oui/non ») keeps them apart as before: the analysis reads
// only the endings of inclusive writing after the dot.
func inclusiveSlashes(text string) string { return withMiddleDots(slashForm, "/", text) }

// withMiddleDots rewrites the inclusive forms form finds in text (groups:
// the letter before the mark, the ending, an optional plural, what
// follows) with middle dots; mark is the separator, looked for first. Only
// an ending that makes the feminine of the word before it, by the
// analysis's rules (analysis.InclusiveEnding), is rewritten: « logement/
// ville » stays two words.
func withMiddleDots(form *regexp.Regexp, mark, text string) string {
	if !strings.Contains(text, mark) {
		return text
	}
	var b strings.Builder
	last := 0
	for _, m := range form.FindAllStringSubmatchIndex(text, -1) {
		// The word before the mark: its letters back from the group's end.
		end, start := m[3], m[3]
		for start > 0 {
			r, size := utf8.DecodeLastRuneInString(text[:start])
			if !unicode.IsLetter(r) {
				break
			}
			start -= size
		}
		ending := text[m[4]:m[5]]
		if m[6] >= 0 {
			ending += text[m[6]:m[7]]
		}
		// « étudiant/es/s »: the ending, with its plural or without it.
		if !analysis.InclusiveEnding(text[start:end], ending, false) && !analysis.InclusiveEnding(text[start:end], text[m[4]:m[5]], false) {
			continue
		}
		b.WriteString(text[last:m[2]])
		b.WriteString(text[m[2]:m[3]] + "·" + text[m[4]:m[5]])
		if m[6] >= 0 && m[7] > m[6] {
			b.WriteString("·" + text[m[6]:m[7]])
		}
		last = m[8]
	}
	b.WriteString(text[last:])
	return b.String()
}

// typoBudget returns the edit distance tolerated for a word of n characters:
// none up to 4 characters, 1 from 5, 2 from 9.
func typoBudget(n int) int {
	switch {
	case n >= 9:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// InclusiveLast returns the query with its last word, being typed, read as
// inclusive writing (analysis.InclusiveHyphens: « étudiant-es » as
// « étudiant·es ») when no note writes a word it begins (a compound being
// typed, « sous-e », stays as typed); ok is false when nothing changed.
func (p ParsedQuery) InclusiveLast(dict Dictionary) (ParsedQuery, bool) {
	n := len(p.Clauses)
	if dict == nil || n == 0 || !p.Clauses[n-1].Prefix {
		return p, false
	}
	c := p.Clauses[n-1]
	t := analysis.InclusiveHyphens(c.Text)
	if t == c.Text || completesWritten(dict, c.Text) {
		return p, false
	}
	out := ParsedQuery{Clauses: append([]Clause(nil), p.Clauses...)}
	out.Clauses[n-1].Text = t
	out.Clauses = withoutRepeats(out.Clauses)
	return out, true
}

// SplitHyphens returns the query with each hyphenated word it searches for
// (not a phrase, not an excluded word) read as its parts, separate words:
// « aînés-isolés » as « aînés isolés », « sainte-agate » as « sainte
// agate »; ok is false when no word was split (or the parts would make
// more words than a query may hold). A hyphen joins real compounds
// (« Saint-Jérôme », « porte-parole »), which a search matches whole or as
// its adjacent parts; the engine reads the parts apart only when that finds
// nothing, so that a search with a hyphen typed between two words, or a
// typo in a compound, still finds the notes holding the words.
func (p ParsedQuery) SplitHyphens() (ParsedQuery, bool) {
	return p.splitHyphens(func(Clause, []string) bool { return true })
}

// SplitUnknownHyphens is SplitHyphens for the hyphenated words that can
// match no note, known before searching: neither the compound nor one of
// its parts is in dict (« sainte-agate », a typo inside a compound, which
// gets no typo tolerance whole), and the word has no synonyms in syn. Read
// apart, the part misspelled is tolerated, and the notes holding the other
// words are found, where the word whole matched nothing (the query's other
// words then found notes without it, and the search never came to nothing).
// The last part of the word being typed (Prefix) is known when a note
// writes a word it begins: « val-d’o » is « Val-d’Or » half typed.
func (p ParsedQuery) SplitUnknownHyphens(dict Dictionary, syn *analysis.Synonyms) (ParsedQuery, bool) {
	if dict == nil {
		return p, false
	}
	return p.splitHyphens(func(c Clause, parts []string) bool {
		if syn != nil && syn.Expand(c.Text) != nil {
			return false
		}
		if compound := analysis.CompoundTerm(c.Text); compound == "" || HasTerm(dict, compound) {
			return false
		}
		if c.Prefix && completesWritten(dict, c.Text) {
			return false // a compound half typed (« rendez-vou »): a note writes it whole
		}
		for i, part := range parts {
			if c.Prefix && i == len(parts)-1 && completesTerm(dict, part) {
				continue // the part being typed: a note writes a word it begins
			}
			toks := analysis.Analyze(part)
			if len(toks) == 0 {
				continue // a stop word (« rendez-vous »)
			}
			if !slices.ContainsFunc(toks, func(t analysis.Token) bool { return HasTerm(dict, t.Term) }) {
				return true
			}
		}
		return false
	})
}

// completesTerm reports whether some term of the fields searched for typos
// begins with part as folded: the last part of a word still being typed
// (« val-d’o », « saint-jér ») is a prefix, which no note need write whole.
func completesTerm(dict Dictionary, part string) bool {
	p := analysis.BareWord(analysis.Fold(part))
	if p == "" {
		return false
	}
	for _, f := range fuzzyFields {
		if terms, err := dict.Prefix(f, p, 1); err == nil && len(terms) > 0 {
			return true
		}
	}
	return false
}

// ShortTypedLast reports whether the query's last clause is a word still
// being typed of a single letter or digit (after an elided article: « d'u »,
// « l'é »), with other words to search before it: WithoutShortTyped may
// drop it. A cheap test, before any dictionary is opened.
func (p ParsedQuery) ShortTypedLast() bool {
	n := len(p.Clauses)
	if n < 2 {
		return false
	}
	c := p.Clauses[n-1]
	if !c.Prefix || c.Phrase || c.Exclude || prefixOf(c.Text) != "" || analysis.BareWord(analysis.Fold(c.Text)) == "" {
		return false
	}
	return len(p.Positive()) >= 2
}

// WithoutShortTyped returns the query without its last word when
// ShortTypedLast holds and no note holds that letter as a term (dict, in
// the caller's scope). One letter is too short to complete (completions
// start at two), so it was searched as the letter itself, which no note
// holds: « maison des f » came back relaxed with the notes of « maison »,
// « comment f » (« comment » not searched beside another word) found
// nothing, at every pause of a person typing « maison des familles » or
// « comment faire ». The other words' notes are what the person sees until
// the second letter. A letter the notes hold (« 7 », « h » of « 9 h ») is
// kept: DropShortTyped then serves when no note holds every word.
func (p ParsedQuery) WithoutShortTyped(dict Dictionary) (ParsedQuery, bool) {
	if dict == nil || !p.ShortTypedLast() {
		return p, false
	}
	for _, t := range analysis.Analyze(p.Clauses[len(p.Clauses)-1].Text) {
		if HasTerm(dict, t.Term) {
			return p, false
		}
	}
	return p.DropShortTyped()
}

// DropShortTyped returns the query without its last word when
// ShortTypedLast holds and words remain to search without it. Stop words
// or a question typed whole are no search on their own (« c'est q »,
// « qu'est-ce que l'é »: browsing every note would answer a question
// nobody asked): the query is then kept as it was.
func (p ParsedQuery) DropShortTyped() (ParsedQuery, bool) {
	if !p.ShortTypedLast() {
		return p, false
	}
	return p.withoutLast()
}

// withoutLast returns the query without its last clause, when words remain
// to search without it; else the query as it was and false.
func (p ParsedQuery) withoutLast() (ParsedQuery, bool) {
	rest := ParsedQuery{Clauses: slices.Clone(p.Clauses[:len(p.Clauses)-1])}
	if _, positive, _, _ := plannedWords(rest); positive == 0 {
		return p, false
	}
	return rest, true
}

// DropStopTyped returns the query without its last word when that word is
// a stop word still being typed after other words to search (« théorie
// du », « comment démarrer un », « aînés isolés sans »), that has no
// synonym in syn and that no note writes as an acronym (dict: « CA » is a
// word, « ça » is not). Called when no note holds every word: the stop
// word's completions (« durable », « unique ») were searched, which the
// notes of the other words seldom hold, and every pause on a stop word
// came back relaxed, the page saying that no note holds every word. The
// person is typing the next word; the other words' notes meanwhile.
func (p ParsedQuery) DropStopTyped(dict Dictionary, syn *analysis.Synonyms) (ParsedQuery, bool) {
	n := len(p.Clauses)
	if n < 2 || dict == nil {
		return p, false
	}
	c := p.Clauses[n-1]
	if !c.Prefix || c.Phrase || c.Exclude || len(hyphenParts(c.Text)) > 0 {
		return p, false
	}
	key, stop := analysis.WordKey(c.Text)
	if !stop || key == "" || (syn != nil && syn.Expand(c.Text) != nil) {
		return p, false
	}
	if w := analysis.BareWord(analysis.Fold(c.Text)); w == "" || HasTerm(dict, w) {
		return p, false
	}
	return p.withoutLast()
}

// completesWritten reports whether a note writes a word, as written, that
// begins with the word being typed whole, hyphens and apostrophes kept:
// « rendez-vou » is « rendez-vous » half typed, which the word being typed
// reaches whole, where its parts would not (« vou »: « vous » is a stop
// word).
func completesWritten(dict Dictionary, text string) bool {
	p := prefixOf(text)
	if p == "" {
		return false
	}
	words, err := dict.Prefix(schema.Words, p, 1)
	return err == nil && len(words) > 0
}

// distinctClauses returns the clauses without those typed before with the
// same words, folded, as a phrase or not, excluded or not; the last clause
// is kept.
func distinctClauses(cs []Clause) []Clause {
	type key struct {
		text             string
		phrase, excluded bool
	}
	seen := map[key]bool{}
	out := make([]Clause, 0, len(cs))
	for i, c := range cs {
		k := key{analysis.Fold(c.Text), c.Phrase, c.Exclude}
		if seen[k] && i < len(cs)-1 {
			continue
		}
		seen[k] = true
		out = append(out, c)
	}
	return out
}

// splitHyphens splits the hyphenated words searched for for which split
// (given the word and its parts) is true.
func (p ParsedQuery) splitHyphens(split func(c Clause, parts []string) bool) (ParsedQuery, bool) {
	var out ParsedQuery
	done := false
	for _, c := range p.Clauses {
		parts := hyphenParts(c.Text)
		if c.Phrase || c.Exclude || len(parts) < 2 || !split(c, parts) {
			out.Clauses = append(out.Clauses, c)
			continue
		}
		done = true
		for i, part := range parts {
			out.Clauses = append(out.Clauses, Clause{Text: part, Prefix: c.Prefix && i == len(parts)-1})
		}
	}
	if !done || len(out.Clauses) > MaxQueryClauses {
		return p, false
	}
	return out, true
}

// hyphenParts splits a word at the hyphens between two letters or digits
// (« aînés-isolés », « COVID-19 »); nil when it has none. A dash a phone or
// a word processor puts for the hyphen (IsMinus: en and em dashes, minus
// sign…), and a hyphen typed twice, join two words as well: the search
// reads « aînés–isolés » and « aînés--isolés » as the words side by side,
// as « aînés-isolés ».
func hyphenParts(w string) []string {
	rs := []rune(w)
	var parts []string
	start := 0
	for i := 1; i+1 < len(rs); i++ {
		if !IsMinus(rs[i]) || !isAlnum(rs[i-1]) {
			continue
		}
		j := i + 1 // past the dashes
		for j < len(rs) && IsMinus(rs[j]) {
			j++
		}
		if j < len(rs) && isAlnum(rs[j]) {
			parts = append(parts, string(rs[start:i]))
			start = j
		}
		i = j - 1
	}
	if parts == nil {
		return nil
	}
	return append(parts, string(rs[start:]))
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// joinDashes writes as one hyphen the dashes a phone or a word processor
// puts for it between two letters or digits (IsMinus: en and em dashes,
// minus sign…, or a hyphen typed twice), and as a typographic apostrophe
// the accents typed for one between two letters (« d´administration »,
// « l`école »): the rest of the search reads a word's hyphens and
// apostrophes, and « logement–social » was read as « l’ogement ».
func joinDashes(w string) string {
	if strings.IndexFunc(w, func(r rune) bool { return r != '-' && IsMinus(r) || r == '-' || r == '´' || r == '`' }) < 0 {
		return w
	}
	rs := []rune(w)
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case (r == '´' || r == '`') && i > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i-1]) && unicode.IsLetter(rs[i+1]):
			out = append(out, '’')
		case IsMinus(r) && i > 0 && isAlnum(rs[i-1]):
			j := i + 1
			for j < len(rs) && IsMinus(rs[j]) {
				j++
			}
			if j < len(rs) && isAlnum(rs[j]) {
				out = append(out, '-')
				i = j - 1
				continue
			}
			out = append(out, rs[i:j]...)
			i = j - 1
		default:
			out = append(out, r)
		}
	}
	return string(out)
}
